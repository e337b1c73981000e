"""API bodies and answers for clarification questions. The question as asked and who asked
(`question`, `asked_by`) are filled only for those who answer (buyer admins and officers); for
evaluators they are null, and no supplier or public answer has who asked at all."""

from ninja import Field, Schema

from levelfield.core.api_helpers import InputSchema, UtcDateTime

from .models import Clarification

PUBLISHED_AS = (
    "How the question was published with its answer: `as_asked`, `edited` (by the buyer, "
    "for example to take out who asked) or `withheld` (the answer alone); empty until answered"
)


class AskerOut(Schema):
    organisation: str
    person: str


class BuyerClarificationOut(Schema):
    """A clarification question as its buyer's staff see it: the question as asked and, once
    answered, as published."""

    id: int
    question: str | None = Field(
        None,
        description="The question as asked, never published as such: only for buyer admins "
        "and officers, who answer; null for evaluators",
    )
    asked_at: UtcDateTime
    asked_by: AskerOut | None = Field(
        None,
        description="Who asked: only for buyer admins and officers, who answer; null for "
        "evaluators. Never published.",
    )
    answered: bool
    published_as: str = Field(description=PUBLISHED_AS)
    published_question: str = Field(
        description="The question as published; empty until answered, or when withheld"
    )
    answer: str
    answered_at: UtcDateTime | None

    @staticmethod
    def resolve_answered(obj) -> bool:
        return obj.answered_at is not None

    # `for_answerer` is set by the endpoint for callers who answer; absent means no one.
    @staticmethod
    def resolve_question(obj) -> str | None:
        return obj.question if getattr(obj, "for_answerer", False) else None

    @staticmethod
    def resolve_asked_by(obj) -> dict | None:
        if not getattr(obj, "for_answerer", False):
            return None
        person = obj.asked_by
        return {
            "organisation": obj.asked_by_organisation.name,
            "person": person.full_name or person.email,
        }


class ClarificationAnswerIn(InputSchema):
    """The answer, and the question as it will be published. Leave `published_question` out
    to publish the question as asked; send other text to publish it edited; send
    `withhold_question` true to publish the answer alone."""

    answer: str = Field(
        min_length=1,
        max_length=20000,
        description="Published to everyone and emailed to every interested supplier",
    )
    published_question: str | None = Field(
        None,
        max_length=20000,
        description="The question as it will be published (edited to take out who asked or "
        "their commercial details); the original is kept for the buyer and the audit trail",
    )
    withhold_question: bool = Field(
        False, description="Publish the answer alone, without the question"
    )


class OwnClarificationOut(Schema):
    """A question your organisation asked: as asked, and how it was answered."""

    id: int
    tender_reference: str
    question: str = Field(description="Your question as you asked it")
    asked_at: UtcDateTime
    answered: bool
    published_as: str = Field(description=PUBLISHED_AS)
    published_question: str = Field(
        description="Your question as the buyer published it; empty until answered, or when "
        "withheld"
    )
    answer: str
    answered_at: UtcDateTime | None

    @staticmethod
    def resolve_tender_reference(obj: Clarification) -> str:
        return obj.tender.reference

    @staticmethod
    def resolve_answered(obj) -> bool:
        return obj.answered_at is not None
