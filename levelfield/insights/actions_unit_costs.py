"""Actions: a buyer sets (or changes) or removes its own unit cost, each in a transaction with
its audit event. The buyer is the organisation the person acts for (the page's or API's
request.organisation, which is set only for its members), published under its OCDS party id."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from levelfield.core import audit, clock
from levelfield.core.errors import PermissionDenied
from levelfield.core.ocds import platform_party_id

from .models_unit_costs import BuyerUnitCost, validate


def may_set_unit_costs(by, organisation) -> bool:
    """The buyer's admins and officers (the rule `insights.set_unit_cost`, kept with the other
    rules about people in organisations), not its evaluators nor anyone else."""
    return (
        getattr(by, "is_authenticated", False)
        and organisation is not None
        and by.has_perm("insights.set_unit_cost", organisation)
    )


def _require(by, organisation) -> None:
    if not may_set_unit_costs(by, organisation):
        raise PermissionDenied("Only the buyer's admins and officers set its unit costs")


@transaction.atomic
def set_unit_cost(
    *, by, organisation, unit: str, cost_per_unit, cpv_division: str = "", label: str = ""
) -> BuyerUnitCost:
    """Set the cost of one unit of a need (a CPV division, words in the titles, or both)."""
    _require(by, organisation)
    buyer_id = platform_party_id(organisation)
    cpv_division, label, unit = cpv_division.strip(), label.strip(), unit.strip()
    cost = None if cost_per_unit is None else Decimal(str(cost_per_unit)).quantize(Decimal("0.01"))
    errors = validate(
        buyer_id=buyer_id, cpv_division=cpv_division, label=label, unit=unit, cost_per_unit=cost
    )
    if errors:
        raise ValidationError(errors)
    cost_row, created = BuyerUnitCost.objects.select_for_update().update_or_create(
        buyer_id=buyer_id,
        cpv_division=cpv_division,
        label=label,
        defaults={"unit": unit, "cost_per_unit": cost, "set_by": by, "set_at": clock.now()},
    )
    need = " and ".join(
        part for part in (cpv_division and f"CPV {cpv_division}", label and f'"{label}"') if part
    )
    audit.record(
        action="insights.unit_cost_set",
        obj=cost_row,
        actor=by,
        organisation=organisation,
        summary=f"Unit cost for {need}: £{cost} ({unit})" + ("" if created else ", changed"),
        cpv_division=cpv_division,
        label=label,
        unit=unit,
        cost_per_unit=str(cost),
    )
    return cost_row


@transaction.atomic
def remove_unit_cost(*, by, organisation, cost: BuyerUnitCost) -> None:
    _require(by, organisation)
    if cost.buyer_id != platform_party_id(organisation):
        raise BuyerUnitCost.DoesNotExist("No such unit cost for this buyer")
    audit.record(
        action="insights.unit_cost_removed",
        obj=cost,
        actor=by,
        organisation=organisation,
        summary=f"Unit cost removed: £{cost.cost_per_unit} ({cost.unit})",
    )
    cost.delete()
