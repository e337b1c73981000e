"""Background work for social value: the daily reminders.

Scheduling: `send_reminders` is one of the daily jobs (settings.LEVELFIELD_DAILY_JOBS) that
`levelfield scheduler` queues once a day, no cron needed (`./dev serve` runs it; the README shows
how on a server), and `levelfield db_worker` runs. The `social_value_reminders` management
command queues it once by hand. The action is idempotent for the day: each period's supplier
reminder and each report's buyer reminder is sent once, so an extra run sends nothing new.
"""

from django_tasks import task

from . import actions


@task()
def send_reminders() -> dict:
    """Remind suppliers of reports due soon and buyers of reports waiting for review. Returns how
    many reminders went (task results must be JSON)."""
    return actions.send_reminders()
