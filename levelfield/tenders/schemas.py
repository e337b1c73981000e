"""JSON shapes for opportunities (public) and tenders (buyer). The types they share with every
other API schema (money as strings, moments in UTC, errors) are in `levelfield.core.api_helpers`."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from django.urls import reverse
from ninja import Field, Schema
from pydantic import AwareDatetime, model_validator

from levelfield.core.api_helpers import (
    DecimalString,
    InputSchema,
    MoneyIn,
    PercentIn,
    QueryDate,
    UtcDateTime,
    decimal_text,
    patch_field,
)
from levelfield.suppliers.models import Region

from .criteria import MAX_WORD_LIMIT
from .models import (
    ContractKind,
    PriceFormula,
    Question,
    RequiredCertificate,
    ReservedParticipation,
    TenderDocument,
    TieBreak,
)
from .templatetags.tenders import opportunity_path


def _absolute(context, path: str) -> str:
    request = (context or {}).get("request")
    return request.build_absolute_uri(path) if request is not None else path


def _total_weight(lot, kind: Question.Kind) -> Decimal:
    """The weights of the lot's questions of one kind, from its prefetched questions."""
    return sum((q.weight for q in lot.questions.all() if q.kind == kind), Decimal(0))


# ---------------------------------------------------------------------------------------------
# Award criteria, documents and clarifications, as published


class ScaleLevelOut(Schema):
    score: int = Field(description="A score an evaluator may give")
    descriptor: str = Field(description="What an answer must show to earn it")


class QuestionOut(Schema):
    id: int
    number: int = Field(description="Question number within the lot")
    kind: Question.Kind = Field(description="quality or social_value")
    kind_label: str
    text: str
    guidance: str
    weight: DecimalString = Field(description="Percentage of the lot's total score")
    max_score: int = Field(description="The top score on the scale")
    scale: list[ScaleLevelOut] = Field(description="The published scoring scale")
    word_limit: int | None = Field(
        description="The most words an answer may have (words are counted as runs of "
        "characters between spaces or line breaks); null for no limit"
    )

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class AwardCriteriaOut(Schema):
    """How bids for a lot are scored (Procurement Act 2023 s.23: published with the tender)."""

    price_weight: DecimalString = Field(description="Percentage of the score given to price")
    price_formula: PriceFormula = Field(description="How price is scored")
    price_formula_label: str
    quality_threshold: DecimalString | None = Field(
        description="Bids scoring below this percentage of the quality points are disqualified "
        "before price is considered; null for no threshold"
    )
    tie_break: TieBreak = Field(description="How level bids are separated")
    tie_break_label: str
    quality_weight: DecimalString = Field(description="Total weight of the quality questions")
    social_value_weight: DecimalString = Field(
        description="Total weight of the social value questions"
    )
    questions: list[QuestionOut]

    @staticmethod
    def resolve_price_formula_label(obj) -> str:
        return obj.get_price_formula_display()

    @staticmethod
    def resolve_tie_break_label(obj) -> str:
        return obj.get_tie_break_display()

    @staticmethod
    def resolve_quality_weight(obj) -> Decimal:
        return _total_weight(obj, Question.Kind.QUALITY)

    @staticmethod
    def resolve_social_value_weight(obj) -> Decimal:
        return _total_weight(obj, Question.Kind.SOCIAL_VALUE)


class LotOut(Schema):
    id: int
    number: int
    title: str
    description: str
    estimated_value: DecimalString | None = Field(description="Pounds")
    award_criteria: AwardCriteriaOut

    @staticmethod
    def resolve_award_criteria(obj):
        return obj


class DocumentOut(Schema):
    id: int
    title: str
    type: TenderDocument.DocType = Field(description="What the document is")
    type_label: str
    size: int = Field(description="Size in bytes")
    sha256: str = Field(description="SHA-256 of the file, to check a download")
    uploaded_at: UtcDateTime
    url: str | None = Field(description="Where anyone can download it; null while a draft")

    @staticmethod
    def resolve_type(obj) -> str:
        return obj.doc_type

    @staticmethod
    def resolve_type_label(obj) -> str:
        return obj.get_doc_type_display()

    @staticmethod
    def resolve_url(obj, context) -> str | None:
        tender = obj.tender
        if tender.published_at is None:
            return None
        path = reverse(
            "public:document", kwargs={"reference": tender.reference, "document_id": obj.pk}
        )
        return _absolute(context, path)


class PublicClarificationOut(Schema):
    """A clarification as published to everyone: the question as the buyer published it
    (never the original, never who asked) and the answer."""

    id: int
    question: str | None = Field(
        description="The question as published; null when the buyer published the answer alone"
    )
    question_edited: bool = Field(description="The buyer edited the question before publishing")
    answer: str
    answered_at: UtcDateTime

    @staticmethod
    def resolve_question(obj) -> str | None:
        return None if obj.question_withheld else obj.published_question


