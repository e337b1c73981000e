"""Background work for insights: the daily snapshot.

`write_snapshot` is one of the daily jobs (settings.LEVELFIELD_DAILY_JOBS) that `levelfield
scheduler` queues once a day and `levelfield db_worker` runs. It writes only what changed
since the last snapshot, so an extra run writes nothing new."""

from django_tasks import task

from . import snapshot


@task()
def write_snapshot() -> dict:
    """Bring the Parquet snapshot up to date. Returns what was written."""
    try:
        return snapshot.write().as_dict()
    except snapshot.SnapshotBusy as busy:  # the command (or yesterday's job) is still at it
        return {"skipped": str(busy)}
