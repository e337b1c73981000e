"""Background regeneration of the bulk downloads."""

from django.db import transaction
from django_tasks import task

from . import downloads


@task()
def regenerate_downloads(*, force: bool = False) -> dict:
    """Rebuild the bulk downloads of the months that changed (every one if forced). A run that
    finds the files already hold every published release does nothing, so queueing one run per
    publish stays cheap when publishes come in bursts. Returns a short summary (task results
    must be JSON)."""
    manifest = downloads.regenerate(force=force)
    if manifest is None:
        return {"regenerated": False}
    return {
        "regenerated": True,
        "generated": manifest["generated"],
        "feed_position": manifest["feed_position"],
        "release_count": manifest["release_count"],
        "compiled_release_count": manifest["compiled_release_count"],
    }


def regenerate_downloads_on_commit() -> None:
    """Queue a regeneration once (and only if) the current transaction commits."""
    transaction.on_commit(regenerate_downloads.enqueue)
