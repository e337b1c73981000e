"""Private correspondence between a buyer and one bidder, for both sides. A thread is found
only through the caller's organisation (`Thread.objects.for_buyer` / `for_supplier`) and then
the rules: another buyer's or bidder's thread, and any thread for an evaluator, is 404
`not_found`. Attachments are sent on the pages; the API lists them."""

from django.http import Http404
from ninja import Router, Status
from ninja.pagination import paginate

from levelfield.accounts.api_auth import acting_supplier, api_auth
from levelfield.accounts.models import Organisation
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, SIGNED_IN_ERRORS, Pages, errors
from levelfield.tenders.api_common import buyer_tender

from . import actions, selectors
from .schemas import (
    CorrespondenceBidderOut,
    CorrespondenceMessageIn,
    CorrespondenceMessageOut,
    CorrespondenceReadOut,
    CorrespondenceStartIn,
    CorrespondenceThreadDetailOut,
    CorrespondenceThreadOut,
)

buyer_router = Router(auth=api_auth, tags=["Buyer: correspondence with bidders"])
supplier_router = Router(auth=api_auth, tags=["Supplier: correspondence with buyers"])
thread_router = Router(auth=api_auth, tags=["Correspondence (buyer and bidder)"])
ROUTERS = (
    ("/buyer", buyer_router),
    ("/supplier", supplier_router),
    ("/correspondence", thread_router),
)

SEND_REFUSALS = (
    "422 `validation_error` for an empty or too long text, 422 `invalid_message` for one "
    "of spaces only. "
)


def _tender(request, tender_id: int):
    """One of the caller's tenders that they run; an evaluator's is 404 like another buyer's."""
    tender = buyer_tender(request, tender_id)
    if not request.user.has_perm("correspondence.view_record", tender):
        raise Http404("No correspondence of yours here")
    return tender


def _thread(request, thread_id: int):
    thread = selectors.thread_for(getattr(request, "organisation", None), thread_id)
    side = selectors.side_of(request.user, thread) if thread else None
    if side is None:
        raise Http404("No correspondence of yours has that number")
    return thread, side


def _detail(thread, side: str):
    """The thread with its messages and the unread count of `side`, for the detail schema."""
    thread.listed_messages = list(selectors.messages_of(thread))
    thread.unread = sum(
        1
        for m in thread.listed_messages
        if m.side != side and not any(r.side == side for r in m.receipts.all())
    )
    return thread


@buyer_router.get(
    "/tenders/{tender_id}/correspondence",
    response={200: list[CorrespondenceThreadOut], **errors(*OWN_OBJECT_ERRORS)},
    operation_id="buyer_correspondence_list",
    summary="Your threads with bidders on a tender",
    description="Newest message first, with each thread's unread count for your side. Buyer "
    "officers and admins only (evaluators: 404 `not_found`). Paginated with `limit` and "
    "`offset`.",
)
@paginate(Pages)
def list_tender_threads(request, tender_id: int):
    return selectors.threads_of_tender(_tender(request, tender_id))


@buyer_router.get(
    "/tenders/{tender_id}/correspondence/bidders",
    response={200: list[CorrespondenceBidderOut], **errors(*OWN_OBJECT_ERRORS)},
    operation_id="buyer_correspondence_bidders",
    summary="The bidders you may write to",
    description="Organisations whose submitted bid was unsealed at the deadline; an empty "
    "list before the deadline.",
)
def bidders(request, tender_id: int):
    return list(selectors.bidders_of(_tender(request, tender_id)))


@buyer_router.post(
    "/tenders/{tender_id}/correspondence",
    response={201: CorrespondenceThreadDetailOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_correspondence_start",
    summary="Write privately to one bidder",
    description="After the submission deadline only: before it, 409 `sealed` (questions go "
    "through the published clarifications). 422 `not_a_bidder` for an organisation that did "
    "not submit a bid; " + SEND_REFUSALS + "The bidder's people are emailed a link, not the "
    "message.",
)
def start_thread(request, tender_id: int, payload: CorrespondenceStartIn):
    tender = _tender(request, tender_id)
    thread = actions.start_thread(
        tender=tender,
        supplier=Organisation.objects.filter(pk=payload.supplier_id).first(),
        by=request.user,
        purpose=payload.purpose,
        subject=payload.subject,
        body=payload.body,
    )
    return Status(201, _detail(thread, "buyer"))


@supplier_router.get(
    "/correspondence",
    response={200: list[CorrespondenceThreadOut], **errors(*SIGNED_IN_ERRORS)},
    operation_id="supplier_correspondence_list",
    summary="Your threads with buyers",
    description="Across tenders, your consortia's included; newest message first, with each "
    "thread's unread count for your side. Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def list_supplier_threads(request):
    return selectors.threads_of_supplier(acting_supplier(request))


@thread_router.get(
    "/threads/{thread_id}",
    response={200: CorrespondenceThreadDetailOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="correspondence_thread_get",
    summary="A thread with its messages",
    description="For the tender's buyer officers and admins and for the bidder's people. "
    "Reading it here does not mark it read: POST `/read` does.",
)
def get_thread(request, thread_id: int):
    return _detail(*_thread(request, thread_id))


@thread_router.post(
    "/threads/{thread_id}/messages",
    response={201: CorrespondenceMessageOut, **errors(*OWN_OBJECT_ERRORS, 400, 422)},
    operation_id="correspondence_message_send",
    summary="Send a message in a thread",
    description="Sent messages never change: a correction is another message. "
    + SEND_REFUSALS
    + "In a consortium's thread only the lead's people write (403 `forbidden`). The other "
    "side is emailed a link, not the message.",
)
def send_message(request, thread_id: int, payload: CorrespondenceMessageIn):
    thread, _ = _thread(request, thread_id)
    message = actions.send_message(thread=thread, by=request.user, body=payload.body)
    return Status(201, selectors.messages_of(thread).get(pk=message.pk))


@thread_router.post(
    "/threads/{thread_id}/read",
    response={200: CorrespondenceReadOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="correspondence_thread_read",
    summary="Mark the other side's messages read",
    description="Keeps the first reading of each message, as the thread page does.",
)
def mark_read(request, thread_id: int):
    thread, _ = _thread(request, thread_id)
    return {"read": actions.mark_read(thread=thread, by=request.user)}
