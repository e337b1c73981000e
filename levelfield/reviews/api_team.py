"""The API for the review team: every case (overdue first), triage, requests for a response,
findings, follow-ups, closing and publication. Anyone not on the team is 403 `forbidden`."""

from ninja import Router, Status
from ninja.pagination import paginate

from levelfield.accounts.api_auth import api_auth
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, SIGNED_IN_ERRORS, Pages, errors
from levelfield.core.errors import DomainError

from . import actions, selectors
from .actions.investigation import askable
from .api_common import TEAM_ONLY, team_case, team_only
from .schemas import (
    ReviewAcceptIn,
    ReviewCaseSummaryOut,
    ReviewCloseIn,
    ReviewFindingsIn,
    ReviewFollowUpIn,
    ReviewPublishIn,
    ReviewRejectIn,
    ReviewRequestIn,
    ReviewTeamCaseOut,
)

router = Router(auth=api_auth, tags=["Review service: the review team"])
ROUTERS = (("/reviews/team", router),)

CHANGE_ERRORS = errors(*OWN_OBJECT_ERRORS, 400, 409, 422)
STATE = "409 `invalid_state` where the case's state does not allow it. "


def _case(request, case_id: int):
    return selectors.team_case(request.user, case_id)


@router.get(
    "/cases",
    response={200: list[ReviewCaseSummaryOut], **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="reviews_team_cases",
    summary="Every case: overdue first, then awaiting triage, then by due date",
    description=TEAM_ONLY + "`status` and `kind` filter. Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def cases(request, status: str = "", kind: str = ""):
    team_only(request)
    return selectors.team_cases(request.user, status=status, kind=kind)


@router.get(
    "/cases/{case_id}",
    response={200: ReviewTeamCaseOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="reviews_team_case",
    summary="A case with everything: the raiser, requests and responses, invoices",
    description=TEAM_ONLY + "404 `not_found` for an id that is no case.",
)
def case(request, case_id: int):
    return team_case(request, case_id)


@router.post(
    "/cases/{case_id}/accept",
    response={200: ReviewTeamCaseOut, **CHANGE_ERRORS},
    operation_id="reviews_team_case_accept",
    summary="Accept a case: its target clock starts",
    description=TEAM_ONLY + STATE + "`sector` corrects the authority's sector (central "
    "government 2 months, wider public sector 3).",
)
def accept(request, case_id: int, payload: ReviewAcceptIn):
    actions.accept_case(case=team_case(request, case_id), by=request.user, sector=payload.sector)
    return _case(request, case_id)


@router.post(
    "/cases/{case_id}/reject",
    response={200: ReviewTeamCaseOut, **CHANGE_ERRORS},
    operation_id="reviews_team_case_reject",
    summary="Reject a case, with the reason sent to the raiser",
    description=TEAM_ONLY + STATE + "400 `reason_required`.",
)
def reject(request, case_id: int, payload: ReviewRejectIn):
    actions.reject_case(case=team_case(request, case_id), by=request.user, reason=payload.reason)
    return _case(request, case_id)


@router.post(
    "/cases/{case_id}/requests",
    response={201: ReviewTeamCaseOut, **CHANGE_ERRORS},
    operation_id="reviews_team_request_response",
    summary="Ask the authority (or the prime contractor) for a response by a date",
    description=TEAM_ONLY + STATE + "400 `not_asked_about_case` for an organisation the case "
    "is not about, `due_on_past`, `question_required`, `names_the_raiser` (an anonymous "
    "case's question naming the raiser).",
)
def request_response(request, case_id: int, payload: ReviewRequestIn):
    case = team_case(request, case_id)
    organisation = next((o for o in askable(case) if o.pk == payload.organisation_id), None)
    if organisation is None:
        raise DomainError(
            "Ask the authority or the prime contractor the case is about",
            code="not_asked_about_case",
        )
    actions.request_response(
        case=case,
        by=request.user,
        organisation=organisation,
        question=payload.question,
        due_on=payload.due_on,
    )
    return Status(201, _case(request, case_id))


@router.post(
    "/cases/{case_id}/findings",
    response={200: ReviewTeamCaseOut, **CHANGE_ERRORS},
    operation_id="reviews_team_findings",
    summary="Record findings and recommendations",
    description=TEAM_ONLY + STATE + "Read by the raiser and the organisations asked. 400 "
    "`names_the_raiser` for an anonymous case's text naming the raiser.",
)
def findings(request, case_id: int, payload: ReviewFindingsIn):
    actions.record_findings(
        case=team_case(request, case_id), by=request.user, **payload.model_dump()
    )
    return _case(request, case_id)


@router.post(
    "/cases/{case_id}/follow-ups",
    response={201: ReviewTeamCaseOut, **CHANGE_ERRORS},
    operation_id="reviews_team_follow_up",
    summary="Record a follow-up of the recommendations",
    description=TEAM_ONLY + STATE,
)
def follow_up(request, case_id: int, payload: ReviewFollowUpIn):
    actions.record_follow_up(case=team_case(request, case_id), by=request.user, note=payload.note)
    return Status(201, _case(request, case_id))


@router.post(
    "/cases/{case_id}/close",
    response={200: ReviewTeamCaseOut, **CHANGE_ERRORS},
    operation_id="reviews_team_close",
    summary="Close a case with its outcome (review managers)",
    description=TEAM_ONLY
    + "A reviewer who is not a review manager is 403 `forbidden`. "
    + STATE
    + "`amount_unblocked`: late payments the case got paid, in pounds.",
)
def close(request, case_id: int, payload: ReviewCloseIn):
    actions.close_case(case=team_case(request, case_id), by=request.user, **payload.model_dump())
    return _case(request, case_id)


@router.post(
    "/cases/{case_id}/publish",
    response={200: ReviewTeamCaseOut, **CHANGE_ERRORS},
    operation_id="reviews_team_publish",
    summary="Publish a closed case's outcome (review managers)",
    description=TEAM_ONLY + "409 `invalid_state` unless the case is closed and not yet "
    "published (an open or rejected case is never published). The summary names the "
    "authority and the procurement, never the raiser (400 `names_the_raiser`).",
)
def publish(request, case_id: int, payload: ReviewPublishIn):
    actions.publish_outcome(
        case=team_case(request, case_id), by=request.user, public_summary=payload.public_summary
    )
    return _case(request, case_id)
