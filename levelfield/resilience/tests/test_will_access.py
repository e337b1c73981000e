"""Who reaches a living will, as a table over every page and endpoint of living wills and every
kind of person: the supplier's admin edits, its members read the draft, the buyers (admins and
officers) of its critical contracts in force and the resilience team read what it submitted and
never the draft; another supplier, a buyer of a contract that is not critical, an unrelated
buyer, an evaluator, a platform admin not on the team and anyone signed out read nothing and
change nothing (404 on the pages, as if no will existed; 401, 403 or 404 in the API)."""

import pytest
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.resilience.models import LivingWill

from . import access_world
from .access_world import DRAFT, SUBMITTED, SUPPLIER

pytestmark = pytest.mark.django_db


ADMIN, MEMBER, OTHER, READER, BUYER, NOBODY, ANON = (
    "admin",
    "member",
    "other supplier",
    "reader",
    "buyer",
    "nobody",
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
    "resilience team": READER,
    "platform admin not on the team": NOBODY,
    "anonymous": ANON,
}


@pytest.fixture
def world():
    _, will, people = access_world.build()
    return will, people


def expect(**statuses):
    """Expected status by kind of person; `rest` for every kind not named."""
    rest = statuses.pop("rest")
    return {kind: statuses.get(kind.replace(" ", "_"), rest) for kind in set(PEOPLE.values())}


def page(name, *args):
    return reverse(f"resilience:{name}", args=args)


# (what, method, address or function of the will, body, expected statuses, what it shows)
# what it shows: "draft" (the draft, to the supplier's people), "submitted" (the submitted
# version, to the will's readers), "listed" (the supplier's name, to them too) or None (a
# change, or a page that shows neither).
SUPPLIER_READS = expect(admin=200, member=200, anonymous=302, rest=404)
EDIT_PAGE = expect(admin=200, member=403, anonymous=302, rest=404)
EDIT_POST = expect(admin=302, member=403, anonymous=302, rest=404)
READER_READS = expect(admin=200, member=200, reader=200, anonymous=302, rest=404)
API_OWN_READS = expect(admin=200, member=200, other_supplier=404, anonymous=401, rest=403)
API_READER_READS = expect(admin=200, member=200, reader=200, anonymous=401, rest=404)
SERVICE = {"name": "New service", "authorities": "", "people_served": ""}

