"""The task worker with the schedule inside it: `levelfield worker` runs django-tasks-db's worker
(tasks one at a time from the database queue) and, in a thread beside it, a keeper that wakes
every minute to

- say this worker is alive (a `Heartbeat` row `worker:<its id>`),
- put back in the queue the tasks of workers that died while running them (below), and
- make the scheduler's pass (core/scheduler.py): the daily and frequent jobs due and not yet
  claimed are queued, each claimed by a unique row in the transaction that queues it.

So N workers are N schedulers, and each job's run is still queued once: cron and a separate
`levelfield scheduler` process become optional (that command still works, for a timer).

A worker killed mid-task (SIGKILL, the machine lost) leaves django-tasks-db's row RUNNING for
ever: nothing in the backend takes it again. Every keeper looks for RUNNING tasks whose worker
is one of ours (ids begin `lf-`) and whose heartbeat is older than
`settings.LEVELFIELD_WORKER_STALE_AFTER` (or gone), and makes them READY again, so the next free
worker runs them from the start. Tasks are written to be run again safely (each job does what
is due as of when it runs, and records what it sent), so a task run twice does its work once. A
task claimed by a plain `levelfield db_worker` (no heartbeat) is never taken back: only a
worker known to be dead loses its task.
"""

import contextlib
import logging
import os
import secrets
import socket
import threading
from collections.abc import Iterable, Iterator
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

from . import scheduler
from .models import Heartbeat

log = logging.getLogger(__name__)

ID_PREFIX = "lf-"  # the ids of `levelfield worker` workers, and only theirs
HEARTBEAT_PREFIX = "worker:"  # their Heartbeat rows' names, "worker:" + the id
KEEP_DEAD_HEARTBEATS = timedelta(days=1)  # a dead worker's heartbeat row is deleted after this


def new_worker_id() -> str:
    """A worker id no other worker has: its host and process, and random letters (the row's
    name holds at most 40 characters, so the host is cut short)."""
    host = socket.gethostname().split(".")[0][:12]
    return f"{ID_PREFIX}{host}-{os.getpid()}-{secrets.token_hex(4)}"


def stale_after() -> timedelta:
    return getattr(settings, "LEVELFIELD_WORKER_STALE_AFTER", timedelta(minutes=5))


def beat(worker_id: str) -> None:
    """Record that the worker `worker_id` is alive now."""
    Heartbeat.objects.update_or_create(
        name=HEARTBEAT_PREFIX + worker_id, defaults={"beat_at": timezone.now()}
    )


def recover_stale_tasks() -> list[str]:
    """Make READY again each task left RUNNING by one of our workers whose heartbeat is older
    than `stale_after()` (or gone). Returns their ids. Two keepers at once put a task back once:
    the update only matches the row as it was claimed (its start time), so a task that another
    worker has meanwhile claimed again is left alone."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    limit = now - stale_after()
    alive = set(
        Heartbeat.objects.filter(name__startswith=HEARTBEAT_PREFIX, beat_at__gte=limit).values_list(
            "name", flat=True
        )
    )
    recovered = []
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=limit)
    for task_id, worker_ids, started_at, task_path in running.values_list(
        "id", "worker_ids", "started_at", "task_path"
    ):
        last = worker_ids[-1] if worker_ids else ""
        if not last.startswith(ID_PREFIX) or HEARTBEAT_PREFIX + last in alive:
            continue
        taken_back = DBTaskResult.objects.filter(
            pk=task_id, status=TaskResultStatus.RUNNING, started_at=started_at
        ).update(status=TaskResultStatus.READY, started_at=None)
        if taken_back:
            log.warning(
                "The task %s (%s) was left running by the worker %s, which stopped beating; "
                "it is queued again",
                task_id,
                task_path,
                last,
            )
            recovered.append(str(task_id))
    Heartbeat.objects.filter(
        name__startswith=HEARTBEAT_PREFIX, beat_at__lt=now - KEEP_DEAD_HEARTBEATS
    ).delete()
    return recovered


def keep(
    worker_id: str,
    *,
    stop: threading.Event,
    jobs: Iterable[scheduler.DailyJob | scheduler.FrequentJob] | None,
    wake_every: float,
) -> None:
    """The keeper's loop, until `stop` is set: beat, take back dead workers' tasks, and (unless
    `jobs` is None) queue the jobs due. A step that fails (the database away) is logged and the
    others still run; the loop goes on."""
    jobs = list(jobs) if jobs is not None else None
    while not stop.is_set():
        steps = [("heartbeat", lambda: beat(worker_id)), ("recovery", recover_stale_tasks)]
        if jobs is not None:
            steps.append(("scheduler", lambda: scheduler.run_due(jobs)))
        for name, step in steps:
            try:
                step()
            except Exception:
                log.exception("The worker's %s step failed; trying again in %ss", name, wake_every)
        # this thread's own connections: none kept open between passes, nor a broken one
        close_old_connections()
        connections.close_all()
        stop.wait(wake_every)


@contextlib.contextmanager
def keeper(
    worker_id: str,
    *,
    jobs: Iterable[scheduler.DailyJob | scheduler.FrequentJob] | None,
    wake_every: float = scheduler.WAKE_EVERY,
) -> Iterator[threading.Thread]:
    """The keeper in a daemon thread while the block runs (the worker runs in the block). The
    heartbeat is written before the block starts: a worker claims no task before it beats, so
    no other keeper takes its task back for want of one."""
    beat(worker_id)
    stop = threading.Event()
    thread = threading.Thread(
        target=keep,
        args=(worker_id,),
        kwargs={"stop": stop, "jobs": jobs, "wake_every": wake_every},
        name="levelfield-keeper",
        daemon=True,
    )
    thread.start()
    try:
        yield thread
    finally:
        stop.set()
        thread.join(timeout=30)
