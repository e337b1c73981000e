"""A contract's stage checklist for the buyer (read, mark done, reopen) and the platform
admin's capability view across buyers, as JSON."""

from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from levelfield.accounts.api_auth import api_auth
from levelfield.core import clock
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, SIGNED_IN_ERRORS, Pages, errors
from levelfield.core.errors import PermissionDenied

from . import selectors_capability
from .actions import checklists as actions
from .api_common import buyer_contract
from .models import ChecklistItem
from .schemas_checklists import BuyerCapabilityOut, ChecklistDoneIn, ChecklistItemOut

router = Router(auth=api_auth, tags=["Buyer: stage checklists"])


@router.get(
    "/contracts/{contract_id}/checklist",
    response={200: list[ChecklistItemOut], **errors(*OWN_OBJECT_ERRORS)},
    operation_id="buyer_contract_checklist",
    summary="A contract's stage checklist",
    description="Made from the buyer's template when the contract is signed; by due date. For "
    "the buyer's staff.",
)
def checklist(request, contract_id: int):
    contract = buyer_contract(request, contract_id)
    items = ChecklistItem.objects.filter(contract=contract).order_by("due_on", "position", "id")
    return list(items)


def _item(request, contract_id: int, item_id: int) -> ChecklistItem:
    contract = buyer_contract(request, contract_id)
    return get_object_or_404(ChecklistItem.objects.filter(contract=contract), pk=item_id)


@router.post(
    "/contracts/{contract_id}/checklist/{item_id}/done",
    response={200: ChecklistItemOut, **errors(*OWN_OBJECT_ERRORS, 409, 422)},
    operation_id="buyer_contract_checklist_done",
    summary="Mark a checklist item done, with a note",
    description="For admins, officers and the contract manager (403 otherwise). 409 "
    "`invalid_state` when it is already done. A done item is never reminded about.",
)
def done(request, contract_id: int, item_id: int, payload: ChecklistDoneIn):
    item = _item(request, contract_id, item_id)
    return actions.mark_done(item=item, by=request.user, note=payload.note)


@router.post(
    "/contracts/{contract_id}/checklist/{item_id}/reopen",
    response={200: ChecklistItemOut, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="buyer_contract_checklist_reopen",
    summary="Reopen a checklist item marked done",
    description="For admins, officers and the contract manager (403 otherwise). 409 "
    "`invalid_state` when it is not done.",
)
def reopen(request, contract_id: int, item_id: int):
    item = _item(request, contract_id, item_id)
    return actions.reopen(item=item, by=request.user)


platform_router = Router(auth=api_auth, tags=["Platform: contract management capability"])


@platform_router.get(
    "/capability",
    response={200: list[BuyerCapabilityOut], **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="platform_capability_list",
    summary="Contract management capability per buyer, most in need of support first",
    description="For platform admins (403 `forbidden` for anyone else). Every buyer with a "
    f"contract in force. {selectors_capability.NEED_FORMULA} Paginated with `limit` and "
    "`offset`.",
)
@paginate(Pages)
def capability(request):
    if not request.user.has_perm("contracts.view_capability"):
        raise PermissionDenied("Only platform admins can see the capability view")
    return [
        {**vars(row), "need": row.need, "contracts_per_manager": row.contracts_per_manager}
        for row in selectors_capability.capability(clock.today_uk())
    ]


ROUTERS = [("/buyer", router), ("/platform", platform_router)]
