"""UK8 payments notices (s.70: payments over £30,000 each quarter) and UK17 payments compliance
notices (s.69: each buyer's six-month period), published once when due, valid OCDS."""

from datetime import date

import pytest

from levelfield.accounts.models import Role
from levelfield.contracts.actions import payments as actions
from levelfield.contracts.actions.payments_notices import publish_buyer_notices
from levelfield.contracts.models import ContractNotice
from levelfield.core.errors import DomainError, PermissionDenied
from levelfield.opendata.models import Release
from tests.support import testing

from .payments_data import at, invoice, release_errors  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed():
    return testing.signed_contract(value="500000")


def test_uk8_takes_payments_over_30000_in_the_quarter(signed, release_errors):  # noqa: F811
    invoice(signed, "EQUAL", date(2027, 3, 1), "30000.00", paid_on=date(2027, 3, 20))
    invoice(signed, "OVER", date(2027, 3, 1), "30000.01", paid_on=date(2027, 3, 31))
    invoice(signed, "NEXTQ", date(2027, 3, 1), "45000.00", paid_on=date(2027, 4, 1))

    # Q1 ends 31 March; the daily job waits for the last day to publish, 30 days beginning with
    # 31 March (day 1): 31 March + 29 = 29 April, so invoices recorded late are in.
    assert actions.publish_due_notices(today=date(2027, 3, 31)) == 0
    assert actions.publish_due_notices(today=date(2027, 4, 1)) == 0
    assert actions.publish_due_notices(today=date(2027, 4, 28)) == 0
    with at(date(2027, 4, 29)):
        # The UK8 for Q1 and the UK17 for the period ending 31 March.
        assert actions.publish_due_notices(today=date(2027, 4, 29)) == 2
        assert actions.publish_due_notices(today=date(2027, 4, 30)) == 0

    notice = ContractNotice.objects.get(notice_type="UK8")
    assert (notice.key, notice.period_start, notice.period_end) == (
        "2027-Q1",
        date(2027, 1, 1),
        date(2027, 3, 31),
    )
    release = Release.objects.get(release_id=notice.release_id).data
    assert release["tag"] == ["implementation"]
    section = release["contracts"][0]
    transactions = section["implementation"]["transactions"]
    # The start of 31 March in UK time (summer time from 28 March), in UTC.
    assert [(t["value"]["amount"], t["date"]) for t in transactions] == [
        (30000.01, "2027-03-30T23:00:00Z")
    ]
    assert transactions[0]["payer"]["name"] == signed.buyer.name
    assert transactions[0]["payee"]["name"] == signed.supplier.name
    document = section["documents"][0]
    assert (document["noticeType"], document["documentType"]) == ("UK8", "implementationNotice")
    assert release_errors(release) == []


def test_uk17_is_published_once_per_buyer_and_period(signed, release_errors):  # noqa: F811
    invoice(signed, "ONTIME", date(2027, 3, 1), "100.00", paid_on=date(2027, 3, 31))  # day 30
    invoice(signed, "LATE", date(2027, 2, 1), "100.00", paid_on=date(2027, 3, 15))  # day 42
    invoice(signed, "APRIL", date(2027, 4, 1), "100.00", paid_on=date(2027, 4, 2))
    invoice(
        signed,
        "DISPUTED",
        date(2027, 1, 5),
        status="disputed",
        dispute_reason="No",
        today=date(2027, 4, 1),
    )

    assert actions.publish_due_notices(today=date(2027, 3, 31)) == 0
    assert actions.publish_due_notices(today=date(2027, 4, 28)) == 0
    with at(date(2027, 4, 29)):  # 31 March + 29, the last day to publish
        assert actions.publish_due_notices(today=date(2027, 4, 29)) == 1
    with at(date(2027, 4, 30)):
        assert actions.publish_due_notices(today=date(2027, 4, 30)) == 0

    notice = ContractNotice.objects.get(notice_type="UK17")
    assert notice.contract is None
    assert (notice.key, notice.period_start, notice.period_end) == (
        "2027-03-31",
        date(2026, 10, 1),
        date(2027, 3, 31),
    )
    release = Release.objects.get(release_id=notice.release_id).data
    assert release["ocid"].endswith(f"-PC-{signed.buyer.pk}-2027-03-31")
    assert release["tag"] == ["implementation"]
    assert release_errors(release) == []
    document = release["tender"]["documents"][0]
    assert (document["noticeType"], document["documentType"]) == ("UK17", "implementationNotice")
    # Two paid in the period (30 and 42 days), one within 30 days; April's is the next period's.
    assert (
        "2 payments made under public contracts in the period took on average 36.0 days"
        in (document["description"])
    )
    assert (
        "50.0% were paid within 30 days, 50.0% in 31 to 60 days and 0.0% on or after day 61"
        in (document["description"])
    )


def test_the_buyer_publishes_on_demand_once(signed, client):
    invoice(signed, "BIG", date(2027, 3, 1), "40000.00", paid_on=date(2027, 3, 2))
    with at(date(2027, 4, 10)):
        with pytest.raises(PermissionDenied):
            publish_buyer_notices(buyer=signed.buyer, by=signed.supplier_user)
        with pytest.raises(PermissionDenied):
            publish_buyer_notices(
                buyer=signed.buyer, by=testing.member(signed.buyer, Role.EVALUATOR)
            )
        assert publish_buyer_notices(buyer=signed.buyer, by=signed.officer) == 2  # UK8 and UK17
        with pytest.raises(DomainError, match="There is no payments notice due to publish"):
            publish_buyer_notices(buyer=signed.buyer, by=signed.officer)
        assert actions.publish_due_notices(today=date(2027, 4, 10)) == 0
    assert sorted(ContractNotice.objects.values_list("notice_type", flat=True)) == ["UK17", "UK8"]


def test_the_public_page_shows_the_published_figures(signed, client):
    invoice(signed, "A", date(2027, 3, 1), "100.00", paid_on=date(2027, 3, 11))
    with at(date(2027, 4, 29)):
        actions.publish_due_notices(today=date(2027, 4, 29))
    page = client.get(f"/contracts/payments-compliance/{signed.buyer.pk}/2027-03-31/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Payments compliance notice: 1 October 2026 to 31 March 2027" in text
    assert "took on average 10.0 days" in text
    assert (
        client.get(f"/contracts/payments-compliance/{signed.buyer.pk}/2027-09-30/").status_code
        == 404
    )
