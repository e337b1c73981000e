"""The case lifecycle: only the table's moves, each refused move a domain error that changes
nothing; publication only of closed cases, never of an open or rejected one (the database
refuses it too)."""

from datetime import timedelta
from itertools import product

import pytest
from django.db import IntegrityError, transaction

from levelfield.core import clock
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.models import AuditEvent
from levelfield.reviews import actions, lifecycle, selectors_public
from levelfield.reviews.lifecycle import ALLOWED, CaseStatus, check_transition
from levelfield.reviews.models import Case, CaseKind, Outcome


@pytest.mark.parametrize(("current", "target"), list(product(CaseStatus, CaseStatus)))
def test_only_the_tables_moves_are_allowed(current, target):
    if target in ALLOWED[current]:
        check_transition(current, target)
    else:
        with pytest.raises(InvalidTransition):
            check_transition(current, target)


def test_ended_cases_go_nowhere_and_every_open_one_can_close_or_move_on():
    assert ALLOWED[CaseStatus.CLOSED] == ALLOWED[CaseStatus.REJECTED] == set()
    for status in lifecycle.OPEN:
        assert ALLOWED[status], status


def raise_case(world, **extra):
    return actions.raise_case(
        by=world.raiser,
        kind=CaseKind.PROCUREMENT,
        description="The buyer asked for ten years of trading history.",
        raiser_organisation=world.supplier,
        tender=world.tender,
        **extra,
    )


def refused(error, call, case):
    """`call` raises `error` and leaves the case and the audit trail as they were."""
    before = (Case.objects.get(pk=case.pk).status, AuditEvent.objects.count())
    with pytest.raises(error):
        call()
    assert (Case.objects.get(pk=case.pk).status, AuditEvent.objects.count()) == before


def test_the_steps_refused_out_of_order(world):
    case = raise_case(world)
    due = clock.today_uk() + timedelta(days=10)
    ask = lambda: actions.request_response(  # noqa: E731
        case=case, by=world.reviewer, organisation=world.buyer, question="Why?", due_on=due
    )
    refused(InvalidTransition, ask, case)
    refused(
        InvalidTransition,
        lambda: actions.record_follow_up(case=case, by=world.reviewer, note="Checked"),
        case,
    )
    refused(
        InvalidTransition,
        lambda: actions.close_case(
            case=case, by=world.manager, outcome=Outcome.RESOLVED, summary="Done"
        ),
        case,
    )
    refused(
        DomainError, lambda: actions.reject_case(case=case, by=world.reviewer, reason=" "), case
    )
    actions.accept_case(case=case, by=world.reviewer)
    refused(InvalidTransition, lambda: actions.accept_case(case=case, by=world.reviewer), case)
    refused(
        InvalidTransition,
        lambda: actions.reject_case(case=case, by=world.reviewer, reason="Too late"),
        case,
    )
    request = ask()
    refused(InvalidTransition, ask, case)  # one request open at a time
    actions.respond(request=request, by=world.officer, response="Our policy says so.")
    refused(
        InvalidTransition,
        lambda: actions.respond(request=request, by=world.officer, response="Again."),
        case,
    )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.RESPONDED


def test_who_may_do_each_step(world):
    case = raise_case(world)
    refused(PermissionDenied, lambda: actions.accept_case(case=case, by=world.officer), case)
    refused(PermissionDenied, lambda: actions.accept_case(case=case, by=world.raiser), case)
    actions.accept_case(case=case, by=world.reviewer)
    request = actions.request_response(
        case=case,
        by=world.reviewer,
        organisation=world.buyer,
        question="Why?",
        due_on=clock.today_uk() + timedelta(days=5),
    )
    refused(
        PermissionDenied,
        lambda: actions.respond(request=request, by=world.raiser, response="Not mine"),
        case,
    )
    actions.respond(request=request, by=world.officer, response="Because.")
    actions.record_findings(
        case=case, by=world.reviewer, findings="Too much.", recommendations="Ask for less."
    )
    # Closing and publishing are the review manager's.
    refused(
        PermissionDenied,
        lambda: actions.close_case(
            case=case, by=world.reviewer, outcome=Outcome.RESOLVED, summary="Done"
        ),
        case,
    )
    actions.close_case(case=case, by=world.manager, outcome=Outcome.RESOLVED, summary="Done")
    refused(
        PermissionDenied,
        lambda: actions.publish_outcome(case=case, by=world.reviewer, public_summary="Done"),
        case,
    )


def test_published_outcomes_never_include_an_open_or_rejected_case(world):
    open_case = actions.accept_case(case=raise_case(world), by=world.reviewer)
    rejected = actions.reject_case(
        case=raise_case(world), by=world.reviewer, reason="Not about a procurement"
    )
    closed = actions.accept_case(case=raise_case(world), by=world.reviewer)
    closed = actions.close_case(
        case=closed, by=world.manager, outcome=Outcome.NO_FURTHER_ACTION, summary="Within rules"
    )
    for case in (open_case, rejected):
        refused(
            InvalidTransition,
            lambda case=case: actions.publish_outcome(
                case=case, by=world.manager, public_summary="Published"
            ),
            case,
        )
    assert selectors_public.published_outcomes() == []
    actions.publish_outcome(case=closed, by=world.manager, public_summary="The rules were met.")
    refused(
        InvalidTransition,
        lambda: actions.publish_outcome(case=closed, by=world.manager, public_summary="Twice"),
        closed,
    )
    published = selectors_public.published_outcomes()
    assert [o.reference for o in published] == [closed.reference]
    assert published[0].authority == world.buyer.name
    assert published[0].procurement == f"{world.tender.reference}: {world.tender.title}"
    assert selectors_public.published_outcome(open_case.pk) is None
    assert selectors_public.published_outcome(rejected.pk) is None


def test_the_database_refuses_a_publication_of_a_case_not_closed(world):
    for case in (
        raise_case(world),
        actions.reject_case(case=raise_case(world), by=world.reviewer, reason="No"),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Case.objects.filter(pk=case.pk).update(published_at=clock.now())


def test_each_step_is_audited_with_who_did_it(world):
    case = raise_case(world)
    actions.accept_case(case=case, by=world.reviewer)
    actions.close_case(case=case, by=world.manager, outcome=Outcome.RESOLVED, summary="Done")
    actions.publish_outcome(case=case, by=world.manager, public_summary="Done")
    events = AuditEvent.objects.filter(object_type="reviews.case", object_id=str(case.pk))
    assert [(e.action, e.actor) for e in events.order_by("id")] == [
        ("review.raised", world.raiser),
        ("review.accepted", world.reviewer),
        ("review.closed", world.manager),
        ("review.published", world.manager),
    ]
    # No summary names the raiser.
    for event in events:
        assert world.raiser.full_name not in event.summary
        assert world.supplier.name not in event.summary
