"""No link leads to a view that only answers POST: following one gives a blank 405 (the
evaluation page's "open the bids for evaluation" did). A state change is a button in a form.

Two checks: every template's `<a href="{% url ... %}">` is read, and every page each demo person
reaches by following links is rendered, with a tender past its deadline and not yet opened, so
links built in views count too."""

import re
from collections import Counter, deque
from datetime import timedelta
from html import unescape
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from levelfield.accounts.models import User
from levelfield.core import clock
from levelfield.tenders.models import Tender
from tests.support import testing

BACKEND = "django.contrib.auth.backends.ModelBackend"
PROJECT = Path(settings.BASE_DIR).parent
LINK = re.compile(r"<a\b[^>]*?\shref=\"([^\"]*)\"", re.I | re.S)
TEMPLATE_LINK = re.compile(r"<a\b[^>]*?\shref=\"\{%\s*url\s+'([^']+)'", re.I | re.S)
URL_AS = re.compile(r"\{%\s*url\s+'([^']+)'[^%]*?\sas\s+(\w+)\s*%\}")
NOT_CRAWLED = ("/admin/", "/api/", "/static/", "/media/")


def allowed_methods(view) -> set[str] | None:
    """The HTTP methods a view accepts, as its `require_http_methods` (or `require_POST`,
    `require_GET`, `require_safe`) decorator says, wherever it sits among the decorators; None
    when nothing restricts them."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
    func = view
    while func is not None:
        code, closure = getattr(func, "__code__", None), getattr(func, "__closure__", None)
        if code is not None and closure:
            cells = dict(zip(code.co_freevars, closure, strict=True))
            if "request_method_list" in cells:
                return set(cells["request_method_list"].cell_contents)
        func = getattr(func, "__wrapped__", None)
    return None


def refuses_get(view) -> bool:
    methods = allowed_methods(view)
    return methods is not None and "GET" not in methods


def views_by_name() -> dict[str, object]:
    """Every named URL, with namespaces ("evaluation:overview"), and its view."""
    found: dict[str, object] = {}

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
                walk(entry.url_patterns, namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                found.setdefault(prefix + entry.name, entry.callback)

    walk(get_resolver().url_patterns, "")
    return found


def linked_url_names(template: str) -> list[str]:
    """The URL names a template links to: `<a href="{% url 'name' %}">`, and
    `{% url 'name' as var %}` followed by `<a href="{{ var }}">`."""
    names = TEMPLATE_LINK.findall(template)
    for name, var in URL_AS.findall(template):
        if re.search(rf"<a\b[^>]*?\shref=\"\{{\{{\s*{var}\s*\}}\}}\"", template, re.S):
            names.append(name)
    return names


def project_templates() -> list[Path]:
    return sorted(
        path for path in (PROJECT / "levelfield").rglob("*.html") if "templates" in path.parts
    )


def links_to_post_only_views(template: str, views: dict[str, object]) -> list[str]:
    return [name for name in linked_url_names(template) if refuses_get(views.get(name))]


# --- the checks themselves can fail ----------------------------------------------------------


def test_the_check_knows_a_post_only_view_from_a_page():
    views = views_by_name()
    assert refuses_get(views["tenders:open_evaluation"])
    assert refuses_get(views["evaluation:open"])
    assert refuses_get(views["accounts:logout"])
    assert not refuses_get(views["evaluation:overview"])
    assert not refuses_get(views["public:opportunities"])
    # The evaluation page's old link, and the same through `as`, are caught.
    old = (
        '<a class="govuk-link" href="{% url \'tenders:open_evaluation\' tender.pk %}">open the '
        "bids for evaluation</a>"
    )
    assert links_to_post_only_views(old, views) == ["tenders:open_evaluation"]
    through_as = (
        "{% url 'evaluation:open' tender.pk as open_url %}"
        '<a class="govuk-link" href="{{ open_url }}">Open</a>'
    )
    assert links_to_post_only_views(through_as, views) == ["evaluation:open"]
    button = (
        '<form method="post" action="{% url \'evaluation:open\' tender.pk %}">'
        '{% csrf_token %}<button class="govuk-button">Open</button></form>'
    )
    assert links_to_post_only_views(button, views) == []


def test_no_template_links_to_a_view_that_only_answers_post():
    views = views_by_name()
    templates = project_templates()
    assert len(templates) > 50
    offending = {
        str(path.relative_to(PROJECT)): names
        for path in templates
        if (names := links_to_post_only_views(path.read_text(), views))
    }
    assert offending == {}


# --- every page the demo's people reach ------------------------------------------------------


def crawl(client: Client, starts: list[str], *, per_view: int = 3, limit: int = 200):
    """Follow links breadth first from `starts`, GETting at most `per_view` pages of each view.
    Returns (pages read, [(page, link) for each link to a view that refuses GET], [pages that
    answered 405 or a server error])."""
    queue = deque(("(start)", url) for url in starts)
    seen: set[str] = set()
    per = Counter()
    read, bad_links, bad_pages = [], [], []
    while queue and len(read) < limit:
        source, url = queue.popleft()
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(NOT_CRAWLED):
            continue
        try:
            match = resolve(parts.path)
        except Resolver404:
            continue
        if refuses_get(match.func):
            bad_links.append((source, url))
            continue
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if target in seen or per[match.view_name] >= per_view:
            continue
        seen.add(target)
        per[match.view_name] += 1
        response = client.get(target)
        read.append(target)
        if response.status_code == 405 or response.status_code >= 500:
            bad_pages.append((source, target, response.status_code))
            continue
        if response.status_code in (301, 302):
            queue.append((target, response["Location"]))
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in LINK.findall(response.content.decode()):
            queue.append((target, unescape(href).split("#")[0]))
    return read, bad_links, bad_pages


@pytest.fixture
def demo(db):
    call_command("demo", stdout=StringIO())
    officer = User.objects.get(email="daniel.okafor@wessex.example")
    # A tender whose deadline has passed and whose bids are not yet opened: its evaluation
    # page offered the opening as a link.
    closed = testing.published_tender(buyer=officer.memberships.get().organisation, by=officer)
    supplier, supplier_user = testing.supplier_with_user("Late Lane Ltd")
    testing.submitted_bid(tender=closed, supplier=supplier, by=supplier_user, price="1000")
    past = clock.now()
    Tender.objects.filter(pk=closed.pk).update(
        clarification_deadline=past - timedelta(days=2),
        submission_deadline=past - timedelta(minutes=1),
    )
    return closed


PEOPLE = [
    None,
    "daniel.okafor@wessex.example",
    "helen.marsh@wessex.example",
    "tom.hughes@wessex.example",
    "maya.collins@bytebridge.example",
    "joanne.baker@kennetcare.example",
    # Supplier resilience: the team (no organisation), the strategic supplier, a second council.
    "nadia.kowalski@levelfield.example",
    "alistair.reeve@meridiancare.example",
    "chloe.adeyemi@sandbourne.example",
]


@pytest.mark.parametrize("email", PEOPLE, ids=lambda email: email or "signed-out")
def test_no_page_a_demo_person_reaches_links_to_a_post_only_view(client, demo, email):
    starts = ["/", reverse("public:opportunities")]
    if email:
        user = User.objects.get(email=email)
        client.force_login(user, backend=BACKEND)
        starts += [reverse("accounts:dashboard"), reverse("accounts:account")]
    if email and email.endswith("wessex.example"):
        starts += [reverse("tenders:dashboard"), reverse("evaluation:overview", args=[demo.pk])]
    elif email:
        starts += [reverse("bids:dashboard"), reverse("suppliers:profile")]
    read, bad_links, bad_pages = crawl(client, starts)
    assert len(read) >= 8, read
    assert bad_links == [] and bad_pages == []
