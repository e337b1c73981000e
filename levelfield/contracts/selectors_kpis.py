"""Reads for KPIs, reports, assessments, outcomes and payment by results: what each period
stands at, what is overdue, cost per outcome, and totals against each outcome's budget."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from levelfield.core import clock

from . import kpi_rules
from .actions.kpis import periods
from .actions.performance import next_assessment_due
from .lifecycle import IN_FORCE
from .models import Contract, Invoice
from .models.performance import (
    ClaimStatus,
    Kpi,
    KpiReport,
    OutcomeClaim,
    OutcomeRecord,
    PerformanceAssessment,
    PerformanceFailure,
    PricedOutcome,
)

ZERO = Decimal("0")
MONEY: DecimalField = DecimalField(max_digits=16, decimal_places=2)


@dataclass
class PeriodRow:
    period: kpi_rules.Period
    report: KpiReport | None
    met: bool | None
    overdue: bool
    can_report: bool
    can_correct: bool


@dataclass
class KpiRow:
    kpi: Kpi
    periods: list[PeriodRow] = field(default_factory=list)

    @property
    def reported(self) -> int:
        return sum(1 for p in self.periods if p.report)

    @property
    def overdue(self) -> int:
        return sum(1 for p in self.periods if p.overdue)

    @property
    def latest(self) -> PeriodRow | None:
        reported = [p for p in self.periods if p.report]
        return reported[-1] if reported else None


def kpi_rows(contract, *, today: date | None = None) -> list[KpiRow]:
    """Each KPI with its periods begun so far, their reports, met or not, and what is overdue
    (two queries)."""
    today = today or clock.today_uk()
    kpis = list(Kpi.objects.filter(contract=contract).order_by("number"))
    reports = {
        (r.kpi_id, r.period_end): r
        for r in KpiReport.objects.filter(kpi__contract=contract).select_related("reported_by")
    }
    last_assessed = (
        PerformanceAssessment.objects.filter(contract=contract)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    rules = kpi_rules.rules_for_contract(contract)
    rows = []
    for kpi in kpis:
        kpi.contract = contract
        row = KpiRow(kpi)
        for period in periods(kpi, until=today):
            report = reports.get((kpi.pk, period.end))
            ended = period.end <= today
            correctable = (
                report is not None
                and today <= period.end + timedelta(days=rules.report_due_after_days)
                and (last_assessed is None or last_assessed < period.end)
            )
            row.periods.append(
                PeriodRow(
                    period=period,
                    report=report,
                    met=kpi_rules.is_met(
                        direction=kpi.direction, target=kpi.target, value=report.value
                    )
                    if report
                    else None,
                    overdue=report is None and today > period.due,
                    can_report=report is None and ended,
                    can_correct=correctable,
                )
            )
        rows.append(row)
    return rows


@dataclass
class KpiSummary:
    kpis: int
    material: int
    overdue: int
    s52: list[str]


def kpi_summary(contract, *, today: date | None = None) -> KpiSummary:
    rows = kpi_rows(contract, today=today)
    return KpiSummary(
        kpis=len(rows),
        material=sum(1 for r in rows if r.kpi.material),
        overdue=sum(r.overdue for r in rows),
        s52=kpi_rules.s52_problems(contract),
    )


# --- Assessments --------------------------------------------------------------------------------


@dataclass
class AssessmentSummary:
    assessments: list
    failures: list
    next_due: date | None
    overdue: bool


def assessment_summary(contract, *, today: date | None = None) -> AssessmentSummary:
    today = today or clock.today_uk()
    assessments = list(
        PerformanceAssessment.objects.filter(contract=contract)
        .select_related("assessed_by")
        .order_by("-period_end", "-id")
    )
    failures = list(PerformanceFailure.objects.filter(contract=contract).order_by("-occurred_on"))
    due = None
    if contract.status in IN_FORCE:
        due = next_assessment_due(contract, assessments[0].period_end if assessments else None)
    return AssessmentSummary(
        assessments=assessments,
        failures=failures,
        next_due=due,
        overdue=bool(due and today > due),
    )


# --- Outcomes and cost per outcome -----------------------------------------------------------


def cost_per(paid: Decimal, outcomes: Decimal) -> Decimal | None:
    """Amount paid divided by outcomes delivered, to the penny; None when nothing is counted."""
    if not outcomes:
        return None
    return (paid / outcomes).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _paid_subquery():
    return Coalesce(
        Subquery(
            Invoice.objects.filter(contract=OuterRef("pk"), paid_on__isnull=False)
            .values("contract")
            .annotate(total=Sum("amount"))
            .values("total"),
            output_field=MONEY,
        ),
        Value(ZERO),
        output_field=MONEY,
    )


def _outcomes_subquery():
    return Coalesce(
        Subquery(
            OutcomeRecord.objects.filter(contract=OuterRef("pk"))
            .values("contract")
            .annotate(total=Sum("quantity"))
            .values("total"),
            output_field=MONEY,
        ),
        Value(ZERO),
        output_field=MONEY,
    )


def with_outcome_totals(queryset):
    """Annotate contracts with `paid` (invoices paid) and `delivered` (outcomes recorded)."""
    return queryset.annotate(paid=_paid_subquery(), delivered=_outcomes_subquery())


@dataclass
class OutcomeSummary:
    measure: str
    paid: Decimal
    delivered: Decimal
    cost: Decimal | None
    records: list


def outcome_summary(contract) -> OutcomeSummary:
    totals = with_outcome_totals(Contract.objects.filter(pk=contract.pk)).values(
        "paid", "delivered"
    )[0]
    records = list(OutcomeRecord.objects.filter(contract=contract).order_by("-period_end", "-id"))
    return OutcomeSummary(
        measure=contract.outcome_measure,
        paid=totals["paid"],
        delivered=totals["delivered"],
        cost=cost_per(totals["paid"], totals["delivered"]),
        records=records,
    )


@dataclass
class Comparison:
    measure: str
    contracts: list  # contracts annotated with paid, delivered, and cost set


def compare_by_measure(buyer, *, measure: str = "") -> list[Comparison]:
    """The buyer's contracts with an outcome measure, grouped by measure (case aside), cheapest
    outcome first (one query)."""
    contracts = with_outcome_totals(
        Contract.objects.for_buyer(buyer).exclude(outcome_measure="").select_related("supplier")
    )
    if measure:
        contracts = contracts.filter(outcome_measure__iexact=measure)
    groups: dict[str, Comparison] = {}
    for contract in contracts:
        contract.cost = cost_per(contract.paid, contract.delivered)
        key = contract.outcome_measure.strip().lower()
        groups.setdefault(key, Comparison(contract.outcome_measure, [])).contracts.append(contract)
    for group in groups.values():
        group.contracts.sort(key=lambda c: (c.cost is None, c.cost or ZERO, c.reference))
    return [groups[k] for k in sorted(groups)]


# --- Payment by results ---------------------------------------------------------------------


def _claim_sum(status: str):
    return Coalesce(
        Sum("claims__quantity", filter=Q(claims__status=status)),
        Value(ZERO),
        output_field=MONEY,
    )


def priced_outcomes(contract) -> list[PricedOutcome]:
    """The contract's priced outcomes, each with `claimed` (waiting), `validated` and
    `remaining` in pounds against its budget (one query)."""
    rows = (
        PricedOutcome.objects.filter(contract=contract)
        .annotate(
            waiting_quantity=_claim_sum(ClaimStatus.CLAIMED),
            validated_quantity=_claim_sum(ClaimStatus.VALIDATED),
        )
        .order_by("id")
    )
    outcomes: list[PricedOutcome] = []
    for outcome in rows:
        outcome.claimed = (outcome.waiting_quantity * outcome.unit_price).quantize(Decimal("0.01"))
        outcome.validated = (outcome.validated_quantity * outcome.unit_price).quantize(
            Decimal("0.01")
        )
        outcome.remaining = outcome.budget - outcome.claimed - outcome.validated
        outcomes.append(outcome)
    return outcomes


def claims_for(contract, *, status: str = ""):
    claims = OutcomeClaim.objects.filter(outcome__contract=contract).select_related(
        "outcome", "claimed_by", "decided_by", "invoice"
    )
    if status:
        claims = claims.filter(status=status)
    return claims.order_by("-claimed_at", "-id")
