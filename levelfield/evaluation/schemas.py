"""JSON shapes for evaluation: assignments, declarations, opened bids, scores, moderation and the
computed results. Computed numbers are strings with two decimal places, as in the report."""

from ninja import Field, Schema

from levelfield.bids.schemas import BidAnswerOut, BidAttachmentOut
from levelfield.core.api_helpers import DecimalString, InputSchema, UtcDateTime

from . import scoring, selectors


class AssignIn(InputSchema):
    question_id: int = Field(description="A question of this tender")
    evaluator_id: int = Field(description="A user on your organisation's staff")


class AssignmentOut(Schema):
    question_id: int
    question_number: int
    lot_number: int
    evaluator_id: int
    evaluator_name: str
    assigned_at: UtcDateTime

    @staticmethod
    def resolve_question_number(obj) -> int:
        return obj.question.number

    @staticmethod
    def resolve_lot_number(obj) -> int:
        return obj.question.lot.number

    @staticmethod
    def resolve_evaluator_name(obj) -> str:
        return str(obj.evaluator)


class ConflictDeclarationIn(InputSchema):
    has_conflict: bool = Field(description="True if you have a conflict of interest")
    details: str = Field("", description="Describe the conflict (required if there is one)")


class EndedAssignmentOut(Schema):
    """A question a conflicted evaluator was assigned to: the declaration ended that assignment."""

    question_id: int
    question_number: int
    lot_number: int
    needs_evaluator: bool = Field(
        description="True while the question has no evaluator left: the buyer assigns another"
    )


class DeclarationOut(Schema):
    tender_id: int
    has_conflict: bool
    details: str
    declared_at: UtcDateTime
    assignments_ended: list[EndedAssignmentOut] = Field(
        description="With a conflict of interest, the evaluator leaves every question of the "
        "tender they were assigned to; empty otherwise"
    )

    @staticmethod
    def resolve_assignments_ended(obj) -> list:
        return selectors.withdrawals(obj) if obj.has_conflict else []


class OpenedBidOut(Schema):
    """A submitted bid, opened after the submission deadline."""

    id: int
    lot_id: int
    lot_number: int
    supplier_id: int
    supplier_name: str
    price: DecimalString = Field(description="Pounds")
    submitted_at: UtcDateTime
    receipt_sha256: str
    answers: list[BidAnswerOut]
    attachments: list[BidAttachmentOut]

    @staticmethod
    def resolve_lot_number(obj) -> int:
        return obj.lot.number

    @staticmethod
    def resolve_supplier_name(obj) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_receipt_sha256(obj) -> str:
        return obj.receipt_hash


class ScoreIn(InputSchema):
    bid_id: int
    question_id: int
    score: int = Field(ge=0, description="A score on the question's published scale")
    justification: str = Field(min_length=1, description="Why this score")


class ScoreOut(Schema):
    id: int
    bid_id: int
    question_id: int
    evaluator_id: int
    score: int
    justification: str
    scored_at: UtcDateTime


class ModerationIn(InputSchema):
    bid_id: int
    question_id: int
    score: int = Field(ge=0, description="The agreed score, on the published scale")
    rationale: str = Field(min_length=1, description="Why this score was agreed")


class ModerationOut(Schema):
    id: int
    bid_id: int
    question_id: int
    score: int
    rationale: str
    moderated_by_id: int
    moderated_at: UtcDateTime


def _two_places(value) -> str | None:
    return None if value is None else scoring.show(value)


class QuestionResultOut(Schema):
    question_id: int
    number: int
    kind: str
    raw: int = Field(description="The agreed (moderated) score on the scale")
    max_score: int
    weight: str = Field(description="2 decimal places")
    points: str = Field(description="raw / max x weight, 2 decimal places")

    @staticmethod
    def resolve_question_id(obj) -> int:
        return obj.question.id

    @staticmethod
    def resolve_number(obj) -> int:
        return obj.question.number

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.question.kind

    @staticmethod
    def resolve_max_score(obj) -> int:
        return obj.question.max_score

    @staticmethod
    def resolve_weight(obj) -> str:
        return scoring.show(obj.question.weight)

    @staticmethod
    def resolve_points(obj) -> str:
        return scoring.show(obj.points)


