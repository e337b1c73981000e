"""Hand-built contracts for the tiering and capability tests: rows made directly, so each test
states every value that matters (tier, manager, signature date) and nothing else."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count

from levelfield.accounts.models import Role
from levelfield.contracts.models import (
    Accreditation,
    ChecklistItem,
    Contract,
    ContractStatus,
    Invoice,
    InvoiceSource,
    Origin,
    PerformanceAssessment,
    Stage,
    Tier,
)
from tests.support import testing

_numbers = count(1)


def manager(buyer, level: int | None = None):
    person = testing.member(buyer, Role.BUYER_OFFICER)
    if level is not None:
        Accreditation.objects.create(
            user=person, level=level, recorded_by=person, recorded_at=datetime.now(UTC)
        )
    return person


def contract(
    buyer,
    *,
    tier: str = Tier.BRONZE,
    manager=None,
    signed: date = date(2026, 6, 1),
    status: str = ContractStatus.LIVE,
    value: str = "100000",
) -> Contract:
    supplier, _ = testing.supplier_with_user()
    recorder = manager or testing.member(buyer, Role.BUYER_OFFICER)
    number = next(_numbers)
    start = signed + timedelta(days=30)
    end = start + timedelta(days=3 * 365)
    return Contract.objects.create(
        buyer=buyer,
        origin=Origin.LET_ELSEWHERE,
        reference=f"HB-{number}",
        title=f"Hand-built contract {number}",
        supplier=supplier,
        contract_manager=manager,
        value=Decimal(value),
        original_value=Decimal(value),
        start_date=start,
        end_date=end,
        original_end_date=end,
        tier=tier,
        tier_rules="LF-TIERS-2025",
        status=status,
        recorded_by=recorder,
        recorded_at=datetime.combine(signed, datetime.min.time(), tzinfo=UTC),
        signed_at=datetime.combine(signed, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9),
    )


def invoice(contract, *, received: date, paid: date | None, status: str = "valid") -> Invoice:
    return Invoice.objects.create(
        contract=contract,
        reference=f"INV-{next(_numbers)}",
        received_on=received,
        amount=Decimal("1000"),
        status=status,
        dispute_reason="Wrong rate" if status == "disputed" else "",
        paid_on=paid,
        source=InvoiceSource.PAGE,
        recorded_by=contract.recorded_by,
        recorded_at=datetime.now(UTC),
    )


def assessment(contract, *, assessed: date) -> PerformanceAssessment:
    return PerformanceAssessment.objects.create(
        contract=contract,
        period_start=assessed - timedelta(days=365),
        period_end=assessed,
        rating="good",
        narrative="On track",
        assessed_by=contract.recorded_by,
        assessed_at=datetime.combine(assessed, datetime.min.time(), tzinfo=UTC)
        + timedelta(hours=12),
    )


def checklist_item(contract, *, due: date, done: bool = False) -> ChecklistItem:
    return ChecklistItem.objects.create(
        contract=contract,
        stage=Stage.DELIVERY,
        position=next(_numbers),
        text="Review the risk register",
        due_on=due,
        done_at=datetime.now(UTC) if done else None,
        done_by=contract.recorded_by if done else None,
    )
