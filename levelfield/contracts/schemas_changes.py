"""JSON shapes for a contract's changes (s.74-s.76) and its end (s.71, s.80)."""

from datetime import date
from typing import Literal

from ninja import Field, Schema

from levelfield.core.api_helpers import (
    DecimalString,
    InputSchema,
    MoneyIn,
    QueryDate,
    UtcDateTime,
)

from . import change_rules
from .actions.ending import TerminationReason
from .models import Rating

# The rules' version in force when the API starts: its figures in the descriptions.
_RULES = change_rules.current()

# A day as YYYY-MM-DD only (the same reading as a query string's).
BodyDate = QueryDate


class ChangeCheckIn(InputSchema):
    kind: Literal["modification", "extension"] = Field(
        description="`modification`, or `extension` for using one of the contract's options to "
        "extend (its months and value are added)"
    )
    value_after: MoneyIn | None = Field(
        None, description="A modification: the contract's whole value once changed, in pounds"
    )
    end_date_after: BodyDate | None = Field(
        None, description="A modification: the contract's end date once changed (YYYY-MM-DD)"
    )
    option_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="An extension: the option to extend being used"
    )


class ChangeIn(ChangeCheckIn):
    description: str = Field(
        min_length=1, max_length=5000, description="What changes and why (published in a UK10)"
    )
    voluntary_standstill: bool = Field(
        False,
        description=f"Where a notice is required: wait {_RULES.standstill_working_days} working "
        "days after it before the change is made (s.76); 400 `invalid_change` when no notice is "
        "required",
    )


class S75Out(Schema):
    notice_required: bool = Field(description="Whether a contract change notice (UK10) is required")
    value_after: DecimalString
    end_date_after: date
    value_change_percent: DecimalString = Field(
        description="Value moved by every change since the contract was entered into, this one "
        "included, increases and decreases alike, as a percentage of the original value "
        "(rounded up to the hundredth)"
    )
    term_change_percent: DecimalString = Field(
        description="Days the end date moved, likewise, as a percentage of the original term"
    )
    value_limit_percent: DecimalString = Field(
        description="The limit for the contract's category: "
        + change_rules.value_limits_text(_RULES)
    )
    term_limit_percent: DecimalString
    standstill_working_days: int
    rules: str = Field(description="The version of the rules applied")
    explanation: str = Field(description="The answer in plain English, citing the section")


class ChangeOut(Schema):
    number: int
    kind: str
    option_id: int | None
    description: str
    value_before: DecimalString
    value_after: DecimalString
    end_date_before: date
    end_date_after: date
    value_change_percent: DecimalString
    term_change_percent: DecimalString
    value_limit_percent: DecimalString
    notice_required: bool
    assessment: str = Field(description="The s.75 answer as it was given")
    status: str = Field(description="`made`, or `in_standstill` until `standstill_ends_at`")
    standstill_ends_at: UtcDateTime | None
    recorded_at: UtcDateTime
    made_at: UtcDateTime | None


class TerminateIn(InputSchema):
    classification: Literal[tuple(TerminationReason.values)] = Field(  # type: ignore[valid-type]
        description="Why it ended early: "
        + "; ".join(f"`{value}` {label}" for value, label in TerminationReason.choices)
    )
    reason: str = Field(
        min_length=1,
        max_length=5000,
        description="In your words: published in the UK11 notice (as the description of its "
        "terminationRationaleClassifications item) and sent to the supplier",
    )
    terminated_on: BodyDate = Field(description="Not after today (YYYY-MM-DD)")
    rating: Literal[tuple(Rating.values)] = Field(  # type: ignore[valid-type]
        description="s.71: the supplier's performance up to termination (published as UK9)"
    )
    narrative: str = Field(min_length=1, max_length=10000)


class CompleteIn(InputSchema):
    final_value: MoneyIn = Field(description="What was paid in all, in pounds, over 0")
    final_end_date: BodyDate = Field(description="When delivery ended (YYYY-MM-DD)")
    rating: Literal[tuple(Rating.values)] | None = Field(  # type: ignore[valid-type]
        None,
        description="s.71: the supplier's performance up to `final_end_date` (published as "
        "UK9). Required, with `narrative`, unless an assessment already covers the period up "
        "to `final_end_date`; then it must be left out",
    )
    narrative: str | None = Field(None, max_length=10000)


class ContractEndOut(Schema):
    id: int
    reference: str
    status: str
    termination_classification: str
    final_value: DecimalString | None
    final_end_date: date | None
    terminated_at: UtcDateTime | None
    completed_at: UtcDateTime | None
