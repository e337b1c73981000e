"""JSON shapes for a supplier's own bids, receipts, assessment summaries and questions, and the
parts of a bid (answers, attachments) that the buyer's evaluation shows too."""

from ninja import Field, Schema

from levelfield.core.api_helpers import (
    DecimalString,
    InputSchema,
    MoneyIn,
    UtcDateTime,
    patch_field,
    utc_iso,
)
from levelfield.tenders.schemas import QuestionOut

from .models import BidStatus


class BidAnswerIn(InputSchema):
    question_id: int = Field(description="A question of the bid's lot")
    text: str = Field(description="Your answer")


class BidPatch(InputSchema):
    """Send only what changes. A submitted bid must be withdrawn first."""

    price: MoneyIn = patch_field(gt=0, description="Your price in pounds, as a string")
    answers: list[BidAnswerIn] = patch_field(description="Answers to add or replace")


class BidAnswerOut(Schema):
    question_id: int
    question_number: int
    text: str

    @staticmethod
    def resolve_question_number(obj) -> int:
        return obj.question.number


# An attachment as the buyer's evaluation shows it; its supplier also sees when it was uploaded.
class BidAttachmentOut(Schema):
    id: int
    title: str
    size: int = Field(description="Size in bytes")
    sha256: str


class AttachmentOut(BidAttachmentOut):
    uploaded_at: UtcDateTime = Field(description="When the server had the whole file")
    upload_started_at: UtcDateTime | None = Field(
        description="When its resumable upload began, on the server's clock (null for a file "
        "sent in one request). An upload begun before the submission deadline may finish after "
        "it: both times are kept"
    )


class ReceiptOut(Schema):
    """Proof of what happened, on the server's clock."""

    bid_id: int
    kind: str = Field(description="submitted or withdrawn")
    at: str = Field(description="When it happened: ISO 8601 in UTC")
    submitted_at: str | None = Field(description="When the bid was submitted: ISO 8601 in UTC")
    sha256: str = Field(description="SHA-256 of exactly what was submitted")

    @staticmethod
    def resolve_at(obj) -> str:
        return utc_iso(obj.at)

    @staticmethod
    def resolve_submitted_at(obj) -> str | None:
        submitted = obj.bid.submitted_at
        return utc_iso(submitted) if submitted else None


class SupplierBidSummary(Schema):
    id: int
    status: BidStatus = Field(description="draft, submitted or withdrawn")
    supplier_id: int = Field(
        description="Who bids: your organisation, or a consortium you have joined"
    )
    supplier_name: str
    tender_reference: str
    tender_title: str
    lot_id: int
    lot_number: int
    lot_title: str
    price: DecimalString | None = Field(description="Pounds")
    submission_deadline: UtcDateTime | None
    submitted_at: UtcDateTime | None
    receipt_sha256: str = Field(description="SHA-256 on the latest submission receipt")
    open_for_changes: bool = Field(
        description="True while the tender accepts bids and the bid is not submitted"
    )

    @staticmethod
    def resolve_supplier_name(obj) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_tender_reference(obj) -> str:
        return obj.lot.tender.reference

    @staticmethod
    def resolve_tender_title(obj) -> str:
        return obj.lot.tender.title

    @staticmethod
    def resolve_lot_number(obj) -> int:
        return obj.lot.number

    @staticmethod
    def resolve_lot_title(obj) -> str:
        return obj.lot.title

    @staticmethod
    def resolve_submission_deadline(obj):
        return obj.lot.tender.submission_deadline

    @staticmethod
    def resolve_receipt_sha256(obj) -> str:
        return obj.receipt_hash

    @staticmethod
    def resolve_open_for_changes(obj) -> bool:
        return obj.is_editable and obj.lot.tender.is_open_for_bids


