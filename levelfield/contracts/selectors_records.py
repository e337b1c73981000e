"""Reads for the contract register: the buyer's contracts with what each needs attention for,
the supplier's, and the public register. Every list starts from a scoped queryset
(`Contract.objects.for_buyer`, `for_supplier`, `public`)."""

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from levelfield.accounts.models import BUYER_ROLES, Membership

from . import tiering
from .lifecycle import ENDED, IN_FORCE, ContractStatus
from .models import Contract


def _under_accredited() -> Q:
    """Contracts whose manager is accredited below what their tier expects, under the rules
    each was tiered by."""
    condition = Q(pk__in=[])
    for rules in tiering.TIER_RULES:
        for tier, level in rules.expected_level.items():
            condition |= Q(tier_rules=rules.code, tier=tier) & (
                Q(manager_level__isnull=True) | Q(manager_level__lt=level)
            )
    return condition


def needs_attention_q(today) -> Q:
    """A contract not ended that is unmanaged or under-accredited, still awaiting signature,
    suspended, past its end date, or past its start date without going live."""
    not_ended = ~Q(status__in=ENDED)
    return not_ended & (
        Q(contract_manager__isnull=True)
        | (Q(contract_manager__isnull=False) & _under_accredited())
        | Q(status__in=[ContractStatus.RECORDED, ContractStatus.SUSPENDED])
        | Q(status__in=IN_FORCE, end_date__lt=today)
        | Q(status__in=[ContractStatus.SIGNED, ContractStatus.MOBILISING], start_date__lt=today)
    )


def with_manager_level(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(manager_level=F("contract_manager__accreditation__level"))


@dataclass(frozen=True)
class RegisterFilters:
    status: str = ""
    tier: str = ""
    manager: int | None = None  # a user id; 0 for contracts with no manager
    flagged: bool | None = None


def register(buyer, filters: RegisterFilters, today) -> QuerySet:
    """The buyer's contracts, filtered, newest recorded first, with supplier and manager."""
    contracts = with_manager_level(
        Contract.objects.for_buyer(buyer).select_related("supplier", "contract_manager")
    )
    if filters.status:
        contracts = contracts.filter(status=filters.status)
    if filters.tier:
        contracts = contracts.filter(tier=filters.tier)
    if filters.manager == 0:
        contracts = contracts.filter(contract_manager__isnull=True)
    elif filters.manager is not None:
        contracts = contracts.filter(contract_manager_id=filters.manager)
    if filters.flagged is not None:
        attention = needs_attention_q(today)
        contracts = contracts.filter(attention) if filters.flagged else contracts.exclude(attention)
    return contracts.order_by("-recorded_at", "-id")


def flags(contract: Contract, today) -> list[str]:
    """What the contract needs attention for, in words (the register's flag column and the
    contract's page). Reads `manager_level` when the queryset annotated it."""
    if contract.status in ENDED:
        return []
    found = []
    level = (
        contract.manager_level
        if hasattr(contract, "manager_level")
        else _level_of(contract.contract_manager_id)
    )
    if problem := tiering.manager_problem(contract, level):
        found.append(problem)
    if contract.status == ContractStatus.RECORDED:
        found.append("Awaiting signature")
    if contract.status == ContractStatus.SUSPENDED:
        found.append("Suspended")
    if contract.status in IN_FORCE and contract.end_date < today:
        found.append("Past its end date")
    elif (
        contract.status in (ContractStatus.SIGNED, ContractStatus.MOBILISING)
        and contract.start_date < today
    ):
        found.append("Past its start date and not live yet")
    return found


def manager_flag(contract: Contract) -> str | None:
    """Why the contract's management needs attention (no manager, or one accredited below
    its tier's level), or None."""
    return tiering.manager_problem(contract, _level_of(contract.contract_manager_id))


def _level_of(user_id) -> int | None:
    if user_id is None:
        return None
    from .models import Accreditation

    return Accreditation.objects.filter(user_id=user_id).values_list("level", flat=True).first()


def buyer_people(buyer) -> QuerySet:
    """The buyer's people who may manage a contract, by name."""
    return (
        Membership.objects.filter(organisation=buyer, role__in=BUYER_ROLES)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def managers_in_register(buyer) -> list:
    """The people managing at least one of the buyer's contracts (the register's filter)."""
    from levelfield.accounts.models import User

    return list(
        User.objects.filter(managed_contracts__buyer=buyer).distinct().order_by("full_name", "id")
    )


def supplier_contracts(supplier) -> QuerySet:
    return (
        Contract.objects.for_supplier(supplier)
        .select_related("buyer")
        .order_by("-signed_at", "-id")
    )


def public_contracts() -> QuerySet:
    return (
        Contract.objects.public().select_related("buyer", "supplier").order_by("-signed_at", "-id")
    )
