"""JSON shapes for KPIs and reports (s.52), performance assessments and failures (s.71),
outcomes and cost per outcome, and payment by results."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from levelfield.core.api_helpers import (
    DecimalString,
    FormInput,
    InputSchema,
    QueryDate,
    UtcDateTime,
    decimal_text,
)

BodyDate = QueryDate

FigureIn = Annotated[
    Decimal,
    Field(
        max_digits=14,
        decimal_places=2,
        description="A number as a string, with at most 12 digits before the point and 2 after",
        examples=["95.5"],
        json_schema_extra=decimal_text(r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$"),
    ),
]
QuantityIn = Annotated[
    Decimal,
    Field(
        max_digits=14,
        decimal_places=2,
        description="A number of outcomes as a string, with at most 2 decimal places",
        examples=["12"],
        json_schema_extra=decimal_text(r"^[0-9]{1,12}(\.[0-9]{1,2})?$"),
    ),
]
MoneyText = Annotated[
    Decimal,
    Field(
        max_digits=14,
        decimal_places=2,
        description="Pounds as a string, with at most 12 digits before the point and 2 after",
        examples=["1500.00"],
        json_schema_extra=decimal_text(r"^[0-9]{1,12}(\.[0-9]{1,2})?$"),
    ),
]

Directions = Literal["higher", "lower"]
Frequencies = Literal["monthly", "quarterly", "six_monthly", "annually"]
Ratings = Literal["good", "approaching_target", "requires_improvement", "inadequate", "other"]
FailureKinds = Literal["termination", "damages", "settlement"]


# --- KPIs -----------------------------------------------------------------------------------


class KpiIn(InputSchema):
    name: str = Field(max_length=200, description="The KPI's name")
    description: str = Field("", max_length=5000, description="How it is measured")
    target: FigureIn
    unit: str = Field(max_length=50, description="Like %, days or calls")
    direction: Directions = Field("higher", description="Whether higher or lower is better")
    frequency: Frequencies = Field(
        description="How often the supplier reports; periods count from the contract's start"
    )
    material: bool = Field(
        False, description="One of the (at most three) most material KPIs, published (s.52(4))"
    )


class KpiPeriodOut(Schema):
    number: int = Field(description="The period's number, from 1 at the contract's start")
    start: date
    end: date
    due: date = Field(description="When the report is due (14 days after the period ends)")
    value: DecimalString | None = Field(description="The supplier's figure; null until reported")
    narrative: str
    met: bool | None = Field(description="Whether the figure meets the target; null until reported")
    overdue: bool
    reported_at: UtcDateTime | None


class KpiOut(Schema):
    id: int
    number: int
    name: str
    description: str
    target: DecimalString
    unit: str
    direction: str
    frequency: str
    material: bool
    periods: list[KpiPeriodOut] = Field(description="Each period begun so far, newest last")


class KpiExemptionIn(InputSchema):
    reason: str = Field(
        max_length=5000,
        description="Why performance cannot appropriately be assessed by KPIs (s.52(3)); "
        "empty clears it",
    )


class KpiS52Out(Schema):
    applies: bool = Field(description="Whether the contract is worth more than £5m")
    problems: list[str] = Field(description="Why it may not go live yet; empty when it may")
    exemption_reason: str


class KpiReportIn(InputSchema):
    period: int = Field(ge=1, le=10000, description="The period's number (see the KPI's periods)")
    value: FigureIn
    narrative: str = Field("", max_length=5000)


class KpiCorrectionIn(InputSchema):
    value: FigureIn
    narrative: str = Field("", max_length=5000)


class KpiReportOut(Schema):
    id: int
    kpi_id: int
    period_start: date
    period_end: date
    value: DecimalString
    narrative: str
    reported_at: UtcDateTime


# --- Assessments and failures ---------------------------------------------------------------


class PerformanceAssessmentIn(InputSchema):
    period_start: BodyDate
    period_end: BodyDate
    rating: Ratings
    narrative: str = Field(min_length=1, max_length=5000)


class PerformanceAssessmentOut(Schema):
    id: int
    period_start: date
    period_end: date
    rating: str
    narrative: str
    at_termination: bool
    assessed_at: UtcDateTime


class PerformanceFailureIn(InputSchema):
    kind: FailureKinds = Field(description="What the breach led to")
    description: str = Field(min_length=1, max_length=5000)
    occurred_on: BodyDate
    penalty: str = Field("", max_length=300)
    amount: MoneyText | None = None


class PerformanceFailureOut(Schema):
    id: int
    kind: str
    description: str
    occurred_on: date
    penalty: str
    amount: DecimalString | None
    recorded_at: UtcDateTime


# --- Outcomes -------------------------------------------------------------------------------


class OutcomeMeasureIn(InputSchema):
    measure: str = Field(
        max_length=100, description="Like listeners or people housed; empty clears it"
    )


class OutcomeRecordIn(InputSchema):
    period_start: BodyDate
    period_end: BodyDate
    quantity: QuantityIn
    note: str = Field("", max_length=5000)


class OutcomeRecordOut(Schema):
    id: int
    period_start: date
    period_end: date
    quantity: DecimalString
    note: str


class OutcomesOut(Schema):
    measure: str
    paid: DecimalString = Field(description="Paid on the contract's invoices so far")
    delivered: DecimalString = Field(description="Outcomes recorded")
    cost_per_outcome: DecimalString | None = Field(
        description="Paid divided by delivered, to the penny; null with none recorded"
    )
    records: list[OutcomeRecordOut]


class OutcomeComparedContractOut(Schema):
    contract_id: int
    reference: str
    title: str
    supplier: str
    paid: DecimalString
    delivered: DecimalString
    cost_per_outcome: DecimalString | None


class OutcomeComparisonOut(Schema):
    measure: str
    contracts: list[OutcomeComparedContractOut] = Field(description="Cheapest outcome first")


class PricedOutcomeIn(InputSchema):
    name: str = Field(max_length=200)
    unit_price: MoneyText
    budget: MoneyText
    evidence_required: str = Field("", max_length=5000)


class PricedOutcomeOut(Schema):
    id: int
    name: str
    unit_price: DecimalString
    budget: DecimalString
    evidence_required: str
    claimed: DecimalString = Field(description="Claims awaiting the buyer's decision, in pounds")
    validated: DecimalString = Field(description="Claims validated, in pounds")
    remaining: DecimalString = Field(description="Budget less claimed and validated")


class OutcomeClaimIn(FormInput):
    period_start: BodyDate
    period_end: BodyDate
    quantity: QuantityIn
    narrative: str = Field("", max_length=5000, description="Required: what was achieved")


class OutcomeClaimOut(Schema):
    id: int
    outcome_id: int
    outcome: str
    period_start: date
    period_end: date
    quantity: DecimalString
    amount: DecimalString
    narrative: str
    has_evidence: bool
    status: str = Field(description="`claimed`, `validated` or `rejected`")
    rejection_reason: str
    invoice_reference: str | None
    claimed_at: UtcDateTime
    decided_at: UtcDateTime | None

    @staticmethod
    def resolve_outcome(claim) -> str:
        return claim.outcome.name

    @staticmethod
    def resolve_amount(claim) -> Decimal:
        return claim.quantity * claim.outcome.unit_price

    @staticmethod
    def resolve_has_evidence(claim) -> bool:
        return bool(claim.evidence)

    @staticmethod
    def resolve_invoice_reference(claim) -> str | None:
        return claim.invoice.reference if claim.invoice_id else None


class ClaimRejectIn(InputSchema):
    reason: str = Field(min_length=1, max_length=5000)
