"""Imports point down the floors (the house style): core, open data and insights import no
domain app (nor core open data or insights), and only pages (views, forms, the API and its
schemas, the admin, template tags) import template tags or views: an action, a selector or a
rule that formats a date for its message asks core for it, not a page's helper. Contracts
never imports the marketplace, which builds on it."""

import ast
from pathlib import Path

import pytest

import levelfield

ROOT = Path(levelfield.__file__).parent
DOMAIN_APPS = (
    "tenders",
    "bids",
    "evaluation",
    "contracts",
    "socialvalue",
    "suppliers",
    "alerts",
    "correspondence",
    "resilience",
    "reviews",
    "marketplace",
)
UPPER_FOR_CORE = (*DOMAIN_APPS, "accounts", "demo")
# Within the domain floor, an app that another builds on never imports it back, not even lazily
# inside a function: the marketplace enters call-offs through contracts' actions, so contracts
# learns of a call-off's framework from what the marketplace registers with it.
DOMAIN_BELOW = {"contracts": ("marketplace",)}
PAGE_MODULES = {"views", "forms", "api", "schemas", "admin", "urls", "error_views", "middleware"}


def imports(source: str, module: str):
    """Each import statement of `source` (the text of `module`, dotted): the absolute names it
    may bring in (a `from a import b` may import the module a.b)."""
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield [alias.name]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            yield [base, *(f"{base}.{alias.name}" for alias in node.names)]


def is_page(module: str) -> bool:
    parts = module.split(".")
    return (
        parts[-1] in PAGE_MODULES
        or parts[-1].split("_")[0] in PAGE_MODULES
        or "templatetags" in parts
        or "management" in parts
        or parts[1] == "demo"
    )


def problem(module: str, name: str) -> str | None:
    parts, target = module.split("."), name.split(".")
    if target[0] != "levelfield" or len(target) < 2:
        return None
    if parts[1] in ("core", "opendata", "insights") and target[1] in UPPER_FOR_CORE:
        return f"{module} imports {name}: core, open data and insights are below the domain"
    if target[1] in DOMAIN_BELOW.get(parts[1], ()):
        return f"{module} imports {name}: {target[1]} builds on {parts[1]}, not the other way"
    if parts[1] == "core" and target[1] in ("opendata", "insights"):
        return f"{module} imports {name}: core is below open data and insights"
    if not is_page(module) and (
        "templatetags" in target or any(t.split("_")[0] == "views" for t in target[2:])
    ):
        return f"{module} imports {name}: only pages import template tags and views"
    return None


def problems(source: str, module: str) -> list[str]:
    """One line for each import statement of `source` that points up the floors."""
    found = []
    for names in imports(source, module):
        wrong = [p for p in (problem(module, name) for name in names) if p]
        if wrong:
            found.append(wrong[0])
    return found


def project_modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT.parent).with_suffix("")
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        yield ".".join(relative.parts), path.read_text()


def test_every_import_points_down_the_floors():
    found = [line for module, source in project_modules() for line in problems(source, module)]
    assert found == []


@pytest.mark.parametrize(
    ("module", "source", "caught"),
    [
        ("levelfield.tenders.dates", "from levelfield.core.templatetags.govuk import uk_date", 1),
        ("levelfield.bids.actions", "def f():\n    from ..core.templatetags import govuk", 1),
        ("levelfield.core.audit", "from levelfield.bids.models import Bid", 1),
        ("levelfield.opendata.feed", "import levelfield.tenders.models", 1),
        ("levelfield.core.notify", "from levelfield.opendata import feed", 1),
        ("levelfield.opendata.feed", "from levelfield.core import clock", 0),
        ("levelfield.insights.measures", "from levelfield.contracts.models import Contract", 1),
        ("levelfield.insights.views_dashboards", "from levelfield.accounts import rules", 1),
        ("levelfield.insights.snapshot", "from levelfield.opendata.models import Record", 0),
        ("levelfield.core.clock", "from levelfield.insights import engine", 1),
        ("levelfield.bids.selectors", "from levelfield.tenders import views_public", 1),
        ("levelfield.tenders.forms", "from levelfield.core.templatetags.govuk import uk_date", 0),
        ("levelfield.tenders.actions", "from levelfield.core.display import uk_date", 0),
        ("levelfield.tenders.urls_public", "from . import views_public as views", 0),
        ("levelfield.tenders.api_common", "from .templatetags.tenders import path", 0),
        ("levelfield.contracts.ocds", "def f():\n    from levelfield.marketplace import ocds", 1),
        ("levelfield.contracts.views", "from levelfield.marketplace.models import Outcome", 1),
        ("levelfield.marketplace.ocds", "from levelfield.contracts import ocds", 0),
    ],
)
def test_the_check_knows_an_import_up_the_floors(module, source, caught):
    assert len(problems(source, module)) == caught
