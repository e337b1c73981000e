"""Daily jobs without cron: `levelfield scheduler` wakes every minute and queues each job of
`settings.LEVELFIELD_DAILY_JOBS` once a day, from the UK time of day it falls due, for the task
worker (`levelfield db_worker`) to run.

Each job is a django-tasks task named by its dotted path (core is the lowest floor: it never
imports the domain apps, it reads their tasks' paths from settings). A day's run is claimed by
inserting its `ScheduledRun(job, day)` row, unique, in the same transaction that queues the
task: two schedulers, or one restarted, queue it once a day. A scheduler that was stopped
queues, when it starts, today's run if it is due and not yet claimed; days missed before are not
queued again one by one (each job does what is due as of the day it runs, so one run makes them
good).

`./dev serve` runs the loop beside the worker; on a server run `levelfield scheduler` as a
service, or `levelfield scheduler --once` from a timer (the README shows both).
"""

import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from . import clock
from .models import ScheduledRun

log = logging.getLogger(__name__)

WAKE_EVERY = 60  # seconds between passes


@dataclass(frozen=True)
class DailyJob:
    name: str  # the ScheduledRun's job: unique among the daily jobs
    task: str  # dotted path of a django-tasks task taking no arguments
    at: time  # UK local time (Europe/London) from which it is due each day


def daily_jobs(entries: Iterable[dict] | None = None) -> list[DailyJob]:
    """The jobs of `entries` (settings.LEVELFIELD_DAILY_JOBS by default), each checked: a task
    path that does not import, or a time that is not HH:MM, stops the scheduler at its start."""
    if entries is None:
        entries = getattr(settings, "LEVELFIELD_DAILY_JOBS", [])
    jobs = []
    for entry in entries:
        try:
            job = DailyJob(
                name=entry["name"], task=entry["task"], at=time.fromisoformat(entry["at"])
            )
            import_string(job.task)
        except (KeyError, ValueError, ImportError) as exc:
            raise ImproperlyConfigured(f"LEVELFIELD_DAILY_JOBS: {entry!r}: {exc}") from exc
        if len(job.name) > ScheduledRun._meta.get_field("job").max_length:
            raise ImproperlyConfigured(f"LEVELFIELD_DAILY_JOBS: the name {job.name!r} is too long")
        jobs.append(job)
    if len({job.name for job in jobs}) != len(jobs):
        raise ImproperlyConfigured("LEVELFIELD_DAILY_JOBS: two jobs have the same name")
    return jobs


def run_due(jobs: Iterable[DailyJob] | None = None) -> list[str]:
    """One pass: queue each job due today (UK) whose run today nobody has claimed yet. Returns
    the names of the jobs queued by this pass."""
    now = clock.now()
    local = now.astimezone(clock.UK)
    day = local.date()
    queued = []
    for job in daily_jobs() if jobs is None else jobs:
        if local.time().replace(tzinfo=None) < job.at:
            continue
        if ScheduledRun.objects.filter(job=job.name, day=day).exists():
            continue
        try:
            with transaction.atomic():
                # The row is the claim: a second scheduler's insert fails on the unique
                # (job, day); if queueing fails, the claim goes with it and the next pass retries.
                run = ScheduledRun.objects.create(job=job.name, day=day, started_at=now)
                result = import_string(job.task).enqueue()
                run.task_id = str(result.id)[:64]
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another scheduler claimed it first
        except Exception:
            log.exception("Could not queue the daily job %s for %s; trying again", job.name, day)
            continue
        log.info("Queued the daily job %s for %s (task %s)", job.name, day, run.task_id)
        queued.append(job.name)
    return queued


def run(
    *,
    stop: threading.Event,
    jobs: Iterable[DailyJob] | None = None,
    wake_every: float = WAKE_EVERY,
    after_pass: Callable[[], None] | None = None,
) -> int:
    """Pass after pass, `wake_every` seconds apart, until `stop` is set (a pass under way is
    finished first). A pass that fails (the database away) is logged and the loop goes on.
    Returns how many passes ran."""
    jobs = daily_jobs() if jobs is None else list(jobs)
    passes = 0
    while not stop.is_set():
        try:
            run_due(jobs)
        except Exception:
            log.exception("The scheduler's pass failed; trying again in %s seconds", wake_every)
        passes += 1
        if after_pass is not None:
            after_pass()
        stop.wait(wake_every)
    return passes


@contextlib.contextmanager
def stopping_on_signals(stop: threading.Event) -> Iterator[None]:
    """While the block runs, SIGTERM and SIGINT set `stop` (the handlers before are put back
    after). The event is set from a short thread: setting it in the handler itself could wait
    forever on the lock that the interrupted `stop.wait` holds."""

    def handler(signum, frame):
        log.info("The scheduler stops (%s)", signal.Signals(signum).name)
        threading.Thread(target=stop.set, daemon=True).start()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, earlier in previous.items():
            signal.signal(sig, earlier)
