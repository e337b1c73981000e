"""The API for a respondent: the buyer (admins and officers) or prime contractor (admins) the
review team asked for a response. The raiser of an anonymous case is in no answer here."""

from django.http import Http404
from ninja import File, Form, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate

from levelfield.accounts.api_auth import api_auth
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, SIGNED_IN_ERRORS, Pages, errors
from levelfield.core.errors import InvalidTransition

from . import actions, selectors
from .schemas import ReviewRespondentCaseOut, ReviewResponseIn

router = Router(auth=api_auth, tags=["Review service: responding to a request"])
ROUTERS = (("/reviews", router),)


def _case(request, case_id: int):
    found = selectors.respondent_case(request.user, case_id)
    if found is None:
        raise Http404("No case your organisation was asked about has that id")
    return found


@router.get(
    "/requests",
    response={200: list[ReviewRespondentCaseOut], **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="reviews_respondent_cases",
    summary="The cases your organisation was asked to respond to",
    description="Those with a request open first, soonest due first. The raiser is named only "
    "when they agreed that the buyer may know. Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def requests(request):
    return selectors.respondent_cases(request.user)


@router.get(
    "/requests/{case_id}",
    response={200: ReviewRespondentCaseOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="reviews_respondent_case",
    summary="A case your organisation was asked about: the requests, findings, outcome",
    description="404 `not_found` for a case your organisation was not asked about.",
)
def case(request, case_id: int):
    return _case(request, case_id)


@router.post(
    "/requests/{case_id}/response",
    response={200: ReviewRespondentCaseOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="reviews_respondent_respond",
    summary="Respond to the open request, with documents (multipart)",
    description="The field `response` and up to 10 files `documents` (checked as every upload "
    "is). 409 `invalid_state` when no request is open for your organisation.",
)
def respond(
    request,
    case_id: int,
    payload: Form[ReviewResponseIn],
    documents: File[list[UploadedFile]] = None,  # type: ignore[assignment]
):
    _case(request, case_id)
    open_request = selectors.open_request_for(request.user, case_id)
    if open_request is None:
        raise InvalidTransition("No request is open for your organisation's response")
    actions.respond(
        request=open_request, by=request.user, response=payload.response, documents=documents or []
    )
    return _case(request, case_id)
