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

Frequent jobs (`settings.LEVELFIELD_FREQUENT_JOBS`, each with an interval in minutes) are
queued once a slot of their interval, slots counted from the Unix epoch (every 5 minutes: at
:00, :05, :10 ...): the claim is the `FrequentRun(job, slot_start)` row, unique, in the same way.
A scheduler started again queues the current slot's run if nobody has; slots missed before are
not queued one by one (each job does what is due as of when it runs). Each pass checks the
frequent jobs first: a daily job that takes long to queue does not hold them.

Every `levelfield worker` runs these passes in a thread beside its tasks (core/worker.py), so
the workers keep the schedule and cron is optional; `levelfield scheduler` runs them on its own
(a service, or `levelfield scheduler --once` from a timer, for workers started with
`--no-scheduler`).
"""

import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from . import clock
from .models import FrequentRun, ScheduledRun

log = logging.getLogger(__name__)

WAKE_EVERY = 60  # seconds between passes
KEEP_FREQUENT_RUNS = timedelta(days=7)  # how long a frequent job's claims are kept


@dataclass(frozen=True)
class DailyJob:
    name: str  # the ScheduledRun's job: unique among the daily jobs
    task: str  # dotted path of a django-tasks task taking no arguments
    at: time  # UK local time (Europe/London) from which it is due each day


def _longest_name(model: type[ScheduledRun | FrequentRun]) -> int:
    longest = model._meta.get_field("job").max_length
    assert longest is not None  # the job column is a CharField with a max_length
    return longest


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
        if len(job.name) > _longest_name(ScheduledRun):
            raise ImproperlyConfigured(f"LEVELFIELD_DAILY_JOBS: the name {job.name!r} is too long")
        jobs.append(job)
    if len({job.name for job in jobs}) != len(jobs):
        raise ImproperlyConfigured("LEVELFIELD_DAILY_JOBS: two jobs have the same name")
    return jobs


@dataclass(frozen=True)
class FrequentJob:
    name: str  # the FrequentRun's job: unique among all the jobs, daily ones too
    task: str  # dotted path of a django-tasks task taking no arguments
    every: int  # minutes: queued once in each slot of this length

    @property
    def label(self) -> str:
        return f"{self.name} every {self.every} minute{'' if self.every == 1 else 's'}"

    def slot_start(self, now: datetime) -> datetime:
        """The start of the slot `now` falls in (UTC), slots counted from the Unix epoch."""
        length = self.every * 60
        return datetime.fromtimestamp(int(now.timestamp()) // length * length, UTC)


def frequent_jobs(entries: Iterable[dict] | None = None) -> list[FrequentJob]:
    """The jobs of `entries` (settings.LEVELFIELD_FREQUENT_JOBS by default), each checked like
    the daily ones: a task path that does not import, or an interval that is not a whole number
    of minutes from 1 to a day, stops the scheduler at its start."""
    if entries is None:
        entries = getattr(settings, "LEVELFIELD_FREQUENT_JOBS", [])
    jobs = []
    for entry in entries:
        try:
            job = FrequentJob(name=entry["name"], task=entry["task"], every=entry["every"])
            import_string(job.task)
        except (KeyError, ImportError) as exc:
            raise ImproperlyConfigured(f"LEVELFIELD_FREQUENT_JOBS: {entry!r}: {exc}") from exc
        if type(job.every) is not int or not 1 <= job.every <= 24 * 60:
            raise ImproperlyConfigured(
                f"LEVELFIELD_FREQUENT_JOBS: {entry!r}: every is a number of minutes, 1 to 1440"
            )
        if len(job.name) > _longest_name(FrequentRun):
            raise ImproperlyConfigured(
                f"LEVELFIELD_FREQUENT_JOBS: the name {job.name!r} is too long"
            )
        jobs.append(job)
    return jobs


def all_jobs() -> list[DailyJob | FrequentJob]:
    """The frequent jobs then the daily ones, from the settings; no two with the same name."""
    jobs: list[DailyJob | FrequentJob] = [*frequent_jobs(), *daily_jobs()]
    if len({job.name for job in jobs}) != len(jobs):
        raise ImproperlyConfigured(
            "LEVELFIELD_FREQUENT_JOBS and LEVELFIELD_DAILY_JOBS: two jobs have the same name"
        )
    return jobs


def _queue_frequent(job: FrequentJob, now: datetime) -> bool:
    """Queue the job for the slot `now` falls in unless somebody has. Whether this queued it."""
    slot = job.slot_start(now)
    if FrequentRun.objects.filter(job=job.name, slot_start=slot).exists():
        return False
    try:
        with transaction.atomic():
            # The claim, as for a daily job: a second scheduler's insert fails on the unique
            # (job, slot_start); if queueing fails, the claim goes with it.
            run = FrequentRun.objects.create(job=job.name, slot_start=slot, started_at=now)
            result = import_string(job.task).enqueue()
            run.task_id = str(result.id)[:64]
            run.save(update_fields=["task_id"])
            FrequentRun.objects.filter(
                job=job.name, slot_start__lt=slot - KEEP_FREQUENT_RUNS
            ).delete()
    except IntegrityError:
        return False  # another scheduler claimed it first
    except Exception:
        log.exception("Could not queue the job %s for %s; trying again", job.name, slot)
        return False
    log.info("Queued the job %s for the slot from %s (task %s)", job.name, slot, run.task_id)
    return True


def run_due(jobs: Iterable[DailyJob | FrequentJob] | None = None) -> list[str]:
    """One pass: queue each frequent job whose current slot nobody has claimed yet, and each
    daily job due today (UK) whose run today nobody has claimed yet. Returns the names of the
    jobs queued by this pass."""
    now = clock.now()
    local = now.astimezone(clock.UK)
    day = local.date()
    jobs = all_jobs() if jobs is None else list(jobs)
    queued = [
        job.name for job in jobs if isinstance(job, FrequentJob) and _queue_frequent(job, now)
    ]
    for job in jobs:
        if not isinstance(job, DailyJob):
            continue
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
    jobs: Iterable[DailyJob | FrequentJob] | None = None,
    wake_every: float = WAKE_EVERY,
    after_pass: Callable[[], None] | None = None,
) -> int:
    """Pass after pass, `wake_every` seconds apart, until `stop` is set (a pass under way is
    finished first). A pass that fails (the database away) is logged and the loop goes on.
    Returns how many passes ran."""
    jobs = all_jobs() if jobs is None else list(jobs)
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
