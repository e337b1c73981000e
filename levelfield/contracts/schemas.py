"""JSON shapes for the award decision, the award notice and contracts."""

from datetime import date

from ninja import Field, Schema
from pydantic import AwareDatetime

from levelfield.core.api_helpers import DecimalString, InputSchema, MoneyIn, UtcDateTime

from .models import ContractStatus


class AwardChoiceIn(InputSchema):
    lot_id: int
    bid_id: int = Field(description="The bid chosen among those still level after the tie-break")


class AwardIn(InputSchema):
    choices: list[AwardChoiceIn] = Field(
        default_factory=list,
        description="Only where bids are still level after the published tie-break: the bid "
        "chosen for each such lot",
    )
    reason: str = Field("", description="Why, when choosing between level bids")


class AwardDecisionOut(Schema):
    lot_id: int
    lot_number: int
    winning_bid_id: int | None = Field(description="null if the lot is not awarded")
    supplier: str | None = Field(description="The winning supplier")
    reason: str
    decided_at: UtcDateTime

    @staticmethod
    def resolve_lot_number(obj) -> int:
        return obj.lot.number

    @staticmethod
    def resolve_supplier(obj) -> str | None:
        return obj.winning_bid.supplier.name if obj.winning_bid else None


class AwardOut(Schema):
    tender_id: int
    status: str
    decisions: list[AwardDecisionOut]


class AwardNoticeIn(InputSchema):
    standstill_ends_at: AwareDatetime | None = Field(
        None,
        description="A later end of the standstill period than the statutory 8 working days "
        "(Procurement Act 2023 s.51); leave out for the statutory end",
    )


class AwardNoticeOut(Schema):
    tender_id: int
    status: str
    standstill_started_at: UtcDateTime
    standstill_ends_at: UtcDateTime = Field(
        description="No contract can be entered into before this moment"
    )

    @staticmethod
    def resolve_tender_id(obj) -> int:
        return obj.pk


class ContractIn(InputSchema):
    value: MoneyIn = Field(gt=0)
    start_date: date
    end_date: date


class ContractOut(Schema):
    id: int
    lot_id: int
    lot_number: int
    supplier: str
    value: DecimalString = Field(description="Pounds")
    start_date: date
    end_date: date
    status: ContractStatus = Field(description="recorded or signed")
    recorded_at: UtcDateTime
    signed_at: UtcDateTime | None

    @staticmethod
    def resolve_lot_number(obj) -> int:
        return obj.lot.number

    @staticmethod
    def resolve_supplier(obj) -> str:
        return obj.supplier.name


class GroundAnswerOut(Schema):
    title: str
    kind: str = Field(description="`mandatory` or `discretionary`")
    details: str


class ExclusionCheckOut(Schema):
    organisation_id: int
    organisation: str
    role: str = Field(
        description="Bidder, Consortium lead, Consortium member or Subcontractor relied on"
    )
    declared_at: UtcDateTime | None = Field(
        description="When the declaration attached to the bid was made; null for a consortium "
        "member that joined after the bid was submitted (nothing attached, not checked)"
    )
    applies: list[GroundAnswerOut] = Field(description="Grounds declared to apply then")
    newer_declared_at: UtcDateTime | None = Field(
        description="A declaration made since the bid was submitted (for a member that joined "
        "later, its newest declaration), if any"
    )
    newer_applies: list[GroundAnswerOut] = Field(
        description="Grounds that apply in that newer declaration"
    )

    @staticmethod
    def resolve_organisation_id(obj) -> int:
        return obj.organisation.pk

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_role(obj) -> str:
        return obj.role_label


class BidExclusionChecksOut(Schema):
    bid_id: int
    lot_number: int
    supplier: str
    checks: list[ExclusionCheckOut]
