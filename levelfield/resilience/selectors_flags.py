"""Flags for a critical contract whose supplier has no current living will (issue 15: "flagged
on both sides"): on the buyer's contract page and register, on the supplier's contract page and
dashboard. Reads only; the pages of the contracts and bids apps call them.

"Current" is `LivingWill.current_version`: the latest submitted version, its review date not
passed. Lists and counts go through `selectors.critical_contracts_without_current_will`, the
same rule as one query."""

from dataclasses import dataclass
from datetime import date

from levelfield.contracts.lifecycle import IN_FORCE
from levelfield.core import clock
from levelfield.core.display import uk_date

from .models import LivingWill, LivingWillVersion
from .selectors import critical_contracts_without_current_will, needs_living_will


@dataclass(frozen=True)
class ContractWillFlag:
    """A critical contract in force and its supplier's living will. `missing`: no current will,
    `reason` says why in words; otherwise `version` is the current one and `will` is shown as a
    link when `readable` (the person may read it)."""

    missing: bool
    reason: str = ""
    will: LivingWill | None = None
    version: LivingWillVersion | None = None
    readable: bool = False


def _missing_reason(latest: LivingWillVersion | None) -> str:
    if latest is None:
        return "none submitted"
    return f"the review date of the last one submitted, {uk_date(latest.review_date)}, has passed"


def contract_will_flag(
    contract, *, user=None, today: date | None = None
) -> ContractWillFlag | None:
    """The flag for one contract, or None when it is not critical or not in force."""
    if not contract.critical or contract.status not in IN_FORCE:
        return None
    today = today or clock.today_uk()
    will = LivingWill.objects.filter(supplier=contract.supplier_id).first()
    current = will.current_version(today) if will else None
    if current is None:
        latest = will.latest_version() if will else None
        return ContractWillFlag(missing=True, reason=_missing_reason(latest))
    readable = bool(user and user.has_perm("resilience.view_will", will))
    return ContractWillFlag(missing=False, will=will, version=current, readable=readable)


def flagged_contract_ids(*, buyer, contract_ids, today: date | None = None) -> set[int]:
    """Of `contract_ids` (the buyer's, on one page of its register), those critical and in
    force whose supplier has no current living will. One query."""
    return set(
        critical_contracts_without_current_will(buyer=buyer, today=today)
        .filter(pk__in=list(contract_ids))
        .values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class SupplierWillFlag:
    """What a supplier's dashboard says of its living will: `keeps_one` (it needs one or has
    one, so the page links to it) and `flagged`, how many of its critical contracts in
    force are flagged because it has no current will."""

    keeps_one: bool
    flagged: int = 0

    @property
    def words(self) -> str:
        contracts = "contract" if self.flagged == 1 else "contracts"
        return f"{self.flagged} critical {contracts} and no current living will"


def supplier_will_flag(supplier, *, today: date | None = None) -> SupplierWillFlag:
    if supplier is None or not supplier.is_supplier:
        return SupplierWillFlag(keeps_one=False)
    flagged = critical_contracts_without_current_will(supplier=supplier, today=today).count()
    keeps_one = (
        flagged > 0
        or LivingWill.objects.filter(supplier=supplier).exists()
        or needs_living_will(supplier)
    )
    return SupplierWillFlag(keeps_one=keeps_one, flagged=flagged)
