"""Background work for bids: the daily removal of abandoned resumable uploads.

Scheduling: `remove_abandoned_uploads` is one of the daily jobs (settings.LEVELFIELD_DAILY_JOBS)
that `levelfield scheduler` queues once a day, and `levelfield db_worker` runs.
"""

from django_tasks import task

from . import actions_uploads


@task()
def remove_abandoned_uploads() -> int:
    """Remove uploads that can no longer be finished, and their bytes. Returns how many."""
    return actions_uploads.remove_abandoned_uploads()
