"""The living will API: the supplier starts, fills, submits and reads its versions; a reader of
a critical contract reads the latest submitted version; each documented refusal."""

from datetime import timedelta

import pytest

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.core import clock
from levelfield.resilience.models import LivingWill, LivingWillVersion
from tests.support import testing

pytestmark = pytest.mark.django_db

OWN = "/api/supplier/living-will"
READ = "/api/resilience/living-wills"

CONTENT = {
    "entities": [
        {"name": "Big Group plc", "company_number": "01234567", "parent": ""},
        {"name": "Big Services Ltd", "company_number": "sc123456", "parent": "01234567"},
    ],
    "other_contracts": [{"title": "Waste", "authority": "Wessex Council", "annual_value": 5}],
    "services": [{"name": "Meals", "authorities": ["Shire"], "people_served": 1200}],
    "dependencies": [{"name": "Van Co", "kind": "subcontractor", "services": ["Meals"]}],
    "plans": [
        {
            "service": "Meals",
            "steps": ["Tell the council", "Move the kitchens"],
            "days_to_transfer": 30,
            "data": "Client lists",
            "assets": "Vans",
            "staff": "40 cooks (TUPE)",
            "tell": ["Shire adult social care"],
        }
    ],
}


def auth(user) -> dict:
    _, secret = create_api_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def send(client, method, url, user, body=None):
    call = getattr(client, method)
    if body is None:
        return call(url, **auth(user))
    return call(url, body, content_type="application/json", **auth(user))


@pytest.fixture
def critical():
    signed = testing.signed_contract(supplier=testing.supplier_with_user("Big Services Ltd"))
    signed.contract.critical = True
    signed.contract.save(update_fields=["critical"])
    return signed


def test_the_supplier_fills_and_submits_and_a_critical_buyer_reads_it(client, critical):
    admin = critical.supplier_user
    assert send(client, "get", OWN, admin).status_code == 404
    assert send(client, "get", OWN + "/versions", admin).json() == {"items": [], "count": 0}
    started = send(client, "post", OWN + "/start", admin)
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["owner"]["id"] == admin.pk and body["versions"] == []
    assert "The group structure: at least one entity" in body["missing"]
    empty_score = body["score"]

    review = (clock.today_uk() + timedelta(days=60)).isoformat()
    put = send(
        client,
        "put",
        OWN,
        admin,
        {
            "content": {**CONTENT, "contracts": [critical.contract.pk]},
            "owner_id": admin.pk,
            "review_date": review,
        },
    )
    assert put.status_code == 200, put.content
    body = put.json()
    assert body["score"] == 100 > empty_score and body["missing"] == []
    assert body["draft"]["entities"][1]["company_number"] == "SC123456"
    assert body["draft"]["contracts"] == [critical.contract.pk]
    assert body["review_date"] == review

    submitted = send(client, "post", OWN + "/submit", admin)
    assert submitted.status_code == 201, submitted.content
    assert submitted.json()["number"] == 1 and submitted.json()["score"] == 100
    assert submitted.json()["content"]["plans"][0]["steps"][1] == "Move the kitchens"

    # The draft changes; the version does not, and readers see only the version.
    send(client, "put", OWN, admin, {"content": {"services": [{"name": "Secret"}]}})
    versions = send(client, "get", OWN + "/versions", admin).json()
    assert versions["count"] == 1 and versions["items"][0]["submitted_by"]["id"] == admin.pk
    one = send(client, "get", OWN + "/versions/1", admin).json()
    assert one["content"]["services"][0]["name"] == "Meals"
    assert send(client, "get", OWN + "/versions/2", admin).status_code == 404
    own = send(client, "get", OWN, admin).json()
    assert own["draft"]["services"] == [
        {"name": "Secret", "authorities": [], "people_served": None, "contracts": []}
    ]
    assert own["owner"] is None and [v["number"] for v in own["versions"]] == [1]

    listed = send(client, "get", READ, critical.officer).json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert item["supplier"]["name"] == "Big Services Ltd"
    assert (item["latest_version"], item["score"], item["current"]) == (1, 100, True)
    will = LivingWill.objects.get()
    detail = send(client, "get", f"{READ}/{will.pk}", critical.officer).json()
    assert detail["number"] == 1 and detail["missing"] == [] and detail["review_date"] == review
    assert detail["content"]["services"][0]["name"] == "Meals"
    assert "Secret" not in str(detail)


