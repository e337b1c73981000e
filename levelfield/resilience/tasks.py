"""Background work for resilience: the daily reminder of living wills due for review.

`send_stale_reminders` is one of the daily jobs (settings.LEVELFIELD_DAILY_JOBS) that
`levelfield scheduler` queues once a day and `levelfield db_worker` runs. Each reminder goes
once per version and review date, so an extra run sends nothing new.
"""

from django_tasks import task

from . import actions


@task()
def send_stale_reminders() -> dict:
    """Remind owners of living wills past their review date. Returns how many went."""
    return actions.send_stale_reminders()
