"""An evaluator who declares a conflict of interest leaves the evaluation: their assignments end
with an audit record, the buyer is told on the evaluation page and by email and is offered to
reassign, and moderation waits only for the evaluators still assigned."""

import pytest
from django.core import mail
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.core.errors import DomainError
from levelfield.core.models import AuditEvent
from levelfield.evaluation import actions
from levelfield.evaluation.models import (
    ConflictDeclaration,
    EvaluatorAssignment,
    ModeratedScore,
)
from tests.support import testing

from .test_pages import assign, moderate_url, q, score_url, signed_in


@pytest.fixture
def priya(buyer):
    return testing.member(buyer, Role.EVALUATOR, full_name="Priya Shah")


@pytest.fixture
def tom(buyer):
    return testing.member(buyer, Role.EVALUATOR, full_name="Tom Hughes")


@pytest.fixture
def tom_on_both_priya_on_one(in_evaluation, officer, priya, tom):
    """Priya scores question 1; Tom is on questions 1 and 2."""
    assign(in_evaluation, priya, officer, 1)
    assign(in_evaluation, tom, officer, 1)
    assign(in_evaluation, tom, officer, 2)
    return in_evaluation


def api_post(client, user, path: str, data: dict):
    _, secret = create_api_token(user=user, name="tests")
    return client.post(
        "/api" + path, data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )


def overview_url(tender):
    return reverse("evaluation:overview", args=[tender.pk])


def declare_conflict_as(client, user, tender):
    signed_in(client, user)
    return client.post(
        reverse("evaluation:declare", args=[tender.pk]),
        {"has_conflict": "yes", "details": "My brother works for Acorn Care Ltd."},
    )


def test_declaring_a_conflict_ends_the_evaluators_assignments_on_record(
    client, tom_on_both_priya_on_one, priya, tom
):
    tender = tom_on_both_priya_on_one
    first, second = q(tender, 1), q(tender, 2)

    response = declare_conflict_as(client, tom, tender)

    assert response.status_code == 302
    assert list(EvaluatorAssignment.objects.values_list("question", "evaluator")) == [
        (first.pk, priya.pk)
    ]
    declaration = ConflictDeclaration.objects.get(evaluator=tom)
    assert declaration.has_conflict
    assert set(declaration.withdrawn_from.all()) == {first, second}
    ended = AuditEvent.objects.filter(action="evaluation.unassigned").order_by("object_id")
    assert [(e.object_id, e.actor, e.data) for e in ended] == [
        (str(question.pk), tom, {"evaluator": tom.pk, "reason": "conflict_of_interest"})
        for question in sorted((first, second), key=lambda question: question.pk)
    ]
    # The evaluator is told what happened.
    page = client.get(overview_url(tender)).content.decode()
    assert "You declared a conflict of interest" in page
    assert "You have been removed from the questions you were asked to score" in page


def test_declaring_no_conflict_keeps_the_assignments(client, tom_on_both_priya_on_one, tom):
    signed_in(client, tom)
    client.post(
        reverse("evaluation:declare", args=[tom_on_both_priya_on_one.pk]), {"has_conflict": "no"}
    )
    assert EvaluatorAssignment.objects.filter(evaluator=tom).count() == 2
    assert not AuditEvent.objects.filter(action="evaluation.unassigned").exists()


def test_the_buyers_officers_and_admins_are_emailed_about_the_conflict(
    tom_on_both_priya_on_one, officer, buyer_admin, tom, django_capture_on_commit_callbacks
):
    tender = tom_on_both_priya_on_one
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.declare_conflict(
            tender=tender, by=tom, has_conflict=True, details="Shares in Acorn Care Ltd."
        )
    assert sorted(to for message in mail.outbox for to in message.to) == sorted(
        [officer.email, buyer_admin.email]
    )
    message = mail.outbox[0]
    assert message.subject == f"Conflict of interest declared on {tender.reference}"
    assert "Tom Hughes declared a conflict of interest" in message.body
    assert "They no longer evaluate lot 1, question 1; lot 1, question 2." in message.body
    # Question 1 still has Priya; question 2 has nobody now.
    assign_url = reverse("evaluation:assign", args=[tender.pk])
    assert "No evaluator is left on lot 1, question 2. Choose another evaluator: " in message.body
    assert message.body.endswith(assign_url)


def test_the_buyer_is_told_reassigns_and_moderation_then_succeeds(
    client, tom_on_both_priya_on_one, officer, priya, tom, bids
):
    tender = tom_on_both_priya_on_one
    first, second = q(tender, 1), q(tender, 2)
    actions.declare_conflict(tender=tender, by=priya, has_conflict=False)
    for bid in bids:
        actions.score_answer(
            bid=bid, question=first, by=priya, score=75, justification="Strong plan."
        )
    declare_conflict_as(client, tom, tender)

    # The officer sees who declared and which question now needs an evaluator.
    signed_in(client, officer)
    page = client.get(overview_url(tender)).content.decode()
    assert "govuk-notification-banner" in page
    banner = page[page.index("govuk-notification-banner") :]
    assert "Tom Hughes declared a conflict of interest" in banner
    assert "They were taken off lot 1, question 1 and lot 1, question 2." in banner
    assert "This question now has no evaluator:" in banner
    assert "Lot 1, question 2: " in banner
    assert "Still to score: Tom Hughes" not in page and "Tom Hughes: " not in page
    assign_url = reverse("evaluation:assign", args=[tender.pk])
    assert f'href="{assign_url}"' in banner

    # Question 1 needs only Priya now: moderation goes through.
    moderated = client.post(
        moderate_url(tender, bids[0], 1), {"score": "75", "rationale": "Agreed."}
    )
    assert moderated.status_code == 302
    assert ModeratedScore.objects.get().score == 75

    # The assign page does not offer Tom, and says why.
    assign_page = client.get(assign_url).content.decode()
    assert "Tom Hughes declared a conflict of interest" in assign_page
    assert f'value="{tom.pk}"' not in assign_page
    response = client.post(
        assign_url,
        {f"question_{first.pk}": [str(priya.pk)], f"question_{second.pk}": [str(priya.pk)]},
    )
    assert response.status_code == 302
    page = client.get(overview_url(tender)).content.decode()
    assert "now has no evaluator" not in page
    assert "Every question has an evaluator again" in page

    # Priya scores question 2 and the officer moderates it.
    signed_in(client, priya)
    scored = client.post(
        score_url(tender, bids[0], 2), {"score": "50", "justification": "Some gaps."}
    )
    assert scored.status_code == 302
    signed_in(client, officer)
    done = client.post(moderate_url(tender, bids[0], 2), {"score": "50", "rationale": "Agreed."})
    assert done.status_code == 302
    assert ModeratedScore.objects.filter(question=second).get().score == 50


