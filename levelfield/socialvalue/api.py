"""Social value in the JSON API: the models (public), a supplier's commitments and delivery
reports, a buyer's measurement frameworks, its view of commitments once bids are unsealed,
committed against delivered, reports waiting for review and their review.

Before the submission deadline the buyer's commitments endpoint answers 404 with code `sealed`;
commitments are only ever read for buyers through `Bid.objects.unsealed_for_buyer`.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from levelfield.accounts.api_auth import acting_buyer, acting_supplier, api_auth
from levelfield.bids.models import Bid
from levelfield.core import clock
from levelfield.core.api_helpers import (
    OWN_OBJECT_ERRORS,
    SIGNED_IN_ERRORS,
    FormText,
    Pages,
    QueryDate,
    errors,
)
from levelfield.core.errors import DomainError, PermissionDenied
from levelfield.tenders.api_common import buyer_tender

from . import actions, selectors
from .models import Commitment, Measure, ReportingMetric, SocialValueModel, contract_lot
from .schemas import (
    BuyerCommitmentOut,
    CommitmentIn,
    CommitmentOut,
    ContractProgressOut,
    ContractProgressPage,
    FrameworkOut,
    FrameworkSummary,
    ModelsOnDateOut,
    PortfolioOut,
    ReportIn,
    ReportOut,
    ReviewIn,
    SocialValueModelOut,
    SocialValueModelSummary,
    WaitingReportOut,
)

router = Router(tags=["Social value"])


class Sealed(DomainError):
    code = "sealed"
    status = 404


class DateQuery(Schema):
    date: QueryDate | None = None


@router.get(
    "/models",
    response=list[SocialValueModelSummary],
    operation_id="social_value_models_list",
    summary="Social value models loaded, newest first",
)
def models(request):
    return SocialValueModel.objects.order_by("-valid_from", "-loaded_at", "-pk")


@router.get(
    "/models/on-date",
    response=ModelsOnDateOut,
    operation_id="social_value_models_on_date",
    summary="The models a procurement commencing on a date may follow",
    description="By commencement date: PPN 06/20's model until 30 September 2025, PPN 002's "
    "from 24 February 2025 (mandatory from 1 October 2025). Without `date`, today (UK).",
)
def models_on_date(request, query: Query[DateQuery]):
    day = query.date or clock.today_uk()
    applicable = selectors.models_on(day)
    return {"date": day, "default": applicable[0] if applicable else None, "applicable": applicable}


@router.get(
    "/models/{model_id}",
    response={200: SocialValueModelOut, **errors(404)},
    operation_id="social_value_models_get",
    summary="One social value model: themes, outcomes, criteria, sub-criteria and metrics",
)
def model(request, model_id: int):
    return get_object_or_404(SocialValueModel, pk=model_id)


# ---------------------------------------------------------------------------------------------
# Supplier: commitments in a bid


def _own_bid(request, bid_id: int) -> Bid:
    return get_object_or_404(
        Bid.objects.for_supplier(acting_supplier(request)).select_related("lot__tender"),
        pk=bid_id,
    )


@router.get(
    "/supplier/bids/{bid_id}/commitments",
    auth=api_auth,
    response={200: list[CommitmentOut], **errors(*OWN_OBJECT_ERRORS)},
    operation_id="social_value_supplier_commitments_list",
    summary="Your bid's quantified social value commitments",
)
def supplier_commitments(request, bid_id: int):
    return selectors.bid_commitments(_own_bid(request, bid_id))


@router.post(
    "/supplier/bids/{bid_id}/commitments",
    auth=api_auth,
    response={201: CommitmentOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="social_value_supplier_commitments_add",
    summary="Add a commitment to your bid",
    description="Only while the bid is a draft (or withdrawn) and before the deadline: 409 "
    "otherwise (`deadline_passed`, `invalid_state`).",
)
def add_commitment(request, bid_id: int, payload: CommitmentIn):
    bid = _own_bid(request, bid_id)
    lot = bid.lot
    question = get_object_or_404(lot.questions.all(), pk=payload.question_id)
    measure = metric = None
    if payload.measure_id is not None:
        measure = Measure.objects.filter(
            pk=payload.measure_id, pk__in=[m.pk for m in selectors.measures_for(lot.tender)]
        ).first()
        if measure is None:
            raise DomainError(
                "Choose a measure from the buyer's framework", code="validation_error"
            )
    if payload.metric_code:
        metric = ReportingMetric.objects.filter(
            code=payload.metric_code, pk__in=[m.pk for m in selectors.metrics_for(lot)]
        ).first()
        if metric is None:
            raise DomainError("Choose a reporting metric for this lot", code="validation_error")
    commitment = actions.add_commitment(
        bid=bid,
        by=request.user,
        question=question,
        measure=measure,
        metric=metric,
        description=payload.description,
        quantity=payload.quantity,
        unit=payload.unit,
        contract_year=payload.contract_year,
        location=payload.location,
        beneficiaries=payload.beneficiaries,
    )
    return Status(201, commitment)


@router.delete(
    "/supplier/bids/{bid_id}/commitments/{commitment_id}",
    auth=api_auth,
    response={204: None, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="social_value_supplier_commitments_delete",
    summary="Remove a commitment from your bid",
)
def remove_commitment(request, bid_id: int, commitment_id: int):
    bid = _own_bid(request, bid_id)
    commitment = get_object_or_404(Commitment.objects.filter(bid=bid), pk=commitment_id)
    actions.remove_commitment(commitment=commitment, by=request.user)
    return Status(204, None)


# ---------------------------------------------------------------------------------------------
# Buyer


@router.get(
    "/buyer/tenders/{tender_id}/commitments",
    auth=api_auth,
    response={200: list[BuyerCommitmentOut], **errors(*OWN_OBJECT_ERRORS)},
    operation_id="social_value_buyer_commitments_list",
    summary="Bidders' quantified commitments, once bids are unsealed",
    description="Before the submission deadline this answers 404 with code `sealed` for every "
    "role and shows nothing of any bid.",
)
def buyer_commitments(request, tender_id: int):
    tender = buyer_tender(request, tender_id)
    if not tender.bids_unsealed:
        raise Sealed("Bids stay sealed until the submission deadline has passed")
    return (
        selectors.commitments_for_buyer(tender.buyer)
        .filter(bid__lot__tender=tender)
        .order_by("bid__lot__number", "bid_id", "question__number", "id")
    )


@router.get(
    "/buyer/summary",
    auth=api_auth,
    response={200: PortfolioOut, **errors(*SIGNED_IN_ERRORS)},
    operation_id="social_value_buyer_summary",
    summary="Social value promised and delivered across your contracts",
    description="The totals cover every signed contract; `items` is one page of them, newest "
    "signed first, paginated with `limit` and `offset` (`count` contracts in all).",
)
def buyer_summary(request, pages: Query[Pages.Input]):
    organisation = acting_buyer(request)
    if not request.user.has_perm("socialvalue.view_portfolio", organisation):
        raise PermissionDenied("You are not on this buyer's staff")
    totals = selectors.buyer_totals(organisation)
    contracts = selectors.buyer_contracts(organisation)
    return {
        "promised": totals.committed_value,
        "delivered": totals.delivered_value,
        "obligations": totals.obligations,
        "unvalued": totals.unvalued,
        "count": contracts.count(),
        "items": _progress_page(contracts, pages),
    }


def _progress_page(contracts, pages) -> list:
    """Committed against delivered for one page of contracts: the page is cut in the database
    first, so obligations and reports are fetched for its contracts only."""
    today = clock.today_uk()
    page = contracts[pages.offset : pages.offset + pages.limit]
    return [selectors.contract_progress(c, today) for c in page]


@router.get(
    "/contracts/{contract_id}",
    auth=api_auth,
    response={200: ContractProgressOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="social_value_contract_get",
    summary="Committed against delivered on a contract (its buyer or its supplier)",
)
def contract(request, contract_id: int):
    organisation = getattr(request, "organisation", None)
    item = selectors.contract_for(organisation, contract_id) if organisation else None
    if item is None:
        raise Http404("No contract of yours has that number")
    if not request.user.has_perm("socialvalue.view_contract", item):
        raise PermissionDenied("You do not work on this contract")
    return selectors.contract_progress(item)


@router.post(
    "/buyer/reports/{report_id}/review",
    auth=api_auth,
    response={200: ReportOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="social_value_buyer_report_review",
    summary="Accept, query or reject a delivery report, with the reason",
)
def review(request, report_id: int, payload: ReviewIn):
    organisation = acting_buyer(request)
    item = selectors.report_for(organisation, report_id)
    if item is None or contract_lot(item.obligation.contract).tender.buyer_id != organisation.pk:
        raise Http404("No report on your contracts has that number")
    return actions.review_report(
        report=item, by=request.user, decision=payload.decision, reason=payload.reason
    )


@router.get(
    "/buyer/reports",
    auth=api_auth,
    response={200: list[WaitingReportOut], **errors(*SIGNED_IN_ERRORS)},
    operation_id="social_value_buyer_reports_waiting",
    summary="Delivery reports on your contracts waiting for review, oldest first",
    description="Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def reports_waiting(request):
    organisation = acting_buyer(request)
    if not request.user.has_perm("socialvalue.view_portfolio", organisation):
        raise PermissionDenied("You are not on this buyer's staff")
    return selectors.reports_waiting(organisation).select_related(
        "obligation__contract__lot__tender"
    )


@router.get(
    "/buyer/frameworks",
    auth=api_auth,
    response={200: list[FrameworkSummary], **errors(*SIGNED_IN_ERRORS)},
    operation_id="social_value_buyer_frameworks_list",
    summary="Your measurement frameworks (proxy tables), newest import first",
    description="Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def frameworks(request):
    organisation = acting_buyer(request)
    if not request.user.has_perm("socialvalue.view_portfolio", organisation):
        raise PermissionDenied("You are not on this buyer's staff")
    return selectors.frameworks_of(organisation)


@router.get(
    "/buyer/frameworks/{framework_id}",
    auth=api_auth,
    response={200: FrameworkOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="social_value_buyer_frameworks_get",
    summary="One of your measurement frameworks with its measures and proxy values",
)
def framework(request, framework_id: int):
    organisation = acting_buyer(request)
    if not request.user.has_perm("socialvalue.view_portfolio", organisation):
        raise PermissionDenied("You are not on this buyer's staff")
    item = selectors.framework_of(organisation, framework_id)
    if item is None:
        raise Http404("No framework of yours has that number")
    return item


@router.post(
    "/buyer/frameworks",
    auth=api_auth,
    response={201: FrameworkOut, **errors(*SIGNED_IN_ERRORS, 400)},
    operation_id="social_value_buyer_frameworks_import",
    summary="Import a measurement framework from CSV or XLSX (multipart form)",
    description="Columns: code, description, unit and an optional proxy value in pounds. A "
    "file with any bad row imports nothing: 400 `invalid_framework`, with each bad row in "
    "`details` as 'Line N: reason'. Importing again under the same name makes a new version.",
)
def import_framework(request, name: Form[FormText], file: File[UploadedFile]):
    item = actions.import_framework(
        buyer=acting_buyer(request), by=request.user, name=name, upload=file
    )
    return Status(201, item)


# ---------------------------------------------------------------------------------------------
# Supplier: delivery


@router.get(
    "/supplier/contracts",
    auth=api_auth,
    response={200: ContractProgressPage, **errors(*SIGNED_IN_ERRORS)},
    operation_id="social_value_supplier_contracts_list",
    summary="Your signed contracts with social value obligations: committed against delivered",
    description="Paginated with `limit` and `offset`.",
)
def supplier_contracts(request, pages: Query[Pages.Input]):
    contracts = selectors.supplier_contracts(acting_supplier(request))
    return {"count": contracts.count(), "items": _progress_page(contracts, pages)}


@router.post(
    "/supplier/contracts/{contract_id}/obligations/{number}/reports",
    auth=api_auth,
    response={201: ReportOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="social_value_supplier_report_submit",
    summary="Report what was delivered against an obligation in a period (multipart form)",
    description="Fields `period`, `quantity` and `narrative`, and any number of `evidence` "
    "files. A report waiting for review, queried or rejected is replaced; an accepted one is "
    "final (409 `invalid_state`).",
)
def submit_report(
    request,
    contract_id: int,
    number: int,
    payload: Form[ReportIn],
    # ninja reads a None default as an optional part (it makes the type Optional itself); its
    # File alias for type checkers has no None (see suppliers.api.add_certificate).
    evidence: File[list[UploadedFile]] = None,  # type: ignore[assignment]
):
    organisation = acting_supplier(request)
    item = selectors.contract_for(organisation, contract_id)
    if item is None or item.supplier_id != organisation.pk:
        raise Http404("No contract of yours has that number")
    obligation = get_object_or_404(item.social_value_obligations.all(), number=number)
    period = item.social_value_periods.filter(number=payload.period).first()
    if period is None:
        raise DomainError(
            "Choose one of this contract's reporting periods", code="validation_error"
        )
    report = actions.submit_report(
        obligation=obligation,
        period=period,
        by=request.user,
        quantity=payload.quantity,
        narrative=payload.narrative,
        evidence=evidence or [],
    )
    return Status(201, report)
