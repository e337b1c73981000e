"""The Python dependencies: pyproject.toml pins each one, requirements/lock.txt (`./dev lock`)
holds the same versions with their files' hashes and nothing pyproject.toml no longer asks for,
and every third-party module the product imports comes from a distribution it declares (not
from one that only happens to be installed beside another)."""

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
LOCK = ROOT / "requirements" / "lock.txt"
PRODUCT = ROOT / "levelfield"


def pinned(requirements: list[str]) -> dict[str, str]:
    """name -> version of each `name==version` (extras dropped); the project's own extras
    (`levelfield[spark]`) are left out, being listed where they are defined."""
    pins = {}
    for line in requirements:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        if name == PYPROJECT["project"]["name"]:
            continue
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", f"{line} is not pinned"
        pins[name] = specifiers[0].version
    return pins


def declared() -> dict[str, dict[str, str]]:
    """The pins of pyproject.toml, by where they are declared."""
    project = PYPROJECT["project"]
    groups = {"runtime": pinned(project["dependencies"])}
    for extra, requirements in project["optional-dependencies"].items():
        groups[f"extra {extra}"] = pinned(requirements)
    for group, requirements in PYPROJECT.get("dependency-groups", {}).items():
        groups[f"group {group}"] = pinned(requirements)
    return groups


ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def locked(text: str) -> dict[str, dict]:
    """Each entry of a lock made by `uv pip compile --generate-hashes`: its version, its hashes
    and what asked for it (the `# via` lines)."""
    entries: dict[str, dict] = {}
    current = None
    for line in text.splitlines():
        match = ENTRY.match(line)
        if match:
            current = {"version": match.group(2), "hashes": [], "via": []}
            entries.setdefault(canonicalize_name(match.group(1)), current)
            continue
        stripped = line.strip()
        if current is None or not stripped:
            continue
        if stripped.startswith("--hash="):
            current["hashes"].append(stripped.removeprefix("--hash=").rstrip(" \\"))
        elif stripped.startswith("# via "):
            current["via"].append(stripped.removeprefix("# via ").strip())
        elif stripped.startswith("#   "):
            current["via"].append(stripped.removeprefix("#").strip())
    return entries


def disagreements(groups: dict[str, dict[str, str]], lock: dict[str, dict]) -> list[str]:
    found = []
    for where, pins in groups.items():
        for name, version in pins.items():
            entry = lock.get(name)
            if entry is None:
                found.append(f"{name}=={version} ({where}) is not in the lock")
            elif entry["version"] != version:
                found.append(f"{name}=={version} ({where}) is {entry['version']} in the lock")
    direct = {name for pins in groups.values() for name in pins}
    for name, entry in lock.items():
        asked_by_project = any(via.startswith("levelfield (pyproject.toml") for via in entry["via"])
        if asked_by_project and name not in direct:
            found.append(f"{name} is in the lock for pyproject.toml, which no longer asks for it")
        if not entry["hashes"]:
            found.append(f"{name} has no hash in the lock")
    return found


def test_the_lock_holds_what_pyproject_pins_with_hashes():
    assert disagreements(declared(), locked(LOCK.read_text())) == []


def test_the_lock_was_made_by_dev_lock():
    assert "#    ./dev lock\n" in LOCK.read_text()


def test_the_build_tools_are_locked_as_the_build_pins_them():
    """./dev builds levelfield without isolation, with setuptools and Cython from the lock."""
    build_system = pinned(PYPROJECT["build-system"]["requires"])
    group = declared()["group build"]
    assert {name: group.get(name) for name in build_system} == build_system


LOCK_TEXT = """\
django==5.2.19 \\
    --hash=sha256:aa
    # via
    #   levelfield (pyproject.toml)
    #   django-ninja
jsonref==1.1.0 \\
    --hash=sha256:bb
    # via levelfield (pyproject.toml)
sqlparse==0.6.1
    # via django
"""


def test_the_check_knows_a_lock_out_of_step():
    lock = locked(LOCK_TEXT)
    assert lock["django"]["via"] == ["levelfield (pyproject.toml)", "django-ninja"]
    assert disagreements({"runtime": {"django": "5.2.19", "jsonref": "1.1.0"}}, lock) == [
        "sqlparse has no hash in the lock"
    ]
    assert disagreements({"runtime": {"django": "5.2.20", "orjson": "3.13.0"}}, lock) == [
        "django==5.2.20 (runtime) is 5.2.19 in the lock",
        "orjson==3.13.0 (runtime) is not in the lock",
        "jsonref is in the lock for pyproject.toml, which no longer asks for it",
        "sqlparse has no hash in the lock",
    ]


# The product's own modules: everything under levelfield/ but its tests.
def product_modules():
    for path in sorted(PRODUCT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "tests" in relative.parts:
            continue
        yield ".".join(relative.with_suffix("").parts), path.read_text()


def imported_modules(source: str) -> set[str]:
    """The absolute top-level names `source` imports (relative imports are the product's)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def undeclared(source: str, distributions: dict[str, list[str]], allowed: set[str]) -> list[str]:
    """The third-party modules `source` imports whose distribution is not in `allowed`."""
    found = []
    for name in sorted(imported_modules(source)):
        if name in sys.stdlib_module_names or name == "levelfield":
            continue
        owners = {canonicalize_name(owner) for owner in distributions.get(name, [])}
        if not owners & allowed:
            found.append(f"{name} (from {', '.join(sorted(owners)) or 'nothing installed'})")
    return found


def product_distributions() -> set[str]:
    """What installing levelfield brings: its dependencies and the extras of the product (an
    optional engine such as Spark), not the test extra."""
    groups = declared()
    names = set(groups["runtime"])
    for where, pins in groups.items():
        if where.startswith("extra ") and where != "extra test":
            names |= set(pins)
    return names


def test_every_module_the_product_imports_is_a_declared_dependency():
    distributions = importlib.metadata.packages_distributions()
    allowed = product_distributions()
    found = {
        module: missing
        for module, source in product_modules()
        if (missing := undeclared(source, distributions, allowed))
    }
    assert found == {}


def test_the_check_knows_an_undeclared_import():
    distributions = {"yaml": ["PyYAML"], "dateutil": ["python-dateutil"], "django": ["Django"]}
    source = "import os\nimport yaml\nfrom django.db import models\nfrom dateutil import tz\n"
    assert undeclared(source, distributions, {"django"}) == [
        "dateutil (from python-dateutil)",
        "yaml (from pyyaml)",
    ]
    assert undeclared("import nowhere_at_all", distributions, {"django"}) == [
        "nowhere_at_all (from nothing installed)"
    ]


@pytest.mark.parametrize("module", ["levelfield.testing", "levelfield.opendata.schema"])
def test_test_helpers_are_not_in_the_product(module):
    assert not (ROOT / Path(*module.split("."))).with_suffix(".py").exists()


def test_the_wheel_leaves_the_tests_out():
    """The packages setuptools ships, found as pyproject.toml tells it: no tests among them."""
    from setuptools import find_packages

    options = PYPROJECT["tool"]["setuptools"]["packages"]["find"]
    packages = find_packages(
        str(ROOT), include=options.get("include", ["*"]), exclude=options.get("exclude", [])
    )
    assert "levelfield.opendata" in packages
    assert [p for p in packages if "tests" in p.split(".")] == []


def imported_names(source: str):
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node.module or ""


def test_the_product_imports_nothing_from_the_tests():
    found = [
        (module, name)
        for module, source in product_modules()
        for name in imported_names(source)
        if "tests" in name.split(".")
    ]
    assert found == []
