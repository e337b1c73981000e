"""The contract an API call is about, for every contracts API module: found only through the
caller's scoped queryset (a buyer's own contracts, `Contract.objects.for_buyer`; a supplier's
once signed, `for_supplier`), so another organisation's contract is 404 `not_found` whether
it exists or not; then the permission is checked (403 `forbidden`, saying who may).
The error codes are those `OWN_OBJECT_ERRORS` documents."""

from django.shortcuts import get_object_or_404

from levelfield.accounts.api_auth import acting_buyer, acting_supplier
from levelfield.core.errors import PermissionDenied

from . import selectors_records
from .models import Contract

VIEW = "contracts.view_contract"

# Who may, said when someone else tries (an officer confirming a signature heard only "You may
# not do that on this contract").
DENIED = {
    VIEW: "You do not work on this contract",
    "contracts.sign_recorded_contract": "Only a buyer admin can confirm a contract is signed",
    "contracts.suspend_contract": "Only a buyer admin can suspend or resume a contract",
    "contracts.manage_contract": (
        "Only the buyer's admins, officers and the contract's manager can do that"
    ),
}
DENIED_OTHERWISE = "You may not do that on this contract"
SUPPLIER_DENIED = "You do not work for this contract's supplier"


def buyer_contract(request, contract_id: int, perm: str = VIEW) -> Contract:
    """One of the caller's buyer's contracts (404 otherwise), with `perm` (403 otherwise); its
    buyer, supplier, lot and manager (with the manager's accreditation level) read with it."""
    contract = get_object_or_404(
        selectors_records.with_manager_level(
            Contract.objects.for_buyer(acting_buyer(request)).select_related(
                "buyer", "supplier", "contract_manager", "lot"
            )
        ),
        pk=contract_id,
    )
    if not request.user.has_perm(perm, contract):
        raise PermissionDenied(DENIED.get(perm, DENIED_OTHERWISE))
    return contract


def supplier_contract(request, contract_id: int, perm: str = VIEW) -> Contract:
    """One of the contracts the caller's supplier holds, once signed (404 otherwise, a contract
    only recorded included), with `perm` (403 otherwise)."""
    contract = get_object_or_404(
        Contract.objects.for_supplier(acting_supplier(request)).select_related(
            "buyer", "supplier", "contract_manager"
        ),
        pk=contract_id,
    )
    if not request.user.has_perm(perm, contract):
        raise PermissionDenied(SUPPLIER_DENIED if perm == VIEW else DENIED_OTHERWISE)
    return contract
