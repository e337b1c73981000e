"""Building the bulk downloads (opendata/downloads_build.py): one more release rewrites only its
month's files and the two whole files; one build runs at a time however many workers start one
(PostgreSQL's advisory lock, SQLite's lease), and a build that died does not hold the lock."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from levelfield.opendata import downloads, downloads_build, downloads_lease
from levelfield.opendata.models import DownloadBuild, DownloadFile

# A build waiting for the lock, in this database (a key under 2**32 shows as objid).
WAITING = (
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = %s "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)
MARCH, APRIL = datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 4, 2, tzinfo=UTC)


def _stored() -> dict[str, tuple[str, str]]:
    """Each download's stored file and SHA-256, by published name."""
    return {f.name: (f.stored, f.sha256) for f in DownloadFile.objects.all()}


@pytest.mark.django_db
def test_one_more_release_rewrites_only_its_month_and_the_whole_files(publish_release):
    publish_release("A", at=MARCH)
    publish_release("B", at=APRIL)
    downloads.regenerate()
    before = _stored()
    march = [name for name in before if "2026-03" in name]
    with downloads.storage().open(before[march[0]][0]) as handle:
        march_bytes = handle.read()

    publish_release("C", at=APRIL + timedelta(days=3))
    downloads.regenerate()
    after = _stored()

    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {
        "releases.jsonl.gz",
        "compiled-releases.jsonl.gz",
        *(d.name("2026-04") for d in downloads.DOWNLOADS if d.by_month),
    }
    assert len(march) == 6 and all(after[name] == before[name] for name in march)
    with downloads.storage().open(after[march[0]][0]) as handle:
        assert handle.read() == march_bytes
    # A release of a March procedure in April: April's releases and March's compiled files.
    publish_release("A", "award", at=APRIL + timedelta(days=4))
    downloads.regenerate()
    again = {name for name, value in _stored().items() if value != after[name]}
    assert {name for name in again if "2026-03" in name} == {
        d.name("2026-03") for d in downloads.DOWNLOADS if d.by_month and d.contents == "compiled"
    }
    assert "releases-2026-03.jsonl.gz" not in again and "releases-2026-04.jsonl.gz" in again


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_build_waits_for_the_one_under_way_and_a_dead_one_frees_the_lock(
    publish_release, settings
):
    # Publishing queues a build; here nothing runs it, the test starts its own.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    publish_release("A", at=MARCH)
    # Another worker's build holds the lock, on its own connection.
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [downloads_build.LOCK_KEY])
        result = {}

        def build():
            try:
                result["manifest"] = downloads.regenerate()
            finally:
                connection.close()

        thread = threading.Thread(target=build)
        thread.start()
        for _ in range(3000):  # until PostgreSQL shows the build asking for the lock
            with other.cursor() as cursor:
                cursor.execute(WAITING, [downloads_build.LOCK_KEY])
                if cursor.fetchone()[0]:
                    break
            time.sleep(0.1)
        else:
            pytest.fail("the build never asked for the lock")
        assert not DownloadFile.objects.exists() and "manifest" not in result
    finally:
        other.close()  # that worker dies: its connection goes, and the lock with it
    thread.join(timeout=600)

    assert result["manifest"]["release_count"] == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's lease")
@pytest.mark.django_db
def test_on_sqlite_a_build_waits_for_a_live_lease_and_takes_a_lapsed_one(
    publish_release, monkeypatch
):
    publish_release("A", at=MARCH)
    DownloadBuild.objects.create(pk=1, building_until=timezone.now() + timedelta(minutes=5))
    waits = []
    real_sleep, this_thread = time.sleep, threading.get_ident()

    def sleep(seconds):  # while it waits, the other build finishes
        if threading.get_ident() != this_thread:
            # time.sleep is the one of every thread: another's (Spark's py4j, left by an
            # earlier test) sleeps as it did, and neither counts nor writes
            return real_sleep(seconds)
        waits.append(seconds)
        DownloadBuild.objects.filter(pk=1).update(building_until=None)

    monkeypatch.setattr(downloads_lease.time, "sleep", sleep)
    assert downloads.regenerate()["release_count"] == 1
    assert len(waits) == 1
    assert DownloadBuild.objects.get().building_until is None

    # A build that died left its lease: once lapsed, the next build takes it without waiting.
    publish_release("B", at=APRIL)
    DownloadBuild.objects.filter(pk=1).update(building_until=timezone.now() - timedelta(seconds=1))
    assert downloads.regenerate()["release_count"] == 2
    assert len(waits) == 1
