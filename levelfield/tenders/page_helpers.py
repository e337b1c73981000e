"""How the buyer's pages (tenders, evaluation, award and contract) find what they show.

A tender is found only through `Tender.objects.for_buyer(request.organisation)`, so another
organisation's tender, or any tender for a supplier, is a 404. A missing permission is a 403;
the action checks it again.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Question, Tender


def buyer_organisation(request):
    """The buyer organisation the user is acting for; 404 for anyone else."""
    organisation = request.organisation
    if organisation is None or not organisation.is_buyer:
        raise Http404("Only buyer organisations have tenders")
    return organisation


def require_perm(request, perm: str, obj) -> None:
    """403 unless the user has `perm` on `obj`."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def buyer_tender(request, pk: int, perm: str | None = None, *, unsealed: bool = False) -> Tender:
    """The current organisation's tender, or 404; 403 without `perm` (when one is named).

    With `unsealed`, a tender whose bids are still sealed is a 404 too, checked after the
    permission: a page about the bids does not exist before the submission deadline.
    """
    tender = get_object_or_404(
        Tender.objects.for_buyer(buyer_organisation(request)).select_related("buyer"), pk=pk
    )
    if perm is not None:
        require_perm(request, perm, tender)
    if unsealed and not tender.bids_unsealed:
        raise Http404("Bids are sealed until the submission deadline")
    return tender


def tender_question(tender: Tender, question_id: int) -> Question:
    """A question of one of the tender's lots, with its lot; otherwise 404."""
    return get_object_or_404(
        Question.objects.filter(lot__tender=tender).select_related("lot"), pk=question_id
    )
