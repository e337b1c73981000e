"""Performance assessments (s.71): rated and published as a contract performance notice (UK9)
with the material KPIs, the reports and any performance failures, valid against the patched
OCDS schema; reminders 30 days before an assessment falls due, once."""

from datetime import timedelta

import pytest

from levelfield.contracts.actions import kpis, performance
from levelfield.contracts.kpi_rules import add_months
from levelfield.contracts.models import ContractNotice
from levelfield.core import clock
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.models import AuditEvent, OutboundEmail
from tests.support import testing

from .kpis_builders import evaluator_of, on, release_errors, three_material

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    return testing.signed_contract(value="5100000")


def assess(built, day, **fields):
    contract = built.contract
    values = {
        "period_start": contract.start_date,
        "period_end": day,
        "rating": "approaching_target",
        "narrative": "Calls answered on time most months; visits missed in winter.",
    }
    values.update(fields)
    with on(day + timedelta(days=1)):
        return performance.record_assessment(contract=contract, by=built.officer, **values)


def test_an_assessment_is_published_as_a_valid_uk9_notice(built):
    contract = built.contract
    calls, visits, _ = three_material(contract, built.officer)
    kpis.add_kpi(
        contract=contract,
        by=built.officer,
        name="Complaints",
        target="5",
        unit="a quarter",
        frequency="quarterly",
        direction="lower",
    )
    first = kpis.period_of(calls, 1)
    with on(first.end + timedelta(days=2)):
        kpis.report_kpi(kpi=calls, by=built.supplier_user, period=1, value="96.5", narrative="Good")
        kpis.report_kpi(kpi=visits, by=built.supplier_user, period=1, value="3")
        performance.record_failure(
            contract=contract,
            by=built.officer,
            kind="damages",
            description="Visits missed in the snow",
            occurred_on=first.end,
            penalty="Service credit of £2,000",
            amount="2000",
        )
    year_end = add_months(contract.start_date, 12) - timedelta(days=1)

    assessment = assess(built, year_end)

    notice = ContractNotice.objects.get(contract=contract)
    release = notice.data
    assert (notice.notice_type, notice.key) == ("UK9", f"assessment-{assessment.pk}")
    assert release_errors(release) == []
    assert release["tag"] == ["implementation"]
    [section] = release["contracts"]
    document = section["documents"][0]
    assert (document["documentType"], document["noticeType"]) == ("implementationNotice", "UK9")
    # The three most material KPIs, not the fourth, are the agreed metrics (s.52(4)).
    assert [m["id"] for m in section["agreedMetrics"]] == ["kpi-1", "kpi-2", "kpi-3"]
    assert section["agreedMetrics"][1]["observations"][0]["measure"] == 2.0
    metrics = {m["id"]: m for m in section["implementation"]["metrics"]}
    rating = metrics["performance-assessment"]["observations"][0]
    assert rating["measure"] == "Approaching target"
    assert rating["notes"] == "Calls answered on time most months; visits missed in winter."
    assert [o["measure"] for o in metrics["kpi-1"]["observations"]] == [96.5]
    assert [o["measure"] for o in metrics["kpi-2"]["observations"]] == [3.0]
    [failure] = section["implementation"]["performanceFailures"]
    assert failure["category"] == "Breach leading to damages"
    assert failure["penaltyImposed"] == "Service credit of £2,000"
    event = AuditEvent.objects.get(action="contract.assessed")
    assert event.data["release_id"] == notice.release_id
    email = OutboundEmail.objects.get(subject__contains="performance assessed")
    assert email.to == [built.supplier_user.email]


def test_the_uk9_notice_carries_the_assessment_and_report_milestones(built):
    """OCDS implementation milestones: the assessment made (due 12 months after signature) and
    the next one scheduled 12 months after the period it covered; each KPI report due 14 days
    after its period ended, met the day it came."""
    contract = built.contract
    calls, _, _ = three_material(contract, built.officer)
    first = kpis.period_of(calls, 1)
    with on(first.end + timedelta(days=2)):
        kpis.report_kpi(kpi=calls, by=built.supplier_user, period=1, value="96.5")
    year_end = add_months(contract.start_date, 12) - timedelta(days=1)

    assessment = assess(built, year_end)

    release = ContractNotice.objects.get(contract=contract, notice_type="UK9").data
    assert release_errors(release) == []
    milestones = {m["id"]: m for m in release["contracts"][0]["implementation"]["milestones"]}
    signed_on = contract.signed_at.astimezone(clock.UK).date()
    made = milestones[f"assessment-{assessment.pk}"]
    assert (made["type"], made["status"]) == ("assessment", "met")
    assert made["dueDate"].startswith(add_months(signed_on, 12).isoformat())
    assert made["dateMet"].startswith((year_end + timedelta(days=1)).isoformat())
    next_due = add_months(year_end, 12)
    scheduled = milestones[f"assessment-due-{next_due.isoformat()}"]
    assert (scheduled["type"], scheduled["status"]) == ("assessment", "scheduled")
    report = milestones[f"kpi-1-report-{first.end.isoformat()}"]
    assert (report["type"], report["status"]) == ("reporting", "met")
    assert report["dueDate"].startswith((first.end + timedelta(days=14)).isoformat())
    assert report["dateMet"].startswith((first.end + timedelta(days=2)).isoformat())


