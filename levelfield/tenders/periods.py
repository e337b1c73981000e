"""Minimum tendering periods: Procurement Act 2023 s.54, as versioned data.

Above the Schedule 1 threshold for the kind of contract (the tender's `s54_contract_kind`,
measured against its estimated value as entered), an open procedure with electronic
submission (the only procedure levelfield runs) must give bidders at least 25 days; 10 days where
a qualifying planned procurement notice (UK3) was published, or the buyer records a state of
urgency with its reason. Below threshold the Act sets no period, but bidders must have a
reasonable time: a period under 10 days needs a recorded reason (`s54_short_period_reason`).

How days are counted: the day the tender notice is published is not counted (the period begins
with the day after it); the period is the number of calendar days, in UK time, from that day to
the day of the submission deadline, both included. Published on 1 March, a deadline at any time
on 26 March gives 25 days. A deadline's time of day does not change the count, so a buyer is
never pushed towards a midnight deadline to gain a day (which is warned against).

Schedule 1 amounts include VAT, while the tender form asks for the estimated value without it:
a value just under a threshold without VAT may be above it with VAT. levelfield does not add VAT
(many services are exempt, and the rate varies); this is a known gap, to close with a VAT field
on the tender.

The thresholds come from the procurement's commencement (its publication day), so a tender is
judged by the figures in force when it was published, also when it is amended later.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from levelfield.core import clock
from levelfield.core.display import uk_date, uk_time
from levelfield.core.money import format_gbp
from levelfield.core.workingdays import is_working_day

from .dates import out_of_range
from .models import ContractKind


@dataclass(frozen=True)
class PeriodRules:
    code: str
    valid_from: date
    # The rule's name in messages: "Procurement Act 2023 s.54".
    law: str
    # Schedule 1 threshold amounts (VAT included), by ContractKind value.
    thresholds: tuple[tuple[str, Decimal], ...]
    thresholds_source: str
    open_procedure_days: int
    reduced_days: int
    below_threshold_days: int
    periods_source: str
    # A UK3 qualifies if published at least this many days, and at most this many, before the
    # tender notice.
    planned_notice_min_days: int
    planned_notice_max_days: int

    def threshold(self, kind: str) -> Decimal:
        return dict(self.thresholds)[kind]


_PERIODS_SOURCE = (
    "Procurement Act 2023 s.54: a minimum tendering period of 25 days for an open procedure "
    "with electronic submission, 10 days after a qualifying planned procurement notice or in a "
    "state of urgency; below threshold, levelfield asks a reason for fewer than 10 days "
    "(s.86 asks a reasonable time)"
)

_SCHEDULE_1_2024 = (
    (ContractKind.CENTRAL_GOODS_SERVICES, Decimal("139688")),
    (ContractKind.SUB_CENTRAL_GOODS_SERVICES, Decimal("214904")),
    (ContractKind.UTILITIES, Decimal("429809")),
    (ContractKind.WORKS, Decimal("5372609")),
    (ContractKind.LIGHT_TOUCH, Decimal("663540")),
)

PERIOD_RULES: tuple[PeriodRules, ...] = (
    # Before the Act: a procurement commenced under the Public Contracts Regulations 2015 is
    # judged by them (the barrier check of an old draft, tenders/barriers.py, reads this too).
    PeriodRules(
        code="PCR-2015-reg27",
        valid_from=date(2015, 2, 26),
        law="Public Contracts Regulations 2015 reg. 27",
        thresholds=_SCHEDULE_1_2024,
        thresholds_source="Public Contracts Regulations 2015 reg. 5, the amounts (VAT "
        "included) in force from 1 January 2024; levelfield applies them to every earlier "
        "procurement too",
        open_procedure_days=30,
        reduced_days=15,
        below_threshold_days=10,
        periods_source="Public Contracts Regulations 2015 reg. 27(3) and (6): 35 days for an "
        "open procedure, 30 when tenders are submitted electronically, 15 after a prior "
        "information notice or in a state of urgency",
        planned_notice_min_days=35,
        planned_notice_max_days=365,
    ),
    PeriodRules(
        code="PA-2023-s54-2024",
        valid_from=date(2025, 2, 24),
        law="Procurement Act 2023 s.54",
        thresholds=_SCHEDULE_1_2024,
        thresholds_source="Procurement Act 2023 Schedule 1, as amended by S.I. 2025/163 "
        "(thresholds in force from the Act's commencement, 24 February 2025)",
        open_procedure_days=25,
        reduced_days=10,
        below_threshold_days=10,
        periods_source=_PERIODS_SOURCE,
        planned_notice_min_days=40,
        planned_notice_max_days=365,
    ),
    PeriodRules(
        code="PA-2023-s54-2026",
        valid_from=date(2026, 1, 1),
        law="Procurement Act 2023 s.54",
        thresholds=(
            (ContractKind.CENTRAL_GOODS_SERVICES, Decimal("135018")),
            (ContractKind.SUB_CENTRAL_GOODS_SERVICES, Decimal("207720")),
            (ContractKind.UTILITIES, Decimal("415440")),
            (ContractKind.WORKS, Decimal("5193000")),
            (ContractKind.LIGHT_TOUCH, Decimal("663540")),
        ),
        thresholds_source="Procurement Act 2023 Schedule 1 ('any other contract' column, not "
        "contracts regulated by the Welsh Ministers), as amended by the Procurement Act 2023 "
        "(Threshold Amounts) (Amendment) Regulations 2025, S.I. 2025/1200, in force 1 January "
        "2026 for procurements commenced from that day",
        open_procedure_days=25,
        reduced_days=10,
        below_threshold_days=10,
        periods_source=_PERIODS_SOURCE,
        planned_notice_min_days=40,
        planned_notice_max_days=365,
    ),
)


def rules_for(commencement: date) -> PeriodRules:
    applicable = [r for r in PERIOD_RULES if r.valid_from <= commencement]
    if not applicable:
        return PERIOD_RULES[0]
    return max(applicable, key=lambda r: r.valid_from)


def period_days(published_at: datetime, deadline: datetime) -> int:
    """Days from the day after publication to the deadline's day, both included (UK dates)."""
    return (deadline.astimezone(clock.UK).date() - published_at.astimezone(clock.UK).date()).days


