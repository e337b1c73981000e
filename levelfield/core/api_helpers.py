"""What every router and schema of the JSON API shares: the JSON types for money and moments
(decimals travel as strings, datetimes as ISO 8601 in UTC), the error shape and how an operation
documents its errors, and pagination. Nothing here knows about any domain app."""

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .money import PENNY
from .null_characters import MESSAGE as NULL_CHARACTER_MESSAGE
from .numbers import ID_LIMIT

# ---------------------------------------------------------------------------------------------
# Types


def decimal_string(value: Decimal) -> str:
    """A decimal with two places, as a string, so no client ever reads money as a float."""
    return str(Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP))


def utc_iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


DecimalString = Annotated[
    Decimal,
    PlainSerializer(decimal_string, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "format": "decimal",
            "pattern": r"^-?[0-9]+\.[0-9]{2}$",
            "example": "40.00",
        },
        mode="serialization",
    ),
]
"""Money, weights and scores out: a string with two decimal places, like "1200000.00"."""

UtcDateTime = Annotated[
    datetime,
    PlainSerializer(utc_iso, return_type=str),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "example": "2026-03-02T12:00:00+00:00"},
        mode="serialization",
    ),
]
"""A moment out: ISO 8601 in UTC with its offset."""


def decimal_text(pattern: str, positive_pattern: str | None = None):
    """Document a decimal input as the text it is read from, matching `pattern` (or
    `positive_pattern` where the field is more than 0). Pydantic would describe any number or
    any string, although only those with the digits and places allowed are taken; a number is
    still read (undocumented) for clients that send one."""

    def document(schema: dict) -> None:
        number: dict = next((s for s in schema.get("anyOf", []) if s.get("type") == "number"), {})
        positive = number.get("exclusiveMinimum") == 0 and positive_pattern
        schema.pop("anyOf", None)
        schema.update(type="string", pattern=positive_pattern if positive else pattern)

    return document


MoneyIn = Annotated[
    Decimal,
    Field(
        max_digits=14,
        decimal_places=2,
        description="Pounds, as a string with at most 12 digits before the point and 2 after",
        examples=["1200000.00"],
        json_schema_extra=decimal_text(
            r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$",
            positive_pattern=r"^0*([1-9][0-9]{0,11}(\.[0-9]{1,2})?|\.([1-9][0-9]?|0[1-9]))$",
        ),
    ),
]
PercentIn = Annotated[
    Decimal,
    Field(
        ge=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        description="A percentage from 0 to 100, as a string with at most 2 decimal places",
        examples=["40"],
        json_schema_extra=decimal_text(r"^(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$"),
    ),
]


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value):
    if isinstance(value, str) and not ISO_DATE.fullmatch(value.strip()):
        raise ValueError("Enter a date like 2026-03-27")
    return value


QueryDate = Annotated[date, BeforeValidator(_iso_date)]
"""A day in a query string, as YYYY-MM-DD only (pydantic alone reads `0` as 1 January 1970)."""


class InputSchema(BaseModel):
    """A request body, or a part of one: read from a JSON object and nothing else.

    ninja's `Schema` reads the attributes of any object, to describe model instances; as a body
    it took the string "AAA" for a lot titled "Aaa" (`str.title`) and a list for a change with
    no fields. Every class a body is read into derives from this one."""

    @model_validator(mode="before")
    @classmethod
    def _a_json_object(cls, data):
        if not isinstance(data, dict):
            raise PydanticCustomError("model_type", "Should be a JSON object")
        return data


def patch_field(**field: Any) -> Any:
    """A field of a PATCH body, which may be left out but not sent as null:
    `title: str = patch_field(max_length=200)`. Its default is None, as with `Field(None, ...)`,
    which the operation never reads (it takes `model_dump(exclude_unset=True)`, the fields
    sent), and which the OpenAPI document does not show; null is refused, since the field's type
    has no None. Typed Any, as pydantic types `Field(...)`: the default is not of the field's
    type (a `str | None` field would take null, and say so in the document)."""
    return Field(None, **field)


# A multipart form field that may be left out (then None): the same field as `patch_field`, for
# a form has no null either (the text "null" is no number nor date), so the OpenAPI document
# must not offer it: `tender_id: int = form_field(description=...)`.
form_field = patch_field


def _without_null_character(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("null_character", NULL_CHARACTER_MESSAGE)
    return value


FormText = Annotated[str, AfterValidator(_without_null_character)]
"""A text field of a multipart form, without U+0000, which PostgreSQL cannot store (a server
error). In a JSON body or an address the null character is refused before the operation
(`null_characters.RefuseNullCharactersMiddleware`); a multipart form is read only once the
request is let in, so its fields check for themselves."""


class FormInput(InputSchema):
    """The fields of a multipart form: every text field refuses U+0000, as `FormText`."""

    @model_validator(mode="after")
    def _text_without_null_character(self):
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, str) and "\x00" in value:
                raise PydanticCustomError("null_character", f"{name}: {NULL_CHARACTER_MESSAGE}")
        return self


# ---------------------------------------------------------------------------------------------
# Errors


class ErrorOut(Schema):
    """Every error has this shape."""

    code: str = Field(
        description="Stable machine code: unauthorized, forbidden, not_found, validation_error, "
        "sealed, deadline_passed, invalid_state, publish_refused, bid_incomplete, ..."
    )
    message: str = Field(description="What went wrong, for a person")
    details: list[str] = Field(
        default_factory=list, description="One line per problem, e.g. each failed rule"
    )


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error responses an operation documents."""
    return {status: ErrorOut for status in statuses}


SIGNED_IN_ERRORS = (401, 403)
"""Any endpoint for an organisation's users: 401 `unauthorized` without a session or a valid
token, 403 `forbidden` for the wrong kind of organisation or a missing permission."""

OWN_OBJECT_ERRORS = (*SIGNED_IN_ERRORS, 404)
"""An endpoint about one of the caller's organisation's objects: as SIGNED_IN_ERRORS, and 404
`not_found` for any other id, another organisation's included."""


# ---------------------------------------------------------------------------------------------
# Pagination


MAX_OFFSET = 1_000_000_000
"""The most items a list may skip: far beyond any list, and well inside the 64-bit integers the
databases take (a bigger offset once reached SQLite and PostgreSQL and gave a server error)."""

MAX_POSITION = ID_LIMIT
"""The largest position or id a client may send: the largest 64-bit integer, a bigint (the
largest id `core.numbers.read_id` reads from an address or a form)."""


class Pages(LimitOffsetPagination):
    """`limit` (1-100, default 20) and `offset`; the answer has `items` and the total `count`.
    Every paginated list uses it, so each refuses a `limit` or `offset` out of range with a 422
    `validation_error` naming the parameter."""

    class Input(Schema):
        limit: int = Field(20, ge=1, le=100, description="How many to return, at most 100")
        offset: int = Field(
            0, ge=0, le=MAX_OFFSET, description=f"How many to skip, at most {MAX_OFFSET}"
        )

    def __init__(self, **kwargs):
        super().__init__(max_limit=100, **kwargs)