def test_an_assessment_at_termination_is_refused_while_the_contract_is_in_force(built):
    """Only terminating or completing the contract makes the assessment at termination: a
    contract in force cannot be published as 'assessed at termination'."""
    year_end = add_months(built.contract.start_date, 12) - timedelta(days=1)
    with pytest.raises(InvalidTransition, match="when the contract is terminated or completed"):
        assess(built, year_end, at_termination=True)
    assert not ContractNotice.objects.filter(notice_type="UK9").exists()


def test_the_reason_for_no_kpis_is_published_in_their_place(built):
    kpis.set_kpi_exemption(contract=built.contract, by=built.officer, reason="Paid by results")

    assess(built, built.contract.start_date + timedelta(days=200), rating="good")

    [section] = ContractNotice.objects.get().data["contracts"]
    assert section["noAgreedMetricsRationale"] == "Paid by results"
    assert "agreedMetrics" not in section
    assert release_errors(ContractNotice.objects.get().data) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"narrative": "  "}, performance.NARRATIVE_REQUIRED),
        ({"rating": "excellent"}, performance.RATING_UNKNOWN),
        ({"period_start": "end+1"}, performance.PERIOD_ORDER),
    ],
)
def test_an_assessment_needs_a_rating_a_narrative_and_a_period(built, fields, message):
    day = built.contract.start_date + timedelta(days=100)
    if fields.get("period_start") == "end+1":
        fields = {"period_start": day + timedelta(days=1)}
    with pytest.raises(DomainError) as refused:
        assess(built, day, **fields)
    assert refused.value.message == message
    assert not ContractNotice.objects.exists()


def test_a_period_cannot_end_in_the_future(built):
    day = built.contract.start_date + timedelta(days=100)
    with on(day), pytest.raises(DomainError) as refused:
        performance.record_assessment(
            contract=built.contract,
            by=built.officer,
            period_start=built.contract.start_date,
            period_end=day + timedelta(days=1),
            rating="good",
            narrative="Fine",
        )
    assert refused.value.message == "The assessed period cannot end after today"


def test_only_the_buyers_people_running_the_contract_assess(built):
    other = testing.signed_contract(buyer=testing.buyer_org("Other Council"))
    day = built.contract.start_date + timedelta(days=100)
    for person in (built.supplier_user, other.officer, evaluator_of(built.buyer)):
        with on(day), pytest.raises(PermissionDenied):
            performance.record_assessment(
                contract=built.contract,
                by=person,
                period_start=built.contract.start_date,
                period_end=day,
                rating="good",
                narrative="Fine",
            )
        with on(day), pytest.raises(PermissionDenied):
            performance.record_failure(
                contract=built.contract,
                by=person,
                kind="damages",
                description="Late",
                occurred_on=day,
            )


def test_the_manager_is_reminded_once_30_days_before_an_assessment_falls_due(built):
    contract = built.contract
    signed_on = contract.signed_at.astimezone(clock.UK).date()
    due = add_months(signed_on, 12)

    assert performance.remind_assessments_due(today=due - timedelta(days=31)) == 0
    assert performance.remind_assessments_due(today=due - timedelta(days=30)) == 1
    assert performance.remind_assessments_due(today=due - timedelta(days=29)) == 0

    # Without a contract manager, the buyer's admins are told.
    email = OutboundEmail.objects.get(subject__contains="performance assessment due")
    assert email.to == [built.buyer_admin.email]
    assert email.subject == f"{contract.reference}: performance assessment due by {due:%-d %B %Y}"


def test_an_assessment_moves_the_next_one_and_its_reminder(built):
    contract = built.contract
    assessed_to = contract.start_date + timedelta(days=100)
    assess(built, assessed_to)
    next_due = add_months(assessed_to, 12)

    assert performance.next_assessment_due(contract) == next_due
    signed_on = contract.signed_at.astimezone(clock.UK).date()
    assert (
        performance.remind_assessments_due(today=add_months(signed_on, 12) - timedelta(days=30))
        == 0
    )
    assert performance.remind_assessments_due(today=next_due - timedelta(days=30)) == 1
