"""The invoices and payments API: record, list, pay, dispute, resolve; the compliance report;
the notices; who may call each."""

from datetime import date

import pytest

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.contracts.models import Invoice
from tests.support import testing

from .payments_data import at, invoice

pytestmark = pytest.mark.django_db
TODAY = date(2027, 5, 15)


@pytest.fixture
def signed():
    return testing.signed_contract()


def bearer(user):
    _, secret = create_api_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def url(contract, tail=""):
    return f"/api/buyer/contracts/{contract.pk}/invoices{tail}"


def post(client, user, path, body=None):
    with at(TODAY):
        return client.post(path, body or {}, content_type="application/json", **bearer(user))


def get(client, user, path):
    with at(TODAY):
        return client.get(path, **bearer(user))


def test_record_list_pay(client, signed):
    body = {"reference": "INV-9", "received_on": "2027-04-01", "amount": "1250.50"}
    created = post(client, signed.officer, url(signed.contract), body)
    assert created.status_code == 201, created.content
    assert created.json()["amount"] == "1250.50"
    assert created.json()["days_to_pay"] is None
    invoice_id = created.json()["id"]

    paid = post(
        client,
        signed.officer,
        url(signed.contract, f"/{invoice_id}/paid"),
        {"paid_on": "2027-05-02"},
    )
    assert paid.status_code == 200
    assert (paid.json()["days_to_pay"], paid.json()["on_time"]) == (31, False)

    again = post(
        client,
        signed.officer,
        url(signed.contract, f"/{invoice_id}/paid"),
        {"paid_on": "2027-05-03"},
    )
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_state"

    listed = get(client, signed.officer, url(signed.contract))
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert listed.json()["items"][0]["reference"] == "INV-9"
    assert Invoice.objects.get().source == "api"


def test_rules_come_back_as_400_with_the_message(client, signed):
    body = {"reference": "X", "received_on": "2027-05-16", "amount": "10.00"}
    refused = post(client, signed.officer, url(signed.contract), body)
    assert refused.status_code == 400
    assert refused.json()["message"] == "The date received cannot be in the future"


def test_dispute_and_resolve(client, signed):
    saved = invoice(signed, "D1", date(2027, 5, 1), today=TODAY)
    disputed = post(
        client, signed.officer, url(signed.contract, f"/{saved.pk}/dispute"), {"reason": "Wrong"}
    )
    assert (disputed.status_code, disputed.json()["status"]) == (200, "disputed")
    resolved = post(client, signed.officer, url(signed.contract, f"/{saved.pk}/resolve"))
    assert (resolved.status_code, resolved.json()["status"]) == (200, "valid")


def test_who_may_call(client, signed):
    body = {"reference": "INV-9", "received_on": "2027-04-01", "amount": "1.00"}
    # The supplier acts for a supplier: the buyer's part of the API is refused.
    assert post(client, signed.supplier_user, url(signed.contract), body).status_code == 403
    evaluator = testing.member(signed.buyer, Role.EVALUATOR)
    assert post(client, evaluator, url(signed.contract), body).status_code == 403
    assert get(client, evaluator, url(signed.contract)).status_code == 200
    stranger = testing.member(testing.buyer_org("Another Council"), Role.BUYER_ADMIN)
    assert post(client, stranger, url(signed.contract), body).status_code == 404
    assert get(client, stranger, url(signed.contract)).status_code == 404
    assert client.get(url(signed.contract)).status_code == 401
    assert not Invoice.objects.exists()


def test_the_supplier_sees_its_invoices_and_days_to_pay(client, signed):
    invoice(signed, "S1", date(2027, 3, 1), paid_on=date(2027, 3, 31))
    seen = get(
        client, signed.supplier_user, f"/api/supplier/contracts/{signed.contract.pk}/invoices"
    )
    assert seen.status_code == 200
    assert [(i["reference"], i["days_to_pay"], i["on_time"]) for i in seen.json()["items"]] == [
        ("S1", 30, True)
    ]
    other_supplier = testing.signed_contract()
    assert (
        get(
            client,
            other_supplier.supplier_user,
            f"/api/supplier/contracts/{signed.contract.pk}/invoices",
        ).status_code
        == 404
    )


def test_compliance_report_per_period(client, signed):
    invoice(signed, "A", date(2027, 3, 1), paid_on=date(2027, 3, 31))
    invoice(signed, "B", date(2027, 3, 1), paid_on=date(2027, 4, 1))
    report = get(client, signed.officer, "/api/buyer/payments/compliance?period_end=2027-03-31")
    assert report.status_code == 200
    body = report.json()
    assert (body["period_start"], body["period_end"]) == ("2026-10-01", "2027-03-31")
    assert (body["overall"]["paid"], body["overall"]["paid_within_30_days"]) == (1, 1)
    # B's day 30 was 31 March and it was paid on 1 April: not paid within the period.
    assert (body["overall"]["became_payable"], body["overall"]["unpaid_late"]) == (2, 1)
    whole = get(client, signed.officer, "/api/buyer/payments/compliance").json()
    assert (whole["overall"]["paid"], whole["overall"]["average_days"]) == (2, "30.5")
    assert [c["contract_reference"] for c in whole["contracts"]] == [signed.contract.reference]
    wrong = get(client, signed.officer, "/api/buyer/payments/compliance?period_end=2027-03-30")
    assert wrong.status_code == 400


def test_notices_due_and_published(client, signed):
    invoice(signed, "BIG", date(2027, 3, 1), "30000.01", paid_on=date(2027, 3, 2))
    due = get(client, signed.officer, "/api/buyer/payments/notices/due")
    assert due.status_code == 200
    assert sorted((n["notice_type"], n["key"], n["publish_by"]) for n in due.json()) == [
        # s.69(1), s.70(2): 30 days beginning with 31 March end on 29 April.
        ("UK17", "2027-03-31", "2027-04-29"),
        ("UK8", "2027-Q1", "2027-04-29"),
    ]
    evaluator = testing.member(signed.buyer, Role.EVALUATOR)
    assert post(client, evaluator, "/api/buyer/payments/notices/publish").status_code == 403
    published = post(client, signed.officer, "/api/buyer/payments/notices/publish")
    assert published.json() == {"published": 2}
    again = post(client, signed.officer, "/api/buyer/payments/notices/publish")
    assert (again.status_code, again.json()["code"]) == (400, "nothing_to_publish")
    listed = get(client, signed.officer, "/api/buyer/payments/notices")
    assert sorted(n["notice_type"] for n in listed.json()["items"]) == ["UK17", "UK8"]