# ---------------------------------------------------------------------------------------------
# What every view of a tender derives alike


class TenderResolvers(Schema):
    """How every view of a tender, public or the buyer's, reads the fields it derives. It has
    no fields of its own: each subclass declares the ones it shows."""

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.display_status

    @staticmethod
    def resolve_cpv_codes(obj) -> list[str]:
        return [cpv.code for cpv in obj.cpv_codes.all()]

    @staticmethod
    def resolve_open_for_bids(obj) -> bool:
        return obj.is_open_for_bids


# ---------------------------------------------------------------------------------------------
# Public opportunities

REGION_HELP = "NUTS 1 region code: " + ", ".join(f"{c} {label}" for c, label in Region.choices)


AmountQuery = Annotated[
    Decimal, Field(ge=0, json_schema_extra=decimal_text(r"^[0-9]{1,15}(\.[0-9]+)?$"))
]
"""Pounds in a search: digits, and a point and more digits if need be."""


class OpportunityQuery(Schema):
    q: str = Field("", description="Words in the title, description or reference")
    cpv: str = Field(
        "",
        description="CPV code or prefix; a code ending in zeros covers everything below it "
        "(85000000 is all health and social work)",
        pattern=r"^([0-9]{2,8}(-[0-9])?)?$",
    )
    min_value: AmountQuery | None = Field(None, description="Estimated value at least (£)")
    max_value: AmountQuery | None = Field(None, description="Estimated value at most (£)")
    region: Region | Literal[""] = Field("", description=REGION_HELP)
    sme: bool = Field(False, description="Only tenders the buyer marked suitable for SMEs")
    vcse: bool = Field(False, description="Only tenders the buyer marked suitable for VCSEs")
    status: Literal["open", "closed", ""] = Field(
        "",
        description="open: accepting bids now; closed: every other published tender (deadline "
        "passed, in evaluation, awarded, cancelled)",
    )
    reserved: Literal["", "none", "smeVcse", "publicServiceMissionOrganization"] = Field(
        "",
        description="none: only tenders open to every supplier; smeVcse: reserved for SMEs and "
        "VCSEs; publicServiceMissionOrganization: reserved for public service mutuals "
        "(Procurement Act 2023 s.33). Codes from the OCDS reservedParticipation codelist",
    )
    closing_after: QueryDate | None = Field(
        None, description="Submission deadline on or after this day (UK time), like 2026-03-27"
    )
    closing_before: QueryDate | None = Field(
        None, description="Submission deadline on or before this day (UK time)"
    )

    @model_validator(mode="after")
    def _ranges_in_order(self):
        """The same checks as the search page's form: a range the wrong way round is a
        mistake to point out, not a search that finds nothing."""
        low, high = self.min_value, self.max_value
        if low is not None and high is not None and high < low:
            raise ValueError("max_value must be the same as or more than min_value")
        after, before = self.closing_after, self.closing_before
        if after is not None and before is not None and before < after:
            raise ValueError("closing_before must be the same day as or after closing_after")
        return self


class OpportunitySummary(TenderResolvers):
    reference: str = Field(description="The tender's public reference, like LF-2026-00001")
    title: str
    buyer: str = Field(description="The contracting authority")
    description: str
    estimated_value: DecimalString | None = Field(description="Pounds")
    region: str = Field(description="NUTS 1 region code, or empty")
    region_name: str
    cpv_codes: list[str]
    suitable_for_sme: bool
    suitable_for_vcse: bool
    status: str = Field(
        description="Lifecycle state: published, evaluation, award_decided, standstill, "
        "contract_signed or cancelled"
    )
    status_label: str = Field(description="What people see: Open, Closed, In evaluation, ...")
    open_for_bids: bool
    published_at: UtcDateTime
    clarification_deadline: UtcDateTime | None
    submission_deadline: UtcDateTime | None
    page_url: str = Field(description="The opportunity's page on the website")
    reserved_participation: str = Field(
        description="Who the contract is reserved for (OCDS reservedParticipation code: "
        "smeVcse, publicServiceMissionOrganization), or empty when open to every supplier"
    )
    minimum_turnover: DecimalString | None = Field(
        description="Minimum annual turnover a bidder must have (£), or null for none"
    )
    certificates_required: list[RequiredCertificate] = Field(
        description="Certificates a bidder must hold"
    )
    insurance_before_award: bool = Field(
        description="Whether bidders must hold the insurance before the award"
    )
    insurance_cover: str = Field(description="The insurance cover asked for")

    @staticmethod
    def resolve_buyer(obj) -> str:
        return obj.buyer.name

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.get_region_display() if obj.region else ""

    @staticmethod
    def resolve_page_url(obj, context) -> str:
        return _absolute(context, opportunity_path(obj.reference))


