"""The daily reminder: the resilience team is emailed once about each breach not notified by
its due time, the first run after it becomes overdue."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from levelfield.core import clock
from levelfield.core.models import AuditEvent
from levelfield.resilience.actions import revoke_platform_role
from levelfield.resilience.actions_financial import record_breach_notified, record_reading
from levelfield.resilience.models import PlatformRole
from levelfield.resilience.reminders_financial import send_overdue_reminders
from levelfield.resilience.tasks_financial import send_overdue_reminders as task
from tests.support import testing

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")


def uk(y, m, d, hour=12, minute=0):
    return datetime(y, m, d, hour, minute, tzinfo=UK)


RAISED = datetime(2023, 12, 22, 10, 0, tzinfo=UK)  # a Friday, before Christmas


def breach(supplier, team):
    with clock.frozen_at(RAISED):
        reading = record_reading(
            supplier=supplier,
            indicator_code="credit_score",
            value="35",
            as_of=date(2023, 12, 1),
            by=team,
        )
    return reading.breach


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(at):
        with clock.frozen_at(at), django_capture_on_commit_callbacks(execute=True):
            return send_overdue_reminders()

    return run


def test_the_team_is_emailed_once_when_a_breach_becomes_overdue(supplier, run):
    team = testing.resilience_team_member(email="rita@example.org")
    testing.resilience_team_member(email="sam@example.org")
    former = testing.resilience_team_member(email="former@example.org")
    admin = testing.UserFactory(is_superuser=True, is_staff=True)
    revoke_platform_role(grant=PlatformRole.objects.get(user=former), by=admin)
    raised = breach(supplier[0], team)
    # Due by the end of Thursday 28 December 2023 (the weekend, Christmas Day and Boxing Day
    # are not working days): nothing the evening before, one email the morning after.
    assert run(uk(2023, 12, 28, 23, 59)) == {"overdue_breach_reminders": 0}
    assert run(uk(2023, 12, 29, 7, 45)) == {"overdue_breach_reminders": 1}
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert sorted(email.to) == ["rita@example.org", "sam@example.org"]
    assert email.subject == "Financial breach not notified in time: Acorn Care Ltd"
    assert "midnight at the end of Thursday 28 December 2023" in email.body
    assert "(35 as of 1 December 2023) breached its threshold at 10:00am GMT on 22 December" in (
        email.body
    )
    assert f"/resilience/financial/suppliers/{supplier[0].pk}/" in email.body
    assert (
        AuditEvent.objects.filter(
            action="financial_breach.overdue_reminded", object_id=str(raised.pk)
        ).count()
        == 1
    )
    # The next day's run sends nothing new.
    assert run(uk(2023, 12, 30, 7, 45)) == {"overdue_breach_reminders": 0}
    assert len(mail.outbox) == 1


def test_a_breach_notified_in_time_is_never_reminded(supplier, run):
    team = testing.resilience_team_member()
    raised = breach(supplier[0], team)
    with clock.frozen_at(uk(2023, 12, 28, 9)):
        record_breach_notified(breach=raised, by=team)
    assert run(uk(2023, 12, 29, 7, 45)) == {"overdue_breach_reminders": 0}
    assert mail.outbox == []


def test_the_daily_task_runs_the_reminder(supplier, django_capture_on_commit_callbacks):
    team = testing.resilience_team_member()
    breach(supplier[0], team)
    with clock.frozen_at(uk(2023, 12, 29, 7, 45)), django_capture_on_commit_callbacks(execute=True):
        result = task.enqueue()
    assert result.return_value == {"overdue_breach_reminders": 1}
