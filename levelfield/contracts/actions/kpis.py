"""Key performance indicators (s.52): the buyer sets them (and marks the three most material,
which are published), or records why KPIs do not fit the contract; the supplier reports on each
for every period its frequency gives, counted from the contract's start.

A report can be corrected by the supplier until it is due (14 days after the period ends, in
`kpi_rules`) and while no published performance notice covers its period; after that it stands,
as the buyer has read it and the assessment may rest on it.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max

from levelfield.core import audit, clock, money
from levelfield.core.display import uk_date
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.core.permissions import require

from .. import kpi_rules, reminders
from ..lifecycle import ENDED, IN_FORCE
from ..models import Contract
from ..models.performance import (
    MONTHS_PER_PERIOD,
    Direction,
    Frequency,
    Kpi,
    KpiReport,
    PerformanceAssessment,
)
from ..recipients import supplier_emails

MANAGE = "contracts.manage_contract"
DENIED = "Only the buyer's admins, officers and the contract manager can change its KPIs"
REPORT_DENIED = "Only the supplier's people can report on the contract's KPIs"

NAME_REQUIRED = "Enter the KPI's name"
NAME_TOO_LONG = "The KPI's name must be 200 characters or fewer"
UNIT_REQUIRED = "Enter the unit the KPI is measured in, like % or days"
UNIT_TOO_LONG = "The unit must be 50 characters or fewer"
DIRECTION_UNKNOWN = "Choose whether higher or lower is better"
FREQUENCY_UNKNOWN = (
    "Choose how often the supplier reports: monthly, quarterly, every six months or annually"
)
TOO_MANY_MATERIAL = (
    "At most {n} KPIs can be marked most material (s.52(4)): unmark one of the others first"
)
CONTRACT_ENDED = "The contract has ended: its KPIs can no longer change"
REPORTED_ON = "The supplier has reported on this KPI, so it cannot be removed"
FREQUENCY_FIXED = "The supplier has reported on this KPI, so how often it reports cannot change"
REASON_TOO_LONG = "The reason must be 5,000 characters or fewer"
NOT_IN_FORCE = "Reports are made while the contract is in force"
PERIOD_UNKNOWN = "That is not one of this KPI's reporting periods"
PERIOD_NOT_ENDED = "This period ends on {end}: report on it once it has ended"
ALREADY_REPORTED = "This period has been reported on already; correct the report instead"
CORRECTION_CLOSED = (
    "The report can no longer be corrected: it was due on {due}"
    " or a published performance notice covers it. Tell the buyer in the next report"
)
NARRATIVE_TOO_LONG = "The narrative must be 5,000 characters or fewer"
S52_KEPT = (
    "A contract worth more than {threshold} needs at least {n} KPIs (s.52); it would have "
    "{left}. Add another KPI first, or record why KPIs would not be appropriate"
)


def number_problem(value, label: str) -> str | None:
    """What is wrong with a KPI figure (a target or a reported value), if anything: not money
    but a number with at most 2 decimal places, negative allowed, stored like money."""
    return money.number_problem(value, label)


def _number(value, label: str) -> Decimal:
    return money.parse_number(value, label)


def kpi_problems(*, name, unit, target, direction, frequency) -> list[str]:
    problems = []
    name, unit = (name or "").strip(), (unit or "").strip()
    if not name:
        problems.append(NAME_REQUIRED)
    elif len(name) > 200:
        problems.append(NAME_TOO_LONG)
    if problem := number_problem(target, "target"):
        problems.append(problem)
    if not unit:
        problems.append(UNIT_REQUIRED)
    elif len(unit) > 50:
        problems.append(UNIT_TOO_LONG)
    if direction not in Direction.values:
        problems.append(DIRECTION_UNKNOWN)
    if frequency not in Frequency.values:
        problems.append(FREQUENCY_UNKNOWN)
    return problems


def _refuse(problems: list[str]) -> None:
    if problems:
        raise DomainError(problems[0], code="validation_error", details=problems)


def _locked_contract(contract) -> Contract:
    contract = Contract.objects.select_for_update().select_related("buyer").get(pk=contract.pk)
    if contract.status in ENDED:
        raise InvalidTransition(CONTRACT_ENDED)
    return contract


def _keep_s52(contract, *, kpis_left: int, reason: str) -> None:
    """s.52 is checked when the contract goes live (records_lifecycle.go_live); once it has,
    a KPI removed or the reason cleared must not leave it without what s.52 requires."""
    if contract.live_at is None or reason.strip():
        return
    rules = kpi_rules.rules_for_contract(contract)
    if kpi_rules.s52_applies(contract, rules) and kpis_left < rules.minimum_kpis:
        raise DomainError(
            S52_KEPT.format(
                threshold=f"£{rules.threshold:,.0f}", n=rules.minimum_kpis, left=kpis_left
            ),
            code="kpis_required",
        )


def _check_material(contract, *, material: bool, kpi: Kpi | None = None) -> None:
    if not material:
        return
    rules = kpi_rules.rules_for_contract(contract)
    others = Kpi.objects.filter(contract=contract, material=True)
    if kpi is not None:
        others = others.exclude(pk=kpi.pk)
    if others.count() >= rules.material_count:
        raise DomainError(
            TOO_MANY_MATERIAL.format(n=rules.material_count), code="too_many_material"
        )


@transaction.atomic
def add_kpi(
    *,
    contract,
    by,
    name: str,
    target,
    unit: str,
    frequency: str,
    direction: str = Direction.HIGHER,
    description: str = "",
    material: bool = False,
) -> Kpi:
    """Set a KPI on the contract (s.52), before or after it is signed."""
    require(by, MANAGE, contract, DENIED)
    contract = _locked_contract(contract)
    _refuse(
        kpi_problems(name=name, unit=unit, target=target, direction=direction, frequency=frequency)
    )
    _check_material(contract, material=material)
    number = (Kpi.objects.filter(contract=contract).aggregate(n=Max("number"))["n"] or 0) + 1
    kpi = Kpi.objects.create(
        contract=contract,
        number=number,
        name=name.strip(),
        description=(description or "").strip(),
        target=_number(target, "target"),
        unit=unit.strip(),
        direction=direction,
        frequency=frequency,
        material=material,
        created_by=by,
        created_at=clock.now(),
    )
    audit.record(
        action="kpi.added",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary=f"KPI {number} added: {kpi.name}",
        kpi=kpi.pk,
        target=str(kpi.target),
        material=material,
    )
    return kpi


@transaction.atomic
def edit_kpi(
    *,
    kpi,
    by,
    name: str,
    target,
    unit: str,
    frequency: str,
    direction: str,
    description: str = "",
    material: bool = False,
) -> Kpi:
    require(by, MANAGE, kpi.contract, DENIED)
    contract = _locked_contract(kpi.contract)
    kpi = Kpi.objects.select_for_update().get(pk=kpi.pk, contract=contract)
    _refuse(
        kpi_problems(name=name, unit=unit, target=target, direction=direction, frequency=frequency)
    )
    if frequency != kpi.frequency and kpi.reports.exists():
        raise DomainError(FREQUENCY_FIXED, code="kpi_reported")
    _check_material(contract, material=material, kpi=kpi)
    before = {"name": kpi.name, "target": str(kpi.target), "material": kpi.material}
    kpi.name = name.strip()
    kpi.description = (description or "").strip()
    kpi.target = _number(target, "target")
    kpi.unit = unit.strip()
    kpi.direction = direction
    kpi.frequency = frequency
    kpi.material = material
    kpi.save()
    audit.record(
        action="kpi.edited",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary=f"KPI {kpi.number} edited: {kpi.name}",
        kpi=kpi.pk,
        before=before,
        after={"name": kpi.name, "target": str(kpi.target), "material": kpi.material},
    )
    return kpi


@transaction.atomic
def remove_kpi(*, kpi, by) -> None:
    """Remove a KPI nobody has reported on yet."""
    require(by, MANAGE, kpi.contract, DENIED)
    contract = _locked_contract(kpi.contract)
    kpi = Kpi.objects.select_for_update().get(pk=kpi.pk, contract=contract)
    if kpi.reports.exists():
        raise DomainError(REPORTED_ON, code="kpi_reported")
    _keep_s52(
        contract,
        kpis_left=Kpi.objects.filter(contract=contract).exclude(pk=kpi.pk).count(),
        reason=contract.kpi_exemption_reason,
    )
    audit.record(
        action="kpi.removed",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary=f"KPI {kpi.number} removed: {kpi.name}",
        kpi=kpi.pk,
        name=kpi.name,
    )
    kpi.delete()


@transaction.atomic
def set_kpi_exemption(*, contract, by, reason: str) -> Contract:
    """s.52(3): record why performance cannot appropriately be assessed by KPIs (published as
    the UK extension's noAgreedMetricsRationale). An empty reason clears it."""
    require(by, MANAGE, contract, DENIED)
    contract = _locked_contract(contract)
    reason = (reason or "").strip()
    if len(reason) > 5000:
        raise DomainError(REASON_TOO_LONG, code="validation_error")
    _keep_s52(contract, kpis_left=Kpi.objects.filter(contract=contract).count(), reason=reason)
    contract.kpi_exemption_reason = reason
    contract.save(update_fields=["kpi_exemption_reason"])
    audit.record(
        action="kpi.exemption_recorded" if reason else "kpi.exemption_cleared",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary="Reason for no KPIs recorded" if reason else "Reason for no KPIs cleared",
        reason=reason,
    )
    return contract


# --- The supplier's reports -------------------------------------------------------------------


def periods(kpi: Kpi, *, until: date) -> list[kpi_rules.Period]:
    """The KPI's reporting periods that have begun by `until`, from the contract's start."""
    contract = kpi.contract
    rules = kpi_rules.rules_for_contract(contract)
    return kpi_rules.periods_between(
        contract.start_date,
        contract.end_date,
        MONTHS_PER_PERIOD[kpi.frequency],
        rules,
        until=until,
    )


def period_of(kpi: Kpi, number: int) -> kpi_rules.Period:
    found = [p for p in periods(kpi, until=kpi.contract.end_date) if p.number == number]
    if not found:
        raise DomainError(PERIOD_UNKNOWN, code="period_unknown")
    return found[0]


def _narrative(narrative: str) -> str:
    narrative = (narrative or "").strip()
    if len(narrative) > 5000:
        raise DomainError(NARRATIVE_TOO_LONG, code="validation_error")
    return narrative


@transaction.atomic
def report_kpi(*, kpi, by, period: int, value, narrative: str = "") -> KpiReport:
    """The supplier reports its figure for one ended period of a KPI (one report per period)."""
    require(by, "contracts.report_kpi", kpi.contract, REPORT_DENIED)
    contract = Contract.objects.select_for_update().select_related("buyer").get(pk=kpi.contract_id)
    if contract.status not in IN_FORCE | ENDED:
        raise InvalidTransition(NOT_IN_FORCE)
    kpi = Kpi.objects.select_related("contract").get(pk=kpi.pk, contract=contract)
    chosen = period_of(kpi, period)
    if chosen.end > clock.today_uk():
        raise DomainError(PERIOD_NOT_ENDED.format(end=uk_date(chosen.end)), code="period_open")
    amount = _number(value, "value")
    narrative = _narrative(narrative)
    if KpiReport.objects.filter(kpi=kpi, period_end=chosen.end).exists():
        raise DomainError(ALREADY_REPORTED, code="already_reported")
    try:
        with transaction.atomic():
            report = KpiReport.objects.create(
                kpi=kpi,
                period_start=chosen.start,
                period_end=chosen.end,
                value=amount,
                narrative=narrative,
                reported_by=by,
                reported_at=clock.now(),
            )
    except IntegrityError as error:
        raise DomainError(ALREADY_REPORTED, code="already_reported") from error
    audit.record(
        action="kpi.reported",
        obj=contract,
        actor=by,
        organisation=contract.supplier,
        summary=f"KPI {kpi.number} reported for {uk_date(chosen.start)} to {uk_date(chosen.end)}",
        kpi=kpi.pk,
        report=report.pk,
        period_end=chosen.end.isoformat(),
        value=str(amount),
    )
    return report


def correction_open(report: KpiReport, *, today: date) -> bool:
    """Whether the supplier may still correct the report: until it was due, and while no
    published performance notice covers its period."""
    rules = kpi_rules.rules_for_contract(report.kpi.contract)
    due = report.period_end + timedelta(days=rules.report_due_after_days)
    if today > due:
        return False
    return not PerformanceAssessment.objects.filter(
        contract_id=report.kpi.contract_id, period_end__gte=report.period_end
    ).exists()


@transaction.atomic
def correct_report(*, report, by, value, narrative: str = "") -> KpiReport:
    """The supplier corrects its report before it is due (see the module's docstring)."""
    require(by, "contracts.report_kpi", report.kpi.contract, REPORT_DENIED)
    report = (
        KpiReport.objects.select_for_update()
        .select_related("kpi__contract__buyer")
        .get(pk=report.pk)
    )
    contract = report.kpi.contract
    if not correction_open(report, today=clock.today_uk()):
        rules = kpi_rules.rules_for_contract(contract)
        due = report.period_end + timedelta(days=rules.report_due_after_days)
        raise InvalidTransition(CORRECTION_CLOSED.format(due=uk_date(due)))
    amount = _number(value, "value")
    before = {"value": str(report.value), "narrative": report.narrative}
    report.value = amount
    report.narrative = _narrative(narrative)
    report.reported_by = by
    report.reported_at = clock.now()
    report.save()
    audit.record(
        action="kpi.report_corrected",
        obj=contract,
        actor=by,
        organisation=contract.supplier,
        summary=f"KPI {report.kpi.number} report for {uk_date(report.period_end)} corrected",
        kpi=report.kpi_id,
        report=report.pk,
        before=before,
        value=str(amount),
    )
    return report


def remind_reports_due(*, today: date) -> int:
    """Remind the supplier's people once per KPI and period, 7 days before the period's report
    is due (14 days after it ends), unless it is reported already. Periods whose due date has
    passed are overdue, shown on the pages, not reminded of. Returns how many were sent."""
    sent = 0
    kpis = list(
        Kpi.objects.filter(contract__status__in=IN_FORCE)
        .select_related("contract__supplier", "contract__buyer")
        .order_by("contract_id", "number")
    )
    reported = set(
        KpiReport.objects.filter(kpi__contract__status__in=IN_FORCE).values_list(
            "kpi_id", "period_end"
        )
    )
    for kpi in kpis:
        rules = kpi_rules.rules_for_contract(kpi.contract)
        window = timedelta(days=rules.report_reminder_days_before)
        for period in periods(kpi, until=today):
            if not (period.due - window <= today <= period.due):
                continue
            if (kpi.pk, period.end) in reported:
                continue
            contract = kpi.contract
            if reminders.send_once(
                kind="kpi_report_due",
                key=f"{kpi.pk}:{period.key}",
                contract=contract,
                to=supplier_emails(contract),
                subject=f"{contract.reference}: KPI report due by {uk_date(period.due)}",
                body=(
                    f"Your report on '{kpi.name}' for {contract.title}, for "
                    f"{uk_date(period.start)} to {uk_date(period.end)}, is due by "
                    f"{uk_date(period.due)}. Report it on the contract's page on levelfield."
                ),
            ):
                sent += 1
    return sent
