"""The platform admin's capability view: for each buyer with contracts in force, how well they
are managed, and a need score that ranks the buyers most in need of support first.

Every figure is counted by the database, grouped by buyer, in four queries whatever the number
of buyers or contracts.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Value, When

from levelfield.core import clock

from . import tiering
from .actions.checklists import CHASED
from .lifecycle import IN_FORCE
from .models import ChecklistItem, Contract, Invoice, InvoiceStatus, PerformanceAssessment
from .selectors_payments import PAYMENT_DAYS


@dataclass(frozen=True)
class NeedWeights:
    """How much each kind of problem adds to a buyer's need score. Data with a version, so a
    change of weights is a new version, not an edit."""

    code: str
    unmanaged: int
    mismatched: int
    overdue_assessments: int
    late_payments: int
    overdue_checklist_items: int
    over_capacity: int
    # A manager carrying more contracts than this is over capacity.
    contracts_per_manager: int


NEED_WEIGHTS = NeedWeights(
    code="LF-NEED-2025",
    unmanaged=3,
    mismatched=2,
    overdue_assessments=2,
    late_payments=1,
    overdue_checklist_items=1,
    over_capacity=1,
    contracts_per_manager=10,
)

NEED_FORMULA = (
    "need = 3 × unmanaged contracts + 2 × under-accredited (mismatched) contracts "
    "+ 2 × overdue assessments + 1 × late payments + 1 × overdue checklist items "
    "+ 1 × contracts over capacity (managed contracts beyond 10 per manager). "
    "Highest need first; equal scores by most contracts in force, then by name."
)


@dataclass
class BuyerCapability:
    buyer_id: int
    name: str
    in_force: int
    managers: int
    managed: int
    unmanaged: int
    mismatched: int
    overdue_assessments: int
    late_payments: int = 0
    overdue_checklist_items: int = 0

    @property
    def contracts_per_manager(self) -> Decimal | None:
        if not self.managers:
            return None
        return (Decimal(self.managed) / self.managers).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def over_capacity(self) -> int:
        return max(0, self.managed - NEED_WEIGHTS.contracts_per_manager * self.managers)

    @property
    def need(self) -> int:
        w = NEED_WEIGHTS
        return (
            w.unmanaged * self.unmanaged
            + w.mismatched * self.mismatched
            + w.overdue_assessments * self.overdue_assessments
            + w.late_payments * self.late_payments
            + w.overdue_checklist_items * self.overdue_checklist_items
            + w.over_capacity * self.over_capacity
        )


def year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def expected_level():
    """The accreditation each contract's tier expects, by the rules it was tiered by (the
    current rules for one never tiered), as a database expression."""
    whens = [
        When(tier_rules=rules.code, tier=tier, then=Value(int(level)))
        for rules in tiering.TIER_RULES
        for tier, level in rules.expected_level.items()
    ]
    current = tiering.rules_for(clock.today_uk())
    whens += [
        When(tier=tier, then=Value(int(level))) for tier, level in current.expected_level.items()
    ]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def capability(today: date | None = None) -> list[BuyerCapability]:
    """Every buyer with a contract in force, most in need of support first (NEED_FORMULA)."""
    today = today or clock.today_uk()
    year_ago = year_before(today)
    # s.71, as the contract's page and the reminders count it (kpi_rules.next_assessment_due):
    # an assessment is overdue 12 months after the last assessed period ended, or, before the
    # first, 12 months after signature (signed before the start of the UK day a year ago).
    signed_before = datetime.combine(year_ago, time.min, tzinfo=clock.UK)
    assessed = PerformanceAssessment.objects.filter(contract=OuterRef("pk"))
    recent_assessment = assessed.filter(period_end__gte=year_ago)
    managed = Q(contract_manager__isnull=False)
    under_accredited = managed & (
        Q(contract_manager__accreditation__isnull=True)
        | Q(contract_manager__accreditation__level__lt=expected_level())
    )
    rows = (
        Contract.objects.filter(status__in=IN_FORCE)
        .values("buyer_id", "buyer__name")
        .annotate(
            in_force=Count("pk"),
            managers=Count("contract_manager", distinct=True),
            managed=Count("pk", filter=managed),
            unmanaged=Count("pk", filter=~managed),
            mismatched=Count("pk", filter=under_accredited),
            overdue_assessments=Count(
                "pk",
                filter=~Q(Exists(recent_assessment))
                & (Q(Exists(assessed)) | Q(signed_at__lt=signed_before)),
            ),
        )
        .order_by()
    )
    buyers = {
        row["buyer_id"]: BuyerCapability(
            buyer_id=row["buyer_id"],
            name=row["buyer__name"],
            in_force=row["in_force"],
            managers=row["managers"],
            managed=row["managed"],
            unmanaged=row["unmanaged"],
            mismatched=row["mismatched"],
            overdue_assessments=row["overdue_assessments"],
        )
        for row in rows
    }
    late = (
        Invoice.objects.filter(status=InvoiceStatus.VALID)
        .filter(
            Q(paid_on__gt=F("received_on") + timedelta(days=PAYMENT_DAYS))
            | Q(paid_on__isnull=True, received_on__lt=today - timedelta(days=PAYMENT_DAYS))
        )
        .values("contract__buyer_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # Buyers with no contract in force are not shown, whatever they owe.
    for row in late:
        if row["contract__buyer_id"] in buyers:
            buyers[row["contract__buyer_id"]].late_payments = row["n"]
    overdue = (
        ChecklistItem.objects.filter(
            contract__status__in=CHASED,
            done_at__isnull=True,
            due_on__lt=today,
        )
        .values("contract__buyer_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in overdue:
        if row["contract__buyer_id"] in buyers:
            buyers[row["contract__buyer_id"]].overdue_checklist_items = row["n"]
    return sorted(buyers.values(), key=lambda b: (-b.need, -b.in_force, b.name, b.buyer_id))
