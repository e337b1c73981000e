"""Background work for the review service: the daily reminders of responses due.

`send_response_reminders` is one of the daily jobs (settings.LEVELFIELD_DAILY_JOBS) that the
scheduler queues once a day and the worker runs. Each reminder goes once, so a second run sends
nothing new."""

from django_tasks import task

from levelfield.core import clock

from . import actions


@task()
def send_response_reminders() -> int:
    """Remind respondents whose response is due soon. Returns how many reminders went."""
    return actions.send_response_reminders(today=clock.today_uk())
