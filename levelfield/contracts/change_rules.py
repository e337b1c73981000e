"""The s.75 test for contract changes, as versioned data and one pure function.

Procurement Act 2023 s.75(1): before modifying a public contract the contracting authority must
publish a contract change notice (UK10). s.75(2): not if the modification increases or
decreases the estimated value by 10 per cent or less (goods or services) or 15 per cent or less
(works), or increases or decreases the term by 10 per cent or less of the maximum term provided
for on award (novation or assignment on a corporate restructuring, Schedule 8 paragraph 9,
always needs a notice; the platform does not record those). s.76: the authority may observe a
voluntary standstill of eight working days beginning with the notice before making the change.

How changes aggregate, and why (the Act's wording):
- s.75(2) speaks of a modification that "increases or decreases" the value or the term: a
  decrease moves the contract as much as an increase does. So each change counts by its size,
  up or down; a 6% increase followed by a 5% decrease is 11% of change, not 1%.
- s.75(4)-(5): a modification within s.75(2) is treated as needing a notice when it could
  reasonably have been made together with an earlier one and the two together would have
  needed one. s.74(4)(b) likewise caps "the aggregated value of below-threshold
  modifications". The platform cannot judge what could reasonably have been made together,
  so it takes the cautious reading: every change since the contract was entered into is added
  to the proposed one (a notice published needlessly harms no one; one missing is a breach).
  The buyer can read the answer's explanation and the changes listed with it.
- Value is measured against the contract's original value, term against its original term
  ("the maximum term provided for on award"): start date to original end date, both days
  counted. An extension option used is a change like any other.
- Exactly at the limit is within ("10 per cent or less"); the comparison is exact, on
  Decimal and whole days, never on a rounded percentage.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_UP, Decimal

from levelfield.core import clock
from levelfield.core.display import uk_date

from .models.contract import Category

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ChangeRules:
    code: str
    valid_from: date
    source: str
    # s.75(2)(a): per main category, the share of the original value a change may move.
    value_limit_percent: dict[str, Decimal]
    # s.75(2)(b): the share of the original term.
    term_limit_percent: Decimal
    # s.76: the voluntary standstill, in working days.
    standstill_working_days: int


CHANGE_RULES: tuple[ChangeRules, ...] = (
    ChangeRules(
        code="PA2023-S75",
        # The Act's commencement (Procurement Act 2023 (Commencement No. 3) Regulations 2024).
        valid_from=date(2025, 2, 24),
        source="Procurement Act 2023 s.75(2) and s.76",
        value_limit_percent={
            Category.GOODS: Decimal("10"),
            Category.SERVICES: Decimal("10"),
            Category.WORKS: Decimal("15"),
        },
        term_limit_percent=Decimal("10"),
        standstill_working_days=8,
    ),
)


def rules_for(entered_into: date) -> ChangeRules:
    """The rules for a contract entered into on that day. A contract from before the Act is
    tested by the first version too (the platform has no Regulation 72 test)."""
    applicable = [r for r in CHANGE_RULES if r.valid_from <= entered_into]
    return max(applicable, key=lambda r: r.valid_from) if applicable else CHANGE_RULES[0]


def rules_for_contract(contract) -> ChangeRules:
    """The rules a contract's changes are tested by: those in force the day it was entered into
    (signed, in UK time), or today for one not yet signed."""
    if contract.signed_at is None:
        return rules_for(clock.today_uk())
    return rules_for(contract.signed_at.astimezone(clock.UK).date())


def current() -> ChangeRules:
    """The version in force today (for text about contracts not yet entered into)."""
    return rules_for(clock.today_uk())


def value_limit_for(rules: ChangeRules, category: str) -> Decimal:
    return rules.value_limit_percent[category]


def value_limits_text(rules: ChangeRules) -> str:
    """The s.75(2)(a) limits by category in words, like "10% for goods and services, 15% for
    works" (categories sharing a limit named together, in the order Category lists them)."""
    by_limit: dict[Decimal, list[str]] = {}
    for category in Category:
        limit = rules.value_limit_percent.get(category)
        if limit is not None:
            by_limit.setdefault(limit, []).append(category.label.lower())
    parts = [f"{pct_text(limit)} for {' and '.join(names)}" for limit, names in by_limit.items()]
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


def summary_text(rules: ChangeRules) -> str:
    """One sentence of the s.75(2) limits, from the rules' data."""
    return (
        "Without a contract change notice (s.75), changes may move the value by a share of the "
        f"original value of up to {value_limits_text(rules)}, and the term by up to "
        f"{pct_text(rules.term_limit_percent)} of the original term."
    )


