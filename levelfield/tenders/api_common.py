"""How the buyer's API routers (tenders, evaluation, award and contracts) find a tender and its
parts. A tender is found only through `Tender.objects.for_buyer` of the organisation the caller
acts for, so another buyer's tender is 404 `not_found`; so is a lot or question of another
tender."""

from django.shortcuts import get_object_or_404

from levelfield.accounts.api_auth import acting_buyer
from levelfield.core.errors import PermissionDenied

from .models import Lot, Question, Tender


def buyer_tender(request, tender_id: int) -> Tender:
    """One of the caller's own tenders; any other id (another buyer's included) is 404."""
    organisation = acting_buyer(request)
    tender = get_object_or_404(
        Tender.objects.for_buyer(organisation).select_related("buyer"), pk=tender_id
    )
    if not request.user.has_perm("tenders.view_tender_admin", tender):
        raise PermissionDenied("You do not work on this tender")
    return tender


def tender_lot(tender: Tender, lot_id: int) -> Lot:
    """One of the tender's lots, or 404."""
    return get_object_or_404(tender.lots.select_related("tender__buyer"), pk=lot_id)


def tender_question(tender: Tender, question_id: int) -> Question:
    """A question of one of the tender's lots, or 404."""
    return get_object_or_404(
        Question.objects.filter(lot__tender=tender).select_related("lot__tender__buyer"),
        pk=question_id,
    )