class BidChecklistItemOut(Schema):
    kind: str = Field(description="price, answer, attachments or declaration")
    title: str = Field(description="What the item is, like 'Question 2'")
    complete: bool
    status: str = Field(
        description="In a few words: Completed, Not started, Over the word limit, None "
        "uploaded, Cannot submit, ..."
    )
    problem: str = Field(description="Why the bid cannot be submitted yet; empty when complete")
    hint: str = Field(description="More: the words counted, the files uploaded, ...")
    question_id: int | None = Field(description="For an answer: its question")
    question_number: int | None
    words: int | None = Field(
        description="For an answer: its words, counted as runs of characters between spaces "
        "or line breaks (as the bid page counts them)"
    )
    word_limit: int | None = Field(description="For an answer: the question's limit, if any")
    organisation_id: int | None = Field(description="For a declaration: whose it is")
    files: list[str] = Field(description="For attachments: the titles of the files uploaded")


class BidChecklistOut(Schema):
    """What must be done before one lot's bid can be submitted. Submitting uses the same
    checklist; each lot's bid has its own, and one lot's never stops another's."""

    bid_id: int
    complete: bool = Field(description="True when every item is complete")
    items: list[BidChecklistItemOut]


class SupplierBidOut(SupplierBidSummary):
    questions: list[QuestionOut] = Field(description="The lot's questions to answer")
    answers: list[BidAnswerOut]
    attachments: list[AttachmentOut]
    receipts: list[ReceiptOut] = Field(description="Newest first")
    problems: list[str] = Field(description="What must be done before the bid can be submitted")

    @staticmethod
    def resolve_questions(obj):
        return obj.lot.questions.all()

    @staticmethod
    def resolve_answers(obj):
        # Prefetched with their questions (bids.api), so the checklist reads them from there too.
        if "answers" in getattr(obj, "_prefetched_objects_cache", {}):
            return obj.answers.all()
        return obj.answers.select_related("question")

    @staticmethod
    def resolve_receipts(obj):
        # A bid gets its first receipt when it is submitted, which sets its receipt hash (a
        # withdrawal keeps it): a bid without one has none to read.
        if not obj.receipt_hash:
            return []
        return obj.receipts.select_related("bid")

    @staticmethod
    def resolve_problems(obj) -> list[str]:
        from .checklist import bid_checklist

        return bid_checklist(obj).problems


class SummaryRowOut(Schema):
    criterion: str
    weight: str
    yours: str | None = Field(description="Your points, 2 decimal places")
    winner: str | None = Field(description="The winning bid's points, 2 decimal places")
    your_reasons: str = Field(
        "", description="Why your bid scored as it did, as agreed at moderation (empty for price)"
    )
    winner_reasons: str = Field(
        "", description="Why the winning bid scored as it did, as agreed at moderation"
    )


class AssessmentSummaryOut(Schema):
    """What the buyer told you at award: your score per criterion beside the winner's."""

    bid_id: int
    successful: bool
    tender: str = Field(description="Tender reference")
    lot: int = Field(description="Lot number")
    lot_title: str
    rank: int | None
    disqualified: str = Field(description="Why the bid was disqualified, or empty")
    winner: str | None = Field(description="The winning supplier")
    rows: list[SummaryRowOut]
    created_at: UtcDateTime
    standstill_ends_at: UtcDateTime | None = Field(
        description="When the standstill period ends (Procurement Act 2023 s.51); null until "
        "the buyer publishes the contract award notice"
    )

    @staticmethod
    def resolve_tender(obj) -> str:
        return obj.data["tender"]

    @staticmethod
    def resolve_lot(obj) -> int:
        return obj.data["lot"]

    @staticmethod
    def resolve_lot_title(obj) -> str:
        return obj.data["lot_title"]

    @staticmethod
    def resolve_rank(obj):
        return obj.data.get("rank")

    @staticmethod
    def resolve_disqualified(obj) -> str:
        return obj.data.get("disqualified") or ""

    @staticmethod
    def resolve_winner(obj):
        return obj.data.get("winner")

    @staticmethod
    def resolve_standstill_ends_at(obj):
        return obj.bid.lot.tender.standstill_ends_at

    @staticmethod
    def resolve_rows(obj):
        return obj.data["rows"]


class AskIn(InputSchema):
    question: str = Field(
        min_length=1, description="Your question; the answer is published to everyone"
    )


class AskedOut(Schema):
    id: int
    tender_reference: str
    question: str
    asked_at: UtcDateTime
    answered_at: UtcDateTime | None

    @staticmethod
    def resolve_tender_reference(obj) -> str:
        return obj.tender.reference
