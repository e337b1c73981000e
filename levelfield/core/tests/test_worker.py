"""The worker's keeper takes back the tasks of workers that died mid-task (core/worker.py): only
ours (ids beginning lf-), only once their heartbeat is stale, and only the claim it saw."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from levelfield.core import worker
from levelfield.core.models import Heartbeat
from levelfield.core.tests.test_scheduler import note_the_moment

STALE = timedelta(minutes=5)


@pytest.fixture(autouse=True)
def _database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.LEVELFIELD_WORKER_STALE_AFTER = STALE


def running(worker_id: str, *, started_ago: timedelta) -> DBTaskResult:
    result = DBTaskResult.objects.get(pk=note_the_moment.enqueue().id)
    result.claim(worker_id)
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=timezone.now() - started_ago)
    return result


def beat(worker_id: str, *, ago: timedelta) -> None:
    Heartbeat.objects.create(name=worker.HEARTBEAT_PREFIX + worker_id, beat_at=timezone.now() - ago)


def status(result: DBTaskResult) -> str:
    return DBTaskResult.objects.get(pk=result.pk).status


@pytest.mark.django_db
def test_a_dead_workers_task_is_queued_again_and_a_live_ones_is_not():
    beat("lf-dead", ago=timedelta(minutes=6))
    beat("lf-alive", ago=timedelta(seconds=30))
    dead = running("lf-dead", started_ago=timedelta(minutes=20))
    alive = running("lf-alive", started_ago=timedelta(minutes=20))

    assert worker.recover_stale_tasks() == [str(dead.pk)]

    assert status(dead) == "READY"
    assert DBTaskResult.objects.get(pk=dead.pk).started_at is None
    assert status(alive) == "RUNNING"
    # the next free worker takes it, with the dead one's id kept in its history
    assert DBTaskResult.objects.ready().get().pk == dead.pk
    assert DBTaskResult.objects.get(pk=dead.pk).worker_ids == ["lf-dead"]
    assert worker.recover_stale_tasks() == []


@pytest.mark.django_db
def test_a_worker_gone_without_a_heartbeat_row_loses_its_task_once_it_is_old():
    old = running("lf-vanished", started_ago=timedelta(minutes=6))
    young = running("lf-just-started", started_ago=timedelta(seconds=10))

    assert worker.recover_stale_tasks() == [str(old.pk)]
    assert status(young) == "RUNNING"


@pytest.mark.django_db
def test_a_plain_db_worker_task_is_never_taken_back():
    plain = running("Zx8aQ2rLk1", started_ago=timedelta(days=1))

    assert worker.recover_stale_tasks() == []
    assert status(plain) == "RUNNING"


@pytest.mark.django_db
def test_finished_and_waiting_tasks_are_left_alone():
    beat("lf-dead", ago=timedelta(hours=1))
    done = running("lf-dead", started_ago=timedelta(minutes=30))
    DBTaskResult.objects.get(pk=done.pk).set_successful(None)
    waiting = DBTaskResult.objects.get(pk=note_the_moment.enqueue().id)

    assert worker.recover_stale_tasks() == []
    assert status(done) == "SUCCESSFUL"
    assert status(waiting) == "READY"


@pytest.mark.django_db
def test_a_dead_workers_heartbeat_row_goes_after_a_day():
    beat("lf-long-gone", ago=timedelta(days=2))
    beat("lf-recent", ago=timedelta(hours=2))

    worker.recover_stale_tasks()

    assert list(Heartbeat.objects.values_list("name", flat=True)) == ["worker:lf-recent"]


def test_worker_ids_are_ours_unique_and_fit_their_heartbeat_row():
    ids = {worker.new_worker_id() for _ in range(50)}
    assert len(ids) == 50
    longest = Heartbeat._meta.get_field("name").max_length
    assert all(i.startswith("lf-") and len(worker.HEARTBEAT_PREFIX + i) <= longest for i in ids)
