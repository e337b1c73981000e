"""Buying through the API: search with facet counts, start a project, save and refine a search,
end it, read the frozen shortlist, record the outcome; refused for suppliers, another buyer and
evaluators changing things."""

import json
from datetime import timedelta

import pytest
from django.test import Client

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.api import api
from levelfield.contracts.actions import records
from levelfield.contracts.models import Contract, Origin
from levelfield.core import clock
from levelfield.marketplace import api_buying
from levelfield.marketplace.actions import outcomes
from levelfield.marketplace.schemas_buying import MpSearchIn, MpSearchQueryIn
from tests.support import testing

from .buying_builders import catalogue

pytestmark = pytest.mark.django_db
BASE = "/api/marketplace"


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.LEVELFIELD_RATE_LIMITS = {}


@pytest.fixture
def shop():
    return catalogue()


def caller(user) -> Client:
    token = create_api_token(user=user, name="api test")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def send(client, method: str, path: str, body: dict | None = None):
    return client.generic(method, path, json.dumps(body or {}), content_type="application/json")


def test_search_returns_results_and_facet_counts(shop):
    api = caller(shop.evaluator)
    answer = api.get(f"{BASE}/search", {"q": "cloud", "size": ["large", "micro"]})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    # "cloud" is in one service's name and in the other's supplier's name (Albion Cloud plc)
    assert body["total"] == 2
    by_name = {r["name"]: r for r in body["results"]}
    assert set(by_name) == {"Cloud Migration Support", "Secure Object Storage"}
    migration = by_name["Cloud Migration Support"]
    assert migration["price"] == "650.00" and migration["lot_number"] == 3
    [size] = [f for f in body["facets"] if f["name"] == "size"]
    counts = {v["value"]: v["count"] for v in size["values"]}
    assert counts == {"micro": 0, "small": 1, "medium": 0, "large": 2}
    assert api.get(f"{BASE}/search", {"size": "giant"}).status_code == 422
    bad = api.get(f"{BASE}/search", {"price_min": "10", "price_max": "5"})
    assert bad.status_code == 400 and bad.json()["code"] == "validation_error"
    assert caller(shop.supplier_users["micro"]).get(f"{BASE}/search").status_code == 403


def test_a_lot_is_refused_as_documented_and_an_unknown_one_finds_nothing(shop):
    """The description said a lot id is at least 1 but took -1, dropped it and searched every
    lot, as it did an id of 10 digits or more; a search saved with either found everything."""
    api = caller(shop.officer)
    for lot in ("-1", "0"):
        refused = api.get(f"{BASE}/search", {"lot": lot})
        assert refused.status_code == 422, refused.content
        [detail] = refused.json()["details"]
        assert detail.endswith("lot.0: Input should be greater than or equal to 1")
    assert api.get(f"{BASE}/search", {"lot": "12345678901"}).json()["total"] == 0
    project = send(api, "POST", f"{BASE}/projects", {"name": "Storage"}).json()
    url = f"{BASE}/projects/{project['id']}/searches"
    assert send(api, "POST", url, {"lot": [-1]}).status_code == 422
    saved = send(api, "POST", url, {"lot": [12345678901]})
    assert saved.status_code == 201, saved.content
    assert saved.json()["result_count"] == 0 and saved.json()["filters"] == {"lot": [12345678901]}
    for documented in (MpSearchIn, MpSearchQueryIn):
        items = documented.model_json_schema()["properties"]["lot"]["items"]
        assert (items["minimum"], items["maximum"]) == (1, 2**63 - 1)


