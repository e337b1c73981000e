"""How many of something a supplier commits to, or reports delivering: the one rule the actions,
the forms and the API schemas apply, so each says the same thing about the same number."""

from decimal import Decimal, InvalidOperation

from levelfield.core.errors import DomainError

# The quantity columns (Commitment, Obligation, DeliveryReport) are numeric(12, 2).
DIGITS = 12
PLACES = 2
MAX_QUANTITY = Decimal(10) ** (DIGITS - PLACES)
"""The first number that does not fit: 10,000,000,000."""


def clean_quantity(value, *, label: str = "how many", zero_allowed: bool = False) -> Decimal:
    """`value` (a Decimal, a number or what was typed, commas allowed) as a quantity that fits,
    or a DomainError saying what to enter. `label` names it in the message ("how many", "the
    number delivered"); a report may be of 0, a commitment may not."""
    try:
        text = "" if value is None else str(value).replace(",", "").strip()
        quantity = Decimal(text) if text else None
    except InvalidOperation:
        quantity = None
    if quantity is None or not quantity.is_finite():
        raise DomainError(f"Enter {label} as a number, like 6", code="validation_error")
    if quantity < 0 or (quantity == 0 and not zero_allowed):
        wanted = "as a number, 0 or more" if zero_allowed else "as a number more than 0"
        raise DomainError(f"Enter {label} {wanted}", code="validation_error")
    if quantity >= MAX_QUANTITY:
        raise DomainError(
            f"Enter {label} as a number less than {MAX_QUANTITY:,}", code="validation_error"
        )
    if quantity != quantity.quantize(Decimal(1).scaleb(-PLACES)):
        raise DomainError(
            f"Enter {label} with at most {PLACES} decimal places", code="validation_error"
        )
    return quantity


def schema_quantity(*, label: str = "how many", zero_allowed: bool = False):
    """A validator for an API schema's quantity field that applies `clean_quantity`: pydantic
    reports its message as a 422 `validation_error`."""

    def validate(value: Decimal) -> Decimal:
        try:
            return clean_quantity(value, label=label, zero_allowed=zero_allowed)
        except DomainError as exc:
            raise ValueError(exc.message) from None

    return validate
