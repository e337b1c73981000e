"""The review service's API shapes. What a respondent and the public read are built from the
selectors' records (`RespondentCase`, `PublicOutcome`), which hold nothing of an anonymous
raiser; the raiser's and the team's from the case."""

from datetime import date
from typing import Literal

from ninja import Field, Schema

from levelfield.core.api_helpers import (
    DecimalString,
    FormInput,
    InputSchema,
    QueryDate,
    UtcDateTime,
    form_field,
)

from . import case_rules as limits
from .selectors import time_left

KINDS = Literal["procurement", "subcontract", "late_payment"]
SECTORS = Literal["central", "wider"]
OUTCOMES = Literal["resolved", "partly_resolved", "not_resolved", "paid", "no_further_action"]


# --- In ----------------------------------------------------------------------------------------


class ReviewCaseRaiseIn(FormInput):
    kind: KINDS = Field(
        description="`procurement` (a procurement of the last 2 years), `subcontract` (a prime "
        "contractor's treatment of a subcontractor) or `late_payment` (a valid invoice unpaid "
        "after 30 days)"
    )
    description: str = Field(max_length=limits.DESCRIPTION_MAX, description="What happened")
    buyer_may_know: bool = Field(
        False, description="Whether the buyer may learn who raised it (false: anonymous)"
    )
    raiser_organisation_id: int = form_field(
        description="The organisation you raise it for (one you belong to)"
    )
    tender_id: int = form_field(description="A published tender on levelfield")
    contract_id: int = form_field(description="A signed contract on levelfield")
    invoice_id: int = form_field(
        description="An invoice of your organisation on levelfield (not anonymous)"
    )
    authority_id: int = form_field(description="The contracting authority on levelfield")
    authority_name: str = Field("", max_length=limits.NAME_MAX)
    sector: SECTORS = form_field(description="For an authority named by hand")
    procurement_title: str = Field("", max_length=limits.NAME_MAX)
    notice_reference: str = Field("", max_length=limits.REFERENCE_MAX)
    procurement_date: QueryDate = form_field(description="YYYY-MM-DD")
    prime_contractor_name: str = Field("", max_length=limits.NAME_MAX)
    invoice_reference: str = Field("", max_length=limits.REFERENCE_MAX)
    invoice_amount: str = Field("", max_length=20, description="Pounds, like 1250.00")
    invoice_received_on: QueryDate = form_field(description="YYYY-MM-DD")


class ReviewAcceptIn(InputSchema):
    sector: SECTORS | None = Field(
        None, description="The authority's sector, if the case has it wrong: sets the target"
    )


class ReviewRejectIn(InputSchema):
    reason: str = Field(max_length=limits.TEXT_MAX, description="Sent to the raiser")


class ReviewRequestIn(InputSchema):
    organisation_id: int = Field(description="The case's authority or prime contractor")
    question: str = Field(max_length=limits.TEXT_MAX)
    due_on: QueryDate = Field(description="YYYY-MM-DD, after today")


class ReviewResponseIn(FormInput):
    response: str = Field(max_length=limits.TEXT_MAX)


class ReviewFindingsIn(InputSchema):
    findings: str = Field(max_length=limits.TEXT_MAX)
    recommendations: str = Field(max_length=limits.TEXT_MAX)


class ReviewFollowUpIn(InputSchema):
    note: str = Field(max_length=limits.TEXT_MAX)


class ReviewCloseIn(InputSchema):
    outcome: OUTCOMES
    summary: str = Field(max_length=limits.TEXT_MAX, description="Read by the raiser and buyer")
    amount_unblocked: str = Field(
        "", max_length=20, description="Late payments the case got paid, pounds (or empty)"
    )


class ReviewPublishIn(InputSchema):
    public_summary: str = Field(
        max_length=limits.TEXT_MAX, description="What the public reads: never the raiser"
    )


# --- Out ---------------------------------------------------------------------------------------


class ReviewFileOut(Schema):
    number: int
    name: str
    size: int


class ReviewInvoiceOut(Schema):
    reference: str
    amount: DecimalString
    received_on: date
    paid_on: date | None
    status: str
    days_open: int
    late: bool
    named_in_case: bool


class ReviewCaseSummaryOut(Schema):
    id: int
    reference: str
    kind: str
    status: str
    authority: str
    procurement: str
    raised_at: UtcDateTime
    due_on: date | None
    time_left: str

    @staticmethod
    def resolve_authority(case) -> str:
        return case.authority_name

    @staticmethod
    def resolve_time_left(case) -> str:
        return time_left(case)