def test_refusals_are_as_documented(client, critical):
    org, admin = critical.supplier, critical.supplier_user
    member = testing.member(org, Role.SUPPLIER_MEMBER)
    assert send(client, "post", OWN + "/start", member).status_code == 403
    assert send(client, "post", OWN + "/submit", admin).status_code == 404
    send(client, "post", OWN + "/start", admin)
    again = send(client, "post", OWN + "/start", admin)
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"

    bad = send(
        client,
        "put",
        OWN,
        admin,
        {
            "content": {
                "entities": [{"name": "", "company_number": "123"}],
                "plans": [{"service": "Nothing"}],
            }
        },
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_content"
    details = " | ".join(bad.json()["details"])
    assert "Enter the name of entity 1" in details and "unknown service: Nothing" in details
    other = testing.signed_contract(buyer=testing.buyer_org("Far Council")).contract
    stranger = send(client, "put", OWN, admin, {"content": {"contracts": [other.pk]}})
    assert stranger.status_code == 422
    assert stranger.json()["details"] == [f"Contract {other.pk} is not a contract of {org}"]
    for owner_id in (critical.buyer_admin.pk, 999999):
        refused = send(client, "put", OWN, admin, {"content": {}, "owner_id": owner_id})
        assert refused.status_code == 400 and refused.json()["code"] == "owner_not_a_member"
    assert LivingWill.objects.get().owner == admin

    as_member = send(client, "put", OWN, member, {"content": {}})
    assert as_member.status_code == 403
    assert send(client, "get", OWN, member).status_code == 200

    send(client, "put", OWN, admin, {"content": {}, "owner_id": admin.pk})
    no_date = send(client, "post", OWN + "/submit", admin)
    assert no_date.status_code == 400 and no_date.json()["code"] == "review_date_required"
    past = (clock.today_uk() - timedelta(days=1)).isoformat()
    send(client, "put", OWN, admin, {"content": {}, "owner_id": admin.pk, "review_date": past})
    assert send(client, "post", OWN + "/submit", admin).json()["code"] == "review_date_required"
    send(client, "put", OWN, admin, {"content": {}, "review_date": clock.today_uk().isoformat()})
    no_owner = send(client, "post", OWN + "/submit", admin)
    assert no_owner.status_code == 400 and no_owner.json()["code"] == "owner_required"
    assert not LivingWillVersion.objects.exists()

    # Nothing submitted: the critical buyer reads nothing, the supplier's own 404 too.
    will = LivingWill.objects.get()
    assert send(client, "get", READ, critical.officer).json()["count"] == 0
    assert send(client, "get", f"{READ}/{will.pk}", critical.officer).status_code == 404
    assert send(client, "get", f"{READ}/{will.pk}", admin).status_code == 404
    assert send(client, "get", READ, admin).json()["items"][0]["latest_version"] is None

    buyer = send(client, "get", OWN, critical.officer)
    assert buyer.status_code == 403
    assert client.get(OWN).status_code == 401


def test_an_id_or_date_out_of_range_is_refused_before_the_database(client, critical):
    admin = critical.supplier_user
    send(client, "post", OWN + "/start", admin)
    huge = 2**64
    for body in (
        {"content": {"contracts": [huge]}},
        {"content": {}, "owner_id": huge},
        {"content": {}, "review_date": 0},
        {"content": {"entities": "no"}},
        {"content": {"entities": [{"name": "x" * 2001}]}},
    ):
        response = send(client, "put", OWN, admin, body)
        assert response.status_code == 422, body
        assert response.json()["code"] == "validation_error"
