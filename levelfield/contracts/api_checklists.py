"""The platform admin's capability view across buyers, as JSON."""

from ninja import Router
from ninja.pagination import paginate

from levelfield.accounts.api_auth import api_auth
from levelfield.core import clock
from levelfield.core.api_helpers import SIGNED_IN_ERRORS, Pages, errors
from levelfield.core.errors import PermissionDenied

from . import selectors_capability
from .schemas_checklists import BuyerCapabilityOut

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


ROUTERS = [("/platform", platform_router)]
