"""What the correspondence API reads and answers. The limits are the action's."""

from typing import Literal

from ninja import Field, Schema

from levelfield.core.api_helpers import MAX_POSITION, InputSchema, UtcDateTime

from .actions import BODY_MAX, SUBJECT_MAX

PurposeCode = Literal["bid_clarification", "standstill", "other"]
SideCode = Literal["buyer", "bidder"]


class CorrespondenceBidderOut(Schema):
    id: int
    name: str


class CorrespondenceAttachmentOut(Schema):
    id: int
    name: str
    size: int = Field(description="Bytes")
    sha256: str


class CorrespondenceMessageOut(Schema):
    id: int
    side: SideCode = Field(description="Who sent it: the buyer or the bidder")
    organisation_name: str
    author_name: str
    sent_at: UtcDateTime
    body: str
    attachments: list[CorrespondenceAttachmentOut]
    read_by_other_side_at: UtcDateTime | None = Field(
        description="When the side it was sent to first read it; null until then"
    )

    @staticmethod
    def resolve_organisation_name(obj) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_author_name(obj) -> str:
        return obj.author.full_name

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_read_by_other_side_at(obj):
        receipt = next((r for r in obj.receipts.all() if r.side != obj.side), None)
        return receipt.read_at if receipt else None


class CorrespondenceThreadOut(Schema):
    id: int
    tender_id: int
    tender_reference: str
    buyer_name: str
    supplier_id: int
    supplier_name: str
    purpose: PurposeCode
    subject: str
    started_at: UtcDateTime
    last_message_at: UtcDateTime
    unread: int = Field(description="Messages from the other side that your side has not read")

    @staticmethod
    def resolve_tender_reference(obj) -> str:
        return obj.tender.reference

    @staticmethod
    def resolve_buyer_name(obj) -> str:
        return obj.tender.buyer.name

    @staticmethod
    def resolve_supplier_name(obj) -> str:
        return obj.supplier.name


class CorrespondenceThreadDetailOut(CorrespondenceThreadOut):
    messages: list[CorrespondenceMessageOut] = Field(description="Oldest first")

    @staticmethod
    def resolve_messages(obj) -> list:
        return obj.listed_messages


class CorrespondenceStartIn(InputSchema):
    supplier_id: int = Field(
        ge=1, le=MAX_POSITION, description="A bidder of the tender (see its `bidders`)"
    )
    purpose: PurposeCode
    subject: str = Field(min_length=1, max_length=SUBJECT_MAX)
    body: str = Field(min_length=1, max_length=BODY_MAX)


class CorrespondenceMessageIn(InputSchema):
    body: str = Field(min_length=1, max_length=BODY_MAX)


class CorrespondenceReadOut(Schema):
    read: int = Field(description="How many messages were read for the first time")
