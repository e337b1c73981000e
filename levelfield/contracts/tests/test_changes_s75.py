"""The s.75 test as a pure function: each boundary, aggregation, decreases, the term."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from levelfield.contracts import change_rules
from levelfield.contracts.change_rules import Movement, s75_test

RULES = change_rules.rules_for(date(2026, 1, 1))
START = date(2026, 1, 1)
# 1 January 2026 to 31 December 2027: 730 days, so 10% of the term is 73 days.
END = date(2027, 12, 31)


def answer(category="services", *, value_after="100000", end=END, previous=(), value="100000"):
    return s75_test(
        original_value=Decimal(value),
        start_date=START,
        original_end_date=END,
        category=category,
        previous=list(previous),
        proposed=Movement(Decimal(value), Decimal(value_after), END, end),
        rules=RULES,
    )


@pytest.mark.parametrize(
    ("category", "value_after", "required", "percent"),
    [
        ("services", "110000", False, "10.00"),
        ("services", "110010", True, "10.01"),
        ("goods", "110000", False, "10.00"),
        ("goods", "110010", True, "10.01"),
        ("works", "115000", False, "15.00"),
        ("works", "115010", True, "15.01"),
    ],
)
def test_value_limit_at_each_boundary(category, value_after, required, percent):
    result = answer(category, value_after=value_after)
    assert result.notice_required is required
    assert result.value_change_percent == Decimal(percent)
    assert result.value_limit_percent == (Decimal(15) if category == "works" else Decimal(10))


def test_a_hair_over_the_limit_is_over_and_shown_over():
    # 10.001%: over the limit, and shown rounded up so the figure agrees with the answer.
    result = answer(value_after="110001")
    assert result.notice_required
    assert result.value_change_percent == Decimal("10.01")


def test_term_within_ten_percent_and_above():
    within = answer(end=END + timedelta(days=73))
    assert not within.notice_required
    assert within.term_change_percent == Decimal("10.00")
    assert within.original_term_days == 730
    above = answer(end=END + timedelta(days=74))
    assert above.notice_required and above.term_required and not above.value_required
    assert above.term_change_percent == Decimal("10.14")  # 74 / 730 = 10.137%, rounded up
    assert "term change is over the s.75(2) limit" in above.explanation
    assert "s.75(2)(b)" in above.explanation


def test_changes_aggregate_six_then_five_percent():
    first = answer(value_after="106000")
    assert not first.notice_required
    second = s75_test(
        original_value=Decimal("100000"),
        start_date=START,
        original_end_date=END,
        category="services",
        previous=[Movement(Decimal("100000"), Decimal("106000"), END, END)],
        proposed=Movement(Decimal("106000"), Decimal("111000"), END, END),
        rules=RULES,
    )
    assert second.notice_required
    assert second.value_change_percent == Decimal("11.00")
    assert second.value_moved == Decimal("11000")
    assert "this change and the 1 made before it" in second.explanation


def test_a_decrease_counts_like_an_increase():
    assert answer(value_after="89990").notice_required  # a cut of 10.01%
    assert not answer(value_after="90000").notice_required  # exactly 10%
    # Up 6%, then down 5%: 11% of movement, though the value ends only 1% up.
    result = s75_test(
        original_value=Decimal("100000"),
        start_date=START,
        original_end_date=END,
        category="services",
        previous=[Movement(Decimal("100000"), Decimal("106000"), END, END)],
        proposed=Movement(Decimal("106000"), Decimal("101000"), END, END),
        rules=RULES,
    )
    assert result.notice_required
    assert result.value_change_percent == Decimal("11.00")


def test_shortening_the_term_counts():
    assert answer(end=END - timedelta(days=74)).notice_required
    assert not answer(end=END - timedelta(days=73)).notice_required


def test_explanation_cites_the_section_and_the_numbers():
    result = answer(value_after="112500")
    assert result.explanation.startswith("A contract change notice (UK10) is required")
    assert "£12,500.00, 12.5% of its original value of £100,000.00" in result.explanation
    assert "the limit for services is 10% (s.75(2)(a))" in result.explanation
    assert "voluntary standstill of 8 working days" in result.explanation
    quiet = answer(value_after="105000")
    assert quiet.explanation.startswith("No contract change notice is required")


def test_rules_are_versioned_by_the_day_the_contract_was_entered_into():
    assert change_rules.rules_for(date(2025, 2, 24)).code == "PA2023-S75"
    # Before the Act, the first version still answers (the platform has no reg. 72 test).
    assert change_rules.rules_for(date(2020, 1, 1)).code == "PA2023-S75"
    assert RULES.standstill_working_days == 8