def test_a_project_from_start_to_award_through_the_api(shop):
    officer, admin = caller(shop.officer), caller(shop.admin)
    created = send(officer, "POST", f"{BASE}/projects", {"name": "Storage", "need": "Records"})
    assert created.status_code == 201, created.content
    project = created.json()
    assert project["reference"].startswith("P-") and project["status"] == "searching"
    url = f"{BASE}/projects/{project['id']}"
    first = send(officer, "POST", f"{url}/searches", {"q": "storage"})
    assert first.status_code == 201 and first.json()["result_count"] == 1
    refined = send(officer, "POST", f"{url}/searches", {"lot": [shop.lots[0].pk], "sort": "price"})
    assert refined.json()["number"] == 2 and refined.json()["result_count"] == 2
    ended = send(officer, "POST", f"{url}/end")
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    shortlist = officer.get(f"{url}/shortlist").json()
    assert [e["snapshot"]["name"] for e in shortlist] == [
        "Secure Object Storage",
        "Managed Kubernetes Hosting",
    ]
    assert shortlist[0]["listing_version"] == 1
    assert send(officer, "POST", f"{url}/searches", {}).status_code == 409

    today = clock.today_uk()
    award = {
        "awarded": True,
        "entry_id": shortlist[0]["id"],
        "value": "5000.00",
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=365)).isoformat(),
        "reason": "Cheapest",
        "previous_cost": "7000.00",
    }
    assert send(officer, "POST", f"{url}/outcome", award).status_code == 403
    incomplete = send(admin, "POST", f"{url}/outcome", {"awarded": True, "reason": "x"})
    assert incomplete.status_code == 400
    recorded = send(admin, "POST", f"{url}/outcome", award)
    assert recorded.status_code == 201, recorded.content
    outcome = recorded.json()
    assert outcome["saving"] == "2000.00" and outcome["contract_reference"].startswith("CO-")
    contract = Contract.objects.get(pk=outcome["contract_id"])
    assert contract.origin == Origin.CALL_OFF
    detail = officer.get(url).json()
    assert detail["status"] == "awarded" and detail["outcome"]["awarded"] is True
    assert [s["number"] for s in detail["searches"]] == [2, 1]
    listed = officer.get(f"{BASE}/projects").json()
    assert [p["reference"] for p in listed["items"]] == [project["reference"]]


def ended_through_the_api(admin, shop) -> str:
    """The address of a project `admin` started, saved the first lot's search into and ended."""
    project = send(admin, "POST", f"{BASE}/projects", {"name": "Storage"}).json()
    url = f"{BASE}/projects/{project['id']}"
    send(admin, "POST", f"{url}/searches", {"lot": [shop.lots[0].pk]})
    send(admin, "POST", f"{url}/end")
    return url


def test_an_awards_problems_and_its_contracts_are_listed_together(shop):
    admin = caller(shop.admin)
    url = ended_through_the_api(admin, shop)
    entry = admin.get(f"{url}/shortlist").json()[0]
    today = clock.today_uk()
    refused = send(
        admin,
        "POST",
        f"{url}/outcome",
        {
            "awarded": True,
            "entry_id": entry["id"],
            "value": "5000.00",
            "start_date": today.isoformat(),
            "end_date": (today - timedelta(days=1)).isoformat(),
            "reason": "",
        },
    )
    assert refused.status_code == 400, refused.content
    body = refused.json()
    assert body["code"] == "validation_error"
    assert body["details"] == [outcomes.REASON_NEEDED, records.DATES_IN_ORDER]
    assert admin.get(url).json()["status"] == "ended"
    assert not Contract.objects.filter(origin=Origin.CALL_OFF).exists()


def test_an_award_missing_fields_names_them_with_its_other_problems(shop):
    """A field left out was refused on its own ("value: needed for an award"), hiding the
    award's other problems until the next try; it is one of them, in the domain's words."""
    admin = caller(shop.admin)
    url = ended_through_the_api(admin, shop)
    today = clock.today_uk()
    refused = send(
        admin,
        "POST",
        f"{url}/outcome",
        {
            "awarded": True,
            "start_date": today.isoformat(),
            "end_date": (today - timedelta(days=1)).isoformat(),
            "reason": " ",
        },
    )
    assert refused.status_code == 400, refused.content
    body = refused.json()
    assert body["code"] == "validation_error"
    assert body["details"] == [
        outcomes.NOT_ON_SHORTLIST,
        outcomes.REASON_NEEDED,
        "Enter the contract value",
        records.DATES_IN_ORDER,
    ]
    assert body["message"] == outcomes.NOT_ON_SHORTLIST
    assert admin.get(url).json()["status"] == "ended"


