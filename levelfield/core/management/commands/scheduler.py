"""`levelfield scheduler`: queue the daily jobs (settings.LEVELFIELD_DAILY_JOBS) once a day each,
when due, and the frequent jobs (settings.LEVELFIELD_FREQUENT_JOBS) once in each slot of their
interval, waking every minute until SIGTERM or Ctrl-C; `--once` makes one pass and ends (for a
systemd timer). `levelfield db_worker` runs what it queues. See core/scheduler.py."""

import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from levelfield.core import scheduler


class Command(BaseCommand):
    help = "Queue the daily and frequent jobs when due, every minute until stopped (or --once)"

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Make one pass and end (for a systemd timer)"
        )

    def handle(self, *args, once: bool = False, **options):
        jobs = scheduler.all_jobs()
        if once:
            queued = scheduler.run_due(jobs)
            self.stdout.write(
                f"Queued {', '.join(queued)}" if queued else "Nothing due that is not queued"
            )
            return
        names = ", ".join(
            [f"{job.name} at {job.at:%H:%M}" for job in jobs if isinstance(job, scheduler.DailyJob)]
            + [job.label for job in jobs if isinstance(job, scheduler.FrequentJob)]
        )
        stop = threading.Event()
        with scheduler.stopping_on_signals(stop):
            self.stdout.write(f"Scheduler started (UK time): {names or 'no jobs'}")
            self.stdout.flush()
            # each pass leaves no connection open between minutes (nor a stale one)
            scheduler.run(stop=stop, jobs=jobs, after_pass=close_old_connections)
        self.stdout.write("Scheduler stopped")