class ReviewRequestOut(Schema):
    id: int
    organisation: str
    question: str
    due_on: date
    requested_at: UtcDateTime
    response: str
    responded_at: UtcDateTime | None
    lapsed: bool
    documents: list[ReviewFileOut]

    @staticmethod
    def resolve_organisation(request) -> str:
        return request.organisation.name

    @staticmethod
    def resolve_lapsed(request) -> bool:
        return request.lapsed_at is not None

    @staticmethod
    def resolve_documents(request) -> list[dict]:
        return [
            {"number": d.number, "name": d.original_name, "size": d.size}
            for d in request.documents.all()
        ]


class ReviewRaiserCaseOut(ReviewCaseSummaryOut):
    """A case as its raiser reads it: what they gave, the outcome; not the respondent's
    documents."""

    description: str
    buyer_may_know: bool
    accepted_automatically: bool
    rejection_reason: str
    findings: str
    recommendations: str
    outcome: str
    outcome_summary: str
    amount_unblocked: DecimalString | None
    published: bool
    evidence: list[ReviewFileOut]
    invoices: list[ReviewInvoiceOut] = Field(
        description="A late invoice of yours on levelfield: its contract's invoices"
    )

    @staticmethod
    def resolve_invoices(case) -> list[dict]:
        from .selectors import raiser_invoices

        return raiser_invoices(case)

    @staticmethod
    def resolve_published(case) -> bool:
        return case.published_at is not None

    @staticmethod
    def resolve_evidence(case) -> list[dict]:
        return [
            {"number": e.number, "name": e.original_name, "size": e.size}
            for e in case.evidence.all()
        ]


class ReviewTeamCaseOut(ReviewRaiserCaseOut):
    """Everything, for the review team: who raised it included."""

    raised_by: str
    raiser_email: str
    raiser_organisation: str | None
    sector: str
    target_months: int | None
    follow_ups: list[str]
    requests: list[ReviewRequestOut]
    invoices: list[ReviewInvoiceOut] = Field(
        description="The invoices of the contract the case is about, if on levelfield"
    )

    @staticmethod
    def resolve_raised_by(case) -> str:
        return case.raised_by.full_name

    @staticmethod
    def resolve_raiser_email(case) -> str:
        return case.raised_by.email

    @staticmethod
    def resolve_raiser_organisation(case) -> str | None:
        return case.raiser_organisation.name if case.raiser_organisation else None

    @staticmethod
    def resolve_follow_ups(case) -> list[str]:
        return [f.note for f in case.follow_ups.all()]

    @staticmethod
    def resolve_requests(case) -> list:
        from .selectors import requests_of

        return list(requests_of(case))

    @staticmethod
    def resolve_invoices(case) -> list[dict]:
        from .selectors import case_invoices

        return case_invoices(case)


class ReviewRespondentRequestOut(Schema):
    id: int
    organisation: str
    question: str
    due_on: date
    requested_at: UtcDateTime
    response: str
    responded_at: UtcDateTime | None
    lapsed: bool
    open: bool
    documents: list[str]


class ReviewRespondentCaseOut(Schema):
    """A case as the buyer (or prime contractor) asked reads it: the raiser only if they let
    the buyer know; evidence only then, under neutral names."""

    id: int
    reference: str
    kind: str
    status: str
    authority: str
    procurement: str
    tender_reference: str
    contract_reference: str
    notice_reference: str
    raised_on: date
    due_on: date | None
    time_left: str
    anonymous: bool
    raised_by: str
    raiser_organisation: str
    findings: str
    recommendations: str
    follow_ups: list[str]
    outcome: str
    outcome_summary: str
    published: bool
    requests: list[ReviewRespondentRequestOut]
    evidence: list[ReviewFileOut]


class ReviewPublicOutcomeOut(Schema):
    id: int
    reference: str
    kind: str
    authority: str
    procurement: str
    notice_reference: str
    accepted_on: date | None
    due_on: date | None
    closed_on: date
    within_target: bool
    outcome: str
    summary: str
    amount_unblocked: DecimalString | None
    published_at: UtcDateTime


class ReviewYearSummaryOut(Schema):
    year: int
    cases: int = Field(description="Cases raised in the year")
    accepted: int = Field(description="Of those, accepted")
    resolved_within_target: int = Field(description="Closed in the year within their target")
    late_payments_unblocked: DecimalString = Field(
        description="Pounds of late payments paid after cases closed in the year"
    )
