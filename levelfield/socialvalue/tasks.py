"""Background work for social value: the daily reminders.

Scheduling: the `social_value_reminders` management command enqueues `send_reminders` once; run
it daily from the host's scheduler (cron or a systemd timer), for example
`0 7 * * * levelfield social_value_reminders`, with `levelfield db_worker` running to execute
the queue. The action is idempotent for the day: each period's supplier reminder and each
report's buyer reminder is sent once, so an extra run sends nothing new.
"""

from django_tasks import task

from . import actions


@task()
def send_reminders() -> dict:
    """Remind suppliers of reports due soon and buyers of reports waiting for review. Returns how
    many reminders went (task results must be JSON)."""
    return actions.send_reminders()
