"""What the review service's API modules share: finding a case for each viewer (404 for any
other), and turning the raise form's ids into objects."""

from django.http import Http404

from levelfield.accounts.models import Organisation
from levelfield.contracts.models import Contract, Invoice
from levelfield.core.errors import PermissionDenied
from levelfield.tenders.models import Tender

from . import selectors
from .models import Case
from .rules import is_review_team

TEAM_ONLY = (
    "For the review team (platform roles reviewer and review manager): anyone else is 403 "
    "`forbidden`. "
)


def team_only(request) -> None:
    if not is_review_team(request.user):
        raise PermissionDenied("This part of the API is for the review team")


def team_case(request, case_id: int) -> Case:
    team_only(request)
    case = selectors.team_case(request.user, case_id)
    if case is None:
        raise Http404("No case has that id")
    return case


def raiser_case(request, case_id: int) -> Case:
    case = selectors.raiser_case(request.user, case_id)
    if case is None:
        raise Http404("No case of yours has that id")
    return case


def _one(model, pk: int | None, what: str):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise Http404(f"No {what} has that id")
    return found


def raise_case_objects(payload) -> dict:
    """The objects the raise form names by id (404 for an id that is nothing)."""
    return {
        "raiser_organisation": _one(Organisation, payload.raiser_organisation_id, "organisation"),
        "tender": _one(Tender, payload.tender_id, "tender"),
        "contract": _one(Contract, payload.contract_id, "contract"),
        "invoice": _one(Invoice, payload.invoice_id, "invoice"),
        "authority": _one(Organisation, payload.authority_id, "organisation"),
    }
