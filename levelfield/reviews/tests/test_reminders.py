"""Reminders before a respondent's response is due: 7 days and 1 day before by default, each
sent once however often the daily job runs; none once the response is in. The job is in the
worker's daily schedule."""

from datetime import timedelta

from django.conf import settings

from levelfield.core import clock
from levelfield.core.scheduler import daily_jobs
from levelfield.reviews import actions, tasks
from levelfield.reviews.models import CaseKind


def asked(world, *, due_in: int):
    case = actions.raise_case(
        by=world.raiser,
        kind=CaseKind.PROCUREMENT,
        description="The lots were too large for small firms.",
        raiser_organisation=world.supplier,
        tender=world.tender,
    )
    actions.accept_case(case=case, by=world.reviewer)
    return actions.request_response(
        case=case,
        by=world.reviewer,
        organisation=world.buyer,
        question="Why one lot?",
        due_on=clock.today_uk() + timedelta(days=due_in),
    )


def test_each_reminder_goes_once(world, mailoutbox, django_capture_on_commit_callbacks):
    request = asked(world, due_in=10)
    today = clock.today_uk()
    sent: dict[int, int] = {}
    with django_capture_on_commit_callbacks(execute=True):
        for day in range(0, 11):
            for _run in range(2):  # the job run twice the same day sends nothing new
                count = actions.send_response_reminders(today=today + timedelta(days=day))
                sent[day] = sent.get(day, 0) + count
    assert {day: n for day, n in sent.items() if n} == {3: 1, 9: 1}  # 7 days, then 1 day before
    reminders = [m for m in mailoutbox if "your response is due" in m.subject]
    assert len(reminders) == 2
    assert all(
        m.subject.startswith(f"Procurement review {request.case.reference}") for m in reminders
    )
    assert sorted(reminders[0].to) == sorted([world.buyer_admin.email, world.officer.email])


def test_a_missed_day_sends_the_nearest_reminder_once(world, django_capture_on_commit_callbacks):
    asked(world, due_in=10)
    today = clock.today_uk()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_response_reminders(today=today + timedelta(days=5)) == 1
        assert actions.send_response_reminders(today=today + timedelta(days=6)) == 0
        assert actions.send_response_reminders(today=today + timedelta(days=10)) == 1
        assert actions.send_response_reminders(today=today + timedelta(days=11)) == 0


def test_no_reminder_once_the_response_is_in(world, django_capture_on_commit_callbacks):
    request = asked(world, due_in=5)
    actions.respond(request=request, by=world.officer, response="Attached.")
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_response_reminders(today=clock.today_uk()) == 0


def test_the_reminders_are_a_daily_job_of_the_worker():
    jobs = {job.name: job for job in daily_jobs(settings.LEVELFIELD_DAILY_JOBS)}
    assert (
        jobs["review_response_reminders"].task == "levelfield.reviews.tasks.send_response_reminders"
    )
    assert tasks.send_response_reminders.func is not None
