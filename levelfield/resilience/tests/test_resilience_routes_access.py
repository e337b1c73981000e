"""Every route of supplier resilience, pages and API, for every kind of person, as a table built
against the URL resolver (namespace "resilience") and the OpenAPI document (/api/resilience and
/api/supplier/living-will): a route with no entry here fails the first test, so a new page or
endpoint must say who may reach it.

For each route and person: never a server error; someone not let in is refused (signed out: sent
to sign in, or 401; signed in: 403 or 404) and never sees the living will (its submitted or draft
services), the saved scenario or, outside the platform admin's own pages, the supplier's name; the
ids tried are real ones (someone else's will, version, scenario, supplier, breach, grant)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from levelfield.accounts.actions import create_api_token
from levelfield.core import clock
from levelfield.resilience.actions_financial import record_reading
from levelfield.resilience.actions_scenarios import create_scenario
from levelfield.resilience.models import BreachEvent, PlatformRole

from . import access_world
from .access_world import DRAFT, SUBMITTED, SUPPLIER

pytestmark = pytest.mark.django_db

SCENARIO = "Secret failure drill"

# kinds of person
ADMIN, MEMBER, OTHER, READER, BUYER, TEAM, PLATFORM, ANON = (
    "supplier admin",
    "supplier member",
    "another supplier",
    "critical buyer",
    "other buyer",
    "resilience team",
    "platform admin",
    "anonymous",
)
PEOPLE = {
    "supplier admin": ADMIN,
    "supplier member": MEMBER,
    "another supplier": OTHER,
    "critical buyer admin": READER,
    "critical buyer officer": READER,
    "buyer of a non-critical contract": BUYER,
    "unrelated buyer": BUYER,
    "evaluator at the critical buyer": BUYER,
    "resilience team": TEAM,
    "platform admin not on the team": PLATFORM,
    "anonymous": ANON,
}
SIGNED_IN = frozenset(set(PEOPLE.values()) - {ANON})
SUPPLIER_SIDE = frozenset({ADMIN, MEMBER})
WILL_READERS = frozenset({ADMIN, MEMBER, READER, TEAM})
TEAM_ONLY = frozenset({TEAM})
PLATFORM_ONLY = frozenset({PLATFORM})


@pytest.fixture
def world():
    org, will, people = access_world.build()
    team = people["resilience team"]
    scenario = create_scenario(
        name=SCENARIO, supplier_ids=[org.pk], as_of=clock.today_uk(), by=team
    )
    record_reading(
        supplier=org, indicator_code="credit_score", value="5", as_of=clock.today_uk(), by=team
    )
    ids = {
        "will": will.pk,
        "supplier": org.pk,
        "scenario": scenario.pk,
        "breach": BreachEvent.objects.get().pk,
        "grant": PlatformRole.objects.get(user=team).pk,
    }
    return ids, people


def page(name, *args):
    return lambda ids: reverse(f"resilience:{name}", args=[ids.get(a, a) for a in args])


def api(path):
    return lambda ids: path.format(**ids)


# route -> (method, address from the ids, body, who is let in). A route reached by GET and POST
# is tried with GET (its POST is the same view, refused the same way).
PAGES = {
    "will": ("get", page("will"), None, SUPPLIER_SIDE | {OTHER}),  # another: its own, empty
    "will_start": ("post", page("will_start"), {}, SUPPLIER_SIDE | {OTHER}),
    "will_submit": ("post", page("will_submit"), {}, SUPPLIER_SIDE),
    "will_owner": ("get", page("will_owner"), None, {ADMIN}),
    "will_contracts": ("get", page("will_contracts"), None, SUPPLIER_SIDE),
    "will_draft": ("get", page("will_draft"), None, SUPPLIER_SIDE),
    "will_version": ("get", page("will_version", 1), None, SUPPLIER_SIDE),
    "will_section": ("get", page("will_section", "services"), None, SUPPLIER_SIDE),
    "will_item_add": ("get", page("will_item_add", "services"), None, {ADMIN}),
    "will_item_change": ("get", page("will_item_change", "services", 2), None, {ADMIN}),
    "will_item_remove": (
        "post",
        page("will_item_remove", "services", 2),
        {"title": DRAFT},
        {ADMIN},
    ),
    "home": ("get", page("home"), None, TEAM_ONLY),
    "concentration": ("get", page("concentration"), None, TEAM_ONLY),
    "concentration_csv": ("get", page("concentration_csv"), None, TEAM_ONLY),
    "wills": ("get", page("wills"), None, SIGNED_IN),  # each sees only what they may read
    "will_detail": ("get", page("will_detail", "will"), None, WILL_READERS),
    "will_version_detail": ("get", page("will_version_detail", "will", 1), None, WILL_READERS),
    "financial": ("get", page("financial"), None, TEAM_ONLY),
    "financial_supplier": ("get", page("financial_supplier", "supplier"), None, TEAM_ONLY),
    "financial_reading": ("get", page("financial_reading", "supplier"), None, TEAM_ONLY),
    "financial_notified": ("post", page("financial_notified", "breach"), {}, TEAM_ONLY),
    "financial_indicators": ("get", page("financial_indicators"), None, TEAM_ONLY),
    "financial_import": ("get", page("financial_import"), None, TEAM_ONLY),
    "scenarios": ("get", page("scenarios"), None, TEAM_ONLY),
    "scenario_new": ("get", page("scenario_new"), None, TEAM_ONLY),
    "scenario": ("get", page("scenario", "scenario"), None, TEAM_ONLY),
    "scenario_csv": ("get", page("scenario_csv", "scenario"), None, TEAM_ONLY),
    "scenario_pdf": ("get", page("scenario_pdf", "scenario"), None, TEAM_ONLY),
    "platform_team": ("get", page("platform_team"), None, PLATFORM_ONLY),
    "platform_team_end": ("post", page("platform_team_end", "grant"), {}, PLATFORM_ONLY),
    "strategic": ("get", page("strategic"), None, PLATFORM_ONLY),
    "strategic_mark": ("post", page("strategic_mark", "supplier"), {}, PLATFORM_ONLY),
    "strategic_end": ("post", page("strategic_end", "supplier"), {}, PLATFORM_ONLY),
}
API = {
    "GET /api/supplier/living-will": ("get", api("/api/supplier/living-will"), None, SUPPLIER_SIDE),
    "PUT /api/supplier/living-will": (
        "put",
        api("/api/supplier/living-will"),
        {"content": {}},
        {ADMIN},
    ),
    "POST /api/supplier/living-will/start": (
        "post",
        api("/api/supplier/living-will/start"),
        None,
        {ADMIN, OTHER},  # the admin's refused as started (409), another starts its own
    ),
    "POST /api/supplier/living-will/submit": (
        "post",
        api("/api/supplier/living-will/submit"),
        None,
        {ADMIN},
    ),
    "GET /api/supplier/living-will/versions": (
        "get",
        api("/api/supplier/living-will/versions"),
        None,
        SUPPLIER_SIDE | {OTHER},  # another: its own, none
    ),
    "GET /api/supplier/living-will/versions/{number}": (
        "get",
        api("/api/supplier/living-will/versions/1"),
        None,
        SUPPLIER_SIDE,
    ),
    "GET /api/resilience/living-wills": (
        "get",
        api("/api/resilience/living-wills"),
        None,
        SIGNED_IN,  # each sees only what they may read
    ),
    "GET /api/resilience/living-wills/{will_id}": (
        "get",
        api("/api/resilience/living-wills/{will}"),
        None,
        WILL_READERS,
    ),
    "GET /api/resilience/scenarios": ("get", api("/api/resilience/scenarios"), None, TEAM_ONLY),
    "POST /api/resilience/scenarios": (
        "post",
        api("/api/resilience/scenarios"),
        {"name": "x", "supplier_ids": [], "as_of": "2026-01-01"},
        TEAM_ONLY,
    ),
    "POST /api/resilience/scenarios/preview": (
        "post",
        api("/api/resilience/scenarios/preview"),
        {"supplier_ids": [], "as_of": "2026-01-01"},
        TEAM_ONLY,
    ),
    "GET /api/resilience/scenarios/{scenario_id}": (
        "get",
        api("/api/resilience/scenarios/{scenario}"),
        None,
        TEAM_ONLY,
    ),
    "GET /api/resilience/concentration": (
        "get",
        api("/api/resilience/concentration"),
        None,
        TEAM_ONLY,
    ),
    "GET /api/resilience/financial/indicators": (
        "get",
        api("/api/resilience/financial/indicators"),
        None,
        TEAM_ONLY,
    ),
    "POST /api/resilience/financial/readings": (
        "post",
        api("/api/resilience/financial/readings"),
        {"supplier_id": 1, "indicator": "credit_score", "value": "1", "as_of": "2026-01-01"},
        TEAM_ONLY,
    ),
    "GET /api/resilience/financial/suppliers/{supplier_id}": (
        "get",
        api("/api/resilience/financial/suppliers/{supplier}"),
        None,
        TEAM_ONLY,
    ),
    "POST /api/resilience/financial/breaches/{breach_id}/notified": (
        "post",
        api("/api/resilience/financial/breaches/{breach}/notified"),
        {},
        TEAM_ONLY,
    ),
}


def _named_routes(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _named_routes(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and namespace == "resilience":
            yield pattern.name


def _api_operations():
    from levelfield.api import api as ninja_api

    for path, operations in ninja_api.get_openapi_schema()["paths"].items():
        if path.startswith(("/api/resilience", "/api/supplier/living-will")):
            for method in operations:
                yield f"{method.upper()} {path}"


def test_every_resilience_route_has_an_entry():
    assert sorted(set(_named_routes(get_resolver().url_patterns))) == sorted(PAGES)
    assert sorted(set(_api_operations())) == sorted(API)


def _refused(kind, status, response, is_api):
    if kind == ANON:
        if is_api:
            return status == 401
        return status == 302 and "/account/sign-in/" in response["Location"]
    return status in (403, 404) or (is_api and status == 401)


@pytest.mark.parametrize("who", list(PEOPLE))
def test_every_resilience_route_lets_in_only_those_it_should_and_leaks_nothing(client, world, who):
    ids, people = world
    user, kind = people[who], PEOPLE[who]
    headers = {}
    if user.is_authenticated:
        client.force_login(user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=user, name='t')[1]}"}
    wrong = []
    # starting last: another supplier's start makes its own will, which its later calls would see
    routes = sorted({**PAGES, **API}.items(), key=lambda item: "start" in item[0])
    for route, (method, address, body, let_in) in routes:
        url = address(ids)
        is_api = url.startswith("/api/")
        call = getattr(client, method)
        if is_api:
            kwargs = (
                {"content_type": "application/json", **headers} if body is not None else headers
            )
            response = call(url, *([body] if body is not None else []), **kwargs)
        else:
            response = call(url, body) if method == "post" else call(url)
        status = response.status_code
        text = b"".join(response) if response.streaming else response.content
        text = text.decode("utf-8", "replace")
        if status >= 500:
            wrong.append(f"{route}: {status}")
            continue
        if kind in let_in:
            if method == "get" and _refused(kind, status, response, is_api):
                wrong.append(f"{route}: refused ({status}) though {kind} may reach it")
        elif not _refused(kind, status, response, is_api):
            wrong.append(f"{route}: {status} for {kind}, not refused")
        shown = [
            marker
            for marker, may_see in (
                (DRAFT, SUPPLIER_SIDE),
                (SUBMITTED, WILL_READERS),
                (SCENARIO, TEAM_ONLY),
                (SUPPLIER, WILL_READERS | ({PLATFORM} if route in PAGES else set())),
            )
            if marker in text and kind not in may_see
        ]
        if shown:
            wrong.append(f"{route}: shows {shown} to {kind}")
    assert wrong == []
