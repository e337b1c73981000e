"""A supplier's bids and clarification questions. Every read starts from the supplier's own bids
(`Bid.objects.for_supplier`); every change is a bids or tenders action."""

from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from levelfield.accounts.api_auth import acting_supplier, api_auth
from levelfield.contracts.models import AssessmentSummary
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, SIGNED_IN_ERRORS, Pages, errors
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.models import Lot, Tender

from . import actions
from .checklist import bid_checklist
from .models import Bid, BidAnswer
from .schemas import (
    AskedOut,
    AskIn,
    AssessmentSummaryOut,
    BidChecklistOut,
    BidPatch,
    ReceiptOut,
    SupplierBidOut,
    SupplierBidSummary,
)

router = Router(auth=api_auth, tags=["Supplier: bids"])


def _own_bids(request):
    return Bid.objects.for_supplier(acting_supplier(request)).select_related(
        "lot__tender", "supplier"
    )


def _own_bid(request, bid_id: int) -> Bid:
    """One of the caller's organisation's bids; anyone else's is 404."""
    return get_object_or_404(_own_bids(request), pk=bid_id)


def _bid_out(bid: Bid) -> Bid:
    """The bid as the API shows it, from a bid read with its lot, tender and supplier (as
    `_own_bids` reads it, or as the action returns it): the lot's questions (unless the action
    read them already), the attachments and the answers with their questions, read once for
    the answers shown and the checklist's problems. The bid itself is not read again."""
    prefetch_related_objects(
        [bid],
        "lot__questions",
        "attachments",
        Prefetch("answers", queryset=BidAnswer.objects.select_related("question")),
    )
    return bid


@router.get(
    "/bids",
    response={200: list[SupplierBidSummary], **errors(*SIGNED_IN_ERRORS)},
    operation_id="supplier_bids_list",
    summary="Your organisation's bids",
    description="Drafts, submitted and withdrawn bids, newest first. Paginated with `limit` "
    "and `offset`.",
)
@paginate(Pages)
def list_bids(request):
    return _own_bids(request).order_by("-updated_at", "-id")


@router.post(
    "/lots/{lot_id}/bid",
    response={200: SupplierBidOut, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="supplier_bids_start",
    summary="Start a bid for a lot, or get your draft",
    description="One bid per supplier per lot: calling again returns the same bid. After the "
    "submission deadline: 409 `deadline_passed`, and nothing is stored.",
)
def start_bid(request, lot_id: int):
    supplier = acting_supplier(request)
    lot = get_object_or_404(
        Lot.objects.filter(tender__in=Tender.objects.public()).select_related("tender"),
        pk=lot_id,
    )
    bid = actions.start_bid(lot=lot, supplier=supplier, by=request.user)
    return _bid_out(bid)


@router.get(
    "/bids/{bid_id}",
    response={200: SupplierBidOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="supplier_bids_get",
    summary="One of your bids",
    description="Your own organisation's bid only; any other id is 404 `not_found`.",
)
def get_bid(request, bid_id: int):
    return _bid_out(_own_bid(request, bid_id))


@router.patch(
    "/bids/{bid_id}",
    response={200: SupplierBidOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="supplier_bids_update",
    summary="Save your price and answers",
    description="Send only what changes. A submitted bid must be withdrawn before it changes "
    "(409 `invalid_state`); after the deadline nothing changes (409 `deadline_passed`).",
)
def update_bid(request, bid_id: int, payload: BidPatch):
    bid = _own_bid(request, bid_id)
    fields = payload.model_dump(exclude_unset=True)
    answers = {a["question_id"]: a["text"] for a in fields.get("answers") or []}
    bid = actions.save_bid(bid=bid, by=request.user, price=fields.get("price"), answers=answers)
    return _bid_out(bid)


@router.get(
    "/bids/{bid_id}/checklist",
    response={200: BidChecklistOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="supplier_bids_checklist",
    summary="What must be done before your bid can be submitted",
    description="One item per part of the bid: the price, each question's answer (given, and "
    "within the question's word limit), the attachments, and each exclusion declaration the "
    "bid relies on. Submitting refuses on exactly these items. Each lot's bid has its own "
    "checklist: a problem on one lot never stops another lot's bid being submitted.",
)
def checklist(request, bid_id: int):
    bid = _own_bid(request, bid_id)
    return bid_checklist(bid)


@router.post(
    "/bids/{bid_id}/submit",
    response={200: ReceiptOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="supplier_bids_submit",
    summary="Submit your bid and get a receipt",
    description="The receipt gives the server time of submission in UTC and the SHA-256 of "
    "exactly what was submitted. Refused on the bid's checklist (`GET "
    "/bids/{bid_id}/checklist`): a price or answer missing, or an answer over its question's "
    "word limit, is 400 `bid_incomplete` with every unfinished item in `details` (an answer "
    "over its limit stays saved as it is); an exclusion declaration missing, out of date or "
    "declaring a mandatory ground is 400 `exclusion_declaration`. After the deadline: 409 "
    "`deadline_passed`; a bid already submitted: 409 `invalid_state`.",
)
def submit_bid(request, bid_id: int):
    return actions.submit_bid(bid=_own_bid(request, bid_id), by=request.user)


@router.post(
    "/bids/{bid_id}/withdraw",
    response={200: ReceiptOut, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="supplier_bids_withdraw",
    summary="Withdraw your submitted bid, before the deadline",
    description="The bid can then be changed and submitted again.",
)
def withdraw_bid(request, bid_id: int):
    return actions.withdraw_bid(bid=_own_bid(request, bid_id), by=request.user)


@router.get(
    "/bids/{bid_id}/assessment-summary",
    response={200: AssessmentSummaryOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="supplier_bids_assessment_summary",
    summary="Your assessment summary, after the award decision",
    description="Your score per criterion beside the winner's. 404 `not_found` until the "
    "buyer has confirmed the award.",
)
def assessment_summary(request, bid_id: int):
    bid = _own_bid(request, bid_id)
    return get_object_or_404(AssessmentSummary.objects.filter(bid=bid))


@router.post(
    "/tenders/{reference}/questions",
    response={201: AskedOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="supplier_clarifications_ask",
    summary="Ask a clarification question",
    description="Before the clarification deadline only; after it, 409 `deadline_passed`. "
    "The answer is published to everyone without your name.",
)
def ask(request, reference: str, payload: AskIn):
    organisation = acting_supplier(request)
    tender = get_object_or_404(Tender.objects.public(), reference=reference)
    clarification = tender_actions.ask_question(
        tender=tender, by=request.user, organisation=organisation, question=payload.question
    )
    return Status(201, clarification)
