"""The marketplace's API for reports: the public figures (call-off spend by framework and lot,
the SME and VCSE share against the target, suppliers listed by size) and a buyer's own savings.
ROUTERS lists each router with its prefix (levelfield/api.py adds them)."""

from django.http import Http404
from ninja import Router
from ninja.pagination import paginate

from levelfield.accounts.api_auth import api_auth
from levelfield.core.api_helpers import SIGNED_IN_ERRORS, Pages, errors
from levelfield.core.errors import PermissionDenied

from . import reports, rules, savings
from .schemas_reports import MarketplaceReportOut, MarketplaceSavingOut

public_router = Router(tags=["Marketplace: reports"])
buyer_router = Router(auth=api_auth, tags=["Marketplace: reports"])
ROUTERS = (("/marketplace", public_router), ("/marketplace", buyer_router))


@public_router.get(
    "/reports",
    response={200: MarketplaceReportOut, **errors(404, 422)},
    operation_id="marketplace_report",
    summary="Call-off spend by framework and lot, the SME and VCSE share, suppliers listed",
    description="Public figures, for every framework or the one whose `framework` reference "
    "is given (404 `not_found` for a reference no framework announced has). A call-off counts "
    "once its contract is signed, at the value awarded; shares are against the target "
    "(33% for SMEs unless the platform sets another).",
)
def report(request, framework: str = ""):
    chosen = None
    if framework:
        chosen = reports.reported_frameworks().filter(reference=framework[:40]).first()
        if chosen is None:
            raise Http404("No framework has that reference")
    return reports.report(chosen)


@buyer_router.get(
    "/savings",
    response={200: list[MarketplaceSavingOut], **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="marketplace_buyer_savings",
    summary="Your call-offs' savings, in pounds and in your units",
    description="Each call-off your organisation awarded from the catalogue, newest first, "
    "with the saving against your previous cost and, where a unit cost of yours prices the "
    "need, in those units. 403 `forbidden` for anyone but a buyer's staff. Paginated with "
    "`limit` and `offset`.",
)
@paginate(Pages)
def buyer_savings(request):
    organisation = getattr(request, "organisation", None)
    if organisation is None or not rules.is_buyer_reader(request.user, organisation):
        raise PermissionDenied("Savings are for the buyer's own staff")
    return savings.buyer_savings(organisation)
