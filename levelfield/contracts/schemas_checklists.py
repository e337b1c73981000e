"""JSON shapes for the capability view and a contract's stage checklist."""

from datetime import date

from ninja import Field, Schema

from levelfield.core import clock
from levelfield.core.api_helpers import DecimalString, InputSchema, UtcDateTime

from .models import ChecklistItem


class BuyerCapabilityOut(Schema):
    buyer_id: int
    name: str
    need: int = Field(description="The need score: see the operation's description")
    in_force: int = Field(description="Contracts signed and not yet ended")
    managers: int = Field(description="People managing at least one contract in force")
    contracts_per_manager: DecimalString | None = Field(
        description="Managed contracts in force per manager (a decimal string); null with no "
        "manager"
    )
    unmanaged: int = Field(description="Contracts in force with no contract manager")
    mismatched: int = Field(
        description="Contracts in force managed by someone accredited below what the contract's "
        "tier expects"
    )
    overdue_assessments: int = Field(
        description="Contracts in force for more than 12 months with no performance assessment "
        "in the last 12 months (s.71)"
    )
    late_payments: int = Field(
        description="Valid, undisputed invoices paid after 30 days, or unpaid and more than 30 "
        "days old"
    )
    overdue_checklist_items: int = Field(description="Checklist items past due and not done")


class ChecklistItemOut(Schema):
    id: int
    stage: str = Field(description="`mobilisation`, `delivery`, `review` or `exit`")
    position: int
    text: str
    owner_id: int | None = Field(description="The person who owns it; null for no one")
    due_on: date
    done_at: UtcDateTime | None
    done_by_id: int | None
    note: str
    overdue: bool = Field(description="Past its due date (UK) and not done")

    @staticmethod
    def resolve_overdue(obj: ChecklistItem) -> bool:
        return obj.is_overdue(clock.today_uk())


class ChecklistDoneIn(InputSchema):
    note: str = Field("", max_length=2000, description="What was done, for the record")
