"""What the concentration risk API reads and answers."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator

from levelfield.core.api_helpers import DecimalString, QueryDate, decimal_text

from . import concentration


def _threshold(value: Decimal) -> Decimal:
    problem = concentration.threshold_problem(value)
    if problem:
        raise ValueError(problem)
    return value


ThresholdIn = Annotated[
    Decimal,
    Field(
        ge=0,
        lt=100,
        max_digits=4,
        decimal_places=2,
        description="List the suppliers holding more than this percentage of a market: 0 or "
        "more and less than 100, at most 2 decimal places. Default 25",
        examples=["25"],
        json_schema_extra=decimal_text(r"^[0-9]{1,2}(\.[0-9]{1,2})?$"),
    ),
    AfterValidator(_threshold),
]


class ConcentrationQuery(Schema):
    threshold: ThresholdIn = concentration.DEFAULT_THRESHOLD
    as_of: QueryDate | None = Field(
        None, description="Contracts in force on this day, YYYY-MM-DD; without it, today (UK)"
    )


class HoldingOut(Schema):
    authority_id: int = Field(description="The buyer organisation")
    authority_name: str
    cpv_division: str | None = Field(
        description="The first two digits of the CPV codes of the contract's tender; null for "
        "contracts with no CPV code (let elsewhere)"
    )
    supplier_id: int
    supplier_name: str
    contracts: int = Field(description="The supplier's contracts in force in this market")
    value: DecimalString = Field(
        description="The annual value of their contracts in force, pounds (value x 365 / term "
        "days for a term of a year or more, else the whole value)"
    )
    market_value: DecimalString = Field(
        description="The annual value of every contract in force in this market, pounds"
    )
    share: DecimalString = Field(description="value over market_value, a percentage")

    @staticmethod
    def resolve_authority_name(obj) -> str:
        return obj.authority

    @staticmethod
    def resolve_cpv_division(obj) -> str | None:
        return obj.division or None

    @staticmethod
    def resolve_supplier_name(obj) -> str:
        return obj.supplier


class ConcentrationOut(Schema):
    as_of: date
    threshold: DecimalString
    suppliers: list[HoldingOut] = Field(description="Highest share first; every one, unpaged")
