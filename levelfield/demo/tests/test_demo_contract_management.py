"""The demo's contract management: the home care contract's first year and a contract let
elsewhere. The demo is loaded once for the module with the clock frozen at noon on Sunday
6 December 2026, so every date and figure below is fixed and worked out by hand.

The home care contract starts 400 days before that day, on Sunday 1 November 2025, and runs
three years, to 31 October 2028. It was signed on 11 October 2025 (after the award's standstill).
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from jsonschema.validators import Draft4Validator

from levelfield.accounts.models import User
from levelfield.contracts import kpi_rules, selectors_kpis, selectors_payments, tiering
from levelfield.contracts.models import (
    Accreditation,
    AccreditationLevel,
    ChecklistItem,
    Contract,
    ContractNotice,
    ContractStatus,
    Invoice,
    InvoiceStatus,
    KpiReport,
    NoticeType,
    Origin,
    PerformanceAssessment,
    Rating,
    Tier,
)
from levelfield.contracts.selectors_records import flags
from levelfield.core import clock
from levelfield.core.clock import UK
from levelfield.core.models import AuditEvent
from levelfield.demo.data import BUYER_NAME, HOME_CARE
from levelfield.opendata.tests import schema

from .conftest import loaded_demo

MOMENT = datetime(2026, 12, 6, 12, 0, tzinfo=UK)
TODAY = date(2026, 12, 6)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once, as of MOMENT; rolled back after the module. Its files go to a
    temporary folder and its emails nowhere, as every test's do."""
    with loaded_demo(django_db_blocker, tmp_path_factory, "demo-contracts", at=MOMENT):
        yield


@pytest.fixture
def home_care(demo, db):
    return Contract.objects.select_related("buyer", "supplier", "contract_manager").get(
        origin=Origin.AWARDED, lot__tender__title=HOME_CARE["title"]
    )


def test_the_home_care_contract_is_live_with_an_accredited_manager(home_care):
    contract = home_care
    assert contract.supplier.name == "Wessex Community Care Trust"
    assert contract.status == ContractStatus.LIVE
    assert (contract.start_date, contract.end_date) == (date(2025, 11, 1), date(2028, 10, 31))
    assert contract.signed_at.astimezone(UK).date() == date(2025, 10, 11)
    assert contract.mobilising_at.astimezone(UK) == datetime(2025, 10, 11, 12, 0, tzinfo=UK)
    assert contract.live_at.astimezone(UK) == datetime(2025, 11, 1, 8, 0, tzinfo=UK)
    # £2,900,000 after its changes is under the £5m of gold and over the £500,000 of silver;
    # silver expects a practitioner, and Priya Shah is one.
    assert contract.tier == Tier.SILVER and contract.risk == "medium"
    assert contract.supplier_contact_email == "fatima.rahman@wessextrust.example"
    assert contract.contract_manager.full_name == "Priya Shah"
    accreditation = Accreditation.objects.get(user=contract.contract_manager)
    assert accreditation.level == AccreditationLevel.PRACTITIONER
    assert tiering.manager_problem(contract, accreditation.level) is None
    assert flags(contract, TODAY) == []
    assert [(o.months, o.value) for o in contract.options.all()] == [(24, Decimal("1666666.67"))]
    # The checklist's items due in the first year are done (the annual assessment's when it
    # was made, 21 November 2026); the four about the option and the exit lie ahead.
    items = ChecklistItem.objects.filter(contract=contract).order_by("due_on", "position")
    done = [(i.text, i.due_on) for i in items if i.done_at]
    assert done == [
        ("Hold the kick-off meeting with the supplier", date(2025, 10, 18)),
        ("Agree the contract management plan", date(2025, 10, 25)),
        ("Confirm KPIs, reporting dates and contacts", date(2025, 11, 1)),
        ("Check insurance and security clearances", date(2025, 11, 1)),
        ("First performance review meeting", date(2025, 12, 1)),
        ("Review the risk register with the supplier", date(2026, 1, 30)),
        ("Annual performance assessment (s.71)", date(2026, 11, 1)),
    ]
    assert items.filter(done_at__isnull=True).count() == 4
    assert all(i.owner_id == contract.contract_manager_id for i in items)


