"""The API's shapes for frameworks and suppliers' applications. The bodies take what the
supplier chose and leave the checking to the actions, which refuse with a code."""

from datetime import date

from ninja import Field, Schema

from levelfield.core.api_helpers import InputSchema, UtcDateTime

from .selectors_frameworks import decision_sent, supplier_status_code

# --- Out ---------------------------------------------------------------------------------------


class MpLotOut(Schema):
    id: int
    number: int
    title: str
    description: str
    categories: list[str]
    cpv_code: str = Field(description="The lot's CPV code (published with call-offs), or empty")


class MpFrameworkSummaryOut(Schema):
    id: int
    reference: str
    name: str
    status: str = Field(description="coming, open, pending, standstill, live or expired")
    applications_open_on: date
    applications_close_on: date
    live_from: date
    expires_on: date


class MpFrameworkOut(MpFrameworkSummaryOut):
    description: str
    requires_exclusion_declaration: bool = Field(
        description="Whether a supplier needs a current exclusion declaration to apply"
    )
    statements: list[str] = Field(description="What each supplier agrees to, numbered from 1")
    lots: list[MpLotOut]

    @staticmethod
    def resolve_lots(obj) -> list:
        return list(obj.lots.all())


class MpApplicationOut(Schema):
    id: int
    framework: MpFrameworkSummaryOut
    status: str = Field(
        description="draft, submitted, admitted, refused or withdrawn. A decision is made "
        "while the framework is pending and shown from the standstill, when it is sent: "
        "until then a decided application reads as submitted."
    )
    lots: list[int] = Field(description="The numbers of the lots applied for")
    declaration_id: int | None = Field(
        description="The exclusion declaration attached (kept as it stood when submitted)"
    )
    agreed_statements: list[str]
    submitted_at: UtcDateTime | None
    decided_at: UtcDateTime | None = Field(description="Once the decision is sent")
    decision_reason: str = Field(description="Why it was refused, once the decision is sent")
    withdrawn_at: UtcDateTime | None

    @staticmethod
    def resolve_status(obj) -> str:
        return supplier_status_code(obj)

    @staticmethod
    def resolve_lots(obj) -> list[int]:
        return sorted(lot.number for lot in obj.lots.all())

    @staticmethod
    def resolve_decided_at(obj):
        return obj.decided_at if decision_sent(obj) else None

    @staticmethod
    def resolve_decision_reason(obj) -> str:
        return obj.decision_reason if decision_sent(obj) else ""


# --- In ----------------------------------------------------------------------------------------


class MpApplicationStartIn(InputSchema):
    framework_id: int = Field(description="A framework open for applications")
    lot_ids: list[int] = Field(
        max_length=50, description="The ids of the framework's lots to apply for (one or more)"
    )


class MpApplicationDeclareIn(InputSchema):
    agreed_statements: list[int] = Field(
        max_length=50,
        description="The numbers (from 1) of the framework's statements agreed to: every one",
    )
