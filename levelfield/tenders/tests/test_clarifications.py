"""Clarification questions: the buyer publishes the question as asked, edited or withheld with
its answer; the answer is emailed to every interested supplier and no one else; the original
question and who asked stay with those who answer."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.bids import actions as bid_actions
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.models import AuditEvent
from levelfield.tenders import actions, actions_amend
from levelfield.tenders.models import Clarification
from tests.support import testing

pytestmark = pytest.mark.django_db

ORIGINAL = "We are Zephyr Homecare of Bristol, turnover £2m: is TUPE expected to apply?"
EDITED = "Is TUPE expected to apply?"
ANSWER = "Yes, for about 40 care workers."


@pytest.fixture
def asker(db):
    org = testing.supplier_org("Zephyr Homecare Ltd")
    user = testing.member(org, Role.SUPPLIER_ADMIN, full_name="Quentin Asker")
    return org, user


@pytest.fixture
def question(tender, asker):
    org, user = asker
    return actions.ask_question(tender=tender, by=user, organisation=org, question=ORIGINAL)


def url(name, *args):
    return reverse(f"tenders:{name}", args=args)


# -- the action -------------------------------------------------------------------------------


def test_an_answer_publishes_the_question_as_asked_by_default(question, officer):
    answered = actions.answer_clarification(clarification=question, by=officer, answer=ANSWER)
    assert (answered.published_as, answered.published_question) == ("as_asked", ORIGINAL)
    assert not answered.question_edited


def test_an_edited_question_is_published_edited_and_the_original_kept(question, officer):
    answered = actions.answer_clarification(
        clarification=question, by=officer, answer=ANSWER, published_question=EDITED
    )
    answered.refresh_from_db()
    assert answered.question == ORIGINAL
    assert (answered.published_as, answered.published_question) == ("edited", EDITED)
    event = AuditEvent.objects.get(action="clarification.answered")
    assert event.data["question"] == ORIGINAL
    assert event.data["published_question"] == EDITED
    assert event.data["published_as"] == "edited"


def test_the_same_text_with_other_line_endings_is_not_an_edit(question, officer):
    answered = actions.answer_clarification(
        clarification=question, by=officer, answer=ANSWER, published_question=f"  {ORIGINAL}\r\n"
    )
    assert answered.published_as == "as_asked"


def test_a_withheld_question_publishes_the_answer_alone(question, officer):
    answered = actions.answer_clarification(
        clarification=question, by=officer, answer=ANSWER, withhold_question=True
    )
    assert (answered.published_as, answered.published_question) == ("withheld", "")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"answer": "  "}, "Enter your answer"),
        ({"answer": ANSWER, "published_question": " \n "}, "Enter the question as it will be"),
        (
            {"answer": ANSWER, "published_question": EDITED, "withhold_question": True},
            "Either publish the question as you edited it or publish the answer alone",
        ),
    ],
)
def test_an_answer_that_breaks_a_rule_is_refused_and_nothing_published(
    question, officer, kwargs, message
):
    with pytest.raises(DomainError, match=message):
        actions.answer_clarification(clarification=question, by=officer, **kwargs)
    question.refresh_from_db()
    assert question.answered_at is None and question.published_question == ""


def test_a_question_is_answered_once_and_never_by_an_evaluator(question, officer, evaluator):
    with pytest.raises(PermissionDenied):
        actions.answer_clarification(clarification=question, by=evaluator, answer=ANSWER)
    actions.answer_clarification(clarification=question, by=officer, answer=ANSWER)
    with pytest.raises(InvalidTransition):
        actions.answer_clarification(clarification=question, by=officer, answer="Again")


# -- the email --------------------------------------------------------------------------------


def test_the_answer_reaches_every_interested_supplier_and_no_one_else(
    client, tender, officer, asker, question, django_capture_on_commit_callbacks
):
    asker_org, asker_user = asker
    colleague = testing.member(asker_org, Role.SUPPLIER_MEMBER)
    viewer, viewer_user = testing.supplier_with_user("Viewer Ltd")
    drafter, drafter_user = testing.supplier_with_user("Drafter Ltd")
    bidder, bidder_user = testing.supplier_with_user("Bidder Ltd")
    _bystander, bystander_user = testing.supplier_with_user("Bystander Ltd")
    actions_amend.record_interest(tender=tender, supplier=viewer)
    bid_actions.start_bid(lot=tender.lots.get(), supplier=drafter, by=drafter_user)
    testing.submitted_bid(tender=tender, supplier=bidder, by=bidder_user, price="1000")
    # A person in two interested organisations is written to once.
    testing.member(bidder, Role.SUPPLIER_MEMBER, email=viewer_user.email.upper())
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        actions.answer_clarification(
            clarification=question, by=officer, answer=ANSWER, published_question=EDITED
        )

    to = sorted(address.lower() for email in mail.outbox for address in email.to)
    assert to == sorted(
        a.lower()
        for a in (
            asker_user.email,
            colleague.email,
            viewer_user.email,
            drafter_user.email,
            bidder_user.email,
        )
    )
    assert bystander_user.email not in to
    assert len(to) == len(set(to))  # each person once
    # One email per supplier, so no supplier learns who else is interested; Viewer Ltd's only
    # person already had it as one of Bidder Ltd's.
    assert sorted(sorted(e.to) for e in mail.outbox) == sorted(
        [
            sorted([asker_user.email, colleague.email]),
            sorted([bidder_user.email, viewer_user.email.upper()]),
            [drafter_user.email],
        ]
    )
    for email in mail.outbox:
        assert EDITED in email.body and ANSWER in email.body
        assert "edited the question" in email.body
        assert ORIGINAL not in email.body and "Zephyr" not in email.body + email.subject
        assert "Quentin" not in email.body and asker_user.email not in email.body
    [to_asker] = [e for e in mail.outbox if asker_user.email in e.to]
    assert to_asker.subject == f"Your question on {tender.reference} has been answered"
    others = [e for e in mail.outbox if e is not to_asker]
    assert {e.subject for e in others} == {f"A clarification answer on {tender.reference}"}


def test_a_withheld_question_is_in_no_email(
    tender, officer, question, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.answer_clarification(
            clarification=question, by=officer, answer=ANSWER, withhold_question=True
        )
    [email] = mail.outbox  # only the asker is interested
    assert "without the question" in email.body
    assert "TUPE" not in email.body and ANSWER in email.body


# -- the buyer's pages ------------------------------------------------------------------------


def test_an_officer_edits_the_question_and_answers_on_its_own_page(
    client, tender, officer, asker, question, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    listing = client.get(url("clarifications", tender.pk)).content.decode()
    assert "Zephyr Homecare Ltd" in listing and "Quentin Asker" in listing
    answer_url = url("answer", tender.pk, question.pk)
    assert f'href="{answer_url}"' in listing

    page = client.get(answer_url).content.decode()
    assert "Zephyr Homecare Ltd" in page
    assert "TUPE expected to apply?</textarea>" in page  # the question, ready to edit

    response = client.post(answer_url, {"published_question": "", "answer": ""})
    assert response.status_code == 200
    failed = response.content.decode()
    assert "There is a problem" in failed
    assert "<title>Error:" in failed
    for anchor, message in (
        ("#id_published_question", "Enter the question as it will be published"),
        ("#id_answer", "Enter your answer"),
        ("#id_confirm", "Confirm that you want to publish the answer"),
    ):
        assert f'<a href="{anchor}">{message}' in failed, anchor

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            answer_url,
            {"published_question": EDITED, "answer": ANSWER, "confirm": "on"},
            follow=True,
        )
    assert response.redirect_chain[-1][0] == url("clarifications", tender.pk)
    done = response.content.decode()
    assert "Answer published and being emailed to every interested supplier" in done
    assert "Edited before publishing" in done
    question.refresh_from_db()
    assert question.published_as == "edited"
    # Answered: the page sends the buyer back to the list.
    assert client.get(answer_url).status_code == 302


def test_an_evaluator_sees_no_question_as_asked_nor_who_asked_and_cannot_answer(
    client, tender, evaluator, question
):
    client.force_login(evaluator)
    page = client.get(url("clarifications", tender.pk)).content.decode()
    assert "1 question not yet answered" in page
    assert "TUPE" not in page  # the question as asked is for those who answer
    assert "Zephyr Homecare Ltd" not in page and "Quentin" not in page
    assert "Asked by" not in page
    assert url("answer", tender.pk, question.pk) not in page
    assert client.get(url("answer", tender.pk, question.pk)).status_code == 403
    response = client.post(
        url("answer", tender.pk, question.pk), {"answer": ANSWER, "confirm": "on"}
    )
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.answered_at is None


# -- the public page and the asker's own view -------------------------------------------------


def test_the_opportunity_shows_the_published_question_never_the_original(
    client, tender, officer, question, other_supplier
):
    withheld = actions.ask_question(
        tender=tender,
        by=question.asked_by,
        organisation=question.asked_by_organisation,
        question="Our secret pricing model: can we use it?",
    )
    actions.answer_clarification(
        clarification=question, by=officer, answer=ANSWER, published_question=EDITED
    )
    actions.answer_clarification(
        clarification=withheld,
        by=officer,
        answer="Any pricing model is allowed.",
        withhold_question=True,
    )
    _, other_user = other_supplier
    for viewer in (None, other_user):
        if viewer:
            client.force_login(viewer)
        body = client.get(reverse("public:opportunity", args=[tender.reference])).content.decode()
        assert EDITED in body and ANSWER in body
        assert "The buyer edited this question before publishing it." in body
        assert "Zephyr" not in body and "£2m" not in body
        assert "secret pricing" not in body
        assert "Any pricing model is allowed." in body
        assert "The buyer published this answer without the question." in body
        assert "Your organisation&#x27;s questions" not in body


def test_the_asker_sees_its_question_as_asked_and_as_published(
    client, tender, officer, asker, question, other_supplier
):
    _, user = asker
    client.force_login(user)
    own_url = reverse("public:question", args=[tender.reference, question.pk])
    opportunity = client.get(reverse("public:opportunity", args=[tender.reference]))
    assert f'href="{own_url}"' in opportunity.content.decode()
    assert f'href="{own_url}"' in client.get(reverse("bids:dashboard")).content.decode()
    page = client.get(own_url).content.decode()
    assert "Awaiting answer" in page and "TUPE expected to apply?" in page

    actions.answer_clarification(
        clarification=question, by=officer, answer=ANSWER, published_question=EDITED
    )
    page = client.get(own_url).content.decode()
    assert "Answered" in page and ANSWER in page
    assert "The buyer edited your question before publishing it" in page
    assert EDITED in page

    _, other_user = other_supplier
    client.force_login(other_user)
    assert client.get(own_url).status_code == 404
    client.logout()
    assert client.get(own_url).status_code == 302  # to sign in


def test_the_database_refuses_an_answer_without_a_published_question(question, officer):
    """Unless withheld, a published answer carries the question as it is shown."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Clarification.objects.filter(pk=question.pk).update(
            answer=ANSWER, answered_at=question.asked_at, published_as="as_asked"
        )