def test_three_material_kpis_reported_for_a_year(home_care):
    rows = selectors_kpis.kpi_rows(home_care, today=TODAY)
    assert [(r.kpi.name, r.kpi.frequency, r.kpi.material) for r in rows] == [
        ("Visits on time", "monthly", True),
        ("Missed visits", "monthly", True),
        ("Reablement completed", "quarterly", True),
    ]
    # Twelve months and four quarters: 12 + 12 + 4.
    assert KpiReport.objects.filter(kpi__contract=home_care).count() == 28
    assert [r.reported for r in rows] == [12, 12, 4]
    # Met, by hand: visits on time >= 95% in months 4, 5, 6, 9, 10, 11 and 12 (7); missed
    # visits <= 2 per 1,000 in months 4, 5, 6, 8, 9, 10, 11 and 12 (8); reablement >= 60% in
    # quarters 3 and 4 (2).
    assert [sum(1 for p in r.periods if p.met) for r in rows] == [7, 8, 2]
    # November 2026 has ended and is not reported yet: due 14 December, so not overdue.
    assert [len(r.periods) for r in rows] == [14, 14, 5]
    november = rows[0].periods[12]
    assert (november.period.start, november.period.end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert november.can_report and not november.overdue
    assert [r.overdue for r in rows] == [0, 0, 0]
    first = KpiReport.objects.get(kpi=rows[0].kpi, period_end=date(2025, 11, 30))
    assert first.value == Decimal("91.2") and "TUPE" in first.narrative
    assert kpi_rules.is_met(direction="higher", target=Decimal("95"), value=first.value) is False


def test_people_reabled_give_a_cost_per_outcome(home_care):
    summary = selectors_kpis.outcome_summary(home_care)
    assert summary.measure == "people reabled"
    # 38 + 41 + 46 + 49 = 174 people, one record a quarter.
    assert [r.quantity for r in reversed(summary.records)] == [38, 41, 46, 49]
    assert summary.delivered == Decimal("174")
    # Paid so far (invoices 1 to 12, below) £885,444.75 / 174 = £5,088.7629... = £5,088.76.
    assert summary.paid == Decimal("885444.75")
    assert summary.cost == Decimal("5088.76")


# The invoices, received two days after each month ends, by hand:
#   n  received    amount       paid        days
#   1  2025-12-02   68,912.50   2025-12-23  21
#   2  2026-01-02   69,480.00   2026-01-20  18
#   3  2026-02-02   70,115.25   2026-02-27  25
#   4  2026-03-02   69,874.00   2026-03-26  24
#   5  2026-04-02   71,230.75   2026-05-07  35  late (30 days of April + 5)
#   6  2026-05-02   72,640.00   2026-05-22  20
#   7  2026-06-02   73,118.50   2026-06-30  28  disputed 5 June, resolved 18 June
#   8  2026-07-02   72,905.00   2026-07-21  19
#   9  2026-08-02   73,402.25   2026-08-24  22
#  10  2026-09-02   80,950.00   2026-09-28  26
#  11  2026-10-02   81,276.50   2026-10-25  23
#  12  2026-11-02   81,540.00   2026-11-23  21
#  13  2026-12-02   81,602.75   unpaid (day 4 of 30)
# Paid: 12 invoices, 11 on time: 11 / 12 = 91.666...% = 91.7%. Days: 21 + 18 + 25 + 24 + 35 +
# 20 + 28 + 19 + 22 + 26 + 23 + 21 = 282; 282 / 12 = 23.5 days on average. Amount paid:
# 68,912.50 + 69,480.00 + 70,115.25 + 69,874.00 = 278,381.75; + 71,230.75 + 72,640.00 +
# 73,118.50 = 495,371.00; + 72,905.00 + 73,402.25 + 80,950.00 = 722,628.25; + 81,276.50 +
# 81,540.00 = 885,444.75.
def test_invoices_and_the_thirty_day_figures(home_care):
    invoices = list(Invoice.objects.filter(contract=home_care).order_by("received_on"))
    assert len(invoices) == 13
    assert all(i.status == InvoiceStatus.VALID for i in invoices)
    assert [selectors_payments.days_to_pay(i) for i in invoices] == [
        21, 18, 25, 24, 35, 20, 28, 19, 22, 26, 23, 21, None,
    ]  # fmt: skip
    figures = selectors_payments.contract_compliance(home_care, today=TODAY)
    assert (figures.paid, figures.on_time, figures.late_count) == (12, 11, 1)
    assert figures.percent_on_time == Decimal("91.7")
    assert figures.average_days == Decimal("23.5")
    assert figures.amount_paid == Decimal("885444.75")
    assert [(i.reference, i.days.days) for i in figures.late] == [("WCT-202604-05", 35)]
    counts = selectors_payments.counts_for_contract(home_care, TODAY)
    assert counts == {"total": 13, "unpaid": 1, "disputed": 0, "overdue": 0, "paid_late": 1}
    # The disputed invoice: disputed and resolved through the actions, counted from receipt.
    disputed = invoices[6]
    actions = list(
        AuditEvent.objects.filter(
            action__in=("invoice.disputed", "invoice.dispute_resolved"),
            object_type="contracts.invoice",
            object_id=str(disputed.pk),
        )
        .order_by("at")
        .values_list("action", "at")
    )
    assert [(a, at.astimezone(UK).date()) for a, at in actions] == [
        ("invoice.disputed", date(2026, 6, 5)),
        ("invoice.dispute_resolved", date(2026, 6, 18)),
    ]


def notices(notice_type: str) -> list[ContractNotice]:
    return list(
        ContractNotice.objects.filter(notice_type=notice_type, buyer__name=BUYER_NAME).order_by(
            "period_end"
        )
    )


def test_uk8_for_each_quarter_ended_and_uk17_for_each_half_year(home_care):
    # UK8 (s.70): the quarters with a payment over £30,000 that have ended. By paid date:
    # 2025-Q4 invoice 1; 2026-Q1 invoices 2, 3, 4; 2026-Q2 5, 6, 7; 2026-Q3 8, 9, 10. Invoices
    # 11 and 12 were paid in 2026-Q4, which has not ended.
    uk8 = notices(NoticeType.UK8)
    assert [n.key for n in uk8] == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    assert all(n.contract_id == home_care.pk for n in uk8)
    transactions = [n.data["contracts"][0]["implementation"]["transactions"] for n in uk8]
    assert [len(t) for t in transactions] == [1, 3, 3, 3]
    assert transactions[0][0]["value"]["amount"] == 68912.5
    # Published by the daily job on each quarter's last day to publish, 30 days beginning with
    # the quarter's last day (s.70(2)): 31 December 2025 + 29 = 29 January 2026; 31 March + 29
    # = 29 April (31 March is day 1, 1 April day 2, 29 April day 30);
    # 30 June + 29 = 29 July; 30 September + 29 = 29 October.
    assert [n.published_at.astimezone(UK).date() for n in uk8] == [
        date(2026, 1, 29),
        date(2026, 4, 29),
        date(2026, 7, 29),
        date(2026, 10, 29),
    ]
    # UK17 (s.69): the periods ending 31 March 2026 (the first) and 30 September 2026.
    uk17 = notices(NoticeType.UK17)
    assert [n.key for n in uk17] == ["2026-03-31", "2026-09-30"]
    # Each on its last day to publish too (s.69(1)): 31 March + 29 = 29 April, 30 September +
    # 29 = 29 October. Invoice 5 (received 2 April, paid 7 May) is in neither's paid figures.
    assert [n.published_at.astimezone(UK).date() for n in uk17] == [
        date(2026, 4, 29),
        date(2026, 10, 29),
    ]
    first, second = (n.data["tender"]["description"] for n in uk17)
    # To 31 March: invoices 1-4 paid, 21 + 18 + 25 + 24 = 88 days / 4 = 22.0, all on time.
    assert "4 payments" in first and "22.0 days" in first
    assert "100.0% were paid within 30 days" in first
    # To 30 September: invoices 5-10, 35 + 20 + 28 + 19 + 22 + 26 = 150 days / 6 = 25.0; 5 of
    # 6 on time = 83.3%, 1 of 6 in 31 to 60 days = 16.7%.
    assert "6 payments" in second and "25.0 days" in second
    assert "83.3% were paid within 30 days, 16.7% in 31 to 60 days" in second


def test_one_change_within_the_s75_limit_and_one_over_it(home_care):
    first, second = home_care.changes.order_by("number")
    # Change 1: £2,500,000 to £2,600,000, £100,000 = 4% of the original £2,500,000: within
    # the 10% for services, no notice, made at once.
    assert (first.value_before, first.value_after) == (Decimal("2500000.00"), Decimal("2600000"))
    assert first.value_change_percent == Decimal("4.00")
    assert first.notice_required is False and first.standstill_ends_at is None
    # Change 2: £2,600,000 to £2,900,000, £300,000 (12% of the original) and with change 1
    # £400,000 = 16% > 10%: a UK10 notice first, a voluntary standstill, then made.
    assert (second.value_before, second.value_after) == (
        Decimal("2600000.00"),
        Decimal("2900000.00"),
    )
    assert second.value_change_percent == Decimal("16.00")
    assert second.notice_required is True
    assert second.status == "made" and second.made_at > second.standstill_ends_at
    # £2,500,000 + £100,000 + £300,000 = £2,900,000; the term is unchanged.
    assert home_care.value == Decimal("2900000.00")
    assert home_care.original_value == Decimal("2500000.00")
    assert home_care.end_date == home_care.original_end_date == date(2028, 10, 31)
    [uk10] = notices(NoticeType.UK10)
    assert uk10.key == "2" and uk10.contract_id == home_care.pk
    assert uk10.published_at < second.made_at
    [amendment] = uk10.data["contracts"][0]["amendments"]
    assert "night-sitting" in amendment["rationale"]


def test_the_annual_assessment_is_published_as_uk9(home_care):
    [assessment] = PerformanceAssessment.objects.filter(contract=home_care)
    assert assessment.rating == Rating.APPROACHING
    assert (assessment.period_start, assessment.period_end) == (
        date(2025, 11, 1),
        date(2026, 10, 31),
    )
    [uk9] = notices(NoticeType.UK9)
    assert uk9.contract_id == home_care.pk and uk9.key == f"assessment-{assessment.pk}"
    assert uk9.data["tag"] == ["implementation"]


def test_every_contract_notice_is_valid_against_the_patched_schema(home_care):
    validator = Draft4Validator(
        schema.patched_release_schema(), format_checker=Draft4Validator.FORMAT_CHECKER
    )
    published = list(ContractNotice.objects.order_by("published_at"))
    # 4 UK8 + 2 UK17 + 1 UK10 + 1 UK9; and the UK9 of each of the three contracts the
    # resilience demo assessed (demo/resilience.py).
    assert len(published) == 8 + 3
    for notice in published:
        errors = [
            f"/{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(notice.data)
        ]
        assert errors == [], (notice.notice_type, notice.key, errors)


def test_a_contract_let_elsewhere_entered_by_hand_is_flagged_for_its_manager(demo, db, client):
    contract = Contract.objects.select_related("supplier", "contract_manager").get(
        origin=Origin.LET_ELSEWHERE, buyer__name=BUYER_NAME
    )
    assert contract.title == "Grounds maintenance: County Hall and three libraries"
    assert contract.reference == "LE-2026-0001"
    assert contract.supplier.name == "Tarrant Highways Ltd"
    assert contract.status == ContractStatus.LIVE
    # Started 150 days before 6 December 2026; two years.
    assert (contract.start_date, contract.end_date) == (date(2026, 7, 9), date(2028, 7, 8))
    # £86,400 at low risk is bronze, which expects foundation; Tom Hughes holds none.
    assert contract.tier == Tier.BRONZE
    assert contract.contract_manager.full_name == "Tom Hughes"
    assert flags(contract, TODAY) == [
        "A bronze contract needs a foundation contract manager; its manager has no accreditation"
    ]
    # The buyer's register shows both, each with its origin.
    client.force_login(User.objects.get(email="helen.marsh@wessex.example"))
    with clock.frozen_at(MOMENT):
        page = client.get(reverse("contracts:register")).content.decode()
    assert "Grounds maintenance: County Hall and three libraries" in page
    assert "North Wessex home care and reablement" in page
