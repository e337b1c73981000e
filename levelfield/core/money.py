"""Money is Decimal pounds; never float.

`money_problem` / `parse_money` are the one rule for an amount of money typed on a page, sent
to the API or read from a file; `number_problem` / `parse_number` the same rule for a figure
that is not money but is stored the same way (a KPI target, a quantity). Both say what is
wrong in words that name the field, and never raise anything but DomainError: a value that is
not finite (NaN, Infinity), has more than two decimal places, is below the floor asked for or
does not fit the columns (max_digits=14, decimal_places=2, so less than 1,000,000,000,000) is
refused. The size is checked before the pence: Decimal's quantize raises InvalidOperation past
28 digits (1e30)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import DomainError

PENNY = Decimal("0.01")
# The columns are DecimalField(max_digits=14, decimal_places=2): 12 digits before the point.
LIMIT = Decimal("1000000000000")


def to_money(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    try:
        amount = Decimal(str(value).replace(",", "").replace("£", "").strip())
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not an amount of money") from exc
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount of money")
    try:
        return amount.quantize(PENNY, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # past Decimal's 28 digits (1e30), no amount of money
        raise ValueError(f"{value!r} is not an amount of money") from exc


def format_gbp(value) -> str:
    if value is None:
        return "Not given"
    amount = Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)
    if amount == amount.to_integral_value():
        return f"£{amount:,.0f}"
    return f"£{amount:,.2f}"


def _read(value, *, money: bool) -> Decimal | None:
    """The Decimal typed, or None when it is not a finite number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (int, float, str)):
        text = str(value).replace(",", "").strip()
        if money:
            text = text.replace("£", "").strip()
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            return None
    else:
        return None
    return number if number.is_finite() else None


def _problem(value, label: str, *, money: bool, negative: bool, zero: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return f"Enter the {label}"
    number = _read(value, money=money)
    pound = "£" if money else ""
    if number is None:
        if money:
            return f"Enter the {label} as an amount in pounds, like 1250.00"
        return f"Enter the {label} as a number, like 95 or 2.5"
    if not negative and (number < 0 or (number == 0 and not zero)):
        floor = f"{pound}0 or more" if zero else f"more than {pound}0"
        return f"The {label} must be {floor}"
    if negative and not zero and number == 0:
        return f"The {label} must not be 0"
    if number >= LIMIT:
        return f"The {label} must be less than {pound}1,000,000,000,000"
    if number <= -LIMIT:
        return f"The {label} must be more than -{pound}1,000,000,000,000"
    if number != number.quantize(PENNY):
        places = "two decimal places (pence)" if money else "2 decimal places"
        return f"The {label} can have at most {places}"
    return None


def money_problem(value, label: str, *, zero_allowed: bool = False) -> str | None:
    """What is wrong with an amount of money, if anything: `label` names it ("amount",
    "contract value"). It must be more than £0, or £0 or more when `zero_allowed`."""
    return _problem(value, label, money=True, negative=False, zero=zero_allowed)


def number_problem(
    value, label: str, *, negative_allowed: bool = True, zero_allowed: bool = True
) -> str | None:
    """What is wrong with a figure that is not money (a KPI target or value, a quantity):
    a number with at most 2 decimal places that fits the same columns as money."""
    return _problem(value, label, money=False, negative=negative_allowed, zero=zero_allowed)


def _exact(value, *, money: bool) -> Decimal:
    """`value` to the penny: a value the problem checks passed (so it reads as a number)."""
    read = _read(value, money=money)
    assert read is not None  # _problem found no problem, which it would for no number
    number = read.quantize(PENNY)
    return number + 0 if number.is_zero() else number  # -0.00 is 0.00


def parse_money(
    value, label: str, *, zero_allowed: bool = False, code: str = "validation_error"
) -> Decimal:
    """The amount as Decimal pounds with pence, or DomainError(money_problem's message)."""
    if problem := money_problem(value, label, zero_allowed=zero_allowed):
        raise DomainError(problem, code=code)
    return _exact(value, money=True)


def parse_number(
    value,
    label: str,
    *,
    negative_allowed: bool = True,
    zero_allowed: bool = True,
    code: str = "validation_error",
) -> Decimal:
    """The figure as a Decimal with 2 places, or DomainError(number_problem's message)."""
    if problem := number_problem(
        value, label, negative_allowed=negative_allowed, zero_allowed=zero_allowed
    ):
        raise DomainError(problem, code=code)
    return _exact(value, money=False)
