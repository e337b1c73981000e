"""Core's background tasks, and what the frequent ones share."""

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from . import audit_chain, clock
from .models import AuditEvent

KEEP_FREQUENT_RESULTS = timedelta(hours=1)  # a frequent task's own finished results


def forget_finished_runs(task_path: str, older_than: timedelta = KEEP_FREQUENT_RESULTS) -> None:
    """With the database task backend, delete the task's own successful results older than
    `older_than`, which would otherwise pile up, one a minute for a job run every minute, in the
    task queue's table. Failures are kept."""
    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.successful().filter(
            task_path=task_path, finished_at__lt=clock.now() - older_than
        ).delete()


@task()
def link_audit_events() -> int:
    """A frequent job (every minute): link the committed audit events left unlinked, which each
    action's commit does at once unless it failed or its process died first
    (core/audit_chain.py). Returns how many it linked."""
    linked = audit_chain.link_pending(AuditEvent)
    forget_finished_runs(f"{__name__}.link_audit_events")
    return linked