class BidResultOut(Schema):
    bid_id: int
    supplier: str
    price: str = Field(description="Pounds, 2 decimal places")
    rank: int | None = Field(description="1 is best; level bids share a rank; null if disqualified")
    tied: bool = Field(description="Still level with another bid after the tie-break")
    disqualified: bool
    disqualification: str
    abnormally_low: str = Field(description="Why the price is flagged for investigation, or empty")
    quality_points: str
    social_value_points: str
    price_points: str | None = Field(description="null under price per quality point")
    price_per_point: str | None = Field(description="Only under price per quality point")
    total: str | None
    questions: list[QuestionResultOut]
    explanation: list[str] = Field(description="Every step of the arithmetic, line by line")

    @staticmethod
    def resolve_bid_id(obj) -> int:
        return obj.bid.id

    @staticmethod
    def resolve_supplier(obj) -> str:
        return obj.bid.name

    @staticmethod
    def resolve_price(obj) -> str:
        return scoring.show(obj.bid.price)

    @staticmethod
    def resolve_quality_points(obj) -> str:
        return scoring.show(obj.quality_points)

    @staticmethod
    def resolve_social_value_points(obj) -> str:
        return scoring.show(obj.social_value_points)

    @staticmethod
    def resolve_price_points(obj) -> str | None:
        return _two_places(obj.price_points)

    @staticmethod
    def resolve_price_per_point(obj) -> str | None:
        return _two_places(obj.price_per_point)

    @staticmethod
    def resolve_total(obj) -> str | None:
        return _two_places(obj.total)


class LotCriteriaOut(Schema):
    price_weight: str
    price_formula: str
    tie_break: str
    quality_threshold: str | None
    quality_weight: str
    social_value_weight: str

    @staticmethod
    def resolve_price_weight(obj) -> str:
        return scoring.show(obj.price_weight)

    @staticmethod
    def resolve_quality_threshold(obj) -> str | None:
        return _two_places(obj.quality_threshold)

    @staticmethod
    def resolve_quality_weight(obj) -> str:
        return scoring.show(obj.quality_weight)

    @staticmethod
    def resolve_social_value_weight(obj) -> str:
        return scoring.show(obj.social_value_weight)


class LotResultOut(Schema):
    lot_id: int
    number: int
    title: str
    criteria: LotCriteriaOut
    complete: bool = Field(description="Every answer of every bid has a moderated score")
    missing: list[str] = Field(description="What still needs moderating")
    winner_bid_id: int | None = Field(description="The single rank-1 bid, if there is one")
    tied_bid_ids: list[int] = Field(description="Bids level at the top after the tie-break")
    results: list[BidResultOut] = Field(
        description="In rank order, disqualified bids last; empty until complete"
    )

    @staticmethod
    def resolve_lot_id(obj) -> int:
        return obj.lot.pk

    @staticmethod
    def resolve_number(obj) -> int:
        return obj.lot.number

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.lot.title

    @staticmethod
    def resolve_winner_bid_id(obj) -> int | None:
        return obj.winner.bid.id if obj.winner else None

    @staticmethod
    def resolve_tied_bid_ids(obj) -> list[int]:
        return [r.bid.id for r in obj.tied_at_top]


class EvaluationOut(Schema):
    tender_id: int
    reference: str
    status: str
    lots: list[LotResultOut]


class NotSubmittedLotOut(Schema):
    lot_id: int
    lot_number: int
    lot_title: str
    suppliers: list[str] = Field(
        description="Names of the suppliers (a consortium by its own name) whose bid on this "
        "lot was complete at the deadline but not submitted, in alphabetical order"
    )

    @staticmethod
    def resolve_lot_id(obj) -> int:
        return obj.lot.pk

    @staticmethod
    def resolve_lot_number(obj) -> int:
        return obj.lot.number

    @staticmethod
    def resolve_lot_title(obj) -> str:
        return obj.lot.title


class CompleteNotSubmittedOut(Schema):
    count: int = Field(description="How many complete bids were not submitted, in all lots")
    lots: list[NotSubmittedLotOut] = Field(description="Every lot of the tender, in order")
