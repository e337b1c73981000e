"""What the financial standing API reads and answers. A reading's rules (a known indicator, a
number, a date not in the future) are the action's (`actions_financial.reading_problems`): the
schema only says the shape, so a refusal names the problem as the pages do."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AwareDatetime, PlainSerializer, WithJsonSchema

from levelfield.core.api_helpers import MAX_POSITION, InputSchema, QueryDate, UtcDateTime

from .selectors_financial import notice_status


def figure_string(value: Decimal) -> str:
    """A reading or threshold as a plain decimal string: "1250000", "-3.5" (up to 4 places)."""
    return format(Decimal(value).normalize(), "f")


Figure = Annotated[
    Decimal,
    PlainSerializer(figure_string, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "format": "decimal",
            "pattern": r"^-?[0-9]+(\.[0-9]{1,4})?$",
            "example": "-3.5",
        },
        mode="serialization",
    ),
]
"""A reading's value or an indicator's threshold out: a string, up to 4 decimal places."""

Direction = Literal["below", "above"]
NoticeStatusCode = Literal["due", "on_time", "late", "overdue"]


class IndicatorOut(Schema):
    code: str = Field(description="What a reading names, here and in a CSV import")
    name: str
    unit: str = Field(description='For people: "points", "£", "% a year"; may be empty')
    direction: Direction = Field(
        description="A reading below (or above) the threshold is a breach; at it is not"
    )
    threshold: Figure


class BreachOut(Schema):
    id: int
    supplier_id: int
    indicator: str = Field(description="The indicator's code")
    reading_id: int
    value: Figure = Field(description="The reading that breached the threshold")
    raised_at: UtcDateTime
    due_at: UtcDateTime = Field(
        description="The end (midnight, UK time) of the second working day after the day it was "
        "raised; weekends and England and Wales bank holidays are not working days"
    )
    notified_at: UtcDateTime | None = Field(description="When it was notified; null until then")
    notice_status: NoticeStatusCode = Field(
        description="`due`: not notified, still in time; `overdue`: not notified and past "
        "`due_at`; `on_time` or `late`: notified before `due_at` or not"
    )

    @staticmethod
    def resolve_indicator(obj) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_value(obj) -> Decimal:
        return obj.reading.value

    @staticmethod
    def resolve_notice_status(obj) -> str:
        return notice_status(obj).value


class ReadingOut(Schema):
    id: int
    supplier_id: int
    indicator: str = Field(description="The indicator's code")
    value: Figure
    as_of: date
    source: Literal["entered", "imported"]
    recorded_at: UtcDateTime
    breach: BreachOut | None = Field(
        description="The breach the reading raised, past its indicator's threshold; null if none"
    )

    @staticmethod
    def resolve_indicator(obj) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_breach(obj):
        return getattr(obj, "breach", None)


class SupplierStandingOut(Schema):
    id: int
    name: str
    readings: list[ReadingOut] = Field(description="By indicator code, newest first")
    breaches: list[BreachOut] = Field(
        description="Overdue first, then those still due (soonest first), then those notified "
        "(newest first)"
    )


class ReadingIn(InputSchema):
    supplier_id: int = Field(ge=1, le=MAX_POSITION, description="A supplier organisation's id")
    indicator: str = Field(
        max_length=100, description="An indicator's code (see `GET /financial/indicators`)"
    )
    value: str = Field(
        max_length=40,
        description='The value as a string, like "1250000" or "-3.5" (commas, £ and % are allowed)',
        examples=["35"],
    )
    as_of: QueryDate = Field(
        description="The day the reading is as of, YYYY-MM-DD; not later than today (UK time)"
    )


class NotifiedIn(InputSchema):
    notified_at: AwareDatetime | None = Field(
        None,
        description="When it was notified, with its offset; leave out for now. Not in the "
        "future, nor before the breach was raised",
    )
