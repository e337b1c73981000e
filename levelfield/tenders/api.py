"""Opportunities for everyone, and tenders for their buyer. Each endpoint parses, finds the
object through a scoped queryset, calls an action and describes the result."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.decorators import decorate_view
from ninja.pagination import paginate

from levelfield.accounts.api_auth import acting_buyer, api_auth
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, SIGNED_IN_ERRORS, Pages, errors

from . import actions, search_mixed
from .api_common import buyer_tender, tender_lot, tender_question
from .models import Lot, Tender
from .schemas import (
    BarrierReasonIn,
    BuyerTenderOut,
    BuyerTenderSummary,
    CancelIn,
    LotIn,
    LotOut,
    LotPatch,
    OpportunityDetail,
    OpportunityQuery,
    OpportunitySummary,
    QuestionIn,
    QuestionOut,
    TenderIn,
    TenderPatch,
)
from .schemas_search import AnyOpportunity
from .search_responses import cache_search_response
from .selectors import cached_search, public_opportunity

public_router = Router(tags=["Opportunities (public)"])
router = Router(auth=api_auth, tags=["Buyer: tenders"])


# ---------------------------------------------------------------------------------------------
# Public


@public_router.get(
    "",
    response=list[OpportunitySummary],
    operation_id="opportunities_search",
    summary="Search published opportunities",
    description="Published tenders; drafts never appear. With `q`, the most relevant first "
    "(on PostgreSQL: stemmed English full-text search, title weighted above description); "
    "without, newest first. Every filter given must match. Paginated with `limit` and "
    "`offset`; `count` is the number matching, counted up to 1,001: a count of 1,001 means "
    "more than 1,000. With `q`, the results are the 1,001 newest matches, ranked; narrow the "
    "search to see others. Without `q`, every match can be paged through, newest first.",
)
@decorate_view(
    cache_search_response(parameters=(*OpportunityQuery.model_fields, *Pages.Input.model_fields))
)
@paginate(Pages)
def search(request, filters: Query[OpportunityQuery]):
    return cached_search(**_filters(filters)).prefetch_related("cpv_codes")


def _filters(filters: OpportunityQuery) -> dict:
    return {
        "keyword": filters.q,
        "cpv": filters.cpv,
        "min_value": filters.min_value,
        "max_value": filters.max_value,
        "region": filters.region,
        "sme": filters.sme,
        "vcse": filters.vcse,
        "status": filters.status,
        "reserved": filters.reserved,
        "closing_after": filters.closing_after,
        "closing_before": filters.closing_before,
    }


@public_router.get(
    "/everywhere",
    response=list[AnyOpportunity],
    operation_id="opportunities_search_everywhere",
    summary="Search every UK opportunity: ours and those imported from other publishers",
    description="The same search and filters as `GET /opportunities`, over published tenders "
    "here and the open notices imported from Find a Tender, Contracts Finder and other OCDS "
    "publishers (`levelfield import-ocds`). Each result says where it was published (`source`) "
    "and links to it (`url`: its page here, or the notice on the publisher's site, where you "
    "bid for it). Imported notices are listed only while open, so `status=closed` finds only "
    "ours, and so does `reserved` (the notices do not say it in a form we read); `sme` and "
    "`vcse` find the notices whose publisher says so. Newest first, or with `q` the most "
    "relevant first, both kinds in one order; `count` stops at 1,001 (more than 1,000).",
)
@decorate_view(
    cache_search_response(parameters=(*OpportunityQuery.model_fields, *Pages.Input.model_fields))
)
@paginate(Pages)
def search_everywhere(request, filters: Query[OpportunityQuery]):
    return search_mixed.cached_search(**_filters(filters)).prefetch_related("cpv_codes")


@public_router.get(
    "/{reference}",
    response={200: OpportunityDetail, **errors(404)},
    operation_id="opportunities_get",
    summary="One published opportunity",
    description="Lots with their published award criteria (price weight and formula, quality "
    "threshold, tie-break, questions with kind, weight and scale), documents with download "
    "links, and answered clarifications (never who asked). A draft or unknown reference is "
    "404 `not_found`.",
)
def opportunity(request, reference: str):
    return get_object_or_404(public_opportunity(reference))


# ---------------------------------------------------------------------------------------------
# Buyer


def _tender_out(tender: Tender) -> Tender:
    """Reread a tender with everything BuyerTenderOut shows."""
    return (
        Tender.objects.filter(pk=tender.pk)
        .select_related("buyer")
        .prefetch_related(
            "cpv_codes",
            Prefetch("lots", queryset=Lot.objects.prefetch_related("questions")),
            "documents",
        )
        .get()
    )


def _tender_fields(payload: TenderIn | TenderPatch, **dump) -> dict:
    """The payload's fields as the tender actions take them: no region is a blank region."""
    fields = payload.model_dump(**dump)
    if "region" in fields:
        fields["region"] = fields["region"] or ""
    return fields


