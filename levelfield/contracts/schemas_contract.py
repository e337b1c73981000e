"""JSON shapes for the contract record: the buyer's register and contracts, what the supplier
sees of its contracts, and what the public sees. Each output shows only what its reader may
see: the public shape has no manager, supplier contact, risk or tier."""

from datetime import date
from decimal import Decimal

from ninja import Field, Schema

from levelfield.core import clock
from levelfield.core.api_helpers import (
    MAX_POSITION,
    DecimalString,
    InputSchema,
    MoneyIn,
    UtcDateTime,
    patch_field,
)

from . import selectors_records
from .models import Category, ContractStatus, Origin, Risk, Tier


class ContractPartyOut(Schema):
    id: int
    name: str


class ContractPersonOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)


class BuyerContractOut(Schema):
    """A contract as its buyer's people see it."""

    id: int
    reference: str = Field(description="The buyer's reference, unique among its contracts")
    origin: Origin
    tender_id: int | None = Field(
        description="The tender it was awarded from; null if let elsewhere"
    )
    notice_reference: str = Field(
        description="For a contract let elsewhere, where it was published"
    )
    title: str
    description: str
    category: Category
    supplier: ContractPartyOut
    value: DecimalString = Field(description="Pounds, now (after any changes)")
    original_value: DecimalString = Field(description="Pounds, when entered into")
    start_date: date
    end_date: date
    original_end_date: date
    status: ContractStatus
    risk: Risk
    critical: bool
    tier: Tier
    contract_manager: ContractPersonOut | None
    supplier_contact_name: str
    supplier_contact_email: str
    outcome_measure: str
    recorded_at: UtcDateTime
    signed_at: UtcDateTime | None
    mobilising_at: UtcDateTime | None
    live_at: UtcDateTime | None
    suspended_at: UtcDateTime | None
    suspension_reason: str
    flags: list[str] = Field(
        description="What needs attention: no manager or one accredited below the tier's "
        "level, awaiting signature, suspended, past its start date and not live, past its end"
    )

    @staticmethod
    def resolve_tender_id(obj) -> int | None:
        return obj.lot.tender_id if obj.lot_id else None

    @staticmethod
    def resolve_flags(obj) -> list[str]:
        return selectors_records.flags(obj, clock.today_uk())


class SupplierContractOut(Schema):
    """A contract as the supplier holding it sees it."""

    id: int
    reference: str
    title: str
    description: str
    category: Category
    buyer: ContractPartyOut
    value: DecimalString
    start_date: date
    end_date: date
    status: ContractStatus
    notice_reference: str
    contract_manager: str | None = Field(description="The buyer's contract manager")
    supplier_contact_name: str = Field(description="Your contact named by the buyer")
    outcome_measure: str
    signed_at: UtcDateTime | None
    suspension_reason: str = Field(description="Why it is suspended, while it is")

    @staticmethod
    def resolve_contract_manager(obj) -> str | None:
        return str(obj.contract_manager) if obj.contract_manager_id else None

    @staticmethod
    def resolve_suspension_reason(obj) -> str:
        return obj.suspension_reason if obj.status == ContractStatus.SUSPENDED else ""


class PublicContractOut(Schema):
    """What anyone may see of a signed contract."""

    id: int
    reference: str
    title: str
    description: str
    category: Category
    buyer: ContractPartyOut
    supplier: ContractPartyOut
    value: DecimalString
    start_date: date
    end_date: date
    status: ContractStatus
    signed_at: UtcDateTime | None
    notice_reference: str


class ExtensionOptionOut(Schema):
    id: int
    description: str
    months: int
    value: DecimalString
    used: bool = Field(description="Used by a contract change; a used option cannot be removed")

    @staticmethod
    def resolve_used(obj) -> bool:
        return hasattr(obj, "used_by")


# ---------------------------------------------------------------------------------------------
# Bodies


class ContractEntryIn(InputSchema):
    """A contract let elsewhere, as entered into."""

    title: str = Field(max_length=200)
    supplier_identifier: str = Field(
        max_length=40,
        description="A registered supplier's levelfield identifier (GB-LEVELFIELD-12) or "
        "Companies House number",
    )
    value: MoneyIn = Field(description="Pounds, more than 0")
    start_date: date
    end_date: date = Field(description="On or after the start date")
    category: Category = Category.SERVICES
    description: str = ""
    reference: str = Field(
        "", max_length=60, description="Unique among your contracts; empty for the next LE-year-n"
    )
    notice_reference: str = Field("", max_length=100)
    contract_manager_id: int | None = Field(
        None, ge=1, le=MAX_POSITION, description="One of your organisation's people"
    )
    supplier_contact_name: str = Field("", max_length=150)
    supplier_contact_email: str = Field("", max_length=254)
    risk: Risk = Risk.LOW
    critical: bool = False
    outcome_measure: str = Field("", max_length=100)


class ContractUpdateIn(InputSchema):
    """Only the fields sent change. Reference, value and dates only while the contract is
    recorded (409 `invalid_state` after: they change through a contract change)."""

    title: str = patch_field(max_length=200)
    description: str = patch_field()
    category: Category = patch_field()
    notice_reference: str = patch_field(max_length=100)
    supplier_contact_name: str = patch_field(max_length=150)
    supplier_contact_email: str = patch_field(max_length=254)
    risk: Risk = patch_field()
    critical: bool = patch_field()
    outcome_measure: str = patch_field(max_length=100)
    reference: str = patch_field(max_length=60)
    value: MoneyIn = patch_field()
    start_date: date = patch_field()
    end_date: date = patch_field()


class ContractManagerIn(InputSchema):
    contract_manager_id: int | None = Field(
        ge=1, le=MAX_POSITION, description="One of your organisation's people; null for nobody"
    )


class ContractSuspendIn(InputSchema):
    reason: str = Field(description="Sent to the supplier's contact")


class ExtensionOptionIn(InputSchema):
    description: str = Field(max_length=200)
    months: int = Field(ge=1, le=600, description="How many months it adds")
    value: MoneyIn = Field(Decimal("0"), description="Pounds it adds, 0 or more")


class ContractRegisterQuery(Schema):
    status: ContractStatus | None = None
    tier: Tier | None = None
    manager_id: int | None = Field(
        None, ge=0, le=MAX_POSITION, description="A contract manager's id; 0 for unmanaged"
    )
    flagged: bool | None = Field(None, description="true: needing attention; false: not")


class PublicContractQuery(Schema):
    status: ContractStatus | None = Field(None, description="signed onwards")