def test_a_conflicted_evaluator_cannot_be_assigned_again(tom_on_both_priya_on_one, officer, tom):
    tender = tom_on_both_priya_on_one
    actions.declare_conflict(tender=tender, by=tom, has_conflict=True, details="Shares.")
    with pytest.raises(DomainError) as refusal:
        assign(tender, tom, officer, 2)
    assert refusal.value.message == (
        "Tom Hughes declared a conflict of interest in this tender and cannot evaluate it"
    )
    assert not EvaluatorAssignment.objects.filter(evaluator=tom).exists()


def test_a_conflicted_evaluator_posted_to_the_assign_page_is_refused_clearly(
    client, tom_on_both_priya_on_one, officer, tom
):
    tender = tom_on_both_priya_on_one
    actions.declare_conflict(tender=tender, by=tom, has_conflict=True, details="Shares.")
    signed_in(client, officer)
    response = client.post(
        reverse("evaluation:assign", args=[tender.pk]),
        {f"question_{q(tender, 2).pk}": [str(tom.pk)]},
    )
    assert response.status_code == 200
    assert "Tom Hughes declared a conflict of interest in this tender and cannot evaluate it" in (
        response.content.decode()
    )
    assert not EvaluatorAssignment.objects.filter(evaluator=tom).exists()


def test_through_the_api_the_declaration_shows_the_assignments_ended(
    client, tom_on_both_priya_on_one, officer, tom
):
    tender = tom_on_both_priya_on_one
    response = api_post(
        client,
        tom,
        f"/buyer/tenders/{tender.pk}/declaration",
        {"has_conflict": True, "details": "Shares in Acorn Care Ltd."},
    )
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert body["has_conflict"] is True
    assert body["assignments_ended"] == [
        {
            "question_id": q(tender, 1).pk,
            "question_number": 1,
            "lot_number": 1,
            "needs_evaluator": False,
        },
        {
            "question_id": q(tender, 2).pk,
            "question_number": 2,
            "lot_number": 1,
            "needs_evaluator": True,
        },
    ]
    again = api_post(
        client,
        officer,
        f"/buyer/tenders/{tender.pk}/evaluators",
        {"question_id": q(tender, 2).pk, "evaluator_id": tom.pk},
    )
    assert again.status_code == 409
    assert again.json()["code"] == "conflict_of_interest"
    assert again.json()["message"] == (
        "Tom Hughes declared a conflict of interest in this tender and cannot evaluate it"
    )
    assert not EvaluatorAssignment.objects.filter(evaluator=tom).exists()


def test_the_migration_ends_the_assignments_of_conflicts_declared_before(
    tom_on_both_priya_on_one, priya, tom
):
    from importlib import import_module

    from django.apps import apps

    from levelfield.core import clock

    tender = tom_on_both_priya_on_one
    # As before this change: Tom's declaration left him on both questions.
    ConflictDeclaration.objects.create(
        tender=tender, evaluator=tom, has_conflict=True, details="Shares.", declared_at=clock.now()
    )
    migration = import_module("levelfield.evaluation.migrations.0002_conflict_withdrawn_from")

    migration.end_conflicted_assignments(apps, None)

    assert list(EvaluatorAssignment.objects.values_list("question", "evaluator")) == [
        (q(tender, 1).pk, priya.pk)
    ]
    declaration = ConflictDeclaration.objects.get(evaluator=tom)
    assert set(declaration.withdrawn_from.all()) == {q(tender, 1), q(tender, 2)}
    ended = AuditEvent.objects.filter(action="evaluation.unassigned")
    assert sorted((e.object_id, e.actor_id, e.data["reason"]) for e in ended) == sorted(
        (str(q(tender, n).pk), None, "conflict_of_interest") for n in (1, 2)
    )


def test_moderating_a_question_left_without_an_evaluator_points_to_the_assign_page(
    client, tom_on_both_priya_on_one, officer, tom, bids
):
    tender = tom_on_both_priya_on_one
    actions.declare_conflict(tender=tender, by=tom, has_conflict=True, details="Shares.")
    signed_in(client, officer)
    page = client.get(moderate_url(tender, bids[0], 2)).content.decode()
    assert "No evaluator is assigned to this question" in page
    assert f'href="{reverse("evaluation:assign", args=[tender.pk])}"' in page
    assert "Still to score" not in page
    refused = client.post(moderate_url(tender, bids[0], 2), {"score": "50", "rationale": "Ok."})
    assert "Assign at least one evaluator to this question first" in refused.content.decode()
    # Question 1 has Priya, so no such warning there.
    assert "No evaluator is assigned" not in client.get(
        moderate_url(tender, bids[0], 1)
    ).content.decode()