def is_above_threshold(tender, rules: PeriodRules) -> bool:
    value = tender.estimated_value
    return value is not None and value >= rules.threshold(tender.s54_contract_kind)


def _planned_notice_qualifies(tender, published_on: date, rules: PeriodRules) -> bool:
    notice = tender.s54_planned_notice_published_on
    if notice is None:
        return False
    return (
        rules.planned_notice_min_days
        <= (published_on - notice).days
        <= rules.planned_notice_max_days
    )


def minimum_days(tender, published_at: datetime) -> tuple[int, str]:
    """The shortest period the tender may give, with the words saying why."""
    rules = rules_for(published_at.astimezone(clock.UK).date())
    if not is_above_threshold(tender, rules):
        if (tender.s54_short_period_reason or "").strip():
            return 0, "below threshold, with a recorded reason for a short period"
        return rules.below_threshold_days, "below threshold"
    if _planned_notice_qualifies(tender, published_at.astimezone(clock.UK).date(), rules):
        return rules.reduced_days, "above threshold, after a qualifying planned procurement notice"
    if (tender.s54_urgency_reason or "").strip():
        return rules.reduced_days, "above threshold, in a recorded state of urgency"
    return rules.open_procedure_days, "above threshold"


def tendering_period_problems(tender, *, published_at: datetime, deadline: datetime | None):
    """Why the submission deadline breaks s.54, counted from `published_at` (now for a draft,
    the publication for an amendment). Empty when the period is lawful."""
    if deadline is None or out_of_range(deadline, "submission deadline"):
        return []  # the range rule (dates.range_problems) says so
    if tender.estimated_value is None:
        return []  # publication asks for the value first; the period depends on it
    if deadline <= published_at:
        return ["The submission deadline must be after publication"]
    days = period_days(published_at, deadline)
    minimum, basis = minimum_days(tender, published_at)
    if days >= minimum:
        return []
    rules = rules_for(published_at.astimezone(clock.UK).date())
    given = f"{days} day{'s' if days != 1 else ''}"
    if basis == "below threshold":
        return [
            f"The tender gives bidders {given} from publication to the submission deadline. "
            f"Give at least {minimum} days, or record why a shorter period is needed"
        ]
    threshold = format_gbp(rules.threshold(tender.s54_contract_kind))
    return [
        f"The tender gives bidders {given} from publication to the submission deadline. "
        f"{rules.law} requires at least {minimum} days for a tender worth "
        f"{threshold} or more ({basis})"
    ]


# A deadline between these UK times is "near midnight".
_NIGHT_STARTS = time(23, 0)
_NIGHT_ENDS = time(1, 0)


