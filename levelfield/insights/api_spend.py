"""API: spend files imported (`levelfield import-spend`) and the supplier names nothing
matched, for platform admins; anyone else signed in is told 404 `not_found`, as on the pages.
SIGNED_IN_ROUTERS: (prefix, router) pairs that levelfield/api.py gives the accounts'
authentication (insights may not import accounts)."""

from django.http import Http404
from ninja import Router
from ninja.pagination import paginate

from levelfield.core.api_helpers import SIGNED_IN_ERRORS, Pages, errors

from . import actions_spend, selectors_spend
from .schemas_spend import SpendFileOut, UnmatchedSupplierOut

router = Router(tags=["Insights: spend files (platform admins)"])
ROUTERS = ()
SIGNED_IN_ROUTERS = (("/insights", router),)

ADMINS_ONLY = (
    "Platform admins only: anyone else signed in gets 404 `not_found`. Paginated with `limit` "
    "and `offset`."
)


def _platform_admin(request) -> None:
    if not actions_spend.can_resolve(request.user):
        raise Http404("No such list")


@router.get(
    "/spend/files",
    response={200: list[SpendFileOut], **errors(*SIGNED_IN_ERRORS, 404)},
    operation_id="insights_spend_files",
    summary="Spend files imported, with their match rate",
    description="Every spend file `levelfield import-spend` stored, newest first: its rows, "
    "how many are stored (an interrupted import is continued by running it again), and how "
    "many payments (and pounds) are matched to a known organisation. " + ADMINS_ONLY,
)
@paginate(Pages)
def spend_files(request):
    _platform_admin(request)
    return selectors_spend.files()


@router.get(
    "/spend/unmatched",
    response={200: list[UnmatchedSupplierOut], **errors(*SIGNED_IN_ERRORS, 404)},
    operation_id="insights_spend_unmatched",
    summary="Supplier names not matched, highest total first",
    description="Supplier names in complete spend files that matched no organisation published "
    "data names (by Companies House number or name) and that no person has resolved yet, "
    "each with its payments and their total, highest total first. Resolve them on the page "
    "/insights/spend/unmatched/. " + ADMINS_ONLY,
)
@paginate(Pages)
def spend_unmatched(request):
    _platform_admin(request)
    return selectors_spend.unmatched()
