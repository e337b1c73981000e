"""The marketplace's API for buying from the catalogue (a buyer's staff; admins and officers
change things, evaluators read): the catalogue search with its facet counts, projects (list,
start, read), saving a search into a project, ending it (the shortlist frozen), the shortlist,
and the outcome (a call-off awarded, which signs its contract: buyer admins; or not).
ROUTERS lists each router with its prefix (levelfield/api.py adds them)."""

from django.http import Http404, HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate
from ninja.renderers import JSONRenderer

from levelfield.accounts.api_auth import api_auth
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, SIGNED_IN_ERRORS, Pages, errors
from levelfield.core.errors import DomainError, PermissionDenied

from . import rules, search, search_responses
from . import selectors_buying as selectors
from .actions import outcomes, projects
from .models import Project
from .schemas_buying import (
    MpOutcomeIn,
    MpOutcomeOut,
    MpProjectDetailOut,
    MpProjectIn,
    MpProjectOut,
    MpSavedSearchOut,
    MpSearchIn,
    MpSearchOut,
    MpSearchQueryIn,
    MpShortlistEntryOut,
)

router = Router(auth=api_auth, tags=["Marketplace: buying"])
ROUTERS = (("/marketplace", router),)

READERS = "For a buyer's staff (403 `forbidden` for anyone else)."
RUNNERS = "Buyer admins and officers (403 `forbidden` for evaluators)."
# A project is found only among those of the organisation the caller acts for: for anyone else
# (a supplier's staff included) it is not there, rather than forbidden.
NOT_YOURS = (
    " Another organisation's project, or any project for someone not on a buyer's staff, is "
    "404 `not_found`."
)
PROJECT_READERS = "For a buyer's staff." + NOT_YOURS
PROJECT_RUNNERS = RUNNERS + NOT_YOURS
PRICE_ORDER = (
    "400 `validation_error` for a lowest price above the highest (the problem in `details`). "
)


SEARCHED_BY = "The catalogue is searched by buyers' staff"
PROJECTS_BY = "Catalogue projects are a buyer's: its staff start and read them"


def _reader(request, refusal: str = SEARCHED_BY):
    organisation = getattr(request, "organisation", None)
    if not rules.is_buyer_reader(request.user, organisation):
        raise PermissionDenied(refusal)
    return organisation


def _project(request, project_id: int, *, staff: bool = False) -> Project:
    """The project of the buyer the caller acts for, or 404 (as on the pages)."""
    project = selectors.project_for(
        request.user, getattr(request, "organisation", None), project_id
    )
    if project is None:
        raise Http404("No project of yours has that number")
    if staff:
        rules.require_buyer_staff(request.user, project.buyer)
    return project


def _criteria(data: dict) -> search.Criteria:
    criteria, problems = search.read_criteria(data)
    if problems:
        details = [f"{name}: {text}" for name, text in problems.items()]
        raise DomainError(details[0], code="validation_error", details=details)
    return criteria


def _outcome(project: Project) -> dict | None:
    outcome = selectors.outcome_of(project)
    if outcome is None:
        return None
    return {
        "awarded": outcome.awarded,
        "entry_id": outcome.entry_id,
        "value": outcome.value,
        "start_date": outcome.start_date,
        "end_date": outcome.end_date,
        "reason": outcome.reason,
        "contract_id": outcome.contract_id,
        "contract_reference": outcome.contract.reference if outcome.contract else None,
        "previous_cost": outcome.previous_cost,
        "previous_supplier": outcome.previous_supplier,
        "saving": outcome.saving,
        "recorded_at": outcome.recorded_at,
    }


def _summary(project: Project) -> dict:
    return {
        "id": project.pk,
        "reference": project.reference,
        "name": project.name,
        "need": project.need,
        "status": project.status,
        "framework": project.framework.reference if project.framework else None,
        "created_at": project.created_at,
        "ended_at": project.ended_at,
    }


def _detail(project: Project) -> dict:
    project = Project.objects.select_related("framework").get(pk=project.pk)
    return {
        **_summary(project),
        "searches": list(project.searches.order_by("-number")),
        "shortlist": selectors.shortlist(project),
        "outcome": _outcome(project),
    }


@router.get(
    "/search",
    response={200: MpSearchOut, **errors(*SIGNED_IN_ERRORS, 400, 422)},
    operation_id="marketplace_search",
    summary="Search the catalogue: live services, with each facet value's count",
    description="Live services on live frameworks matching every filter given; with `q` the "
    "most relevant first (on PostgreSQL: stemmed English full text, the name weighted above "
    "the rest), else by name, or by price with `sort`. Each facet value's count is how many "
    "services it would leave beside the other facets chosen. 20 a page. The newest 1,001 "
    "matches are put in order (by name without `q`: the first 1,001): past 1,000, `more_than` "
    "says so and the search should be narrowed. The facet counts are of the newest 1,000 "
    "services matching `q` and the price range (`facets_capped` when more match). "
    + PRICE_ORDER
    + READERS,
)
def catalogue_search(request, filters: Query[MpSearchQueryIn]):
    _reader(request)
    data = filters.model_dump()
    criteria = _criteria(data)
    # The same answer for every buyer's staff: kept whole under the catalogue's generation.
    return search_responses.api_response(
        criteria, data["page"], lambda: _search_response(request, criteria, data["page"])
    )


