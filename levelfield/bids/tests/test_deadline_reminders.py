"""A complete bid never submitted is flagged to its supplier 24 hours and 2 hours before the
deadline (issue 14); an incomplete one is told what is missing, in an email of its own. Each
goes once per bid, threshold and deadline, from the scheduler's frequent job."""

from datetime import timedelta
from decimal import Decimal

import pytest

from levelfield.accounts.models import Role
from levelfield.bids import actions as bid_actions
from levelfield.bids import reminders
from levelfield.core import clock, scheduler
from levelfield.core.display import uk_time
from levelfield.core.models import EmailSentOnce, OutboundEmail
from levelfield.tenders.actions_amend import Amendment, amend_tender
from tests.support import testing

HOUR = timedelta(hours=1)
SECOND = timedelta(seconds=1)


def draft(tender, supplier, user, *, complete=True):
    bid = bid_actions.start_bid(lot=tender.lots.get(), supplier=supplier, by=user)
    questions = list(bid.lot.questions.all())
    answers = {q.pk: f"Our answer to question {q.number}." for q in questions}
    if not complete:
        answers.pop(questions[-1].pk)
    return bid_actions.save_bid(bid=bid, by=user, price=Decimal("90000"), answers=answers)


def send_at(tender, before: timedelta) -> dict:
    """Run the reminders as of `before` the tender's deadline."""
    with clock.frozen_at(tender.submission_deadline - before):
        return reminders.send_due()


class Outbox:
    """The emails queued to go once the run's transaction commits (core.notify), in order."""

    def __iter__(self):
        return iter(OutboundEmail.objects.order_by("id"))

    def __len__(self):
        return OutboundEmail.objects.count()

    def __getitem__(self, index):
        return list(self)[index]

    def __eq__(self, other):
        return list(self) == other

    def clear(self):
        OutboundEmail.objects.all().delete()


outbox = Outbox()


def sent_to(address):
    return [m for m in outbox if address in m.to]


@pytest.mark.django_db
def test_a_complete_draft_is_flagged_24_hours_before_then_2_hours_before(tender, supplier):
    organisation, user = supplier
    colleague = testing.member(organisation, Role.SUPPLIER_MEMBER)
    draft(tender, organisation, user)
    outbox.clear()

    assert send_at(tender, 24 * HOUR + SECOND) == {"complete": 0, "incomplete": 0}
    assert outbox == []

    assert send_at(tender, 24 * HOUR) == {"complete": 1, "incomplete": 0}
    [email] = outbox
    assert sorted(email.to) == sorted([user.email, colleague.email])
    assert email.subject == f"Your bid is not submitted: {tender.reference} lot 1"
    assert "complete but has not been submitted" in email.body
    # the deadline with its zone, as everywhere (and never a bare ISO time)
    assert uk_time(tender.submission_deadline) in email.body
    assert " GMT on " in email.body or " BST on " in email.body
    assert "closes in about 24 hours" in email.body
    assert f"/lots/{tender.lots.get().pk}/bid/" in email.body

    # once only: every pass until the 2-hour threshold sends nothing more
    for before in (24 * HOUR, 23 * HOUR, 2 * HOUR + SECOND):
        assert send_at(tender, before) == {"complete": 0, "incomplete": 0}
    assert len(outbox) == 1

    assert send_at(tender, 2 * HOUR) == {"complete": 1, "incomplete": 0}
    assert len(outbox) == 2 and "closes in about 2 hours" in outbox[1].body
    assert send_at(tender, HOUR) == {"complete": 0, "incomplete": 0}
    # at the deadline, and after it, nothing goes: the bid can no longer be submitted
    assert send_at(tender, timedelta(0)) == {"complete": 0, "incomplete": 0}
    assert len(outbox) == 2


@pytest.mark.django_db
def test_a_bid_first_found_within_the_last_2_hours_gets_only_the_2_hour_reminder(tender, supplier):
    draft(tender, *supplier)
    outbox.clear()
    assert send_at(tender, 90 * timedelta(minutes=1)) == {"complete": 1, "incomplete": 0}
    assert send_at(tender, HOUR) == {"complete": 0, "incomplete": 0}
    assert len(outbox) == 1 and "closes in about 2 hours" in outbox[0].body


@pytest.mark.django_db
def test_submitted_bids_get_no_reminder_and_one_submitted_after_the_first_gets_no_second(
    tender, supplier, other_supplier
):
    testing.submitted_bid(
        tender=tender, supplier=other_supplier[0], by=other_supplier[1], price="80000"
    )
    organisation, user = supplier
    bid = draft(tender, organisation, user)
    outbox.clear()
    send_at(tender, 24 * HOUR)
    assert [m.to for m in outbox] == [[user.email]]
    assert sent_to(other_supplier[1].email) == []

    with clock.frozen_at(tender.submission_deadline - 10 * HOUR):
        bid_actions.submit_bid(bid=bid, by=user)
    outbox.clear()
    assert send_at(tender, 2 * HOUR) == {"complete": 0, "incomplete": 0}
    assert outbox == []


