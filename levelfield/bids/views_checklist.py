"""The bid checklist on pages: on the bid page (a GOV.UK task list, refreshed after each
autosave) and on the supplier's page for a whole tender, where each lot's bid shows its status
and checklist and is submitted on its own: a problem on one lot never stops another."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from levelfield.core.errors import DomainError
from levelfield.suppliers import selectors as supplier_selectors
from levelfield.suppliers.models import BidDeclaration
from levelfield.suppliers.templatetags.suppliers import bid_page_url
from levelfield.tenders.models import Tender

from . import actions
from .checklist import Kind, bid_checklist, lots_of_tender
from .views import _bidder, _own_bid, supplier_required


def fix_href(item, bid, bid_page: str, *, on_bid_page: bool) -> str:
    """Where an item is put right: the field on the bid page, or the page that holds it."""
    page = "" if on_bid_page else bid_page
    if item.kind == Kind.PRICE:
        return f"{page}#id_price"
    if item.kind == Kind.ANSWER:
        return f"{page}#id_answer_{item.question_id}"
    if item.kind == Kind.ATTACHMENTS:
        return f"{page}#attachments"
    if item.own_declaration:
        return reverse("suppliers:declaration")
    if item.role == BidDeclaration.Role.MEMBER:
        consortium = supplier_selectors.consortium_of(bid.supplier)
        return reverse("suppliers:consortium", args=[consortium.pk]) if consortium else ""
    return reverse("suppliers:subcontractors", args=[bid.pk])


def checklist_rows(checklist, bid, request, *, on_bid_page: bool) -> list[dict]:
    """Each item with its link and the ids the task list needs."""
    bid_page = bid_page_url(bid, request.organisation)
    return [
        {
            "item": item,
            "id": f"lot-{bid.lot.number}-item-{index}",
            "href": fix_href(item, bid, bid_page, on_bid_page=on_bid_page),
        }
        for index, item in enumerate(checklist.items, start=1)
    ]


@supplier_required
def checklist_fragment(request, bid_id: int):
    """The bid page's task list alone, which the page fetches again after each autosave."""
    bid = _own_bid(request, bid_id)
    if not (bid.is_editable and bid.lot.tender.is_open_for_bids):
        raise Http404("This bid cannot change")
    checklist = bid_checklist(bid)
    return render(
        request,
        "bids/_checklist.html",
        {
            "bid": bid,
            "checklist": checklist,
            "rows": checklist_rows(checklist, bid, request, on_bid_page=True),
        },
    )


def _tender_page(request, tender, *, refused=None, status=200):
    organisation = _bidder(request)
    lots = [
        {
            "lot": entry.lot,
            "bid": entry.bid,
            "checklist": entry.checklist,
            "rows": checklist_rows(entry.checklist, entry.bid, request, on_bid_page=False)
            if entry.checklist
            else [],
            "bid_page": bid_page_url(entry.bid, request.organisation)
            if entry.bid
            else reverse("bids:edit", args=[entry.lot.pk])
            + (f"?for={organisation.pk}" if organisation.pk != request.organisation.pk else ""),
        }
        for entry in lots_of_tender(organisation, tender)
    ]
    return render(
        request,
        "bids/tender.html",
        {
            "tender": tender,
            "bidder": organisation,
            "lots": lots,
            "refused": refused,
            "for_query": f"?for={organisation.pk}"
            if organisation.pk != request.organisation.pk
            else "",
        },
        status=status,
    )


def _public_tender(reference: str) -> Tender:
    return get_object_or_404(Tender.objects.public(), reference=reference)


@supplier_required
def tender_bids(request, reference: str):
    """Your bids on every lot of a tender: each lot's status and checklist."""
    return _tender_page(request, _public_tender(reference))


@supplier_required
@require_POST
def submit_lot(request, bid_id: int):
    """Submit one lot's bid from the tender's page. A refusal names what to put right on that
    lot; the other lots are untouched and can be submitted as they are."""
    bid = _own_bid(request, bid_id, "bids.submit_bid")
    tender = bid.lot.tender
    try:
        receipt = actions.submit_bid(bid=bid, by=request.user)
    except DomainError as exc:
        refused = {
            "lot": bid.lot,
            "message": f"Your bid for lot {bid.lot.number} was not submitted",
            "problems": exc.details or [exc.message],
        }
        return _tender_page(request, tender, refused=refused, status=400)
    messages.success(
        request,
        f"Your bid for lot {bid.lot.number} has been submitted. Receipt: {receipt.sha256}",
    )
    query = f"?for={bid.supplier_id}" if bid.supplier_id != request.organisation.pk else ""
    return redirect(reverse("bids:tender", args=[tender.reference]) + query)