class OpportunityDetail(OpportunitySummary):
    expected_award_date: date | None
    contract_start: date | None
    contract_end: date | None
    policy_version: str = Field(
        description="The social value policy in force when the tender was published"
    )
    cancellation_reason: str
    lots_not_divided_reason: str = Field(
        description="Why the contract is not divided into lots, where the buyer said"
    )
    lots: list[LotOut]
    documents: list[DocumentOut]
    clarifications: list[PublicClarificationOut] = Field(
        description="Answered clarification questions, published to everyone without the asker"
    )

    @staticmethod
    def resolve_clarifications(obj):
        return obj.published_clarifications


# ---------------------------------------------------------------------------------------------
# Buyer: tenders


# Procurement Act 2023 s.54 (tenders/periods.py)
S54_KIND = (
    "Which Schedule 1 threshold the estimated value is measured against for the s.54 minimum "
    "tendering period; central government goods or services (the lowest) if not given"
)
S54_UK3 = (
    "The day a planned procurement notice (UK3) was published: from 40 days to a year before "
    "publication, it allows a 10-day period above threshold"
)
S54_URGENCY = "Why the procurement is urgent: above threshold, allows a 10-day period"
S54_SHORT = "Below threshold: why bidders are given fewer than 10 days"


class TenderIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1)
    cpv_codes: list[str] = Field(
        default_factory=list, description="CPV codes, like 85300000", examples=[["85300000"]]
    )
    estimated_value: MoneyIn | None = None
    region: Region | None = Field(None, description=REGION_HELP)
    suitable_for_sme: bool = False
    suitable_for_vcse: bool = False
    clarification_deadline: AwareDatetime | None = Field(
        None, description="Last moment for clarification questions (ISO 8601 with offset)"
    )
    submission_deadline: AwareDatetime | None = Field(
        None, description="Bids are sealed until this moment (ISO 8601 with offset)"
    )
    expected_award_date: date | None = None
    contract_start: date | None = None
    contract_end: date | None = None
    reserved_participation: ReservedParticipation = Field(
        ReservedParticipation.NONE,
        description="Empty for open to all; smeVcse or publicServiceMissionOrganization",
    )
    minimum_turnover: MoneyIn | None = Field(None, description="Minimum annual turnover (£)")
    insurance_before_award: bool = False
    insurance_cover: str = Field("", max_length=300, description="The insurance cover required")
    certificates_required: list[RequiredCertificate] = Field(default_factory=list)
    lots_not_divided_reason: str = Field(
        "", description="Why the contract is not divided into lots (Procurement Act 2023 s.18)"
    )
    s54_contract_kind: ContractKind = Field(
        ContractKind.CENTRAL_GOODS_SERVICES, description=S54_KIND
    )
    s54_planned_notice_published_on: date | None = Field(None, description=S54_UK3)
    s54_urgency_reason: str = Field("", description=S54_URGENCY)
    s54_short_period_reason: str = Field("", description=S54_SHORT)


class TenderPatch(InputSchema):
    """Send only the fields to change. A draft only."""

    title: str = patch_field(min_length=1, max_length=200)
    description: str = patch_field(min_length=1)
    cpv_codes: list[str] = patch_field(description="Replaces the tender's CPV codes")
    estimated_value: MoneyIn | None = None
    region: Region | None = Field(None, description=REGION_HELP + "; null for none")
    suitable_for_sme: bool = patch_field()
    suitable_for_vcse: bool = patch_field()
    clarification_deadline: AwareDatetime | None = None
    submission_deadline: AwareDatetime | None = None
    expected_award_date: date | None = None
    contract_start: date | None = None
    contract_end: date | None = None
    reserved_participation: ReservedParticipation = patch_field()
    minimum_turnover: MoneyIn | None = None
    insurance_before_award: bool = patch_field()
    insurance_cover: str = patch_field(max_length=300)
    certificates_required: list[RequiredCertificate] = patch_field()
    lots_not_divided_reason: str = patch_field()
    s54_contract_kind: ContractKind = patch_field(description=S54_KIND)
    s54_planned_notice_published_on: date | None = Field(None, description=S54_UK3)
    s54_urgency_reason: str = patch_field(description=S54_URGENCY)
    s54_short_period_reason: str = patch_field(description=S54_SHORT)


