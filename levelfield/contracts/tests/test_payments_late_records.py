"""Invoices recorded late (s.69, s.70): the notices wait for their last day to publish so late
records are in them; a payment over £30,000 recorded (or dated paid) after its quarter's UK8 goes
out in a supplementary UK8; a payment in a published UK8 keeps its amount and date paid; and a
published UK17 period takes no back-dated invoice."""

from datetime import date, timedelta

import pytest
from django.core import mail

from levelfield.contracts.actions import payments as actions
from levelfield.contracts.actions.payments_notices import publish_buyer_notices
from levelfield.contracts.models import ContractNotice, Invoice
from levelfield.contracts.selectors_payments import payment_deadline
from levelfield.core.errors import DomainError
from levelfield.opendata.models import Release
from tests.support import testing

from .payments_data import at, invoice, release_errors  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed():
    return testing.signed_contract(value="900000")


def daily(first: date, last: date) -> int:
    """The daily job run each day from `first` to `last`; how many notices it published."""
    published, day = 0, first
    while day <= last:
        with at(day, 6):
            published += actions.publish_due_notices(today=day)
        day += timedelta(days=1)
    return published


def amounts(notice) -> list[float]:
    release = Release.objects.get(release_id=notice.release_id).data
    return [t["value"]["amount"] for t in release["contracts"][0]["implementation"]["transactions"]]


def test_a_payment_recorded_after_the_quarter_is_in_its_uk8_and_uk17(signed):
    invoice(signed, "A", date(2027, 3, 1), "40000.00", paid_on=date(2027, 3, 10))
    # Paid 20 March, recorded 5 April: the reviewer's case, never published before.
    invoice(
        signed, "B", date(2027, 3, 2), "50000.00", paid_on=date(2027, 3, 20), today=date(2027, 4, 5)
    )
    # Last day to publish: 31 March is day 1 of 30, so 31 March + 29 = 29 April. Nothing before.
    assert daily(date(2027, 4, 1), date(2027, 4, 28)) == 0
    assert daily(date(2027, 4, 29), date(2027, 5, 3)) == 2  # the UK8 for Q1 and the UK17
    [uk8] = ContractNotice.objects.filter(notice_type="UK8")
    assert uk8.key == "2027-Q1"
    assert uk8.published_at.date() == date(2027, 4, 29)
    assert amounts(uk8) == [40000.0, 50000.0]
    # The UK17 counts B too: A day 9, B day 18: (9 + 18) / 2 = 13.5 days.
    uk17 = ContractNotice.objects.get(notice_type="UK17")
    assert (
        "2 payments made under public contracts in the period took on average 13.5 days"
        in (uk17.data["tender"]["description"])
    )


def test_a_q1_payment_recorded_after_both_notices_goes_in_a_supplementary_uk8(signed):
    """Q1's UK8 and the UK17 to 31 March both go on 29 April; a £50,000 payment made in March
    and recorded on 5 May is taken (not refused for the published UK17) and published the next
    day in a supplementary UK8 for Q1."""
    invoice(signed, "A", date(2027, 3, 1), "40000.00", paid_on=date(2027, 3, 10))
    assert daily(date(2027, 4, 29), date(2027, 4, 29)) == 2
    invoice(
        signed, "B", date(2027, 3, 2), "50000.00", paid_on=date(2027, 3, 20), today=date(2027, 5, 5)
    )
    assert daily(date(2027, 5, 5), date(2027, 5, 7)) == 1
    supplementary = ContractNotice.objects.get(notice_type="UK8", key="2027-Q1-2")
    assert amounts(supplementary) == [50000.0]


def test_a_payment_after_the_uk8_goes_in_a_supplementary_uk8(signed, release_errors):  # noqa: F811
    invoice(signed, "A", date(2027, 5, 1), "40000.00", paid_on=date(2027, 5, 10))
    late_paid = invoice(signed, "C", date(2027, 6, 1), "35000.00", today=date(2027, 6, 1))
    # The buyer publishes Q2's UK8 early, on 2 July (the UK17's period runs to 30 September).
    with at(date(2027, 7, 2)):
        assert publish_buyer_notices(buyer=signed.buyer, by=signed.officer) == 1
    assert daily(date(2027, 7, 3), date(2027, 7, 9)) == 0
    # B, paid 20 June, is recorded on 10 July; C is marked paid on 1 August, dated 30 June.
    invoice(
        signed,
        "B",
        date(2027, 6, 2),
        "50000.00",
        paid_on=date(2027, 6, 20),
        today=date(2027, 7, 10),
    )
    assert daily(date(2027, 7, 10), date(2027, 7, 31)) == 1
    with at(date(2027, 8, 1)):
        actions.mark_paid(invoice=late_paid, by=signed.officer, paid_on=date(2027, 6, 30))
    assert daily(date(2027, 8, 1), date(2027, 8, 5)) == 1
    notices = list(ContractNotice.objects.filter(notice_type="UK8").order_by("id"))
    assert [(n.key, amounts(n)) for n in notices] == [
        ("2027-Q2", [40000.0]),
        ("2027-Q2-2", [50000.0]),
        ("2027-Q2-3", [35000.0]),
    ]
    assert notices[1].published_at.date() == date(2027, 7, 10)
    for notice in notices:
        assert release_errors(Release.objects.get(release_id=notice.release_id).data) == []


