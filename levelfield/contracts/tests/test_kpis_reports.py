"""The supplier's KPI reports: one per period, counted from the contract's start by the KPI's
frequency; met or not against the target and direction; corrected until due; reminders sent
once, 7 days before a report is due, and never once it is reported."""

from datetime import date, timedelta

import pytest

from levelfield.contracts import kpi_rules, selectors_kpis
from levelfield.contracts.actions import kpis
from levelfield.contracts.models import Reminder
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.models import OutboundEmail
from tests.support import testing

from .kpis_builders import add, on

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    return testing.signed_contract()


def test_periods_are_counted_from_the_start_by_frequency():
    rules = kpi_rules.rules_for(date(2027, 1, 1))
    periods = kpi_rules.periods_between(
        date(2027, 4, 1), date(2028, 2, 15), 3, rules, until=date(2030, 1, 1)
    )

    assert [(p.start, p.end, p.due) for p in periods] == [
        (date(2027, 4, 1), date(2027, 6, 30), date(2027, 7, 14)),
        (date(2027, 7, 1), date(2027, 9, 30), date(2027, 10, 14)),
        (date(2027, 10, 1), date(2027, 12, 31), date(2028, 1, 14)),
        # The last is cut short at the contract's end.
        (date(2028, 1, 1), date(2028, 2, 15), date(2028, 2, 29)),
    ]


def test_a_month_end_start_keeps_its_day_where_the_month_has_it():
    rules = kpi_rules.rules_for(date(2027, 1, 1))
    periods = kpi_rules.periods_between(
        date(2027, 1, 31), date(2027, 5, 30), 1, rules, until=date(2027, 5, 1)
    )
    assert [(p.start, p.end) for p in periods] == [
        (date(2027, 1, 31), date(2027, 2, 27)),
        (date(2027, 2, 28), date(2027, 3, 30)),
        (date(2027, 3, 31), date(2027, 4, 29)),
        (date(2027, 4, 30), date(2027, 5, 30)),
    ]


def test_the_supplier_reports_once_per_ended_period(built):
    kpi = add(built.contract, built.officer, frequency="monthly")
    start = built.contract.start_date
    first = kpis.period_of(kpi, 1)

    with on(first.end - timedelta(days=1)), pytest.raises(DomainError) as early:
        kpis.report_kpi(kpi=kpi, by=built.supplier_user, period=1, value="96")
    assert early.value.code == "period_open"

    with on(first.end):
        report = kpis.report_kpi(kpi=kpi, by=built.supplier_user, period=1, value="96")
        with pytest.raises(DomainError) as again:
            kpis.report_kpi(kpi=kpi, by=built.supplier_user, period=1, value="97")
    assert (
        again.value.message
        == "This period has been reported on already; correct the report instead"
    )
    assert (report.period_start, report.period_end) == (start, first.end)


def test_met_follows_the_target_and_its_direction(built):
    higher = add(built.contract, built.officer, "Calls answered", target="95")
    lower = add(built.contract, built.officer, "Visits missed", target="2", direction="lower")
    with on(kpis.period_of(higher, 2).end + timedelta(days=1)):
        for kpi, first, second in ((higher, "95", "94.99"), (lower, "2", "2.01")):
            kpis.report_kpi(kpi=kpi, by=built.supplier_user, period=1, value=first)
            kpis.report_kpi(kpi=kpi, by=built.supplier_user, period=2, value=second)
        rows = selectors_kpis.kpi_rows(built.contract)

    assert [[p.met for p in row.periods[:2]] for row in rows] == [[True, False], [True, False]]


def test_a_report_is_corrected_until_it_is_due_and_then_stands(built):
    kpi = add(built.contract, built.officer)
    period = kpis.period_of(kpi, 1)
    with on(period.end + timedelta(days=1)):
        report = kpis.report_kpi(kpi=kpi, by=built.supplier_user, period=1, value="90")
    with on(period.due):
        report = kpis.correct_report(
            report=report, by=built.supplier_user, value="91", narrative="Typo"
        )
    assert str(report.value) == "91.00"
    with on(period.due + timedelta(days=1)), pytest.raises(InvalidTransition) as closed:
        kpis.correct_report(report=report, by=built.supplier_user, value="99")
    assert "it was due on" in closed.value.message


def test_a_kpi_reported_on_cannot_be_removed_nor_its_frequency_changed(built):
    kpi = add(built.contract, built.officer)
    with on(kpis.period_of(kpi, 1).end):
        kpis.report_kpi(kpi=kpi, by=built.supplier_user, period=1, value="90")

    with pytest.raises(DomainError) as removal:
        kpis.remove_kpi(kpi=kpi, by=built.officer)
    assert removal.value.message == "The supplier has reported on this KPI, so it cannot be removed"
    with pytest.raises(DomainError):
        kpis.edit_kpi(
            kpi=kpi,
            by=built.officer,
            name=kpi.name,
            target="96",
            unit="%",
            frequency="monthly",
            direction="higher",
        )
    edited = kpis.edit_kpi(
        kpi=kpi,
        by=built.officer,
        name=kpi.name,
        target="96",
        unit="%",
        frequency="quarterly",
        direction="higher",
    )
    assert str(edited.target) == "96.00"


def test_only_the_contracts_supplier_reports(built):
    kpi = add(built.contract, built.officer)
    _, other_supplier_user = testing.supplier_with_user("Other Care Ltd")
    with on(kpis.period_of(kpi, 1).end):
        for person in (other_supplier_user, built.officer, built.buyer_admin):
            with pytest.raises(PermissionDenied):
                kpis.report_kpi(kpi=kpi, by=person, period=1, value="90")


def _reminders():
    return list(
        OutboundEmail.objects.filter(subject__contains="KPI report due").values_list(
            "to", "subject"
        )
    )


def test_the_supplier_is_reminded_once_seven_days_before_a_report_is_due(built):
    kpi = add(built.contract, built.officer)
    period = kpis.period_of(kpi, 1)
    assert period.due == period.end + timedelta(days=14)

    assert kpis.remind_reports_due(today=period.due - timedelta(days=8)) == 0
    assert kpis.remind_reports_due(today=period.due - timedelta(days=7)) == 1
    assert kpis.remind_reports_due(today=period.due - timedelta(days=7)) == 0
    assert kpis.remind_reports_due(today=period.due - timedelta(days=3)) == 0

    [(to, subject)] = _reminders()
    assert to == [built.supplier_user.email]
    assert subject == f"{built.contract.reference}: KPI report due by {period.due:%-d %B %Y}"
    assert Reminder.objects.get().key == f"{kpi.pk}:{period.end.isoformat()}"


def test_no_reminder_once_the_period_is_reported(built):
    kpi = add(built.contract, built.officer)
    period = kpis.period_of(kpi, 1)
    with on(period.end):
        kpis.report_kpi(kpi=kpi, by=built.supplier_user, period=1, value="96")

    assert kpis.remind_reports_due(today=period.due - timedelta(days=7)) == 0
    assert _reminders() == []


def test_an_overdue_report_is_shown_not_reminded(built):
    kpi = add(built.contract, built.officer)
    period = kpis.period_of(kpi, 1)

    assert kpis.remind_reports_due(today=period.due + timedelta(days=1)) == 0
    with on(period.due + timedelta(days=1)):
        summary = selectors_kpis.kpi_summary(built.contract)
    assert summary.overdue == 1
