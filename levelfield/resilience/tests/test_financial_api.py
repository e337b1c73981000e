"""The financial standing API, for the resilience team: indicators, recording a reading (a
breach raised past the threshold), a supplier's readings and breaches with their notice status,
and recording that a breach was notified. Everyone else is refused as documented."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from levelfield.accounts.actions import create_api_token
from levelfield.api import api
from levelfield.core import clock
from levelfield.resilience.models import BreachEvent, Reading
from tests.support import testing

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")
FRIDAY = datetime(2023, 12, 22, 10, 0, tzinfo=UK)
BASE = "/api/resilience/financial"


def bearer(person) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=person, name='t')[1]}"}


@pytest.fixture
def team():
    return bearer(testing.resilience_team_member())


@pytest.fixture
def acorn(supplier):
    return supplier[0]


def post(client, path, body, headers, at=FRIDAY):
    with clock.frozen_at(at):
        return client.post(
            BASE + path, json.dumps(body), content_type="application/json", **headers
        )


def get(client, path, headers, at=FRIDAY):
    with clock.frozen_at(at):
        return client.get(BASE + path, **headers)


def record(client, team, acorn, **fields):
    body = {"supplier_id": acorn.pk, "indicator": "credit_score", "value": "35"}
    body |= {"as_of": "2023-12-01", **fields}
    return post(client, "/readings", body, team)


def test_the_team_reads_the_indicators(client, team):
    response = get(client, "/indicators", team)
    assert response.status_code == 200
    credit = next(i for i in response.json() if i["code"] == "credit_score")
    assert credit == {
        "code": "credit_score",
        "name": "Credit score",
        "unit": "points",
        "direction": "below",
        "threshold": "40",
    }


def test_a_reading_past_its_threshold_raises_a_breach_due_after_christmas(client, team, acorn):
    response = record(client, team, acorn)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["indicator"], body["value"], body["as_of"]) == ("credit_score", "35", "2023-12-01")
    assert body["source"] == "entered"
    breach = body["breach"]
    # Friday 22 Dec 2023; the weekend, Christmas Day and Boxing Day are not working days: due by
    # the end of Thursday 28 December (midnight GMT).
    assert breach["due_at"] == "2023-12-29T00:00:00+00:00"
    assert breach["notice_status"] == "due"
    assert breach["notified_at"] is None
    within = record(client, team, acorn, indicator="net_assets", value="-0")
    assert within.status_code == 201
    assert within.json()["breach"] is None


def test_a_bad_reading_is_refused_with_every_problem(client, team, acorn):
    response = record(client, team, acorn, indicator="no_such", value="lots", as_of="2023-12-23")
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalid_reading"
    assert error["details"] == [
        "There is no indicator with code 'no_such'",
        "The value 'lots' is not a number, like 1250000 or -3.5",
        "The reading date 23 December 2023 is in the future",
    ]
    response = record(client, team, acorn, as_of="1/12/2023")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert not Reading.objects.exists()


def test_readings_are_kept_for_suppliers_only(client, team, buyer):
    for supplier_id in (buyer.pk, 999_999):
        response = post(
            client,
            "/readings",
            {"supplier_id": supplier_id, "indicator": "credit_score", "value": "1"}
            | {"as_of": "2023-12-01"},
            team,
        )
        assert response.status_code == 400
        assert response.json()["code"] == "not_a_supplier"


def test_a_suppliers_standing_shows_breaches_overdue_on_29_december(client, team, acorn):
    record(client, team, acorn)
    record(client, team, acorn, indicator="net_assets", value="1250000.5")
    response = get(
        client, f"/suppliers/{acorn.pk}", team, at=datetime(2023, 12, 29, 0, 1, tzinfo=UK)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Acorn Care Ltd"
    assert [(r["indicator"], r["value"]) for r in body["readings"]] == [
        ("credit_score", "35"),
        ("net_assets", "1250000.5"),
    ]
    assert [b["notice_status"] for b in body["breaches"]] == ["overdue"]
    response = get(
        client, f"/suppliers/{acorn.pk}", team, at=datetime(2023, 12, 28, 23, 59, tzinfo=UK)
    )
    assert [b["notice_status"] for b in response.json()["breaches"]] == ["due"]


def test_an_id_that_is_no_supplier_is_404(client, team, buyer):
    for supplier_id in (buyer.pk, 999_999, 2**63 - 1):
        response = get(client, f"/suppliers/{supplier_id}", team)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_the_team_records_that_a_breach_was_notified(client, team, acorn):
    breach_id = record(client, team, acorn).json()["breach"]["id"]
    at = datetime(2023, 12, 29, 9, tzinfo=UK)
    response = post(
        client,
        f"/breaches/{breach_id}/notified",
        {"notified_at": "2023-12-28T16:30:00+00:00"},
        team,
        at=at,
    )
    assert response.status_code == 200, response.content
    assert response.json()["notice_status"] == "on_time"
    assert response.json()["notified_at"] == "2023-12-28T16:30:00+00:00"
    again = post(client, f"/breaches/{breach_id}/notified", {}, team, at=at)
    assert again.status_code == 400
    assert again.json()["code"] == "already_notified"


def test_notified_now_when_no_time_is_given_and_late_after_the_due_time(client, team, acorn):
    breach_id = record(client, team, acorn).json()["breach"]["id"]
    at = datetime(2023, 12, 29, 9, tzinfo=UK)
    response = post(client, f"/breaches/{breach_id}/notified", {}, team, at=at)
    assert response.status_code == 200, response.content
    assert response.json()["notice_status"] == "late"
    assert BreachEvent.objects.get().notified_at == at


@pytest.mark.parametrize(
    ("notified_at", "status", "code"),
    [
        ("2023-12-27T12:00:00+00:00", 400, "invalid_time"),  # after "now"
        ("2023-12-22T09:00:00+00:00", 400, "invalid_time"),  # before it was raised
        ("2023-12-22T12:00:00", 422, "validation_error"),  # no offset
    ],
)
def test_a_wrong_time_notified_is_refused(client, team, acorn, notified_at, status, code):
    breach_id = record(client, team, acorn).json()["breach"]["id"]
    response = post(
        client,
        f"/breaches/{breach_id}/notified",
        {"notified_at": notified_at},
        team,
        at=datetime(2023, 12, 27, 9, tzinfo=UK),
    )
    assert response.status_code == status
    assert response.json()["code"] == code
    assert BreachEvent.objects.get().notified_at is None


def test_an_unknown_breach_is_404(client, team):
    response = post(client, "/breaches/999999/notified", {}, team)
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["supplier", "buyer", "platform admin"])
def test_nobody_but_the_team_is_answered(client, team, acorn, supplier, who):
    breach_id = record(client, team, acorn).json()["breach"]["id"]
    person = {
        "supplier": lambda: supplier[1],
        "buyer": lambda: testing.member(testing.buyer_org(), "buyer_admin"),
        "platform admin": lambda: testing.UserFactory(is_superuser=True, is_staff=True),
    }[who]()
    headers = bearer(person)
    answers = [
        get(client, "/indicators", headers),
        record(client, headers, acorn, value="10"),
        get(client, f"/suppliers/{acorn.pk}", headers),
        get(client, "/suppliers/999999", headers),
        post(client, f"/breaches/{breach_id}/notified", {}, headers),
    ]
    assert [a.status_code for a in answers] == [403] * 5
    assert {a.json()["code"] for a in answers} == {"forbidden"}
    assert Reading.objects.count() == 1
    assert BreachEvent.objects.get().notified_at is None


def test_without_a_token_it_is_401(client):
    assert client.get(BASE + "/indicators").status_code == 401


def test_the_operations_are_documented_with_their_refusals():
    paths = api.get_openapi_schema()["paths"]
    for path, method, statuses in [
        ("/api/resilience/financial/indicators", "get", {"200", "401", "403"}),
        ("/api/resilience/financial/readings", "post", {"201", "400", "401", "403", "422"}),
        ("/api/resilience/financial/suppliers/{supplier_id}", "get", {"200", "403", "404"}),
        (
            "/api/resilience/financial/breaches/{breach_id}/notified",
            "post",
            {"200", "400", "403", "404", "422"},
        ),
    ]:
        operation = paths[path][method]
        assert statuses <= {str(s) for s in operation["responses"]}, path
        assert "resilience team" in operation["description"]
