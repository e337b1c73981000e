"""s.68: paid within 30 days of a valid, undisputed invoice, counted as regulation 38 counts
(day 1 the day after the invoice is received): day 30 on time, day 31 late; disputed invoices
left out. The s.69 periods and s.70 quarters at their boundaries."""

from datetime import date
from decimal import Decimal

import pytest

from levelfield.contracts import selectors_payments as payments
from levelfield.contracts.actions import payments as actions
from tests.support import testing

from .payments_data import at, invoice

pytestmark = pytest.mark.django_db
TODAY = date(2027, 5, 15)


@pytest.fixture
def signed():
    return testing.signed_contract()


def test_paid_on_day_30_is_on_time_and_day_31_is_late(signed):
    invoice(signed, "A", date(2027, 3, 1), "100.00", paid_on=date(2027, 3, 31))  # day 30
    invoice(signed, "B", date(2027, 3, 1), "100.00", paid_on=date(2027, 4, 1))  # day 31

    figures = payments.contract_compliance(signed.contract, today=TODAY)

    assert (figures.paid, figures.on_time, figures.late_count) == (2, 1, 1)
    assert figures.percent_on_time == Decimal("50.0")
    assert figures.average_days == Decimal("30.5")  # (30 + 31) / 2
    assert [i.reference for i in figures.late] == ["B"]
    assert figures.late[0].days.days == 31


def test_a_disputed_invoice_is_left_out_and_counts_from_receipt_once_resolved(signed):
    invoice(signed, "OK", date(2027, 3, 1), paid_on=date(2027, 3, 11))  # 10 days
    disputed = invoice(
        signed,
        "D",
        date(2027, 1, 4),
        status="disputed",
        dispute_reason="Hours overstated",
        today=TODAY,
    )

    figures = payments.contract_compliance(signed.contract, today=TODAY)
    assert (figures.paid, figures.on_time, figures.unpaid_late) == (1, 1, 0)
    assert figures.average_days == Decimal("10.0")
    assert payments.is_late(disputed, TODAY) is False

    with at(TODAY):
        actions.resolve_dispute(invoice=disputed, by=signed.officer)
        actions.mark_paid(invoice=disputed, by=signed.officer, paid_on=TODAY)
    figures = payments.contract_compliance(signed.contract, today=TODAY)
    # 4 January to 15 May 2027 is 131 days: late, counted from the day it was received.
    assert (figures.paid, figures.on_time, figures.over_60) == (2, 1, 1)
    assert figures.average_days == Decimal("70.5")  # (10 + 131) / 2


def test_unpaid_after_day_30_is_listed(signed):
    invoice(signed, "DAY30", date(2027, 4, 15), today=TODAY)  # day 30 on 15 May: not yet late
    invoice(signed, "DAY31", date(2027, 4, 14), today=TODAY)  # day 31: late
    figures = payments.contract_compliance(signed.contract, today=TODAY)
    assert figures.unpaid_late == 1
    overdue = payments.unpaid_overdue(payments.buyer_invoices(signed.buyer), TODAY)
    assert [i.reference for i in overdue] == ["DAY31"]


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2027, 3, 31), date(2026, 10, 1), date(2027, 3, 31)),
        (date(2027, 4, 1), date(2027, 4, 1), date(2027, 9, 30)),
        (date(2027, 9, 30), date(2027, 4, 1), date(2027, 9, 30)),
        (date(2027, 10, 1), date(2027, 10, 1), date(2028, 3, 31)),
        (date(2027, 1, 1), date(2026, 10, 1), date(2027, 3, 31)),
    ],
)
def test_six_month_periods_end_on_31_march_and_30_september(day, start, end):
    period = payments.half_year_of(day)
    assert (period.start, period.end, period.key) == (start, end, end.isoformat())


@pytest.mark.parametrize(
    ("day", "key", "start", "end"),
    [
        (date(2027, 3, 31), "2027-Q1", date(2027, 1, 1), date(2027, 3, 31)),
        (date(2027, 4, 1), "2027-Q2", date(2027, 4, 1), date(2027, 6, 30)),
        (date(2027, 6, 30), "2027-Q2", date(2027, 4, 1), date(2027, 6, 30)),
        (date(2027, 7, 1), "2027-Q3", date(2027, 7, 1), date(2027, 9, 30)),
        (date(2027, 10, 1), "2027-Q4", date(2027, 10, 1), date(2027, 12, 31)),
        (date(2027, 12, 31), "2027-Q4", date(2027, 10, 1), date(2027, 12, 31)),
    ],
)
def test_quarters_end_on_the_last_day_of_march_june_september_and_december(day, key, start, end):
    quarter = payments.quarter_of(day)
    assert (quarter.key, quarter.start, quarter.end) == (key, start, end)
    assert payments.quarter_by_key(key) == quarter


def test_the_period_figures_take_payments_made_in_the_period(signed):
    # Paid 31 March (in the period ending 31 March) and 1 April (in the next).
    invoice(signed, "MAR", date(2027, 3, 1), paid_on=date(2027, 3, 31))
    invoice(signed, "APR", date(2027, 2, 20), paid_on=date(2027, 4, 1))  # 40 days: late
    winter = payments.half_year_of(date(2027, 3, 31))
    summer = payments.half_year_of(date(2027, 4, 1))

    first = payments.compliance(
        payments.buyer_invoices(signed.buyer), start=winter.start, end=winter.end, today=TODAY
    )
    second = payments.compliance(
        payments.buyer_invoices(signed.buyer), start=summer.start, end=summer.end, today=TODAY
    )

    assert (first.paid, first.on_time, first.average_days) == (1, 1, Decimal("30.0"))
    assert (second.paid, second.on_time, second.average_days) == (1, 0, Decimal("40.0"))
    # Both fell due in the first period (MAR on 31 March, APR on 22 March); APR was not paid
    # by 31 March: one of two unpaid within the period (regulation 38(2)(d)).
    assert (first.became_payable, first.unpaid_late, first.percent_unpaid_late) == (
        2,
        1,
        Decimal("50.0"),
    )


def test_buyer_figures_per_contract(signed):
    other = testing.signed_contract(buyer=signed.buyer)
    invoice(signed, "A", date(2027, 3, 1), paid_on=date(2027, 3, 5))
    with at(TODAY):
        actions.record_invoice(
            contract=other.contract,
            by=other.officer,
            reference="Z",
            received_on=date(2027, 3, 1),
            amount="5.00",
            paid_on=date(2027, 4, 30),
            source="page",
        )
    overall, rows = payments.buyer_compliance(signed.buyer, today=TODAY)
    assert (overall.paid, overall.on_time, overall.average_days) == (2, 1, Decimal("32.0"))
    by_contract = {row.contract.pk: (row.paid, row.on_time, row.late_count) for row in rows}
    assert by_contract == {signed.contract.pk: (1, 1, 0), other.contract.pk: (1, 0, 1)}
