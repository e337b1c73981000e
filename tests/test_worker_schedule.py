"""`levelfield worker` carries the schedule: two worker processes on one database, every daily job
due (tests/settings_jobs_due.py), and each job's task runs once: counted by what the runs did
(the probe job's lines, the emails written, the task results the workers finished), not only by
the rows that claim them. On PostgreSQL the workers are really concurrent; on SQLite they share
one file, one writer at a time."""

import time
from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from levelfield.alerts import actions as alert_actions
from levelfield.core import clock, scheduler
from levelfield.core import worker as keeping
from levelfield.core.models import FrequentRun, Heartbeat, ScheduledRun
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers.models import CertificateKind
from levelfield.tenders import actions as tender_actions
from tests import processes, worker_probe
from tests.settings_jobs_due import LEVELFIELD_DAILY_JOBS as DUE_DAILY_JOBS
from tests.support import testing

WORKERS = 2
WORKER_ARGS = ["worker", "--keeper-every", "0.5", "--interval", "0.2", "--no-startup-delay"]


def something_for_each_job_to_do(buyer, officer):
    """A certificate that expires in five days (a reminder is due) and a saved search with a
    new opportunity matching it (a digest is due)."""
    organisation, admin = testing.supplier_with_user("Kennet Home Care Ltd")
    supplier_actions.add_certificate(
        organisation=organisation,
        by=admin,
        kind=CertificateKind.PUBLIC_LIABILITY,
        number="PL-1",
        issuer="Wessex Mutual Insurance",
        expires_on=clock.today_uk() + timedelta(days=5),
        upload=testing.pdf("certificate.pdf"),
    )
    with clock.frozen_at(clock.now() - timedelta(hours=3)):
        alert_actions.save_search(
            user=admin, organisation=organisation, name="Cleaning", params={"q": "cleaning"}
        )
    with clock.frozen_at(clock.now() - timedelta(hours=2)):
        tender = testing.draft_tender(buyer=buyer, by=officer, title="Office cleaning")
        tender_actions.publish_tender(tender=tender, by=officer)


@pytest.mark.django_db(transaction=True)
def test_two_workers_run_each_scheduled_job_once(tmp_path, buyer, officer):
    something_for_each_job_to_do(buyer, officer)
    probe_file = tmp_path / "probe.txt"
    emails = tmp_path / "run" / "emails"
    daily = [job["name"] for job in DUE_DAILY_JOBS]
    table = DBTaskResult._meta.db_table
    logs = tuple(tmp_path / f"worker-{n}.log" for n in range(WORKERS))

    with processes.shared_database(tmp_path) as url:
        env = processes.process_env(
            url,
            tmp_path / "run",
            DJANGO_SETTINGS_MODULE="tests.settings_jobs_due",
            LEVELFIELD_PROBE_FILE=str(probe_file),
        )
        workers = [processes.start(WORKER_ARGS, env, log) for log in logs]
        try:

            def all_done():
                claimed = processes.query(url, "SELECT count(DISTINCT job) FROM core_scheduledrun")[
                    0
                ][0]
                waiting = processes.query(
                    url, f"SELECT count(*) FROM {table} WHERE status IN ('READY', 'RUNNING')"
                )[0][0]
                beating = processes.query(
                    url, "SELECT count(*) FROM core_heartbeat WHERE name LIKE 'worker:lf-%'"
                )[0][0]
                return claimed == len(daily) and waiting == 0 and beating == WORKERS

            processes.wait_until(
                all_done, what="every daily job run", processes=tuple(workers), logs=logs
            )
            # Both keep making passes (twice a second each): a second claim would show now.
            time.sleep(3)
            assert processes.wait_until(all_done, what="nothing more queued", logs=logs)
        finally:
            codes = [processes.stop(process) for process in workers]
    assert codes == [0] * WORKERS, [log.read_text()[-3000:] for log in logs]

    # Each daily job claimed once and its task run once, to the end.
    assert sorted(ScheduledRun.objects.values_list("job", flat=True)) == sorted(daily)
    for job in scheduler.daily_jobs(DUE_DAILY_JOBS):
        results = DBTaskResult.objects.filter(task_path=job.task)
        assert [r.status for r in results] == ["SUCCESSFUL"], [
            (job.name, r.status, r.traceback) for r in results
        ]
    # Each frequent job run once for each slot claimed in it (a minute may have turned).
    for job in scheduler.frequent_jobs():
        claims = FrequentRun.objects.filter(job=job.name).count()
        results = DBTaskResult.objects.filter(task_path=job.task)
        assert claims >= 1
        assert [r.status for r in results] == ["SUCCESSFUL"] * claims, [
            (r.status, r.traceback) for r in results
        ]
    # What the runs did, once each: the probe's line, the certificate reminder, the digest.
    assert worker_probe.lines(probe_file) == ["probe"]
    subjects = [subject for _, subject in processes.sent_emails(emails)]
    assert subjects.count("Public liability insurance expires in 5 days") == 1, subjects
    assert subjects.count("1 new opportunity for your saved searches") == 1, subjects
    assert DBTaskResult.objects.filter(status="FAILED").count() == 0
    # Both workers kept the schedule (each wrote its heartbeat), under our workers' ids.
    beats = Heartbeat.objects.filter(name__startswith=keeping.HEARTBEAT_PREFIX)
    assert beats.count() == WORKERS
    ran_by = {
        worker_id
        for ids in DBTaskResult.objects.values_list("worker_ids", flat=True)
        for worker_id in ids
    }
    assert ran_by and all(worker_id.startswith(keeping.ID_PREFIX) for worker_id in ran_by)
