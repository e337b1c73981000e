"""Background work for suppliers: reminders before certificates expire."""

from django_tasks import task

from . import actions


@task()
def send_certificate_reminders() -> dict:
    """Email each organisation's admins about certificates expiring within 30 or 7 days, at
    most once per certificate and threshold (see `actions.send_certificate_reminders`). Returns
    a short summary (task results must be JSON)."""
    return {"reminders": actions.send_certificate_reminders()}
