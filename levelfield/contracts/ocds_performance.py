"""KPIs, reports, assessments and performance failures as OCDS, for the contract performance
notice (UK9, tag `implementation`).

- `contracts.agreedMetrics` (metrics extension): the three most material KPIs, each with its
  target as an observation (s.52(4)); or `noAgreedMetricsRationale` (UK extension) where a
  contract over £5m has none.
- `contracts.implementation.metrics`: one metric per KPI with the supplier's reports as
  observations, and the assessment itself as a metric whose observation's measure is the rating
  (s.71) and whose notes are the narrative.
- `contracts.implementation.performanceFailures` (performance_failures extension): each breach
  recorded (s.71(2)), its kind as the category.
- `contracts.implementation.milestones`: the s.71 assessments (type `assessment`: each one made
  is met, the next one scheduled with its due date) and the supplier's KPI reports (type
  `reporting`, due a set number of days after each period, met on the day reported).
"""

from datetime import timedelta

from levelfield.core import clock
from levelfield.core.ocds import ocds_datetime, ocds_end_of_day

from . import kpi_rules
from .models.performance import (
    FailureKind,
    Kpi,
    KpiReport,
    PerformanceAssessment,
    PerformanceFailure,
    Rating,
)

ASSESSMENT_METRIC_ID = "performance-assessment"


def _number(value):
    return float(value) if value is not None else None


def _period(start, end) -> dict:
    return {"startDate": ocds_datetime(start), "endDate": ocds_end_of_day(end)}


def kpi_metric_id(kpi: Kpi) -> str:
    return f"kpi-{kpi.number}"


def agreed_metric(kpi: Kpi) -> dict:
    return {
        "id": kpi_metric_id(kpi),
        "title": kpi.name,
        "description": kpi.description or None,
        "observations": [
            {
                "id": f"{kpi_metric_id(kpi)}-target",
                "measure": _number(kpi.target),
                "unit": {"name": kpi.unit},
                "notes": f"Target ({kpi.get_direction_display().lower()}), reported "
                f"{kpi.get_frequency_display().lower()}",
            }
        ],
    }


def report_observation(report: KpiReport) -> dict:
    return {
        "id": f"{kpi_metric_id(report.kpi)}-{report.period_end.isoformat()}",
        "period": _period(report.period_start, report.period_end),
        "measure": _number(report.value),
        "unit": {"name": report.kpi.unit},
        "notes": report.narrative or None,
    }


def failure_disclosure(failure: PerformanceFailure) -> dict:
    return {
        "id": f"failure-{failure.pk}",
        "period": _period(failure.occurred_on, failure.occurred_on),
        "category": FailureKind(failure.kind).label,
        "events": 1,
        "penaltyImposed": failure.penalty or None,
    }


def assessment_metric(assessment) -> dict:
    return {
        "id": ASSESSMENT_METRIC_ID,
        "title": "Contract performance assessment",
        "description": "The contracting authority's assessment of the supplier's performance "
        "against the key performance indicators (Procurement Act 2023 s.71)",
        "observations": [
            {
                "id": f"assessment-{assessment.pk}",
                "period": _period(assessment.period_start, assessment.period_end),
                "measure": Rating(assessment.rating).label,
                # Not `dimensions`: it takes any key, which tools that check for undeclared
                # fields (libcoveocds) report; the rating is the measure, termination the notes.
                "notes": (
                    f"Assessed at termination. {assessment.narrative}"
                    if assessment.at_termination
                    else assessment.narrative
                ),
            }
        ],
    }


def agreed_metrics_fragment(contract, kpis: list[Kpi]) -> dict:
    """`agreedMetrics` for the material KPIs, or the s.52(3) reason there are none."""
    material = [agreed_metric(k) for k in kpis if k.material]
    result: dict = {}
    if material:
        result["agreedMetrics"] = material
    elif contract.kpi_exemption_reason.strip():  # not both: "agreed" and "none agreed"
        result["noAgreedMetricsRationale"] = contract.kpi_exemption_reason
    return result


def performance_fragment(assessment) -> dict:
    """The `contract_extra` for the UK9 notice publishing `assessment`: what the contract
    agreed, what was reported up to the end of the assessed period, and every failure
    recorded."""
    contract = assessment.contract
    kpis = list(Kpi.objects.filter(contract=contract).order_by("number"))
    reports = list(
        KpiReport.objects.filter(kpi__contract=contract, period_end__lte=assessment.period_end)
        .select_related("kpi")
        .order_by("kpi__number", "period_end")
    )
    by_kpi: dict[int, list[dict]] = {}
    for report in reports:
        by_kpi.setdefault(report.kpi_id, []).append(report_observation(report))
    metrics = [assessment_metric(assessment)]
    for kpi in kpis:
        if by_kpi.get(kpi.pk):
            metrics.append(
                {
                    "id": kpi_metric_id(kpi),
                    "title": kpi.name,
                    "description": kpi.description or None,
                    "observations": by_kpi[kpi.pk],
                }
            )
    failures = [
        failure_disclosure(f)
        for f in PerformanceFailure.objects.filter(contract=contract).order_by("occurred_on", "id")
    ]
    implementation: dict = {"metrics": metrics, "milestones": milestones(contract, reports)}
    if failures:
        implementation["performanceFailures"] = failures
    return {**agreed_metrics_fragment(contract, kpis), "implementation": implementation}


def milestones(contract, reports: list[KpiReport]) -> list[dict]:
    """The assessments made and the next one due (s.71), and each KPI report with the day it
    was due and the day it came."""
    rules = kpi_rules.rules_for_contract(contract)
    assessments = list(
        PerformanceAssessment.objects.filter(contract=contract).order_by("period_end", "id")
    )
    signed_on = contract.signed_at.astimezone(clock.UK).date()
    result = []
    last_end = None
    for assessment in assessments:
        due = kpi_rules.next_assessment_due(
            last_period_end=last_end, signed_on=signed_on, rules=rules
        )
        result.append(
            {
                "id": f"assessment-{assessment.pk}",
                "title": "Contract performance assessment (Procurement Act 2023 s.71)",
                "type": "assessment",
                "status": "met",
                "dueDate": ocds_end_of_day(due),
                "dateMet": ocds_datetime(assessment.assessed_at),
            }
        )
        last_end = assessment.period_end
    if not assessments or not assessments[-1].at_termination:
        due = kpi_rules.next_assessment_due(
            last_period_end=last_end, signed_on=signed_on, rules=rules
        )
        result.append(
            {
                "id": f"assessment-due-{due.isoformat()}",
                "title": "Next contract performance assessment (Procurement Act 2023 s.71)",
                "type": "assessment",
                "status": "scheduled",
                "dueDate": ocds_end_of_day(due),
            }
        )
    for report in reports:
        due = report.period_end + timedelta(days=rules.report_due_after_days)
        result.append(
            {
                "id": f"{kpi_metric_id(report.kpi)}-report-{report.period_end.isoformat()}",
                "title": f"{report.kpi.name}: report for the period to "
                f"{report.period_end:%d %B %Y}",
                "type": "reporting",
                "status": "met",
                "dueDate": ocds_end_of_day(due),
                "dateMet": ocds_datetime(report.reported_at),
            }
        )
    return result
