"""API: the insights' measures, the same figures as the dashboards (figures.py on the Parquet
snapshot), with the same filters.

Public (`/insights/...`): published data only, no sign-in. A buyer's own figures
(`/insights/buyer/...`, signed in as a member of a buyer organisation; anyone else is 403
`forbidden`) and its unit costs, which make its savings read in its own units. Before the
first snapshot is written every figure is empty (lists empty, sums 0, shares null)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, SIGNED_IN_ERRORS, Pages, errors
from levelfield.core.errors import DomainError, PermissionDenied
from levelfield.core.ocds import platform_party_id

from . import actions_unit_costs, engine, figures, figures_lists
from .models_unit_costs import BuyerUnitCost
from .schemas_measures import (
    AccessCategoryOut,
    AccessSharesOut,
    BuyerUnitCostIn,
    BuyerUnitCostOut,
    InsightsBuyerFiltersIn,
    InsightsFiltersIn,
    RedFlagOut,
    ReletOut,
    SpendShareGroupOut,
    SpendSharesOut,
)

public_router = Router(tags=["Insights: spend and fairness (public)"])
buyer_router = Router(tags=["Insights: your authority's figures (buyers)"])
ROUTERS = (("/insights", public_router),)
SIGNED_IN_ROUTERS = (("/insights/buyer", buyer_router),)

FILTERS = (
    "Filters: `authority` (OCDS buyer id), `cpv_division`, `region`, `quarter_from`, "
    "`quarter_to`; 422 `validation_error` for a filter not as described (a quarter range "
    "ending before it starts included). "
)
BUYER_FILTERS = (
    "Your authority's only (the OCDS buyer id your organisation is published under). Filters: "
    "`cpv_division`, `region`, `quarter_from`, `quarter_to`, as the public endpoint's. "
)
PAGED = "Paginated with `limit` and `offset`."


def _snapshot() -> figures.Snapshot:
    """The snapshot, or empty tables before the first is written."""
    found = figures.open_snapshot()
    if found is None:
        return figures.Snapshot(tables=engine.tables(engine.connect()), manifest=None)
    return found


def _buyer(request) -> str:
    """The OCDS buyer id of the caller's buyer organisation; 403 for anyone else."""
    organisation = getattr(request, "organisation", None)
    if organisation is None or not organisation.is_buyer:
        raise PermissionDenied("This part of the API is for buyer organisations")
    return platform_party_id(organisation)


def _shares(filters, authority=None) -> dict:
    snapshot = _snapshot()
    tables = figures.narrowed(snapshot.tables, filters, authority=authority)
    sme, vcse = figures.kept(
        snapshot, ("api-shares", filters, authority), lambda: figures.shares(tables)
    )
    written = snapshot.written_at.isoformat() if snapshot.written_at else None
    return {"sme": _share(sme), "vcse": _share(vcse), "snapshot_written_at": written}


def _share(share) -> dict:
    return {**share.__dict__, "meets_target": share.meets_target}


def _groups(filters, dimension: str, authority=None) -> list:
    snapshot = _snapshot()
    tables = figures.narrowed(snapshot.tables, filters, authority=authority)
    groups = figures.kept(
        snapshot,
        ("api-groups", dimension, filters, authority),
        lambda: figures.shares_by(tables, dimension),
    )
    return [
        {"key": g.key, "name": g.name, "sme": _share(g.sme), "vcse": _share(g.vcse)} for g in groups
    ]


def _access(filters, authority=None):
    snapshot = _snapshot()

    def build():
        chosen = figures_lists.procurements(snapshot.tables, filters, authority=authority)
        return figures_lists.access_overall(chosen), figures_lists.access_by_category(chosen)

    return figures.kept(snapshot, ("access", filters, authority), build)


# Public --------------------------------------------------------------------------------------