def category_help_text(rules: ChangeRules) -> str:
    """The help for choosing a contract's main category: what each may change by."""
    return (
        f"Without a change notice, the value may change by up to {value_limits_text(rules)} (s.75)."
    )


@dataclass(frozen=True)
class Movement:
    """One change to a contract: its value and end date before and after."""

    value_before: Decimal
    value_after: Decimal
    end_date_before: date
    end_date_after: date

    @property
    def value_moved(self) -> Decimal:
        return abs(self.value_after - self.value_before)

    @property
    def days_moved(self) -> int:
        return abs((self.end_date_after - self.end_date_before).days)


@dataclass(frozen=True)
class S75Answer:
    notice_required: bool
    value_required: bool
    term_required: bool
    # Aggregated change since the contract was entered into, this one included, as a
    # percentage of the original value and term, rounded up to the hundredth (so a figure shown
    # as within the limit is within it).
    value_change_percent: Decimal
    term_change_percent: Decimal
    value_limit_percent: Decimal
    term_limit_percent: Decimal
    value_moved: Decimal
    days_moved: int
    original_term_days: int
    standstill_working_days: int
    rules: str
    explanation: str


def _percent(part, whole) -> Decimal:
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_UP)


def pct_text(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return f"{text}%"


def _money(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def s75_test(
    *,
    original_value: Decimal,
    start_date: date,
    original_end_date: date,
    category: str,
    previous: Iterable[Movement],
    proposed: Movement,
    rules: ChangeRules,
) -> S75Answer:
    """Whether the proposed change needs a contract change notice (UK10) under s.75, with the
    aggregated percentages, the limits applied and a plain-English explanation."""
    value_limit = rules.value_limit_percent[category]
    term_limit = rules.term_limit_percent
    changes = [*previous, proposed]
    value_moved = sum((c.value_moved for c in changes), Decimal(0))
    days_moved = sum(c.days_moved for c in changes)
    term_days = (original_end_date - start_date).days + 1
    # Exact comparisons: moved / original <= limit / 100.
    value_required = value_moved * HUNDRED > value_limit * original_value
    term_required = Decimal(days_moved) * HUNDRED > term_limit * term_days
    value_percent = _percent(value_moved, original_value)
    term_percent = _percent(days_moved, term_days)
    category_label = Category(category).label.lower()
    earlier = len(changes) - 1
    counted = (
        f"this change and the {earlier} made before it"
        if earlier
        else "this change (the first since the contract was entered into)"
    )
    value_sentence = (
        f"Value: {counted} move the contract by {_money(value_moved)}, "
        f"{pct_text(value_percent)} of its original value of {_money(original_value)}; "
        f"the limit for {category_label} is {pct_text(value_limit)} (s.75(2)(a))."
    )
    term_sentence = (
        f"Term: they move its end date by {days_moved} day{'s' if days_moved != 1 else ''}, "
        f"{pct_text(term_percent)} of its original term of {term_days} days "
        f"(to {uk_date(original_end_date)}); the limit is {pct_text(term_limit)} (s.75(2)(b))."
    )
    if value_required or term_required:
        over = " and ".join(
            name for name, over in (("value", value_required), ("term", term_required)) if over
        )
        verdict = (
            f"A contract change notice (UK10) is required before the change is made: the "
            f"{over} change{'s are' if ' and ' in over else ' is'} over the s.75(2) limit. "
            f"You may observe a voluntary standstill of {rules.standstill_working_days} "
            "working days after the notice before making the change (s.76)."
        )
    else:
        verdict = (
            "No contract change notice is required: the changes stay within the s.75(2) limits."
        )
    explanation = " ".join(
        [
            verdict,
            value_sentence,
            term_sentence,
            "Increases and decreases both count, added together since the contract was "
            "entered into (s.75(2) and (4)).",
        ]
    )
    return S75Answer(
        notice_required=value_required or term_required,
        value_required=value_required,
        term_required=term_required,
        value_change_percent=value_percent,
        term_change_percent=term_percent,
        value_limit_percent=value_limit,
        term_limit_percent=term_limit,
        value_moved=value_moved,
        days_moved=days_moved,
        original_term_days=term_days,
        standstill_working_days=rules.standstill_working_days,
        rules=rules.code,
        explanation=explanation,
    )
