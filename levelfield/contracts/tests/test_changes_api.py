"""The changes API: check a change against s.75 without recording, record, list, make after
the standstill, terminate, complete; who may call each."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.contracts.actions import records, records_lifecycle
from levelfield.contracts.models import ContractChange, ContractNotice, PerformanceAssessment
from levelfield.core import clock
from tests.support import testing

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed():
    return testing.signed_contract(value="100000", years=3)


def bearer(user):
    _, secret = create_api_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def api(contract, tail=""):
    return f"/api/buyer/contracts/{contract.pk}/{tail}"


def post(client, user, path, body):
    return client.post(path, body, content_type="application/json", **bearer(user))


def test_check_answers_without_recording(client, signed):
    contract = signed.contract
    response = post(
        client,
        signed.officer,
        api(contract, "changes/check"),
        {
            "kind": "modification",
            "value_after": "110010.00",
            "end_date_after": contract.end_date.isoformat(),
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["notice_required"] is True
    assert (body["value_change_percent"], body["value_limit_percent"]) == ("10.01", "10.00")
    assert body["explanation"].startswith("A contract change notice (UK10) is required")
    assert not ContractChange.objects.exists()
    within = post(
        client,
        signed.officer,
        api(contract, "changes/check"),
        {"kind": "modification", "value_after": "110000", "end_date_after": str(contract.end_date)},
    ).json()
    assert within["notice_required"] is False and within["value_change_percent"] == "10.00"


def test_record_list_and_an_option(client, signed):
    contract = signed.contract
    option = records.add_option(
        contract=contract,
        by=signed.officer,
        description="Year four",
        months=12,
        value=Decimal("5000"),
    )
    first = post(
        client,
        signed.officer,
        api(contract, "changes"),
        {
            "kind": "modification",
            "description": "Extra visits",
            "value_after": "106000",
            "end_date_after": str(contract.end_date),
        },
    )
    assert first.status_code == 201
    assert first.json()["notice_required"] is False and first.json()["status"] == "made"
    second = post(
        client,
        signed.officer,
        api(contract, "changes"),
        {"kind": "extension", "description": "Year four", "option_id": option.pk},
    )
    assert second.status_code == 201
    body = second.json()
    # 6% then the option's £5,000: 11% of value, and a year on the term: a notice.
    assert body["notice_required"] is True and body["value_change_percent"] == "11.00"
    assert body["value_after"] == "111000.00"
    assert ContractNotice.objects.filter(notice_type="UK10", key="2").exists()
    again = post(
        client,
        signed.officer,
        api(contract, "changes"),
        {"kind": "extension", "description": "Again", "option_id": option.pk},
    )
    assert again.status_code == 400 and again.json()["code"] == "invalid_change"
    assert "once only" in again.json()["message"]
    listing = client.get(api(contract, "changes"), **bearer(signed.officer)).json()
    assert listing["count"] == 2
    assert [item["number"] for item in listing["items"]] == [2, 1]


def test_make_after_the_standstill(client, signed):
    contract = signed.contract
    day = date(clock.today_uk().year + 1, 7, 1)
    while day.weekday() != 3:
        day += timedelta(days=1)
    with clock.frozen_at(datetime.combine(day, time(10), tzinfo=clock.UK)):
        recorded = post(
            client,
            signed.officer,
            api(contract, "changes"),
            {
                "kind": "modification",
                "description": "Bigger",
                "value_after": "150000",
                "end_date_after": str(contract.end_date),
                "voluntary_standstill": True,
            },
        ).json()
        assert recorded["status"] == "in_standstill"
        early = post(client, signed.officer, api(contract, "changes/1/make"), {})
        assert early.status_code == 409
    with clock.frozen_at(datetime.combine(day + timedelta(days=14), time(9), tzinfo=clock.UK)):
        made = post(client, signed.officer, api(contract, "changes/1/make"), {})
    assert made.status_code == 200 and made.json()["status"] == "made"
    contract.refresh_from_db()
    assert contract.value == Decimal("150000")


def test_terminate_by_admins_only(client, signed):
    contract = signed.contract
    body = {
        "classification": "convenience",
        "reason": "Budget withdrawn",
        "terminated_on": str((contract.signed_at + timedelta(days=1)).date()),
        "rating": "good",
        "narrative": "Fine work",
    }
    with clock.frozen_at(contract.signed_at + timedelta(days=1, hours=2)):
        refused = post(client, signed.officer, api(contract, "terminate"), body)
        assert refused.status_code == 403
        done = post(client, signed.buyer_admin, api(contract, "terminate"), body)
        assert done.status_code == 200
        assert done.json()["status"] == "terminated"
        assert done.json()["termination_classification"] == "convenience"
        again = post(client, signed.buyer_admin, api(contract, "terminate"), body)
        assert again.status_code == 409


def test_complete(client, signed):
    contract = signed.contract
    start = datetime.combine(contract.start_date, time(10), tzinfo=clock.UK)
    with clock.frozen_at(start):
        records_lifecycle.go_live(contract=contract, by=signed.officer)
    with clock.frozen_at(start + timedelta(days=5)):
        zero = post(
            client,
            signed.officer,
            api(contract, "complete"),
            {"final_value": "0", "final_end_date": str(contract.start_date)},
        )
        assert zero.status_code == 400 and zero.json()["code"] == "invalid_completion"
        body = {"final_value": "4000.50", "final_end_date": str(contract.start_date)}
        unassessed = post(client, signed.officer, api(contract, "complete"), body)
        assert unassessed.status_code == 400
        assert unassessed.json()["code"] == "invalid_completion"
        assert "s.71 requires an assessment when a contract ends" in unassessed.json()["message"]
        done = post(
            client,
            signed.officer,
            api(contract, "complete"),
            {**body, "rating": "approaching_target", "narrative": "Mostly on time"},
        )
    assert done.status_code == 200
    assert done.json()["final_value"] == "4000.50" and done.json()["status"] == "completed"
    assessment = PerformanceAssessment.objects.get(contract=contract)
    assert assessment.at_termination and assessment.rating == "approaching_target"
    assert (assessment.period_start, assessment.period_end) == (
        contract.start_date,
        contract.start_date,
    )


def test_other_buyers_suppliers_and_anonymous_are_refused(client, signed):
    contract = signed.contract
    other = testing.member(testing.buyer_org("Other Council"), Role.BUYER_ADMIN)
    body = {"kind": "modification", "value_after": "1", "end_date_after": str(contract.end_date)}
    assert post(client, other, api(contract, "changes/check"), body).status_code == 404
    assert (
        post(client, signed.supplier_user, api(contract, "changes/check"), body).status_code == 403
    )
    evaluator = testing.member(signed.buyer, Role.EVALUATOR)
    assert post(client, evaluator, api(contract, "changes/check"), body).status_code == 403
    assert client.get(api(contract, "changes"), **bearer(evaluator)).status_code == 200
    assert client.get(api(contract, "changes")).status_code == 401
