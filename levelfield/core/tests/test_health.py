"""A load balancer asks /healthz whether the process is up and /readyz whether it can work: the
database, the cache, the storage uploads go to, and the task worker's heartbeat (written by a
task the scheduler queues every minute). Anyone may ask; no answer says more than which check
failed."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from levelfield.core import clock, health, scheduler
from levelfield.core.models import Heartbeat

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _worker_required(settings):
    settings.LEVELFIELD_HEALTH_WORKER_REQUIRED = True
    settings.LEVELFIELD_HEALTH_WORKER_MAX_AGE = timedelta(minutes=10)


def beat(at=None):
    """A worker runs the heartbeat task (at `at`)."""
    if at is None:
        health.heartbeat.enqueue()
    else:
        with clock.frozen_at(at):
            health.heartbeat.enqueue()


def test_healthz_answers_without_touching_the_database(client):
    # no database for this test: a query would fail it
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_readyz_is_ready_when_everything_answers_and_a_worker_beat_lately(client, settings):
    beat()
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok", "worker": "ok"},
    }
    # the storage probe leaves nothing behind, in the uploads' storage or the downloads'
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))
    assert not any(p.is_file() for p in settings.DOWNLOADS_ROOT.rglob("*"))
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_scheduler_queues_the_heartbeat_every_minute_and_the_worker_records_it(client):
    jobs = {job.name: job for job in scheduler.frequent_jobs()}
    assert jobs["heartbeat"].every == 1
    assert jobs["heartbeat"].task == "levelfield.core.health.heartbeat"
    assert client.get("/readyz").status_code == 503

    assert "heartbeat" in scheduler.run_due()  # the tests' tasks run at once, as a worker would

    assert Heartbeat.objects.get(name="worker").beat_at <= clock.now()
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_a_heartbeat_older_than_the_setting_is_not_ready(client):
    beat(at=clock.now() - timedelta(minutes=11))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "not ready",
        "failed": ["worker"],
        "checks": {"database": "ok", "cache": "ok", "storage": "ok", "worker": "failed"},
    }

    beat(at=clock.now() - timedelta(minutes=9))
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_not_ready_is_logged_as_a_warning_naming_the_check_not_as_a_server_error(client, caplog):
    client.get("/readyz")
    assert "Not ready: the worker check failed" in caplog.text
    assert not [r for r in caplog.records if r.name == "django.request"]


@pytest.mark.django_db
def test_no_worker_is_tolerated_only_where_the_setting_says_so(client, settings):
    assert client.get("/readyz").json()["failed"] == ["worker"]

    settings.LEVELFIELD_HEALTH_WORKER_REQUIRED = False
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"] == "not required"

    beat()
    assert client.get("/readyz").json()["checks"]["worker"] == "ok"


@pytest.mark.django_db
def test_a_cache_that_keeps_nothing_is_not_ready(client, settings):
    beat()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


@pytest.mark.django_db
@pytest.mark.parametrize("folder", ["MEDIA_ROOT", "DOWNLOADS_ROOT"])
def test_storage_that_cannot_be_written_is_not_ready_and_the_answer_says_no_more(
    client, settings, tmp_path, caplog, folder
):
    beat()
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the media or downloads folder should be")
    setattr(settings, folder, blocked)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]
    # the reason is logged, never answered: no path, no error
    assert str(tmp_path) not in response.content.decode()
    assert "Error" not in response.content.decode()
    assert "The readiness check storage failed" in caplog.text


@pytest.mark.django_db
def test_a_database_that_does_not_answer_is_not_ready(client, monkeypatch):
    beat()

    class Away:
        def cursor(self):
            raise OperationalError("could not connect to server at 10.0.0.5")

    monkeypatch.setattr(health, "connection", Away())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
    assert "10.0.0.5" not in response.content.decode()


def test_both_answer_anyone_and_only_to_reading(client, db):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405
    assert client.head("/healthz").status_code == 200


@task()
def another_job() -> None:
    """Some other task in the queue."""


@pytest.mark.django_db
def test_the_heartbeat_clears_its_own_old_results_from_the_task_queue(settings):
    settings.TASKS = DB_TASKS
    old, recent, other = (
        health.heartbeat.enqueue(),
        health.heartbeat.enqueue(),
        another_job.enqueue(),
    )
    waiting = health.heartbeat.enqueue()
    DBTaskResult.objects.exclude(id=waiting.id).update(status="SUCCESSFUL")
    DBTaskResult.objects.filter(id__in=[old.id, other.id]).update(
        finished_at=clock.now() - timedelta(hours=2)
    )
    DBTaskResult.objects.filter(id=recent.id).update(finished_at=clock.now())

    health.heartbeat.call()

    # the heartbeats' results over an hour old are gone; the last hour's, those still to run
    # and other tasks' stay
    remaining = {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}
    assert remaining == {str(recent.id), str(other.id), str(waiting.id)}
    assert Heartbeat.objects.filter(name="worker").exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_heartbeat_the_scheduler_queued(client, settings):
    """As on a server: the scheduler's pass puts the heartbeat in the database's task queue, and
    django-tasks-db's worker (`levelfield db_worker`) takes and runs it."""
    from django_tasks_db.management.commands.db_worker import Worker

    settings.TASKS = DB_TASKS
    heartbeat_job = [job for job in scheduler.frequent_jobs() if job.name == "heartbeat"]
    assert scheduler.run_due(heartbeat_job) == ["heartbeat"]
    assert client.get("/readyz").json()["failed"] == ["worker"]  # queued, not yet run

    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()

    assert client.get("/readyz").status_code == 200