def test_a_published_payment_keeps_its_amount_and_date_paid(signed):
    paid = invoice(signed, "A", date(2027, 5, 1), "40000.00", paid_on=date(2027, 5, 10))
    with at(date(2027, 7, 2)):
        publish_buyer_notices(buyer=signed.buyer, by=signed.officer)
    fields = {"received_on": date(2027, 5, 1), "amount": "40000.00", "paid_on": date(2027, 5, 10)}
    with at(date(2027, 7, 5)):
        for change in ({"amount": "41000.00"}, {"paid_on": date(2027, 5, 11)}):
            with pytest.raises(DomainError) as refused:
                actions.correct_invoice(
                    invoice=paid, by=signed.officer, reference="A", **(fields | change)
                )
            assert str(refused.value) == (
                "Invoice A's payment was published in the payments notice (UK8) for 2027-Q2 on "
                "2 July 2027: its amount and date paid cannot be changed now. Its reference can "
                "still be corrected"
            )
        actions.correct_invoice(invoice=paid, by=signed.officer, reference="A-1", **fields)
    paid.refresh_from_db()
    assert (paid.reference, str(paid.amount), paid.paid_on) == (
        "A-1",
        "40000.00",
        date(2027, 5, 10),
    )


PUBLISHED = (
    "The payments compliance notice (UK17) for 1 October 2026 to 31 March 2027 was published on "
    "29 April 2027: an invoice's dates cannot be moved into, out of or within that period now, "
    "because the notice is not published again. Its reference and amount can still be corrected"
)


def test_a_payment_recorded_after_its_periods_uk17_is_taken_and_left_out_of_it(signed):
    """Recording what happened is never refused: an invoice paid (or falling due) in a period
    whose UK17 is out is recorded, and the published notice stays as it was; moving a counted
    invoice's dates in or out of the published period is refused."""
    unpaid = invoice(signed, "OPEN", date(2027, 3, 20), "100.00", today=date(2027, 3, 20))
    invoice(signed, "A", date(2027, 3, 1), "100.00", paid_on=date(2027, 3, 11))
    assert daily(date(2027, 4, 29), date(2027, 4, 29)) == 1  # the UK17 (no payment over £30,000)
    notice = ContractNotice.objects.get(notice_type="UK17")
    published = notice.data
    with at(date(2027, 5, 3)):
        # Paid in the published period, recorded late.
        invoice(
            signed, "LATE", date(2027, 3, 2), "100.00", paid_on=date(2027, 3, 20),
            today=date(2027, 5, 3),
        )  # fmt: skip
        # Unpaid, but fell due in the published period.
        invoice(signed, "DUE", date(2027, 2, 1), "100.00", today=date(2027, 5, 3))
        # Marked paid with a date in the published period.
        actions.mark_paid(invoice=unpaid, by=signed.officer, paid_on=date(2027, 3, 31))
        # A counted invoice's date paid moved out of the period: refused.
        counted = Invoice.objects.get(reference="A")
        with pytest.raises(DomainError) as refused:
            actions.correct_invoice(
                invoice=counted,
                by=signed.officer,
                reference="A",
                received_on=date(2027, 3, 1),
                amount="100.00",
                paid_on=date(2027, 4, 2),
            )
        assert str(refused.value) == PUBLISHED
    assert sorted(Invoice.objects.values_list("reference", flat=True)) == [
        "A", "DUE", "LATE", "OPEN",
    ]  # fmt: skip
    notice.refresh_from_db()
    assert notice.data == published


def test_the_deadline_is_30_days_beginning_with_the_day_received(
    signed, client, django_capture_on_commit_callbacks
):
    # s.68(2): received 1 April is day 1, so day 30 is 30 April.
    assert payment_deadline(date(2027, 4, 1)) == date(2027, 4, 30)
    on_day_30 = invoice(signed, "D30", date(2027, 4, 1), "100.00", today=date(2027, 4, 1))
    past = invoice(signed, "PAST", date(2027, 3, 31), "100.00", today=date(2027, 3, 31))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # 30 April: D30's deadline day (reminded); PAST's deadline was 29 April (not reminded).
        assert actions.remind_invoices_due(today=date(2027, 4, 30)) == 1
    assert [m.subject for m in mail.outbox] == ["Invoice D30 must be paid by 30 April 2027"]
    client.force_login(signed.officer, backend="django.contrib.auth.backends.ModelBackend")
    with at(date(2027, 4, 30)):
        text = client.get(f"/buyer/contracts/{signed.contract.pk}/invoices/").content.decode()
    assert "Pay by 30 April 2027" in text and "Pay by 29 April 2027" in text
    assert past.pk and on_day_30.pk