ENDPOINTS = [
    # Pages: the supplier's own (another supplier reaches its own overview, empty).
    ("overview", "get", page("will"), None, {**SUPPLIER_READS, OTHER: 200}, "draft"),
    ("draft", "get", page("will_draft"), None, SUPPLIER_READS, "draft"),
    ("section", "get", page("will_section", "services"), None, SUPPLIER_READS, "draft"),
    ("contracts", "get", page("will_contracts"), None, SUPPLIER_READS, None),
    ("version page", "get", page("will_version", 1), None, SUPPLIER_READS, "submitted"),
    ("owner form", "get", page("will_owner"), None, EDIT_PAGE, None),
    ("add form", "get", page("will_item_add", "services"), None, EDIT_PAGE, None),
    ("change form", "get", page("will_item_change", "services", 2), None, EDIT_PAGE, "draft"),
    # Pages: the readers'.
    ("list", "get", page("wills"), None, expect(anonymous=302, rest=200), "listed"),
    ("detail", "get", lambda w: page("will_detail", w.pk), None, READER_READS, "submitted"),
    (
        "version detail",
        "get",
        lambda w: page("will_version_detail", w.pk, 1),
        None,
        READER_READS,
        "submitted",
    ),
    # API: the supplier's own.
    ("API will", "get", "/api/supplier/living-will", None, API_OWN_READS, "draft"),
    (
        "API versions",
        "get",
        "/api/supplier/living-will/versions",
        None,
        {**API_OWN_READS, OTHER: 200},  # its own: none
        None,
    ),
    (
        "API version",
        "get",
        "/api/supplier/living-will/versions/1",
        None,
        API_OWN_READS,
        "submitted",
    ),
    # API: the readers'.
    (
        "API list",
        "get",
        "/api/resilience/living-wills",
        None,
        expect(anonymous=401, rest=200),
        "listed",
    ),
    (
        "API detail",
        "get",
        lambda w: f"/api/resilience/living-wills/{w.pk}",
        None,
        API_READER_READS,
        "submitted",
    ),
    # Changes, last: pages, then the API (the body may be made from the will as it began).
    ("add", "post", page("will_item_add", "services"), SERVICE, EDIT_POST, None),
    (
        "owner",
        "post",
        page("will_owner"),
        lambda w: {"owner": str(w.owner_id), "review_date": w.review_date.strftime("%d/%m/%Y")},
        EDIT_POST,
        None,
    ),
    (
        "remove",
        "post",
        page("will_item_remove", "services", 2),
        {"title": DRAFT},
        EDIT_POST,
        None,
    ),
    (
        "submit",
        "post",
        page("will_submit"),
        {},
        expect(anonymous=302, rest=404, admin=302, member=302),
        None,
    ),
    (
        "API update",
        "put",
        "/api/supplier/living-will",
        lambda w: {"content": {}, "owner_id": w.owner_id, "review_date": str(w.review_date)},
        expect(admin=200, other_supplier=404, anonymous=401, rest=403),
        None,
    ),
    (
        "API submit",
        "post",
        "/api/supplier/living-will/submit",
        None,
        expect(admin=201, other_supplier=404, anonymous=401, rest=403),
        None,
    ),
    # Starting: the admin's is refused (already started), another supplier starts its own.
    (
        "API start",
        "post",
        "/api/supplier/living-will/start",
        None,
        expect(admin=409, other_supplier=201, anonymous=401, rest=403),
        None,
    ),
    (
        "start",
        "post",
        page("will_start"),
        {},
        expect(anonymous=302, rest=404, admin=302, member=302, other_supplier=302),
        None,
    ),
]


def state(will):
    will = LivingWill.objects.get(pk=will.pk)
    return will.draft, will.owner_id, will.review_date, will.versions.count()


@pytest.mark.parametrize("who", list(PEOPLE))
def test_every_page_and_endpoint_lets_in_only_those_who_may_read_the_will(client, world, who):
    will, people = world
    user, kind = people[who], PEOPLE[who]
    headers = {}
    if user.is_authenticated:
        client.force_login(user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=user, name='t')[1]}"}
    before = state(will)
    wrong = []
    for what, method, address, body, statuses, shows in ENDPOINTS:
        url = address(will) if callable(address) else address
        body = body(will) if callable(body) else body
        api = url.startswith("/api/")
        call = getattr(client, method)
        if api:
            kwargs = {"content_type": "application/json"} if body is not None else {}
            response = call(url, *([body] if body is not None else []), **kwargs, **headers)
        else:
            response = call(url, body) if method == "post" else call(url)
        text = response.content.decode()
        if response.status_code != statuses[kind]:
            wrong.append(f"{what}: {response.status_code}, not {statuses[kind]}")
        if kind not in (ADMIN, MEMBER) and DRAFT in text:
            wrong.append(f"{what}: shows the draft")
        if kind not in (ADMIN, MEMBER, READER) and (SUBMITTED in text or SUPPLIER in text):
            wrong.append(f"{what}: shows the will")
        if response.status_code == 200 and shows == "draft" and kind in (ADMIN, MEMBER):
            if DRAFT not in text:
                wrong.append(f"{what}: the supplier's people do not see the draft")
        if response.status_code == 200 and shows == "submitted" and kind in (ADMIN, MEMBER, READER):
            if SUBMITTED not in text:
                wrong.append(f"{what}: does not show the submitted version")
        if response.status_code == 200 and shows == "listed" and kind in (ADMIN, MEMBER, READER):
            if SUPPLIER not in text:
                wrong.append(f"{what}: does not list the will")
        if kind != ADMIN and state(will) != before:
            wrong.append(f"{what}: changed the will")
    assert wrong == []
