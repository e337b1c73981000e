"""`levelfield worker`: the background task worker with the schedule inside it (core/worker.py).

It takes django-tasks-db's `db_worker` options (--queue-name, --interval, --batch, --max-tasks,
--worker-id...) and runs, beside the worker, a keeper that every minute writes the worker's
heartbeat, queues again the tasks of workers that died mid-task, and queues the daily and
frequent jobs that are due (settings.LEVELFIELD_DAILY_JOBS and LEVELFIELD_FREQUENT_JOBS), each
run claimed once however many workers run. `--no-scheduler` leaves the jobs to others."""

from typing import Any

from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from levelfield.core import scheduler
from levelfield.core import worker as keeping


class Command(db_worker.Command):
    help = (
        "Run the background task worker, and queue the daily and frequent jobs when due "
        "(each run once, however many workers run)"
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-scheduler",
            action="store_false",
            dest="with_scheduler",
            help="Do not queue the daily and frequent jobs (another worker or scheduler does)",
        )
        parser.add_argument(
            "--keeper-every",
            type=db_worker.valid_interval,
            default=scheduler.WAKE_EVERY,
            help="Seconds between the keeper's passes (default: %(default)r)",
        )
        # our workers' ids say they are ours (core/worker.py takes back only their tasks); no
        # reloading (its watching parent would run a second keeper)
        parser.set_defaults(worker_id=keeping.new_worker_id(), reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        # db_worker's options go on to it; these two are this command's own
        with_scheduler: bool = options.pop("with_scheduler", True)
        keeper_every: float = options.pop("keeper_every", scheduler.WAKE_EVERY)
        if options.get("reload"):
            raise CommandError("levelfield worker does not reload: run db_worker --reload")
        if not options["worker_id"].startswith(keeping.ID_PREFIX):
            raise CommandError(f"A worker id begins with {keeping.ID_PREFIX!r}")
        jobs = scheduler.all_jobs() if with_scheduler else None
        with keeping.keeper(options["worker_id"], jobs=jobs, wake_every=keeper_every):
            super().handle(*args, **options)