def _search_response(request, criteria: search.Criteria, page: int):
    """The search's answer made as the operation's own would be (MpSearchOut, ninja's renderer)."""
    results = search.search(criteria, page=page)
    answer = MpSearchOut.model_validate(
        {
            "total": results.total,
            "more_than": results.more_than,
            "facets_capped": results.facets_capped,
            "page": results.page,
            "pages": results.pages,
            "per_page": results.per_page,
            "results": results.listings,
            "facets": list(results.facets.values()),
        },
        context={"request": request, "response_status": 200},
    )
    renderer = JSONRenderer()  # the API's renderer (levelfield.api sets no other)
    return HttpResponse(
        renderer.render(request, answer.model_dump(), response_status=200),
        content_type=f"{renderer.media_type}; charset={renderer.charset}",
    )


@router.get(
    "/projects",
    response={200: list[MpProjectOut], **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="marketplace_projects_list",
    summary="Your organisation's catalogue projects, newest first",
    description=READERS + " Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def projects_list(request):
    organisation = _reader(request, PROJECTS_BY)
    return [_summary(project) for project in selectors.projects_for(organisation)]


@router.post(
    "/projects",
    response={201: MpProjectDetailOut, **errors(*SIGNED_IN_ERRORS, 400)},
    operation_id="marketplace_project_create",
    summary="Start a catalogue project",
    description="Its reference is your next P-<year>-<number>. 400 `validation_error` for a "
    "name left blank. Buyer admins and officers (403 `forbidden` for evaluators and anyone not "
    "on a buyer's staff).",
)
def project_create(request, payload: MpProjectIn):
    organisation = _reader(request, PROJECTS_BY)
    project = projects.create_project(
        buyer=organisation, by=request.user, name=payload.name, need=payload.need
    )
    return Status(201, _detail(project))


@router.get(
    "/projects/{project_id}",
    response={200: MpProjectDetailOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="marketplace_project_get",
    summary="One of your projects: its searches, frozen shortlist and outcome",
    description=PROJECT_READERS,
)
def project_get(request, project_id: int):
    return _detail(_project(request, project_id))


@router.post(
    "/projects/{project_id}/searches",
    response={201: MpSavedSearchOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="marketplace_project_search_save",
    summary="Save a search into the project (saving again refines it)",
    description="The same fields as the search. Numbered; the earlier searches are kept. 409 "
    "`invalid_state` once the project's search has ended. " + PRICE_ORDER + PROJECT_RUNNERS,
)
def search_save(request, project_id: int, payload: MpSearchIn):
    project = _project(request, project_id, staff=True)
    saved = projects.save_search(
        project=project, by=request.user, criteria=_criteria(payload.model_dump())
    )
    return Status(201, saved)


@router.post(
    "/projects/{project_id}/end",
    response={200: MpProjectDetailOut, **errors(*OWN_OBJECT_ERRORS, 409, 422)},
    operation_id="marketplace_project_end",
    summary="End the project's search: the shortlist is frozen",
    description="The latest saved search is run once more; its results (1 to "
    f"{projects.SHORTLIST_LIMIT} services on one framework, else 422 `rule_failed` saying how "
    "to refine it) become the shortlist, each with its listing's version and a copy of what it "
    "then said, unchanged when the listing changes later. 409 `invalid_state` once ended. "
    + PROJECT_RUNNERS,
)
def project_end(request, project_id: int):
    project = _project(request, project_id, staff=True)
    return _detail(projects.end_project(project=project, by=request.user))


@router.get(
    "/projects/{project_id}/shortlist",
    response={200: list[MpShortlistEntryOut], **errors(*OWN_OBJECT_ERRORS)},
    operation_id="marketplace_project_shortlist",
    summary="The project's frozen shortlist, in its order",
    description="Empty until the search ends. " + PROJECT_READERS,
)
def shortlist(request, project_id: int):
    return selectors.shortlist(_project(request, project_id))


@router.post(
    "/projects/{project_id}/outcome",
    response={201: MpOutcomeOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="marketplace_project_outcome",
    summary="Record the outcome: a call-off awarded, or not",
    description="With `awarded` true: `entry_id` (a shortlist entry), `value`, `start_date`, "
    "`end_date` and `reason`; a call-off contract with the service's supplier is entered and "
    "signed (buyer admins only: 403 `forbidden` for officers), in your contract register, and "
    "published in OCDS with the framework as a related process. With `awarded` false: "
    "`reason`. 409 "
    "`invalid_state` before the search has ended or once an outcome is recorded; 400 "
    "`validation_error` lists every problem of the award and of its contract (a field left "
    "out, the reason, the value, dates in order and in range) at once in `details`, "
    "including a service whose listing has been withdrawn since the shortlist was frozen or "
    "whose framework is no longer live (record no award instead). " + PROJECT_RUNNERS,
)
def outcome(request, project_id: int, payload: MpOutcomeIn):
    project = _project(request, project_id, staff=True)
    if payload.awarded:
        # A field left out is one of the award's problems, named with every other (the action
        # checks them all at once), not a refusal of its own that hides the rest.
        outcomes.award(
            project=project,
            by=request.user,
            entry_id=payload.entry_id,
            value=payload.value,
            start_date=payload.start_date,
            end_date=payload.end_date,
            reason=payload.reason,
            previous_cost=payload.previous_cost,
            previous_supplier=payload.previous_supplier,
        )
    else:
        outcomes.not_awarded(project=project, by=request.user, reason=payload.reason)
    return Status(201, _outcome(project))
