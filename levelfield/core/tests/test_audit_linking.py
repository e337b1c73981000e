"""Audit events are linked into the chain after their action commits, in commit order, so no
action holds the chain's lock: recording takes no lock, actions that lock rows around their
record cannot deadlock on it, concurrent writers still make one unbroken chain, an event that
commits late is linked late, and verify-audit says when events wait too long to be linked. The
append-only trigger lets the linking through and nothing else; migration 0009 numbers the events
chained before it."""

import importlib
import logging
import threading
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from levelfield.core import audit, audit_chain, clock, tasks
from levelfield.core.models import AuditEvent, Heartbeat
from levelfield.core.tests.test_audit_chain import _broken, _verify
from tests.support import testing

MIGRATION = importlib.import_module("levelfield.core.migrations.0009_audit_chain_seq")
TIMEOUT = 60  # seconds a thread may take before the test fails rather than hangs


@pytest.fixture
def person(db):
    return testing.supplier_with_user("Linking Ltd")[1]


def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite has one writer at a time)")


def _run_together(*works) -> list[Exception]:
    """Run each function in its own thread (its own connection); the exceptions they raised."""
    failures: list[Exception] = []

    def run(work):
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a writer is still waiting"
    return failures


def _lock_timeout() -> None:
    """A transaction that waits on a lock fails after a while instead of hanging the test."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '20s'")


# -- the trigger lets the linking through, and nothing else --------------------------------------


def _update(sql: str, params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_trigger_lets_an_unlinked_event_be_linked_and_nothing_else(person):
    with transaction.atomic():
        event = audit.record(action="test.done", obj=person, summary="As recorded", step=1)
    h = "a" * 64
    link = "UPDATE core_auditevent SET seq = 1, prev_hash = %s, hash = %s"
    refused = [
        ("UPDATE core_auditevent SET summary = 'x' WHERE id = %s", [event.pk]),
        (link + ", summary = 'x' WHERE id = %s", [h, h, event.pk]),
        (link + ", data = '{}' WHERE id = %s", [h, h, event.pk]),
        ("UPDATE core_auditevent SET seq = 1 WHERE id = %s", [event.pk]),  # half a link
        ("UPDATE core_auditevent SET seq = 1, hash = %s WHERE id = %s", [h, event.pk]),
    ]
    for sql, params in refused:
        with pytest.raises(DatabaseError, match="append-only"):
            _update(sql, params)
    assert audit_chain.link_pending(AuditEvent) == 1
    linked = AuditEvent.objects.get(pk=event.pk)
    assert (linked.seq, linked.summary) == (1, "As recorded")
    # Linked once, never again, nor changed.
    for sql, params in [
        ("UPDATE core_auditevent SET seq = 2 WHERE id = %s", [event.pk]),
        ("UPDATE core_auditevent SET hash = %s WHERE id = %s", [h, event.pk]),
        (
            "UPDATE core_auditevent SET seq = NULL, prev_hash = NULL, hash = NULL WHERE id = %s",
            [event.pk],
        ),
        (link + " WHERE id = %s", [h, h, event.pk]),
    ]:
        with pytest.raises(DatabaseError, match="append-only"):
            _update(sql, params)
    assert "intact: 1 event(s)" in _verify()


def test_the_sqlite_trigger_names_every_column_of_the_table(db):
    """SQLite's trigger lists the columns the linking must leave unchanged: a column added to the
    table and not to the list could be changed while an event is linked."""
    with connection.cursor() as cursor:
        columns = {
            column.name
            for column in connection.introspection.get_table_description(cursor, "core_auditevent")
        }
    assert columns == {*MIGRATION.FIXED_COLUMNS, *MIGRATION.LINK_COLUMNS}


# -- linking after the commit ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_action_takes_no_lock_for_its_record_and_its_commit_links_it():
    person = testing.supplier_with_user("Committed Ltd")[1]
    with transaction.atomic():
        first = audit.record(action="test.done", obj=person)
    with transaction.atomic():
        event = audit.record(action="test.done", obj=person)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                    " AND pid = pg_backend_pid()"
                )
                assert cursor.fetchone() == (0,)
        assert AuditEvent.objects.get(pk=event.pk).seq is None
    linked = AuditEvent.objects.get(pk=event.pk)
    assert linked.seq == AuditEvent.objects.count()
    assert linked.prev_hash == AuditEvent.objects.get(pk=first.pk).hash
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
    assert "intact" in _verify()


def test_a_failed_linking_is_logged_not_raised_and_the_frequent_job_links(
    person, monkeypatch, caplog
):
    with transaction.atomic():
        event = audit.record(action="test.done", obj=person)

    def fails(model, **kwargs):
        raise DatabaseError("the database went away")

    with monkeypatch.context() as patched:
        patched.setattr(audit_chain, "link_pending", fails)
        with caplog.at_level(logging.ERROR, logger="levelfield.core.audit"):
            audit.link_after_commit()  # what the commit runs: no exception
    assert "Could not link audit events" in caplog.text
    assert AuditEvent.objects.get(pk=event.pk).seq is None
    assert tasks.link_audit_events.call() == 1
    assert AuditEvent.objects.get(pk=event.pk).seq == 1


def test_the_frequent_job_is_scheduled_every_minute(settings):
    jobs = {job["name"]: job for job in settings.LEVELFIELD_FREQUENT_JOBS}
    assert jobs["audit_link"] == {
        "name": "audit_link",
        "task": "levelfield.core.tasks.link_audit_events",
        "every": 1,
    }


# -- verify-audit reports events left unlinked ----------------------------------------------------


def test_verify_audit_reports_events_left_unlinked_for_more_than_a_minute(person):
    with transaction.atomic():
        fresh = audit.record(action="test.done", obj=person)
    # An event just committed and not yet linked is no problem: verify-audit links it.
    assert "intact: 1 event(s)" in _verify()
    assert AuditEvent.objects.get(pk=fresh.pk).seq == 1
    with clock.frozen_at(clock.now() - timedelta(minutes=5)), transaction.atomic():
        stale = [audit.record(action="test.done", obj=person, step=i) for i in range(2)]
    with clock.frozen_at(clock.now() - timedelta(seconds=30)), transaction.atomic():
        audit.record(action="test.done", obj=person)
    message = _broken()
    assert "2 audit event(s) had been left unlinked for more than 1 minute(s)" in message
    assert f"the oldest recorded at {stale[0].at:%Y-%m-%d %H:%M:%S} UTC" in message
    assert "the linker is not running" in message
    # It linked them, after the one before, and the chain holds them.
    linked = AuditEvent.objects.filter(pk__in=[s.pk for s in stale]).order_by("id")
    assert [event.seq for event in linked] == [2, 3]
    assert "intact: 4 event(s)" in _verify()


# -- concurrent writers on PostgreSQL -------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_recording_then_locking_does_not_deadlock_with_locking_then_recording():
    """One action records its event and then locks a row; another has locked that row and then
    records. Each holds its first step (a barrier) before taking the second.

    With the event linked inside the action's transaction (before core 0009), recording took the
    chain's advisory lock and held it to the commit: the first action held the chain's lock and
    waited for the row, the second held the row and waited for the chain's lock, and PostgreSQL,
    finding the cycle after deadlock_timeout, aborted one of them with "deadlock detected": a
    user saw an error. Recording takes no lock now: the second records, commits and frees the
    row, and the first goes on. Both succeed and the chain holds both. (Which is linked first
    depends on whether the second's linking ran before the first committed: events found
    committed together are linked in id order.)"""
    _postgres_only()
    person = testing.supplier_with_user("Deadlock Ltd")[1]
    row = Heartbeat.objects.create(name="shared row", beat_at=clock.now())
    first_step_done = threading.Barrier(2, timeout=TIMEOUT)

    def records_then_locks():
        with transaction.atomic():
            _lock_timeout()
            audit.record(action="test.done", obj=person, who="records first")
            first_step_done.wait()
            Heartbeat.objects.select_for_update().get(pk=row.pk)

    def locks_then_records():
        with transaction.atomic():
            _lock_timeout()
            Heartbeat.objects.select_for_update().get(pk=row.pk)
            first_step_done.wait()
            audit.record(action="test.done", obj=person, who="locks first")

    assert _run_together(records_then_locks, locks_then_records) == []
    ours = AuditEvent.objects.filter(action="test.done")
    assert sorted(event.data["who"] for event in ours) == ["locks first", "records first"]
    assert all(event.seq is not None for event in ours)
    result = audit_chain.verify(AuditEvent)
    assert result.intact and result.events == AuditEvent.objects.count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_make_one_chain_each_event_linked_once(caplog):
    """Actions recording at the same time on separate connections, each in its own transaction
    and holding it open a moment, make one unbroken chain: every event linked exactly once, no
    linking failed, and a transaction's events keep their order in it."""
    _postgres_only()
    person = testing.supplier_with_user("Concurrent Ltd")[1]
    before = AuditEvent.objects.count()
    writers, rounds = 6, 15
    start = threading.Barrier(writers, timeout=TIMEOUT)

    def writer(n):
        def work():
            start.wait()
            for i in range(rounds):
                with transaction.atomic():
                    audit.record(action="test.done", obj=person, writer=n, round=i)
                    connection.cursor().execute("SELECT pg_sleep(0.002)")
                    audit.record(action="test.done", obj=person, writer=n, round=i, second=True)

        return work

    with caplog.at_level(logging.ERROR):
        assert _run_together(*(writer(n) for n in range(writers))) == []
    assert "Could not link" not in caplog.text
    total = before + writers * rounds * 2
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, total + 1)
    )
    result = audit_chain.verify(AuditEvent)
    assert result.intact, result.problem
    assert result.events == total
    assert result.head == AuditEvent.objects.get(seq=total).hash
    by_transaction: dict[tuple, list] = {}
    for seq, pk, data in AuditEvent.objects.filter(action="test.done").values_list(
        "seq", "id", "data"
    ):
        by_transaction.setdefault((data["writer"], data["round"]), []).append((seq, pk, data))
    assert len(by_transaction) == writers * rounds
    for events in by_transaction.values():
        events.sort()
        assert [data.get("second", False) for _, _, data in events] == [False, True]
        assert events[0][1] < events[1][1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_event_committed_late_is_linked_after_those_committed_before_it():
    """An action that recorded first (the lower id) but commits after another is linked after
    it: the chain's order is the commit order, and it verifies."""
    _postgres_only()
    person = testing.supplier_with_user("Late Ltd")[1]
    recorded, committed = threading.Event(), threading.Event()
    ids = {}

    def slow():
        with transaction.atomic():
            ids["slow"] = audit.record(action="test.done", obj=person, who="slow").pk
            recorded.set()
            assert committed.wait(TIMEOUT)

    def quick():
        assert recorded.wait(TIMEOUT)
        with transaction.atomic():
            ids["quick"] = audit.record(action="test.done", obj=person, who="quick").pk
        assert AuditEvent.objects.get(pk=ids["quick"]).seq is not None  # linked at its commit
        committed.set()

    assert _run_together(slow, quick) == []
    slow_event, quick_event = (AuditEvent.objects.get(pk=ids[k]) for k in ("slow", "quick"))
    assert slow_event.id < quick_event.id
    assert slow_event.seq == quick_event.seq + 1
    assert slow_event.prev_hash == quick_event.hash
    assert "intact" in _verify()
    assert audit_chain.head(AuditEvent) == slow_event.hash


# -- migration 0009 --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_numbers_the_events_chained_before_it_and_keeps_their_hashes():
    person = testing.supplier_with_user("Migrated Ltd")[1]  # its events: linked, in id order
    executor = MigrationExecutor(connection)
    before = [("core", "0008_audit_chain")]
    try:
        executor.migrate(before)
        Old = executor.loader.project_state(before).apps.get_model("core", "AuditEvent")
        hashes = {}
        # chained as 0008 did: in id order, after the last
        last = Old.objects.order_by("-id").values_list("hash", flat=True).first()
        prev = last or audit_chain.GENESIS
        for i in range(4):
            event = Old(
                at=clock.now(),
                organisation_id=None,
                action="test.done",
                object_type="accounts.user",
                object_id=str(person.pk),
                summary=f"Before {i}",
                data={"step": i, "note": "café"},
                sealed_until=None,
                prev_hash=prev,
            )
            event.hash = prev = audit_chain.digest_of(event)
            event.save()
            hashes[event.pk] = event.hash
    finally:
        # every app back to its latest migration, as later tests expect
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    events = list(AuditEvent.objects.order_by("id"))
    assert [event.seq for event in events] == list(range(1, len(events) + 1))
    assert {pk: AuditEvent.objects.get(pk=pk).hash for pk in hashes} == hashes
    assert "intact" in _verify()
    # The new trigger is in place: no change but the linking.
    with pytest.raises(DatabaseError, match="append-only"):
        _update("UPDATE core_auditevent SET summary = 'x' WHERE id = %s", [events[-1].pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _update("UPDATE core_auditevent SET seq = seq + 100 WHERE id = %s", [events[-1].pk])
    # An event recorded now follows them.
    with transaction.atomic():
        new = audit.record(action="test.done", obj=person)
    new = AuditEvent.objects.get(pk=new.pk)
    assert (new.seq, new.prev_hash) == (len(events) + 1, events[-1].hash)
    assert f"intact: {len(events) + 1} event(s)" in _verify()
