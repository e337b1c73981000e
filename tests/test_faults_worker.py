"""Faults: a task worker killed (SIGKILL) mid-task. django-tasks-db leaves the task RUNNING for
ever; a `levelfield worker` started again puts it back in the queue once the dead worker's
heartbeat is stale (core/worker.py) and runs it, and the work is done once: a real job (the
certificate expiry reminders) killed at seeded random points queues each reminder's email once
and sends it at least once (a kill between the mail server taking it and the worker forgetting
it sends it again)."""

import random
import time
import uuid
from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from levelfield.core import clock
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers.models import CertificateKind, CertificateReminder
from levelfield.suppliers.tasks import send_certificate_reminders
from tests import processes, worker_probe
from tests.support import testing

# a worker's heartbeat every 0.3 s, stale after 2 s: a dead worker's task is back in seconds
WORKER_ARGS = [
    "worker",
    "--no-scheduler",
    "--keeper-every",
    "0.3",
    "--interval",
    "0.2",
    "--no-startup-delay",
]
STALE_SECONDS = "2"
TABLE = DBTaskResult._meta.db_table

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def status_of(url: str, task_id) -> tuple[str, str] | None:
    """The task's status and start time, as the processes' database has them."""
    key = uuid.UUID(str(task_id))
    key = key.hex if url.startswith("sqlite") else str(key)  # SQLite keeps UUIDs as hex
    rows = processes.query(url, f"SELECT status, started_at FROM {TABLE} WHERE id = '{key}'")
    return (rows[0][0], str(rows[0][1])) if rows else None


def test_a_task_whose_worker_was_killed_is_run_again_by_the_next_worker(tmp_path):
    probe_file = tmp_path / "probe.txt"
    release = tmp_path / "release"
    task_id = worker_probe.slow.enqueue(name="one", until=str(release)).id

    with processes.shared_database(tmp_path) as url:
        env = processes.process_env(
            url,
            tmp_path / "run",
            LEVELFIELD_PROBE_FILE=str(probe_file),
            WORKER_STALE_AFTER_SECONDS=STALE_SECONDS,
        )
        first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
        first = processes.start(WORKER_ARGS, env, first_log)
        try:
            processes.wait_until(
                lambda: worker_probe.lines(probe_file) == ["start one"],
                what="the task to start",
                processes=(first,),
                logs=(first_log,),
            )
        finally:
            processes.kill(first)
        # what django-tasks-db leaves behind: a task running, with nobody running it
        assert status_of(url, task_id)[0] == "RUNNING"

        release.touch()
        second = processes.start(WORKER_ARGS, env, second_log)
        try:
            processes.wait_until(
                lambda: status_of(url, task_id)[0] == "SUCCESSFUL",
                what="the task to be run again",
                processes=(second,),
                logs=(second_log,),
            )
        finally:
            assert processes.stop(second) == 0

    assert worker_probe.lines(probe_file) == ["start one", "start one", "done one"]
    result = DBTaskResult.objects.get(pk=task_id)
    assert result.status == "SUCCESSFUL" and len(result.worker_ids) == 2
    assert all(worker_id.startswith("lf-") for worker_id in result.worker_ids)
    assert "queued again" in second_log.read_text()


CERTIFICATES = 40
KILLS = 3
SEND_EMAIL = "levelfield.core.notify.send_email"


def test_the_certificate_reminders_killed_at_random_points_email_each_reminder_once(tmp_path):
    admins = []
    for n in range(CERTIFICATES):
        organisation, admin = testing.supplier_with_user(f"Supplier {n:02} Ltd")
        supplier_actions.add_certificate(
            organisation=organisation,
            by=admin,
            kind=CertificateKind.PUBLIC_LIABILITY,
            number=f"PL-{n}",
            issuer="Wessex Mutual Insurance",
            expires_on=clock.today_uk() + timedelta(days=5),
            upload=testing.pdf("certificate.pdf"),
        )
        admins.append(admin.email)
    emails_before = DBTaskResult.objects.filter(task_path=SEND_EMAIL).count()
    task_id = send_certificate_reminders.enqueue().id
    chance = random.Random(17)
    logs = []

    with processes.shared_database(tmp_path) as url:
        env = processes.process_env(url, tmp_path / "run", WORKER_STALE_AFTER_SECONDS=STALE_SECONDS)
        seen = None
        for kill in range(KILLS):
            log = tmp_path / f"worker-{kill}.log"
            logs.append(log)
            worker = processes.start(WORKER_ARGS, env, log)
            try:
                # each worker is killed at a random moment after it has taken the task
                state = processes.wait_until(
                    lambda seen=seen: (
                        (s := status_of(url, task_id)) and s[0] != "READY" and s != seen and s
                    ),
                    what="the task to be taken",
                    processes=(worker,),
                    logs=(log,),
                )
                seen = state
                if state[0] != "RUNNING":
                    break  # it finished before this worker could be killed
                time.sleep(chance.uniform(0.0, 1.5))
            finally:
                processes.kill(worker)
        log = tmp_path / "last.log"
        logs.append(log)
        last = processes.start(WORKER_ARGS, env, log)
        try:
            processes.wait_until(
                lambda: (
                    processes.query(
                        url, f"SELECT count(*) FROM {TABLE} WHERE status IN ('READY', 'RUNNING')"
                    )[0][0]
                    == 0
                ),
                what="every task to finish",
                processes=(last,),
                logs=tuple(logs),
            )
            # the work may be done before this worker has started (the previous one finished it):
            # it is stopped once it is running, when SIGTERM is a graceful stop, not a kill
            processes.wait_until(
                lambda: "Starting worker" in log.read_text(),
                what="the last worker to be running",
                processes=(last,),
                logs=(log,),
            )
        finally:
            assert processes.stop(last) == 0

    # each certificate reminded once, in the database and by email, whatever the kills cut short
    assert CertificateReminder.objects.count() == 2 * CERTIFICATES  # the 30 and 7 days reminders
    assert DBTaskResult.objects.get(pk=task_id).status == "SUCCESSFUL"
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
    sent = [
        (to, subject)
        for to, subject in processes.sent_emails(tmp_path / "run" / "emails")
        if "expires" in subject
    ]
    # Each reminder queued one email, once. Its delivery is at least once: a worker killed after
    # the mail server took an email and before it forgot it sends it again (no mail server can
    # be asked whether it already has one), so each kill may repeat one email, no more.
    queued = DBTaskResult.objects.filter(task_path=SEND_EMAIL).count() - emails_before
    assert queued == CERTIFICATES
    expected = [(admin, "Public liability insurance expires in 5 days") for admin in admins]
    assert set(sent) == set(expected)
    assert len(expected) <= len(sent) <= len(expected) + KILLS