@public_router.get(
    "/share-of-spend",
    response={200: SpendSharesOut, **errors(422)},
    operation_id="insights_share_of_spend",
    summary="SME and VCSE share of spend against the target",
    description="Direct (paid to SMEs or VCSEs) and with indirect (passed to them by larger "
    "primes as subcontracts), from published payments and spend files; with contract value "
    "awarded apart. " + FILTERS,
)
def share_of_spend(request, filters: Query[InsightsFiltersIn]):
    return _shares(filters.filters())


@public_router.get(
    "/share-of-spend/by-quarter",
    response={200: list[SpendShareGroupOut], **errors(422)},
    operation_id="insights_share_of_spend_by_quarter",
    summary="SME and VCSE share of spend by quarter",
    description="Quarters with spend, oldest first. " + FILTERS + PAGED,
)
@paginate(Pages)
def share_by_quarter(request, filters: Query[InsightsFiltersIn]):
    return _groups(filters.filters(), "quarter")


@public_router.get(
    "/share-of-spend/by-authority",
    response={200: list[SpendShareGroupOut], **errors(422)},
    operation_id="insights_share_of_spend_by_authority",
    summary="SME and VCSE share of spend by authority",
    description="Authorities with spend, by name. " + FILTERS + PAGED,
)
@paginate(Pages)
def share_by_authority(request, filters: Query[InsightsFiltersIn]):
    return _groups(filters.filters(), "buyer")


@public_router.get(
    "/access",
    response={200: AccessSharesOut, **errors(422)},
    operation_id="insights_access",
    summary="SME and VCSE share of bids and of wins",
    description="Over the procurements the filters choose (each kept whole: all its bids and "
    "awards), with their win rate against everyone's. " + FILTERS,
)
def access_summary(request, filters: Query[InsightsFiltersIn]):
    sme, vcse = _access(filters.filters())[0]
    return {"sme": sme, "vcse": vcse}


@public_router.get(
    "/access/by-category",
    response={200: list[AccessCategoryOut], **errors(422)},
    operation_id="insights_access_by_category",
    summary="SME and VCSE share of bids and of wins by category",
    description="Per main category and CPV division. " + FILTERS + PAGED,
)
@paginate(Pages)
def access_by_category(request, filters: Query[InsightsFiltersIn]):
    return _access(filters.filters())[1]


@public_router.get(
    "/red-flags",
    response={200: list[RedFlagOut], **errors(422)},
    operation_id="insights_red_flags",
    summary="Red flags (Cardinal indicators), each with why",
    description="Procurements, ours and imported, that match one of the Open Contracting "
    "Partnership's red flags, by source, ocid and code, each with why it fired and a link to "
    "the procurement. A sign to look closer, not proof. " + FILTERS + PAGED,
)
@paginate(Pages)
def red_flags(request, filters: Query[InsightsFiltersIn]):
    return figures_lists.red_flags(_snapshot(), filters.filters())


@public_router.get(
    "/relets",
    response={200: list[ReletOut], **errors(422)},
    operation_id="insights_relets",
    summary="Savings from contracts let again",
    description="Each re-let (the same buyer and need let again around the old contract's "
    "end): the suppliers before and after, the annual cost before and after and the saving, "
    "in pounds and in the buyer's units where it has set them. The quarters choose by when "
    "the later contract starts. " + FILTERS + PAGED,
)
@paginate(Pages)
def relets(request, filters: Query[InsightsFiltersIn]):
    return figures_lists.relets(_snapshot(), filters.filters())


# A buyer's own -------------------------------------------------------------------------------


