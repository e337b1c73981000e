"""The failure scenario API: the resilience team previews, saves, lists and reads scenarios;
everyone else is refused 403, whatever they ask for."""

import json
from datetime import date

import pytest

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.core.models import AuditEvent
from levelfield.resilience import actions_scenarios
from levelfield.resilience.models import Scenario
from tests.support import testing

pytestmark = pytest.mark.django_db


def bearer(person) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=person, name='t')[1]}"}


@pytest.fixture
def team():
    return testing.resilience_team_member(full_name="Rosa Team")


@pytest.fixture
def failing():
    buyer = testing.buyer_org("Shire County Council")
    organisation, admin = testing.supplier_with_user("Albion Group plc")
    contract = testing.contract_let_elsewhere(
        buyer=buyer,
        supplier=organisation,
        value="730000",
        start_date=date(2026, 1, 1),
        end_date=date(2027, 12, 31),
        critical=True,
    )
    organisation.admin = admin
    return organisation, contract


def post(client, path, body, headers):
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def test_the_team_previews_a_scenario_without_saving_it(client, team, failing):
    organisation, contract = failing
    response = post(
        client,
        "/api/resilience/scenarios/preview",
        {"supplier_ids": [organisation.pk], "as_of": "2027-01-15"},
        bearer(team),
    )
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["as_of"] == "2027-01-15"
    assert [c["id"] for c in report["contracts"]] == [contract.pk]
    # 730,000 x 365 / 730 days
    assert report["annual_value"] == "365000.00"
    assert report["contracts"][0]["annual_value"] == "365000.00"
    assert report["authorities"][0]["name"] == "Shire County Council"
    assert report["without_will"] == [
        {"organisation_id": organisation.pk, "name": organisation.name}
    ]
    assert report["candidates"][0]["note"].startswith("No candidates")
    assert {"supplier", "contract", "authority"} <= {n["kind"] for n in report["map_nodes"]}
    assert report["map_edges"]
    assert not Scenario.objects.exists()


def test_the_team_saves_lists_and_reads_a_scenario(client, team, failing):
    organisation, contract = failing
    headers = bearer(team)
    response = post(
        client,
        "/api/resilience/scenarios",
        {"name": " Albion fails ", "supplier_ids": [organisation.pk], "as_of": "2027-01-15"},
        headers,
    )
    assert response.status_code == 201, response.content
    saved = response.json()
    assert saved["name"] == "Albion fails"
    assert saved["created_by_name"] == "Rosa Team"
    assert saved["suppliers"] == [{"organisation_id": organisation.pk, "name": organisation.name}]
    assert saved["report"]["annual_value"] == "365000.00"
    scenario = Scenario.objects.get()
    event = AuditEvent.objects.get(action="resilience.scenario_created")
    assert event.object_id == str(scenario.pk)
    assert event.actor == team

    listed = client.get("/api/resilience/scenarios", **headers).json()
    assert listed["count"] == 1
    assert listed["items"][0]["id"] == scenario.pk

    read = client.get(f"/api/resilience/scenarios/{scenario.pk}", **headers)
    assert read.status_code == 200
    assert [c["id"] for c in read.json()["report"]["contracts"]] == [contract.pk]
    assert client.get(f"/api/resilience/scenarios/{scenario.pk + 1}", **headers).status_code == 404


@pytest.mark.parametrize(
    "body, words",
    [
        ({"name": "X", "supplier_ids": [], "as_of": "2027-01-15"}, "Choose at least one supplier"),
        ({"name": "  ", "supplier_ids": ["me"], "as_of": "2027-01-15"}, None),
        ({"name": "  ", "supplier_ids": [1], "as_of": "2027-01-15"}, "Enter a name"),
        ({"name": "X", "supplier_ids": [1], "as_of": "1999-12-31"}, "must be between"),
        ({"name": "X", "supplier_ids": [1], "as_of": 0}, None),
    ],
)
def test_a_scenario_naming_nothing_sensible_is_refused(client, team, failing, body, words):
    organisation, _ = failing
    body["supplier_ids"] = [organisation.pk if i == 1 else i for i in body["supplier_ids"]]
    response = post(client, "/api/resilience/scenarios", body, bearer(team))
    assert response.status_code == 422, response.content
    if words:
        assert response.json()["code"] == "invalid_scenario"
        assert any(words in d for d in response.json()["details"])
    assert not Scenario.objects.exists()


def test_a_buyer_id_is_no_supplier(client, team, failing):
    buyer = testing.buyer_org("Not a supplier")
    response = post(
        client,
        "/api/resilience/scenarios/preview",
        {"supplier_ids": [buyer.pk], "as_of": "2027-01-15"},
        bearer(team),
    )
    assert response.status_code == 422
    assert response.json()["details"] == [f"There is no registered supplier with id {buyer.pk}"]


def test_nobody_else_may_run_or_read_scenarios(client, team, failing):
    organisation, contract = failing
    scenario = actions_scenarios.create_scenario(
        name="Albion fails", supplier_ids=[organisation.pk], as_of=date(2027, 1, 15), by=team
    )
    outsiders = {
        "the failing supplier's admin": organisation.admin,
        "the buyer of its critical contract": testing.member(contract.buyer, Role.BUYER_ADMIN),
        "a platform admin": testing.UserFactory(is_superuser=True, is_staff=True),
    }
    body = {"name": "Mine", "supplier_ids": [organisation.pk], "as_of": "2027-01-15"}
    for who, person in outsiders.items():
        headers = bearer(person)
        answers = [
            client.get("/api/resilience/scenarios", **headers),
            client.get(f"/api/resilience/scenarios/{scenario.pk}", **headers),
            client.get(f"/api/resilience/scenarios/{scenario.pk + 1}", **headers),
            post(client, "/api/resilience/scenarios", body, headers),
            post(client, "/api/resilience/scenarios/preview", body, headers),
        ]
        assert [a.status_code for a in answers] == [403] * 5, who
        assert all(a.json()["code"] == "forbidden" for a in answers), who
        assert all("Albion" not in a.content.decode() for a in answers), who
    assert client.get("/api/resilience/scenarios").status_code == 401
    assert Scenario.objects.count() == 1


def test_the_list_refuses_pages_out_of_range(client, team):
    from levelfield.core.api_helpers import MAX_OFFSET

    headers = bearer(team)
    for name, value in (("offset", "1639313180691712180224"), ("offset", "-1"), ("limit", "0")):
        response = client.get("/api/resilience/scenarios", {name: value}, **headers)
        assert response.status_code == 422, (name, value)
        assert response.json()["code"] == "validation_error"
    response = client.get("/api/resilience/scenarios", {"offset": MAX_OFFSET}, **headers)
    assert response.status_code == 200
    assert response.json()["items"] == []
