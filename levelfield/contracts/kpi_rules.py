"""KPI rules as versioned data: s.52 of the Procurement Act 2023 and the timing of KPI reports
and performance assessments.

s.52(1): before entering into a public contract with an estimated value of more than £5
million, a contracting authority must set at least three KPIs (so the value that counts is its
value when entered into, `Contract.original_value`: a change that later takes it over £5m does
not bring s.52 in, nor one taking it under £5m take it out), and (s.52(4)) publish the three it
considers most material, unless (s.52(3)) it considers performance could not appropriately
be assessed by reference to KPIs; the reason is published instead (the UK extension's
`noAgreedMetricsRationale`). s.71: performance assessed at least once every 12 months and at
termination.

The £5m is the Act's as first in force (24 February 2025); a new version with its own
`valid_from` is added when it changes, and a contract is judged by the version in force when it
was signed (or today for one not yet signed). The Act governs procurements commenced from 24
February 2025, so a contract signed before then cannot be one of them: s.52 does not apply to
it (`s52_applies`), though its reports and assessments follow the first version's timing. A
contract signed later but procured under the old regulations is not told apart here: the buyer
records why KPIs do not apply (`kpi_exemption_reason`).
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from levelfield.core import clock


@dataclass(frozen=True)
class KpiRules:
    code: str
    valid_from: date
    source: str
    # s.52(1): the rule applies to contracts worth more than this (not exactly this).
    threshold: Decimal
    minimum_kpis: int
    # s.52(4): how many of the most material KPIs are published.
    material_count: int
    # When a period's report is due, after the period ends; and how long before the due date
    # the supplier is reminded.
    report_due_after_days: int
    report_reminder_days_before: int
    # s.71(2): an assessment at least this many months after the last (or after signature);
    # the contract manager is reminded this many days before.
    assessment_every_months: int
    assessment_reminder_days_before: int


KPI_RULES: tuple[KpiRules, ...] = (
    KpiRules(
        code="PA23-S52-2025",
        valid_from=date(2025, 2, 24),
        source="Procurement Act 2023 s.52 (key performance indicators) and s.71 (assessment "
        "of contract performance), in force 24 February 2025",
        threshold=Decimal("5000000"),
        minimum_kpis=3,
        material_count=3,
        report_due_after_days=14,
        report_reminder_days_before=7,
        assessment_every_months=12,
        assessment_reminder_days_before=30,
    ),
)


def rules_for(on: date) -> KpiRules:
    """The version in force on `on`; before the first, the first (for its timings)."""
    applicable = [r for r in KPI_RULES if r.valid_from <= on]
    return max(applicable, key=lambda r: r.valid_from) if applicable else KPI_RULES[0]


def entered_on(contract) -> date:
    """The UK day the contract was entered into (signed), or today for one not yet signed."""
    if contract.signed_at is None:
        return clock.today_uk()
    return contract.signed_at.astimezone(clock.UK).date()


def rules_for_contract(contract) -> KpiRules:
    return rules_for(entered_on(contract))


def s52_applies(contract, rules: KpiRules | None = None) -> bool:
    """Whether s.52 asks for KPIs: the contract was entered into once the Act was in force, at
    an estimated value (its value then, `original_value`) of more than the threshold."""
    rules = rules or rules_for_contract(contract)
    if entered_on(contract) < rules.valid_from:
        return False
    value = contract.original_value if contract.original_value is not None else contract.value
    return value > rules.threshold


def s52_problems(contract) -> list[str]:
    """Why the contract may not go live under s.52; empty when it may. Over the threshold it
    needs at least three KPIs with the three most material marked, unless a reason why KPIs do
    not fit the contract is recorded."""
    rules = rules_for_contract(contract)
    if not s52_applies(contract, rules):
        return []
    if contract.kpi_exemption_reason.strip():
        return []
    kpis = list(contract.kpis.all()) if contract.pk else []
    material = sum(1 for kpi in kpis if kpi.material)
    problems = []
    threshold = f"£{rules.threshold:,.0f}"
    if len(kpis) < rules.minimum_kpis:
        problems.append(
            f"A contract worth more than {threshold} needs at least {rules.minimum_kpis} KPIs "
            f"(s.52); it has {len(kpis)}. Add KPIs or record why KPIs would not be appropriate"
        )
    if material < rules.material_count:
        problems.append(
            f"Mark the {rules.material_count} most material KPIs, which are published (s.52(4)); "
            f"{material} {'is' if material == 1 else 'are'} marked"
        )
    return problems


def is_met(*, direction: str, target: Decimal, value: Decimal) -> bool:
    """Whether a reported value meets the KPI's target: at or above it where higher is better,
    at or below it where lower is better."""
    return value <= target if direction == "lower" else value >= target


# --- Periods ------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day where it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
    number: int
    start: date
    end: date
    due: date

    @property
    def key(self) -> str:
        return self.end.isoformat()


def period_for(start: date, months: int, number: int, rules: KpiRules) -> Period:
    """The `number`th period (from 1) of `months` months counted from `start`."""
    begins = add_months(start, months * (number - 1))
    ends = add_months(start, months * number) - timedelta(days=1)
    return Period(
        number=number,
        start=begins,
        end=ends,
        due=ends + timedelta(days=rules.report_due_after_days),
    )


def periods_between(start: date, end: date, months: int, rules: KpiRules, *, until: date):
    """The periods of a contract running `start` to `end` that have begun by `until`; the last
    is cut short at the contract's end."""
    result = []
    number = 1
    while True:
        period = period_for(start, months, number, rules)
        if period.start > end or period.start > until:
            break
        if period.end > end:
            period = Period(
                number=number,
                start=period.start,
                end=end,
                due=end + timedelta(days=rules.report_due_after_days),
            )
        result.append(period)
        number += 1
    return result


def period_containing(start: date, months: int, on: date, rules: KpiRules) -> Period | None:
    if on < start:
        return None
    elapsed = (on.year - start.year) * 12 + on.month - start.month
    number = max(1, elapsed // months)
    period = period_for(start, months, number, rules)
    while period.end < on:
        number += 1
        period = period_for(start, months, number, rules)
    return period


def next_assessment_due(*, last_period_end: date | None, signed_on: date, rules: KpiRules) -> date:
    """s.71: 12 months after the last assessment's period ended, or after signature."""
    base = last_period_end or signed_on
    return add_months(base, rules.assessment_every_months)