@buyer_router.get(
    "/share-of-spend",
    response={200: SpendSharesOut, **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="insights_buyer_share_of_spend",
    summary="Your SME and VCSE share of spend against the target",
    description=BUYER_FILTERS,
)
def buyer_share_of_spend(request, filters: Query[InsightsBuyerFiltersIn]):
    return _shares(filters.filters(), _buyer(request))


@buyer_router.get(
    "/share-of-spend/by-quarter",
    response={200: list[SpendShareGroupOut], **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="insights_buyer_share_of_spend_by_quarter",
    summary="Your SME and VCSE share of spend by quarter",
    description=BUYER_FILTERS + PAGED,
)
@paginate(Pages)
def buyer_share_by_quarter(request, filters: Query[InsightsBuyerFiltersIn]):
    return _groups(filters.filters(), "quarter", _buyer(request))


@buyer_router.get(
    "/access",
    response={200: AccessSharesOut, **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="insights_buyer_access",
    summary="SME and VCSE share of bids and wins on your procurements",
    description=BUYER_FILTERS,
)
def buyer_access(request, filters: Query[InsightsBuyerFiltersIn]):
    sme, vcse = _access(filters.filters(), _buyer(request))[0]
    return {"sme": sme, "vcse": vcse}


@buyer_router.get(
    "/red-flags",
    response={200: list[RedFlagOut], **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="insights_buyer_red_flags",
    summary="Red flags on your procurements",
    description=BUYER_FILTERS + PAGED,
)
@paginate(Pages)
def buyer_red_flags(request, filters: Query[InsightsBuyerFiltersIn]):
    authority = _buyer(request)
    return figures_lists.red_flags(_snapshot(), filters.filters(), authority=authority)


@buyer_router.get(
    "/relets",
    response={200: list[ReletOut], **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="insights_buyer_relets",
    summary="Savings from your contracts let again, in your units",
    description=BUYER_FILTERS + PAGED,
)
@paginate(Pages)
def buyer_relets(request, filters: Query[InsightsBuyerFiltersIn]):
    authority = _buyer(request)
    return figures_lists.relets(_snapshot(), filters.filters(), authority=authority)


@buyer_router.get(
    "/unit-costs",
    response={200: list[BuyerUnitCostOut], **errors(*SIGNED_IN_ERRORS)},
    operation_id="insights_buyer_unit_costs",
    summary="Your unit costs",
    description="What one unit of a need costs you (a CPV division, words in the titles, or "
    "both), so your savings read in your units. " + PAGED,
)
@paginate(Pages)
def unit_costs(request):
    return BuyerUnitCost.objects.filter(buyer_id=_buyer(request))


@buyer_router.post(
    "/unit-costs",
    response={200: BuyerUnitCostOut, **errors(*SIGNED_IN_ERRORS, 400, 422)},
    operation_id="insights_buyer_unit_cost_set",
    summary="Set a unit cost",
    description="Sets the cost of one unit of a need, or changes it when one is set for the "
    "same CPV division and words. 403 `forbidden` for anyone but the buyer's admins and "
    "officers (an evaluator reads them). 422 `invalid_unit_cost` naming each problem: neither "
    "a CPV division nor words, a division not of two digits, no unit, a cost not above 0.",
)
def set_unit_cost(request, payload: BuyerUnitCostIn):
    _buyer(request)
    try:
        cost = actions_unit_costs.set_unit_cost(
            by=request.user,
            organisation=request.organisation,
            cpv_division=payload.cpv_division,
            label=payload.label,
            unit=payload.unit,
            cost_per_unit=payload.cost_per_unit,
        )
    except ValidationError as error:
        details = [f"{name}: {p}" for name, ps in error.message_dict.items() for p in ps]
        raise _Refused("The unit cost cannot be set: " + "; ".join(details), details) from error
    return Status(200, cost)


@buyer_router.delete(
    "/unit-costs/{cost_id}",
    response={204: None, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="insights_buyer_unit_cost_remove",
    summary="Remove a unit cost",
    description="Another buyer's, or one that is not there, is 404 `not_found`; 403 "
    "`forbidden` for anyone but the buyer's admins and officers.",
)
def remove_unit_cost(request, cost_id: int):
    authority = _buyer(request)
    cost = BuyerUnitCost.objects.filter(pk=cost_id, buyer_id=authority).first()
    if cost is None:
        raise Http404("No unit cost of yours has that id")
    actions_unit_costs.remove_unit_cost(
        by=request.user, organisation=request.organisation, cost=cost
    )
    return Status(204, None)


class _Refused(DomainError):
    code = "invalid_unit_cost"
    status = 422

    def __init__(self, message: str, details: list[str]):
        super().__init__(message, details=details)
