"""API: failure scenarios, for the resilience team (a platform role) only. Anyone else signed
in is answered 403 `forbidden` on every operation, whatever they ask for; a team member asking
for a scenario id that does not exist gets 404 `not_found`. ROUTERS: (prefix, router) pairs."""

from ninja import Router, Status
from ninja.pagination import paginate

from levelfield.accounts.api_auth import api_auth
from levelfield.core.api_helpers import SIGNED_IN_ERRORS, Pages, errors

from . import actions_scenarios, selectors_scenarios
from .api_access import team_only
from .schemas_scenarios import (
    ScenarioDetailOut,
    ScenarioIn,
    ScenarioOut,
    ScenarioPreviewIn,
    ScenarioReportOut,
)

router = Router(auth=api_auth, tags=["Resilience team: failure scenarios"])
ROUTERS = (("/resilience", router),)

TEAM_ONLY = (
    "The resilience team only (a platform role): anyone else, a platform admin not on the team "
    "included, is answered 403 `forbidden`. "
)
REPORT = (
    "The report: the failed group (the suppliers chosen and the group entities of their latest "
    "submitted living wills), the contracts in force on `as_of` with their annual values, the "
    "authorities, the critical services, people served and continuity plans from the submitted "
    "living wills, subcontractors (shared when suppliers outside the group rely on them too), "
    "the five best candidate replacement suppliers per contract with the reasons for their "
    "scores (never the failed suppliers nor their group), and the dependency map's nodes and "
    "edges. "
)
INVALID = (
    "422 `invalid_scenario` listing every problem in `details`: no supplier, an id that is no "
    "registered supplier, a date out of range"
)


@router.get(
    "/scenarios",
    response={200: list[ScenarioOut], **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="resilience_scenarios_list",
    summary="Saved failure scenarios",
    description=TEAM_ONLY + "Newest first. Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def list_scenarios(request):
    team_only(request, "Only the resilience team can run failure scenarios")
    return selectors_scenarios.scenarios()


@router.post(
    "/scenarios",
    response={201: ScenarioDetailOut, **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="resilience_scenarios_create",
    summary="Save a failure scenario",
    description=TEAM_ONLY
    + "Saves which suppliers fail on which day, and answers the scenario with its report. "
    + REPORT
    + INVALID
    + ", or an empty name.",
)
def create_scenario(request, payload: ScenarioIn):
    team_only(request, "Only the resilience team can run failure scenarios")
    scenario = actions_scenarios.create_scenario(
        name=payload.name,
        supplier_ids=payload.supplier_ids,
        as_of=payload.as_of,
        by=request.user,
    )
    return Status(201, scenario)  # ScenarioDetailOut works out its report


@router.post(
    "/scenarios/preview",
    response={200: ScenarioReportOut, **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="resilience_scenarios_preview",
    summary="A failure scenario's report, without saving it",
    description=TEAM_ONLY + REPORT + INVALID + ".",
)
def preview_scenario(request, payload: ScenarioPreviewIn):
    team_only(request, "Only the resilience team can run failure scenarios")
    return selectors_scenarios.preview(supplier_ids=payload.supplier_ids, as_of=payload.as_of)


@router.get(
    "/scenarios/{scenario_id}",
    response={200: ScenarioDetailOut, **errors(*SIGNED_IN_ERRORS, 404, 422)},
    operation_id="resilience_scenarios_get",
    summary="A saved failure scenario and its report",
    description=TEAM_ONLY
    + "The report is worked out from the data as it is now, for the scenario's date. "
    + REPORT
    + "404 `not_found` for an id that is no scenario.",
)
def get_scenario(request, scenario_id: int):
    team_only(request, "Only the resilience team can run failure scenarios")
    return selectors_scenarios.scenario(scenario_id)  # ScenarioDetailOut works out its report
