"""The one rule for money and 2-place figures: what it refuses, in words naming the field, and
that it never raises anything but DomainError (a 1e30 once crashed six parsers)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from levelfield.core.errors import DomainError
from levelfield.core.money import money_problem, number_problem, parse_money, parse_number


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (None, "Enter the amount"),
        ("  ", "Enter the amount"),
        ("twelve", "Enter the amount as an amount in pounds, like 1250.00"),
        ("NaN", "Enter the amount as an amount in pounds, like 1250.00"),
        ("sNaN", "Enter the amount as an amount in pounds, like 1250.00"),
        ("-Infinity", "Enter the amount as an amount in pounds, like 1250.00"),
        (Decimal("Infinity"), "Enter the amount as an amount in pounds, like 1250.00"),
        (True, "Enter the amount as an amount in pounds, like 1250.00"),
        ([1], "Enter the amount as an amount in pounds, like 1250.00"),
        ("0", "The amount must be more than £0"),
        ("-5", "The amount must be more than £0"),
        ("-1e30", "The amount must be more than £0"),
        ("1e30", "The amount must be less than £1,000,000,000,000"),
        ("1e999999", "The amount must be less than £1,000,000,000,000"),
        ("9" * 40, "The amount must be less than £1,000,000,000,000"),
        ("1000000000000", "The amount must be less than £1,000,000,000,000"),
        ("12.345", "The amount can have at most two decimal places (pence)"),
        ("1e-999999", "The amount can have at most two decimal places (pence)"),
    ],
)
def test_money_refused_with_the_fields_name(typed, message):
    assert money_problem(typed, "amount") == message
    with pytest.raises(DomainError) as caught:
        parse_money(typed, "amount", code="amount_invalid")
    assert caught.value.message == message
    assert caught.value.code == "amount_invalid"


@pytest.mark.parametrize(
    ("typed", "pounds"),
    [
        ("£1,250.5", Decimal("1250.50")),
        (" 999999999999.99 ", Decimal("999999999999.99")),
        ("12.300", Decimal("12.30")),
        (7, Decimal("7.00")),
        (Decimal("0.01"), Decimal("0.01")),
    ],
)
def test_money_accepted_as_typed(typed, pounds):
    assert money_problem(typed, "amount") is None
    assert parse_money(typed, "amount") == pounds


def test_zero_pounds_only_when_allowed():
    assert money_problem("0", "option's value", zero_allowed=True) is None
    assert parse_money("-0", "option's value", zero_allowed=True) == Decimal("0.00")
    assert str(parse_money("-0", "option's value", zero_allowed=True)) == "0.00"
    assert money_problem("-1", "option's value", zero_allowed=True) == (
        "The option's value must be £0 or more"
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("lots", "Enter the target as a number, like 95 or 2.5"),
        ("£5", "Enter the target as a number, like 95 or 2.5"),
        ("1e30", "The target must be less than 1,000,000,000,000"),
        ("-1e30", "The target must be more than -1,000,000,000,000"),
        ("2.555", "The target can have at most 2 decimal places"),
    ],
)
def test_figures_that_are_not_money(typed, message):
    assert number_problem(typed, "target") == message


def test_figures_may_be_negative_unless_asked_otherwise():
    assert parse_number("-2.5", "target") == Decimal("-2.50")
    assert parse_number("0", "number delivered", negative_allowed=False) == Decimal("0.00")
    assert number_problem("-1", "number delivered", negative_allowed=False) == (
        "The number delivered must be 0 or more"
    )
    assert number_problem("0", "number claimed", negative_allowed=False, zero_allowed=False) == (
        "The number claimed must be more than 0"
    )


ANYTHING = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet="0123456789.,-+e£ _EinfaINFAsN"),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
)


@given(ANYTHING, st.booleans())
def test_never_raises_anything_but_the_domain_error(typed, zero_allowed):
    problem = money_problem(typed, "amount", zero_allowed=zero_allowed)
    assert problem is None or problem.startswith(("Enter the amount", "The amount"))
    try:
        amount = parse_money(typed, "amount", zero_allowed=zero_allowed)
    except DomainError as error:
        assert error.message == problem
    else:
        assert problem is None
        assert amount.as_tuple().exponent == -2
        assert (Decimal(0) if zero_allowed else Decimal("0.01")) <= amount < Decimal("1e12")
    try:
        parse_number(typed, "target")
    except DomainError:
        pass


PENNIES = st.integers(min_value=1, max_value=10**14 - 1)


@given(PENNIES)
def test_accepts_every_valid_amount(pennies):
    pounds = Decimal(pennies) / 100
    for typed in (pounds, str(pounds), f"£{pounds:,.2f}", f"{pounds:.2f}"):
        assert money_problem(typed, "amount") is None
        assert parse_money(typed, "amount") == pounds


@given(st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1))
def test_accepts_every_valid_figure(hundredths):
    figure = Decimal(hundredths) / 100
    assert parse_number(str(figure), "value") == figure
