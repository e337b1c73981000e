"""JSON shapes for invoices and payments (s.68-s.70)."""

from datetime import date
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from levelfield.core.api_helpers import DecimalString, InputSchema, MoneyIn, QueryDate, UtcDateTime

from . import selectors_payments as payments

# A day as YYYY-MM-DD only (the same reading as a query string's).
BodyDate = QueryDate


class InvoiceIn(InputSchema):
    reference: str = Field(min_length=1, max_length=100, description="The invoice's reference")
    received_on: BodyDate = Field(description="The day the buyer received it (YYYY-MM-DD)")
    amount: MoneyIn = Field(description="Pounds, more than 0")
    status: Literal["valid", "disputed"] = Field(
        "valid", description="`valid` (and undisputed) or `disputed`"
    )
    dispute_reason: str = Field(
        "", max_length=2000, description="Why it is disputed: required when `disputed`"
    )
    paid_on: BodyDate | None = Field(
        None, description="The day the supplier received the payment, if paid (YYYY-MM-DD)"
    )


class PaidIn(InputSchema):
    paid_on: BodyDate = Field(description="The day the supplier received the payment")


class DisputeIn(InputSchema):
    reason: str = Field(min_length=1, max_length=2000, description="Why it is disputed")


class InvoiceOut(Schema):
    id: int
    contract_id: int
    reference: str
    received_on: date
    amount: DecimalString
    status: str = Field(description="`valid` or `disputed`")
    dispute_reason: str
    paid_on: date | None
    days_to_pay: int | None = Field(
        description="Days from receipt to payment, day 1 being the day after receipt; null "
        "while unpaid"
    )
    on_time: bool | None = Field(
        description="Paid within 30 days (day 30 is on time, day 31 late); null while unpaid "
        "and for a disputed invoice"
    )
    source: str
    recorded_at: UtcDateTime

    @staticmethod
    def resolve_days_to_pay(invoice) -> int | None:
        return payments.days_to_pay(invoice)

    @staticmethod
    def resolve_on_time(invoice) -> bool | None:
        days = payments.days_to_pay(invoice)
        if days is None or invoice.status != "valid":
            return None
        return days <= payments.PAYMENT_DAYS


class ComplianceOut(Schema):
    paid: int = Field(description="Valid invoices paid (disputed invoices are not counted)")
    paid_within_30_days: int
    percent_within_30_days: Decimal | None
    paid_in_31_to_60_days: int
    paid_after_60_days: int
    average_days: Decimal | None = Field(description="Mean days to pay, to one decimal place")
    amount_paid: DecimalString
    became_payable: int = Field(description="Valid invoices whose day 30 fell in the period")
    unpaid_late: int = Field(description="Of those, not paid by the period's end (or today)")


class ContractComplianceOut(ComplianceOut):
    contract_id: int
    contract_reference: str


class ComplianceReportOut(Schema):
    period_start: date | None
    period_end: date | None
    overall: ComplianceOut
    contracts: list[ContractComplianceOut]


class NoticeOut(Schema):
    notice_type: str = Field(description="`UK8` payments notice or `UK17` compliance notice")
    key: str = Field(description="The quarter (`2027-Q1`) or the period's last day")
    contract_id: int | None
    period_start: date | None
    period_end: date | None
    release_id: str
    published_at: UtcDateTime


class PublishedOut(Schema):
    published: int


class DueNoticeOut(Schema):
    notice_type: str
    key: str
    contract_id: int | None
    period_start: date
    period_end: date
    publish_by: date