@pytest.mark.django_db
def test_a_complete_bid_withdrawn_and_not_submitted_again_is_flagged(tender, supplier):
    organisation, user = supplier
    bid = testing.submitted_bid(tender=tender, supplier=organisation, by=user, price="90000")
    bid_actions.withdraw_bid(bid=bid, by=user)
    outbox.clear()
    assert send_at(tender, 24 * HOUR) == {"complete": 1, "incomplete": 0}
    [email] = outbox
    assert "You withdrew your bid and have not submitted it again" in email.body


@pytest.mark.django_db
def test_an_incomplete_draft_is_told_what_is_missing_in_a_reminder_of_its_own(tender, supplier):
    organisation, user = supplier
    bid = draft(tender, organisation, user, complete=False)
    outbox.clear()
    assert send_at(tender, 24 * HOUR) == {"complete": 0, "incomplete": 1}
    [email] = outbox
    assert email.subject == f"Your bid is not complete: {tender.reference} lot 1"
    assert "- Answer question 2" in email.body
    assert "complete but has not been submitted" not in email.body

    # completed later that day: the complete bid's own reminder goes at the next threshold
    # it is within (the incomplete one's claim does not stop it), once
    last = bid.lot.questions.order_by("number").last()
    with clock.frozen_at(tender.submission_deadline - 20 * HOUR):
        bid_actions.save_bid(bid=bid, by=user, answers={last.pk: "Done now."})
    outbox.clear()
    assert send_at(tender, 20 * HOUR) == {"complete": 1, "incomplete": 0}
    assert send_at(tender, 19 * HOUR) == {"complete": 0, "incomplete": 0}
    assert "complete but has not been submitted" in outbox[0].body


@pytest.mark.django_db
def test_a_deadline_extended_after_the_reminder_gets_its_reminder_again(tender, supplier, officer):
    organisation, user = supplier
    draft(tender, organisation, user)
    old_deadline = tender.submission_deadline
    send_at(tender, 24 * HOUR)
    outbox.clear()

    new_deadline = old_deadline + timedelta(days=3)
    with clock.frozen_at(old_deadline - 12 * HOUR):
        amend_tender(
            tender=tender,
            by=officer,
            amendment=Amendment(reason="More time to answer", submission_deadline=new_deadline),
        )
    tender.refresh_from_db()
    outbox.clear()
    # the old window's reminder is not sent again; the new window's is, at its own time
    assert send_at(tender, 25 * HOUR) == {"complete": 0, "incomplete": 0}
    assert send_at(tender, 24 * HOUR) == {"complete": 1, "incomplete": 0}
    assert uk_time(new_deadline) in outbox[0].body
    assert EmailSentOnce.objects.filter(kind="bid.complete_not_submitted.24h").count() == 2


@pytest.mark.django_db
def test_a_consortiums_bid_is_flagged_to_its_leads_people_who_can_submit_it(tender):
    lead, lead_admin = testing.supplier_with_user("Wessex Community Care Trust")
    member_org, member_admin = testing.supplier_with_user("Three Rivers Care CIC")
    consortium = testing.accepted_consortium(
        lead=lead,
        lead_admin=lead_admin,
        member=member_org,
        member_admin=member_admin,
        name="Wessex Care Partnership",
    )
    draft(tender, consortium.organisation, lead_admin)
    outbox.clear()

    send_at(tender, 24 * HOUR)
    [email] = outbox
    assert email.to == [lead_admin.email]
    assert "as Wessex Care Partnership" in email.body
    assert f"?for={consortium.organisation.pk}" in email.body


@pytest.mark.django_db
def test_reminders_are_only_about_published_tenders_before_their_deadline(buyer, officer, supplier):
    organisation, user = supplier
    closing = testing.published_tender(buyer=buyer, by=officer, days_to_deadline=30)
    later = testing.published_tender(buyer=buyer, by=officer, days_to_deadline=40, title="Later")
    draft(closing, organisation, user)
    draft(later, organisation, user)
    outbox.clear()
    send_at(closing, 24 * HOUR)
    assert [m.subject for m in outbox] == [f"Your bid is not submitted: {closing.reference} lot 1"]


@pytest.mark.django_db
def test_the_scheduler_runs_the_reminders_as_a_frequent_job_once_a_slot(tender, supplier):
    """Two schedulers (or one and its restart) in the same 5-minute slot queue the job once;
    and a second run of the job, as a second worker would, sends nothing more."""
    draft(tender, *supplier)
    outbox.clear()
    jobs = scheduler.frequent_jobs()
    with clock.frozen_at(tender.submission_deadline - 24 * HOUR):
        assert "bid_deadline_reminders" in scheduler.run_due(jobs)
        assert scheduler.run_due(jobs) == []
        assert reminders.send_deadline_reminders.call() == {"complete": 0, "incomplete": 0}
    assert len(outbox) == 1
