"""A supplier's listings through the API: drafted, refused with every problem named, submitted
(live at once on a live framework), changed as a new version (version 1 kept), given a
document, withdrawn; another supplier sees none of it, members read but do not change, and
anyone reads a live service."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from levelfield.accounts.actions import create_api_token
from levelfield.marketplace.actions import listings as actions
from levelfield.marketplace.models import ListingDocument, ListingVersion
from tests.support import testing

from .listings_builders import GOOD, certificate, draft, live, supplier

pytestmark = pytest.mark.django_db

BASE = "/api/marketplace/supplier/listings"


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.LEVELFIELD_RATE_LIMITS = {}


def caller(user) -> Client:
    token = create_api_token(user=user, name="api test")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def send(client, method: str, path: str, body: dict | None = None):
    return client.generic(method, path, json.dumps(body or {}), content_type="application/json")


def test_a_listing_from_draft_to_a_new_version_through_the_api():
    who = supplier()
    certificate(who.organisation)
    api = caller(who.admin)
    created = send(api, "POST", BASE, {"lot_id": who.lot().pk, "name": "Hosting"})
    assert created.status_code == 201, created.content
    listing = created.json()
    assert listing["status"] == "draft" and listing["version"] == 0
    assert listing["lot"]["framework_reference"] == who.framework.reference
    url = f"{BASE}/{listing['id']}"

    refused = send(api, "POST", f"{url}/submit")
    assert refused.status_code == 400, refused.content
    assert refused.json()["code"] == "listing_refused"
    assert len(refused.json()["details"]) == 3  # category, price, price unit

    patched = send(api, "PATCH", url, {k: v for k, v in GOOD.items() if k != "name"})
    assert patched.status_code == 200, patched.content
    assert patched.json()["name"] == "Hosting" and patched.json()["price"] == "120.00"

    submitted = send(api, "POST", f"{url}/submit")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "live" and submitted.json()["version"] == 1

    changed = send(api, "POST", f"{url}/versions", {"change_note": "Cheaper", "price": "99.00"})
    assert changed.status_code == 201, changed.content
    assert changed.json()["number"] == 2 and changed.json()["changed"] == ["Price"]
    versions = api.get(f"{url}/versions").json()
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[1]["content"]["price"] == "120.00"

    public = Client().get(f"/api/marketplace/services/{listing['id']}")
    assert public.status_code == 200, public.content
    assert public.json()["price"] == "99.00" and public.json()["supplier_name"] == "Bytebridge Ltd"

    withdrawn = send(api, "POST", f"{url}/withdraw", {"reason": "Retired"})
    assert withdrawn.json()["status"] == "withdrawn"
    assert Client().get(f"/api/marketplace/services/{listing['id']}").status_code == 404


def test_a_draft_names_every_problem_at_once():
    who = supplier()
    response = send(
        caller(who.admin),
        "POST",
        BASE,
        {
            "lot_id": who.lot().pk,
            "name": "",
            "features": ["x" * 121],
            "category": "Knitting",
            "price": "1.234",
            "certifications": ["nope"],
        },
    )
    assert response.status_code == 400, response.content
    details = response.json()["details"]
    assert [line.split(":")[0] for line in details] == [
        "Service name",
        "Features",
        "Category",
        "Price",
        "Certifications",
    ]


def test_another_supplier_neither_sees_nor_changes_a_draft():
    who, other = supplier(), supplier("Other Ltd")
    listing = draft(who)
    api = caller(other.admin)
    assert api.get(f"{BASE}/{listing.pk}").status_code == 404
    assert send(api, "PATCH", f"{BASE}/{listing.pk}", {"name": "Ours"}).status_code == 404
    assert send(api, "POST", f"{BASE}/{listing.pk}/submit").status_code == 404
    assert api.get(BASE).json()["count"] == 0
    assert Client().get(f"/api/marketplace/services/{listing.pk}").status_code == 404
    response = send(api, "POST", BASE, {"lot_id": who.lot().pk, "name": "Ours"})
    assert response.status_code == 404  # other applied to its own framework, not this one


def test_a_withdrawn_listing_is_refused_for_its_state_not_for_its_content():
    """Submitting a withdrawn, incomplete listing named what its content lacked (400), which
    no change could put right: it is 409 `invalid_state`, as documented, and so is a change."""
    who = supplier()
    listing = draft(who, category="", price=None)
    api = caller(who.admin)
    url = f"{BASE}/{listing.pk}"
    assert send(api, "POST", f"{url}/withdraw", {"reason": "Not ready"}).status_code == 200
    refused = send(api, "POST", f"{url}/submit")
    assert refused.status_code == 409, refused.content
    message = "A listing that is withdrawn cannot be submitted: only a draft is"
    assert refused.json()["message"] == message
    changed = send(api, "PATCH", url, {"name": "Again"})
    assert changed.status_code == 409, changed.content
    assert changed.json()["message"] == "A listing that is withdrawn cannot be changed"


def test_a_member_reads_the_listings_but_does_not_change_them():
    who = supplier()
    listing = draft(who)
    api = caller(who.member)
    assert api.get(BASE).json()["count"] == 1
    assert api.get(f"{BASE}/{listing.pk}").status_code == 200
    response = send(api, "PATCH", f"{BASE}/{listing.pk}", {"name": "Mine"})
    assert response.status_code == 403, response.content


def test_a_document_is_added_refused_when_not_a_document_and_removed_but_kept():
    who = supplier()
    listing = live(who)
    api = caller(who.admin)
    url = f"{BASE}/{listing.pk}/documents"
    added = api.post(url, {"title": "Service definition", "upload": testing.pdf("def.pdf")})
    assert added.status_code == 201, added.content
    bad = testing.pdf("def.pdf", b"MZ not a pdf at all")
    refused = api.post(url, {"title": "Terms", "upload": bad})
    assert refused.status_code == 400 and refused.json()["code"] == "validation_error"
    public = Client().get(f"/api/marketplace/services/{listing.pk}").json()
    assert [d["title"] for d in public["documents"]] == ["Service definition"]
    removed = api.delete(f"{url}/{added.json()['id']}")
    assert removed.status_code == 200 and removed.json()["removed_at"]
    assert ListingDocument.objects.filter(listing=listing).count() == 1
    assert Client().get(f"/api/marketplace/services/{listing.pk}").json()["documents"] == []
    assert api.delete(f"{url}/{added.json()['id']}").status_code == 409


def test_a_change_keeps_version_1_as_submitted():
    who = supplier()
    listing = live(who)
    api = caller(who.admin)
    for price in ("110.00", "100.00"):
        response = send(
            api,
            "POST",
            f"{BASE}/{listing.pk}/versions",
            {"change_note": f"Now {price}", "price": price},
        )
        assert response.status_code == 201, response.content
    assert ListingVersion.objects.get(listing=listing, number=1).content["price"] == "120.00"
    assert send(api, "POST", f"{BASE}/{listing.pk}/versions", {"price": "1"}).status_code == 422


def test_the_list_takes_as_many_queries_for_many_listings_as_for_one():
    who = supplier()
    api = caller(who.admin)
    live(who, name="Hosting A")
    api.get(BASE)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(BASE).status_code == 200
        return len(captured)

    one = queries()
    for number in range(4):
        listing = draft(who, name=f"Hosting {number}")
        actions.add_document(
            listing=listing, by=who.admin, title="Terms", upload=testing.pdf("t.pdf")
        )
    assert queries() == one