class BarrierFindingOut(Schema):
    """Something in a draft that may keep small organisations out (tenders/barriers.py)."""

    code: str = Field(description="Stable code of the check, like short_tender_window")
    title: str
    reason: str = Field(description="Why it is a barrier, with the figures")
    source: str = Field(description="The rule or guidance it comes from")
    rules: str = Field(description="The version of the thresholds applied")
    blocks_publication: bool = Field(
        False,
        description="True for the tender window (shorter than s.54 allows, or already passed): "
        "publication refuses it, so no reason to go ahead can be recorded",
    )
    proceed_reason: str | None = Field(
        description="The buyer's recorded reason to go ahead anyway, or null (also when the "
        "tender has changed since, so that the check finds something else: to review again)"
    )


class BuyerTenderSummary(TenderResolvers):
    id: int
    reference: str
    title: str
    status: str = Field(
        description="draft, published, evaluation, award_decided, standstill, contract_signed "
        "or cancelled"
    )
    status_label: str
    estimated_value: DecimalString | None
    submission_deadline: UtcDateTime | None
    created_at: UtcDateTime
    published_at: UtcDateTime | None


class BuyerTenderOut(BuyerTenderSummary):
    """A tender as its buyer sees it. It never says anything about bids: those are read from
    the bids endpoint, once the deadline has passed."""

    description: str
    region: str
    cpv_codes: list[str]
    suitable_for_sme: bool
    suitable_for_vcse: bool
    open_for_bids: bool
    bids_unsealed: bool = Field(description="True once the submission deadline has passed")
    clarification_deadline: UtcDateTime | None
    expected_award_date: date | None
    contract_start: date | None
    contract_end: date | None
    policy_version: str
    evaluation_started_at: UtcDateTime | None
    award_decided_at: UtcDateTime | None
    standstill_started_at: UtcDateTime | None
    standstill_ends_at: UtcDateTime | None
    contract_signed_at: UtcDateTime | None
    cancelled_at: UtcDateTime | None
    cancellation_reason: str
    lots: list[LotOut]
    documents: list[DocumentOut]
    publication_problems: list[str] = Field(
        description="For a draft: every rule that stops it being published now; empty when it "
        "can be published (and for a tender that is no longer a draft)"
    )
    reserved_participation: str
    minimum_turnover: DecimalString | None
    insurance_before_award: bool
    insurance_cover: str
    certificates_required: list[str]
    lots_not_divided_reason: str
    s54_contract_kind: str
    s54_planned_notice_published_on: date | None
    s54_urgency_reason: str
    s54_short_period_reason: str
    barriers: list[BarrierFindingOut] = Field(
        description="For a draft: what may keep small organisations out, each with the reason "
        "and the source; empty once published"
    )

    @staticmethod
    def resolve_barriers(obj) -> list[dict]:
        from .barriers import panel
        from .lifecycle import Status

        if obj.status != Status.DRAFT:
            return []
        return [
            {
                **row.finding.__dict__,
                "proceed_reason": (
                    row.decision.reason if row.decision is not None and row.going_ahead else None
                ),
            }
            for row in panel(obj)
        ]

    @staticmethod
    def resolve_publication_problems(obj) -> list[str]:
        from .actions import publication_problems
        from .lifecycle import Status

        return publication_problems(obj) if obj.status == Status.DRAFT else []


class LotIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    estimated_value: MoneyIn | None = None


class LotPatch(InputSchema):
    """Send only the fields to change: the lot's details or its award criteria settings.
    Weights are checked as a whole when the tender is published."""

    title: str = patch_field(min_length=1, max_length=200)
    description: str = patch_field()
    estimated_value: MoneyIn | None = None
    price_weight: PercentIn = patch_field()
    price_formula: PriceFormula = patch_field()
    quality_threshold: PercentIn | None = Field(
        None, description="Percentage of the quality points a bid needs; null for no threshold"
    )
    tie_break: TieBreak = patch_field()


class ScaleLevelIn(InputSchema):
    score: int = Field(ge=0)
    descriptor: str = Field(min_length=1)


class QuestionIn(InputSchema):
    kind: Question.Kind
    text: str = Field(min_length=1)
    weight: PercentIn
    guidance: str = ""
    scale: list[ScaleLevelIn] | None = Field(
        None, description="The scoring scale; leave out for the policy's default 0/25/50/75/100"
    )
    word_limit: int | None = Field(
        None,
        ge=1,
        le=MAX_WORD_LIMIT,
        description="The most words an answer may have; leave out for no limit. An answer over "
        "it is kept as a draft but cannot be submitted",
    )


class BarrierReasonIn(InputSchema):
    reason: str = Field(
        min_length=1,
        max_length=4000,
        description="Why the buyer goes ahead despite the finding; kept with the tender and "
        "audited",
    )


class CancelIn(InputSchema):
    reason: str = Field(min_length=1, description="Published with the cancellation")
