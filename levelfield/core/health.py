"""Is this server up, and can it do its work? For load balancers, orchestrators and monitoring.

`/healthz`: the process answers (200, no database, nothing else touched), for a liveness probe.
`/readyz`: the database answers, the cache keeps a value, Django's default storage (where
uploads go) writes and reads a file back, and the task worker's heartbeat is fresh: 200 when all
are, else 503 naming the checks that failed. Neither says why a check failed (no hosts, paths or
errors: anyone may ask); the reason is logged, with the request's id.

The heartbeat: the scheduler queues `heartbeat` every minute (settings.LEVELFIELD_FREQUENT_JOBS)
and whichever worker takes it writes the time to the `Heartbeat` row "worker", so a fresh row
says a scheduler and a worker both run. One older than settings.LEVELFIELD_HEALTH_WORKER_MAX_AGE,
or none, is a failure unless settings.LEVELFIELD_HEALTH_WORKER_REQUIRED is off (the default
while DEBUG is on, where nobody need run a worker): then it is reported "not required".
"""

import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks import task

from . import clock
from .models import Heartbeat
from .tasks import forget_finished_runs

log = logging.getLogger(__name__)

WORKER = "worker"  # the Heartbeat row the worker's heartbeat task writes


@task()
def heartbeat() -> None:
    """Run by a task worker every minute: records that one is alive. With the database task
    backend it also deletes its own successful results older than an hour, which would otherwise
    pile up at one a minute in the task queue's table."""
    Heartbeat.objects.update_or_create(name=WORKER, defaults={"beat_at": clock.now()})
    forget_finished_runs(f"{__name__}.heartbeat")


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            return "failed"
    return "ok"


def check_cache() -> str:
    key = f"levelfield:readyz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    cache.set(key, value, timeout=30)
    try:
        return "ok" if cache.get(key) == value else "failed"
    finally:
        cache.delete(key)


def check_storage() -> str:
    """Write a small file to the storage uploads go to (Django's default) and to the bulk
    downloads' storage, read each back and delete it: a unique name each time, so that probes
    at once (from several load balancers) never meet."""
    for storage in (default_storage, storages["downloads"]):
        content = secrets.token_bytes(16)
        name = storage.save(f"readyz/{secrets.token_hex(8)}.bin", ContentFile(content))
        try:
            with storage.open(name, "rb") as stored:
                if stored.read() != content:
                    return "failed"
        finally:
            storage.delete(name)
    return "ok"


def check_worker() -> str:
    beat_at = Heartbeat.objects.filter(name=WORKER).values_list("beat_at", flat=True).first()
    if beat_at is not None and clock.now() - beat_at <= settings.LEVELFIELD_HEALTH_WORKER_MAX_AGE:
        return "ok"
    if not settings.LEVELFIELD_HEALTH_WORKER_REQUIRED:
        return "not required"
    return "failed"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
    "worker": check_worker,
}


def readiness() -> dict[str, str]:
    """Each check's answer: "ok", "failed" (an error counts as failed, and is logged) or, for the
    worker where none is required, "not required"."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception:
            log.exception("The readiness check %s failed", name)
            results[name] = "failed"
        if results[name] == "failed":
            log.warning("Not ready: the %s check failed", name)
    return results


@require_safe
@never_cache
def healthz(request):
    """The process is up and answering. Touches nothing else."""
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request):
    """200 {"status": "ready", "checks": {...}} when every check passes; 503 {"status": "not
    ready", "failed": [...], "checks": {...}} when any fails."""
    checks = readiness()
    failed = [name for name, result in checks.items() if result == "failed"]
    if failed:
        response = JsonResponse(
            {"status": "not ready", "failed": failed, "checks": checks}, status=503
        )
        # logged above (a warning per failed check): no ERROR from Django at every probe
        response._has_been_logged = True
        return response
    return JsonResponse({"status": "ready", "checks": checks})
