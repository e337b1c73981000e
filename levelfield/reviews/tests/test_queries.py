"""The lists read in a fixed number of queries, however many cases they hold (no N+1): the
buyer's review requests and the team's cases."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from levelfield.core import clock
from levelfield.reviews import actions, selectors
from levelfield.reviews.models import CaseKind
from tests.support import testing


def asked_case(world, *, named: bool):
    case = actions.raise_case(
        by=world.raiser,
        kind=CaseKind.PROCUREMENT,
        description="The lots were too big.",
        raiser_organisation=world.supplier,
        buyer_may_know=named,
        tender=world.tender,
        evidence=[testing.pdf("ours.pdf")],
    )
    actions.accept_case(case=case, by=world.reviewer)
    request = actions.request_response(
        case=case,
        by=world.reviewer,
        organisation=world.buyer,
        question="Why one lot?",
        due_on=clock.today_uk() + timedelta(days=9),
    )
    actions.respond(
        request=request, by=world.officer, response="Because.", documents=[testing.pdf("a.pdf")]
    )
    actions.record_findings(case=case, by=world.reviewer, findings="F.", recommendations="R.")
    actions.record_follow_up(case=case, by=world.reviewer, note="Checked.")
    return case


def queries(read) -> int:
    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured)


def test_the_buyers_list_reads_in_the_same_queries_for_one_case_or_four(world):
    asked_case(world, named=True)
    one = queries(lambda: selectors.respondent_cases(world.officer))
    for named in (False, True, False):
        asked_case(world, named=named)
    assert len(selectors.respondent_cases(world.officer)) == 4
    assert queries(lambda: selectors.respondent_cases(world.officer)) == one


def test_the_teams_list_reads_in_the_same_queries_for_one_case_or_four(world):
    asked_case(world, named=False)
    one = queries(lambda: list(selectors.team_cases(world.reviewer)))
    for named in (True, False, True):
        asked_case(world, named=named)
    assert queries(lambda: list(selectors.team_cases(world.reviewer))) == one