@router.get(
    "/tenders",
    response={200: list[BuyerTenderSummary], **errors(*SIGNED_IN_ERRORS)},
    operation_id="buyer_tenders_list",
    summary="Your organisation's tenders",
    description="Every tender of the buyer organisation you act for, drafts included, newest "
    "first. Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def list_tenders(request):
    return Tender.objects.for_buyer(acting_buyer(request)).order_by("-created_at", "-id")


@router.post(
    "/tenders",
    response={201: BuyerTenderOut, **errors(400, *SIGNED_IN_ERRORS, 422)},
    operation_id="buyer_tenders_create",
    summary="Start a draft tender",
    description="Creates a draft with one lot, titled like the tender. Add lots, award "
    "criteria and questions, then publish.",
)
def create_tender(request, payload: TenderIn):
    fields = _tender_fields(payload)
    tender = actions.create_tender(buyer=acting_buyer(request), by=request.user, **fields)
    return Status(201, _tender_out(tender))


@router.get(
    "/tenders/{tender_id}",
    response={200: BuyerTenderOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="buyer_tenders_get",
    summary="One of your tenders",
    description="Everything about the tender except bids. For a draft, `publication_problems` "
    "lists every rule that would stop it being published now.",
)
def get_tender(request, tender_id: int):
    return _tender_out(buyer_tender(request, tender_id))


@router.patch(
    "/tenders/{tender_id}",
    response={200: BuyerTenderOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_tenders_update",
    summary="Change a draft tender",
    description="Send only the fields to change. Only a draft can change (409 `invalid_state`).",
)
def update_tender(request, tender_id: int, payload: TenderPatch):
    tender = buyer_tender(request, tender_id)
    fields = _tender_fields(payload, exclude_unset=True)
    tender = actions.update_tender(tender=tender, by=request.user, **fields)
    return _tender_out(tender)


@router.post(
    "/tenders/{tender_id}/lots",
    response={201: LotOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_lots_create",
    summary="Add a lot to a draft tender",
)
def add_lot(request, tender_id: int, payload: LotIn):
    tender = buyer_tender(request, tender_id)
    lot = actions.add_lot(tender=tender, by=request.user, **payload.model_dump())
    return Status(201, lot)


@router.patch(
    "/tenders/{tender_id}/lots/{lot_id}",
    response={200: LotOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_lots_update",
    summary="Change a lot or its award criteria settings",
    description="Details (title, description, estimated value) and criteria settings (price "
    "weight, price formula, quality threshold, tie-break). Send only what changes. Weights "
    "are checked together when the tender is published.",
)
def update_lot(request, tender_id: int, lot_id: int, payload: LotPatch):
    lot = tender_lot(buyer_tender(request, tender_id), lot_id)
    lot = actions.update_lot(lot=lot, by=request.user, **payload.model_dump(exclude_unset=True))
    return Lot.objects.prefetch_related("questions").get(pk=lot.pk)


@router.post(
    "/tenders/{tender_id}/lots/{lot_id}/questions",
    response={201: QuestionOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_questions_create",
    summary="Add a quality or social value question to a lot",
    description="Without a `scale`, the default scale of the policy in force is used.",
)
def add_question(request, tender_id: int, lot_id: int, payload: QuestionIn):
    lot = tender_lot(buyer_tender(request, tender_id), lot_id)
    question = actions.add_question(lot=lot, by=request.user, **payload.model_dump())
    return Status(201, question)


@router.delete(
    "/tenders/{tender_id}/questions/{question_id}",
    response={204: None, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="buyer_questions_delete",
    summary="Remove a question from a draft tender",
)
def remove_question(request, tender_id: int, question_id: int):
    question = tender_question(buyer_tender(request, tender_id), question_id)
    actions.remove_question(question=question, by=request.user)
    return Status(204, None)


@router.post(
    "/tenders/{tender_id}/publish",
    response={200: BuyerTenderOut, **errors(*OWN_OBJECT_ERRORS, 409, 422)},
    operation_id="buyer_tenders_publish",
    summary="Publish a draft tender and its award criteria",
    description="Refused with 422 `publish_refused` when a rule in force is not met; "
    "`details` names each failed rule (weights not totalling 100, social value below the "
    "policy minimum, missing dates, ...).",
)
def publish(request, tender_id: int):
    tender = actions.publish_tender(tender=buyer_tender(request, tender_id), by=request.user)
    return _tender_out(tender)


@router.post(
    "/tenders/{tender_id}/barriers/{code}/reason",
    response={200: BuyerTenderOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_tenders_barrier_reason",
    summary="Go ahead despite a barrier finding and record why",
    description="For a draft: `code` is one of the tender's current `barriers`. One reason per "
    "finding; sending again replaces it. The reason is audited with the finding it answers. "
    "A code the checks do not find on the tender now is 400 `validation_error`; a tender that "
    "is no longer a draft is 409 `invalid_state`.",
)
def barrier_reason(request, tender_id: int, code: str, payload: BarrierReasonIn):
    tender = buyer_tender(request, tender_id)
    actions.record_barrier_reason(tender=tender, by=request.user, code=code, reason=payload.reason)
    return _tender_out(tender)


@router.post(
    "/tenders/{tender_id}/cancel",
    response={200: BuyerTenderOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_tenders_cancel",
    summary="Cancel a tender (buyer admins)",
)
def cancel(request, tender_id: int, payload: CancelIn):
    tender = buyer_tender(request, tender_id)
    tender = actions.cancel_tender(tender=tender, by=request.user, reason=payload.reason)
    return _tender_out(tender)


@router.post(
    "/tenders/{tender_id}/open-evaluation",
    response={200: BuyerTenderOut, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="buyer_tenders_open_evaluation",
    summary="Open the bids for evaluation, after the submission deadline",
    description="Before the deadline: 409 `invalid_state`; bids stay sealed.",
)
def open_evaluation(request, tender_id: int):
    tender = actions.open_evaluation(tender=buyer_tender(request, tender_id), by=request.user)
    return _tender_out(tender)
