"""Background work for financial standing: the daily reminder of breaches overdue.

`send_overdue_reminders` is one of the daily jobs (settings.LEVELFIELD_DAILY_JOBS) that
`levelfield scheduler` queues once a day and `levelfield db_worker` runs. Each breach is
emailed once, so an extra run sends nothing new."""

from django_tasks import task

from . import reminders_financial


@task()
def send_overdue_reminders() -> dict:
    """Email the resilience team about breaches not notified in time. Returns how many went."""
    return reminders_financial.send_overdue_reminders()