def test_others_cannot_see_or_change_a_project(shop):
    created = send(caller(shop.officer), "POST", f"{BASE}/projects", {"name": "Storage"}).json()
    url = f"{BASE}/projects/{created['id']}"
    other = testing.buyer_org("Sandbourne Borough Council")
    stranger = caller(testing.member(other, Role.BUYER_ADMIN))
    assert stranger.get(url).status_code == 404
    assert send(stranger, "POST", f"{url}/end").status_code == 404
    assert stranger.get(f"{BASE}/projects").json()["items"] == []
    supplier = caller(shop.supplier_users["large"])
    assert supplier.get(url).status_code == 404
    # told that projects are a buyer's (it was told the catalogue is searched by buyers' staff)
    for refused in (
        send(supplier, "POST", f"{BASE}/projects", {"name": "Mine"}),
        supplier.get(f"{BASE}/projects"),
    ):
        assert refused.status_code == 403
        assert refused.json()["message"] == api_buying.PROJECTS_BY
    evaluator = caller(shop.evaluator)
    assert evaluator.get(url).status_code == 200
    assert send(evaluator, "POST", f"{url}/searches", {}).status_code == 403
    assert send(evaluator, "POST", f"{BASE}/projects", {"name": "Mine"}).status_code == 403
    assert Client().get(url).status_code == 401


def test_each_refusal_met_on_the_way_is_described_by_its_operation(shop):
    """A client reading only the description meets each refusal of the buying journey there,
    with its status and code: the search's 400 for a price range upside down and a project's
    404 for a supplier were in none (the 404 was said to be a 403)."""
    officer, admin = caller(shop.officer), caller(shop.admin)
    supplier, evaluator = caller(shop.supplier_users["large"]), caller(shop.evaluator)
    project = send(officer, "POST", f"{BASE}/projects", {"name": "Storage"}).json()
    url = f"{BASE}/projects/{project['id']}"
    upside_down = {"price_min": "10", "price_max": "5"}
    met = []

    def meet(client, method, path, body=None, *, query=None):
        if method == "GET":
            answer = client.get(path, query or {})
        else:
            answer = send(client, method, path, body)
        met.append((method, path.replace(str(project["id"]), "{project_id}"), answer))
        return answer

    meet(officer, "GET", f"{BASE}/search", query=upside_down)
    meet(supplier, "GET", f"{BASE}/search")
    meet(officer, "POST", f"{BASE}/projects", {"name": " "})
    meet(supplier, "POST", f"{BASE}/projects", {"name": "Mine"})
    meet(supplier, "GET", url)
    meet(supplier, "GET", f"{url}/shortlist")
    meet(supplier, "POST", f"{url}/searches", {})
    meet(evaluator, "POST", f"{url}/searches", {})
    meet(officer, "POST", f"{url}/searches", upside_down)
    meet(officer, "POST", f"{url}/end")
    meet(officer, "POST", f"{url}/outcome", {"awarded": False, "reason": "Too soon"})
    send(officer, "POST", f"{url}/searches", {"lot": [shop.lots[0].pk]})
    send(officer, "POST", f"{url}/end")
    entry_id = officer.get(f"{url}/shortlist").json()[0]["id"]
    award = {"awarded": True, "entry_id": entry_id, "value": "0", "reason": "Cheapest"}
    meet(officer, "POST", f"{url}/outcome", award)
    meet(admin, "POST", f"{url}/outcome", award)
    meet(supplier, "POST", f"{url}/outcome", award)
    meet(officer, "POST", f"{url}/end")

    document = api.get_openapi_schema()
    refusals = set()
    for method, path, answer in met:
        status, code = answer.status_code, answer.json()["code"]
        refusals.add((method, path, status, code))
        description = document["paths"][path][method.lower()]["description"]
        assert f"{status} `{code}`" in description, (method, path, status, code)
    assert {(status, code) for _m, _p, status, code in refusals} == {
        (400, "validation_error"),
        (403, "forbidden"),
        (404, "not_found"),
        (409, "invalid_state"),
        (422, "rule_failed"),
    }
