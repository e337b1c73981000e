"""JSON shapes for social value: models, commitments, contract progress and reports."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator

from levelfield.core.api_helpers import (
    DecimalString,
    FormInput,
    InputSchema,
    UtcDateTime,
    decimal_text,
)

from .quantities import MAX_QUANTITY, PLACES, schema_quantity

QUANTITY_HELP = f"a number less than {MAX_QUANTITY:,} with at most {PLACES} decimal places"

# ---------------------------------------------------------------------------------------------
# Models


class SocialValueModelSummary(Schema):
    id: int
    code: str = Field(description="Like PPN-002")
    version: str
    title: str
    policy_code: str = Field(description="The policy version whose weight rule goes with it")
    valid_from: date
    valid_to: date | None = Field(description="Empty while it still applies")
    mandatory_from: date | None


class MetricOut(Schema):
    code: str
    text: str
    unit: str


class SubCriterionOut(Schema):
    code: str
    text: str


class CriterionOut(Schema):
    code: str
    text: str
    sub_criteria: list[SubCriterionOut]
    metrics: list[MetricOut]

    @staticmethod
    def resolve_sub_criteria(obj):
        return obj.sub_criteria.all()

    @staticmethod
    def resolve_metrics(obj):
        return obj.metrics.all()


class OutcomeOut(Schema):
    id: int = Field(description="What to send to pick this outcome")
    code: str
    text: str
    sustainability_goal: str = Field(description="OCDS sustainabilityGoal code")
    valid_from: date | None
    valid_to: date | None
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_criteria(obj):
        return obj.criteria.all()


class ThemeOut(Schema):
    code: str
    text: str
    outcomes: list[OutcomeOut]

    @staticmethod
    def resolve_outcomes(obj):
        return obj.outcomes.all()


class SocialValueModelOut(SocialValueModelSummary):
    summary: str
    source: str
    notes: str
    themes: list[ThemeOut]

    @staticmethod
    def resolve_themes(obj):
        from .selectors import model_tree

        return model_tree(obj)


class ModelsOnDateOut(Schema):
    date: date
    default: SocialValueModelSummary | None = Field(
        description="The model a procurement commencing on the date follows unless its buyer "
        "chooses another that also applies"
    )
    applicable: list[SocialValueModelSummary]


# ---------------------------------------------------------------------------------------------
# Commitments


class CommitmentIn(InputSchema):
    question_id: int = Field(description="One of the lot's social value questions")
    measure_id: int | None = Field(None, description="A measure of the buyer's framework")
    metric_code: str | None = Field(None, description="Or a reporting metric of the model")
    description: str = Field(description="What will be delivered", max_length=300)
    quantity: Annotated[Decimal, AfterValidator(schema_quantity())] = Field(
        description="How many: " + QUANTITY_HELP + ", more than 0",
        examples=["6"],
        json_schema_extra=decimal_text(
            r"^0*([1-9][0-9]{0,9}(\.[0-9]{1,2})?|\.([1-9][0-9]?|0[1-9]))$"
        ),
    )
    unit: str = Field("", max_length=60, description="Empty: the measure's or metric's unit")
    contract_year: int = Field(ge=1, le=10, description="Delivered by the end of this year")
    location: str = Field(max_length=200, description="Where")
    beneficiaries: str = Field(max_length=300, description="Who benefits")


class CommitmentOut(Schema):
    id: int
    question_number: int
    description: str
    quantity: DecimalString
    unit: str
    contract_year: int
    location: str
    beneficiaries: str
    measure_code: str | None
    metric_code: str | None
    value: DecimalString | None = Field(
        description="quantity x the buyer's proxy value, in pounds, where there is one"
    )

    @staticmethod
    def resolve_question_number(obj) -> int:
        return obj.question.number

    @staticmethod
    def resolve_measure_code(obj) -> str | None:
        return obj.measure.code if obj.measure_id else None

    @staticmethod
    def resolve_metric_code(obj) -> str | None:
        return obj.metric.code if obj.metric_id else None


class BuyerCommitmentOut(CommitmentOut):
    bid_id: int
    supplier: str

    @staticmethod
    def resolve_supplier(obj) -> str:
        return obj.bid.supplier.name


# ---------------------------------------------------------------------------------------------
# Contracts and reports


class ReportOut(Schema):
    id: int
    period: int
    quantity: DecimalString
    status: str = Field(description="submitted, accepted, queried or rejected")
    submitted_at: UtcDateTime
    reviewed_at: UtcDateTime | None

    @staticmethod
    def resolve_period(obj) -> int:
        return obj.period.number


class ObligationOut(Schema):
    number: int
    description: str
    unit: str
    committed: DecimalString
    delivered: DecimalString = Field(description="Accepted reports only")
    waiting_for_review: DecimalString
    due_on: date
    committed_value: DecimalString | None
    delivered_value: DecimalString | None
    status: str = Field(description="delivered, overdue, behind or on_track")
    reports: list[ReportOut]

    @staticmethod
    def resolve_number(obj) -> int:
        return obj.obligation.number

    @staticmethod
    def resolve_description(obj) -> str:
        return obj.obligation.description

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.obligation.unit

    @staticmethod
    def resolve_due_on(obj) -> date:
        return obj.obligation.due_on

    @staticmethod
    def resolve_waiting_for_review(obj) -> Decimal:
        return obj.pending


class ContractProgressOut(Schema):
    contract_id: int
    tender: str
    lot: int
    supplier: str
    committed_value: DecimalString | None
    delivered_value: DecimalString | None
    obligations: list[ObligationOut]

    @staticmethod
    def resolve_contract_id(obj) -> int:
        return obj.contract.pk

    @staticmethod
    def resolve_tender(obj) -> str:
        return obj.contract.lot.tender.reference

    @staticmethod
    def resolve_lot(obj) -> int:
        return obj.contract.lot.number

    @staticmethod
    def resolve_supplier(obj) -> str:
        return obj.contract.supplier.name


class PortfolioOut(Schema):
    promised: DecimalString = Field(description="Sum of quantity x proxy value, in pounds")
    delivered: DecimalString = Field(description="Sum over accepted reports, in pounds")
    obligations: int
    unvalued: int = Field(description="Obligations without a proxy value")
    count: int = Field(description="Contracts in all; the totals above cover every one")
    items: list[ContractProgressOut] = Field(
        description="This page of contracts (`limit` and `offset`), newest signed first"
    )


class ContractProgressPage(Schema):
    count: int
    items: list[ContractProgressOut]


class ReviewIn(InputSchema):
    decision: str = Field(description="accepted, queried or rejected")
    reason: str


class ReportIn(FormInput):
    period: int = Field(description="The reporting period's number on the contract")
    quantity: Annotated[
        Decimal, AfterValidator(schema_quantity(label="the number delivered", zero_allowed=True))
    ] = Field(
        description="How many were delivered in the period: " + QUANTITY_HELP + ", 0 or more",
        json_schema_extra=decimal_text(r"^[0-9]{1,10}(\.[0-9]{1,2})?$"),
    )
    narrative: str = Field(description="What was delivered, for whom and where")


class WaitingReportOut(ReportOut):
    contract_id: int
    tender: str
    supplier: str
    obligation: int
    description: str
    unit: str

    @staticmethod
    def resolve_contract_id(obj) -> int:
        return obj.obligation.contract_id

    @staticmethod
    def resolve_tender(obj) -> str:
        return obj.obligation.contract.lot.tender.reference

    @staticmethod
    def resolve_supplier(obj) -> str:
        return obj.obligation.contract.supplier.name

    @staticmethod
    def resolve_obligation(obj) -> int:
        return obj.obligation.number

    @staticmethod
    def resolve_description(obj) -> str:
        return obj.obligation.description

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.obligation.unit


# ---------------------------------------------------------------------------------------------
# The buyer's measurement frameworks


class MeasureOut(Schema):
    code: str
    description: str
    unit: str
    proxy_value: DecimalString | None = Field(
        description="Pounds per unit, where the buyer has one"
    )
    line: int = Field(description="The line of the imported file it came from")


class FrameworkOut(Schema):
    id: int
    name: str
    version: int
    source_filename: str
    sha256: str
    imported_at: UtcDateTime
    measures: list[MeasureOut]

    @staticmethod
    def resolve_measures(obj) -> list:
        return list(obj.measures.all())


class FrameworkSummary(Schema):
    id: int
    name: str
    version: int
    source_filename: str
    imported_at: UtcDateTime
    measure_count: int