def deadline_warnings(deadline: datetime | None) -> list[str]:
    """Advice, not refusals: deadlines that catch bidders out. Each names the deadline in UK
    time with its zone ("midday GMT on 25 December 2026")."""
    if deadline is None or out_of_range(deadline, "submission deadline"):
        return []
    local = deadline.astimezone(clock.UK)
    when = uk_time(deadline)
    warnings = []
    if local.time() >= _NIGHT_STARTS or local.time() <= _NIGHT_ENDS:
        warnings.append(
            f"The submission deadline, {when}, is at or near midnight: bidders and their "
            "helpers may be unsure which day it falls on. A deadline in working hours, such as "
            "midday, is clearer"
        )
    # Just after midnight, the bidder's last working day is the day before.
    day = (local - timedelta(hours=1)).date() if local.time() <= _NIGHT_ENDS else local.date()
    if day.weekday() >= 5:
        warnings.append(
            f"The submission deadline, {when}, falls on a weekend, when no one can answer a "
            "bidder's question"
        )
    elif not is_working_day(day):
        warnings.append(
            f"The submission deadline, {when}, falls on a bank holiday in England and Wales, "
            "when no one can answer a bidder's question"
        )
    return warnings


# -- the s.54 details a buyer records, and what they give ----------------------------------------


def field_problems(tender, *, today: date) -> dict[str, str]:
    """What is wrong with the tender's s.54 details, by field name: the one check the actions
    (create_tender, update_tender) and the buyer's "Tendering period" page apply."""
    problems = {}
    if tender.s54_contract_kind not in ContractKind.values:
        problems["s54_contract_kind"] = "Choose the kind of contract"
    notice = tender.s54_planned_notice_published_on
    if notice is not None:
        if problem := out_of_range(notice, "planned procurement notice date"):
            problems["s54_planned_notice_published_on"] = problem
        elif notice > today:
            problems["s54_planned_notice_published_on"] = (
                "The planned procurement notice date must be today or in the past: enter the "
                "day it was published"
            )
    return problems


@dataclass(frozen=True)
class Assessment:
    """What the minimum tendering period asks of a tender counted from `published_at` (now for
    a draft, its publication once published), in the figures the buyer's pages show."""

    rules: PeriodRules
    published_on: date
    value_known: bool
    above_threshold: bool
    threshold: Decimal
    minimum: int
    basis: str
    # The first UK day a lawful submission deadline may fall on, and a clearer suggestion:
    # midday on the first working day from then.
    earliest_day: date
    suggested_deadline: datetime
    # What the deadline gives, when there is one; its problems and warnings.
    days: int | None
    problems: list[str]
    warnings: list[str]
    # Why a recorded planned procurement notice does not shorten the period ("" when it does,
    # or none is recorded).
    planned_notice_note: str

    @property
    def earliest_is_publication(self) -> bool:
        """Below threshold with a recorded reason: any deadline after publication is lawful."""
        return self.minimum == 0


def assess(tender, *, published_at: datetime, deadline: datetime | None = None) -> Assessment:
    """The period `tender` must give from `published_at`, and what `deadline` gives."""
    published_on = published_at.astimezone(clock.UK).date()
    rules = rules_for(published_on)
    minimum, basis = minimum_days(tender, published_at)
    earliest_day = published_on + timedelta(days=minimum)
    suggested_day = published_on + timedelta(days=max(minimum, 1))
    while not is_working_day(suggested_day):
        suggested_day += timedelta(days=1)
    in_range = deadline is not None and not out_of_range(deadline, "submission deadline")
    return Assessment(
        rules=rules,
        published_on=published_on,
        value_known=tender.estimated_value is not None,
        above_threshold=is_above_threshold(tender, rules),
        threshold=rules.threshold(tender.s54_contract_kind)
        if tender.s54_contract_kind in ContractKind.values
        else rules.threshold(ContractKind.CENTRAL_GOODS_SERVICES),
        minimum=minimum,
        basis=basis,
        earliest_day=earliest_day,
        suggested_deadline=datetime.combine(suggested_day, time(12, 0), tzinfo=clock.UK),
        days=period_days(published_at, deadline) if deadline is not None and in_range else None,
        problems=tendering_period_problems(tender, published_at=published_at, deadline=deadline),
        warnings=deadline_warnings(deadline),
        planned_notice_note=_planned_notice_note(tender, published_on, rules),
    )


def _planned_notice_note(tender, published_on: date, rules: PeriodRules) -> str:
    notice = tender.s54_planned_notice_published_on
    if notice is None or not is_above_threshold(tender, rules):
        return ""
    if _planned_notice_qualifies(tender, published_on, rules):
        return ""
    before = (published_on - notice).days
    if before > 0:
        when = f"{before} day{'s' if before != 1 else ''} before publication"
    else:
        when = "not before publication"
    return (
        f"The planned procurement notice of {uk_date(notice)} is {when} on "
        f"{uk_date(published_on)}: it "
        f"shortens the period only when published at least {rules.planned_notice_min_days} "
        f"days, and at most {rules.planned_notice_max_days} days, before the tender notice"
    )
