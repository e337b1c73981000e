"""The audit trail is append-only and hash-chained: the application cannot change or remove an
event, the database refuses it too (a trigger), and whoever gets round both, as an attacker with
the database would by disabling the trigger, is caught by `levelfield verify-audit`."""

import importlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from levelfield.core import audit, audit_chain, clock
from levelfield.core.models import AuditEvent
from tests.support import testing

TRIGGER = "core_auditevent_append_only"


def _record(n: int, obj, **data) -> list[AuditEvent]:
    """Record `n` events in one transaction and link them, as its commit would (the test's
    transaction never commits), and return them as stored."""
    with transaction.atomic():
        ids = [
            audit.record(action="test.done", obj=obj, summary=f"Step {i}", step=i, **data).pk
            for i in range(n)
        ]
    audit_chain.link_pending(AuditEvent)
    stored = AuditEvent.objects.in_bulk(ids)
    return [stored[pk] for pk in ids]


def _verify(*args) -> str:
    out = StringIO()
    call_command("verify-audit", *args, stdout=out)
    return out.getvalue()


def _broken(*args) -> str:
    with pytest.raises(CommandError) as caught:
        _verify(*args)
    return str(caught.value)


def _as_attacker(sql: str, params=()) -> None:
    """Change the table behind the application's back, as someone with the database could:
    with the trigger disabled (PostgreSQL) or dropped (SQLite), in the test's transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # (ALTER TABLE waits for no deferred foreign key check of this transaction)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE core_auditevent DISABLE TRIGGER {TRIGGER}")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
        cursor.execute(sql, params)


@pytest.fixture
def person(db):
    return testing.supplier_with_user("Chain Test Ltd")[1]


def test_events_are_recorded_unlinked_and_linked_in_order(person):
    with transaction.atomic():
        recorded = [audit.record(action="test.done", obj=person, step=i) for i in range(3)]
    stored = list(AuditEvent.objects.order_by("id").values_list("seq", "prev_hash", "hash"))
    assert stored == [(None, None, None)] * 3
    assert audit_chain.link_pending(AuditEvent) == 3
    assert audit_chain.link_pending(AuditEvent) == 0  # each is linked once
    events = [AuditEvent.objects.get(pk=event.pk) for event in recorded]
    assert [event.seq for event in events] == [1, 2, 3]
    assert events[0].prev_hash == audit_chain.GENESIS
    assert [event.prev_hash for event in events[1:]] == [event.hash for event in events[:2]]


def test_linking_goes_on_in_batches_after_the_head(person):
    first = _record(2, person)
    with transaction.atomic():
        for i in range(7):
            audit.record(action="test.done", obj=person, step=i)
    assert audit_chain.link_pending(AuditEvent, batch=3) == 7
    chain = list(AuditEvent.objects.order_by("seq").values_list("seq", "id", "prev_hash"))
    assert [seq for seq, _, _ in chain] == list(range(1, 10))
    assert [pk for _, pk, _ in chain] == sorted(pk for _, pk, _ in chain)
    assert chain[2][2] == first[-1].hash
    assert "intact: 9 event(s)" in _verify()


def test_an_intact_chain_passes_and_shows_its_head(person):
    events = _record(4, person)
    out = _verify()
    assert "The audit trail is intact: 4 event(s)" in out
    assert events[-1].hash in out
    assert events[0].prev_hash == audit_chain.GENESIS
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    assert len({e.hash for e in events}) == 4
    # The head noted now still holds after more events are recorded.
    _record(2, person)
    assert "6 event(s)" in _verify("--head", events[-1].hash)


def test_what_is_stored_checks_out_as_read_back(person):
    """Data as the database gives it back (keys made text, tuples lists, a big float turned to
    an integer by jsonb) hashes as it did when recorded."""
    with transaction.atomic():
        audit.record(
            action="test.done",
            obj=person,
            organisation=person,
            actor=person,
            summary="Prix fixé — £1,000",
            sealed_until=clock.now() + timedelta(days=3),
            answers={7: "yes", "8": ["a", ("b", 1.5)]},
            big=1e20,
            whole=2.0,
            tiny=1e-7,
            nothing=None,
            flag=True,
        )
    assert "1 event(s)" in _verify()


def test_the_application_cannot_change_or_remove_an_event(person):
    event = _record(1, person)[0]
    event.summary = "Something else"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    with pytest.raises(ValueError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="Something else")
    with pytest.raises(ValueError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(ValueError):
        AuditEvent.objects.bulk_create([AuditEvent(action="x", at=clock.now())])
    assert AuditEvent.objects.get(pk=event.pk).summary == "Step 0"


@pytest.mark.parametrize("statement", ["UPDATE", "DELETE"])
def test_the_database_refuses_to_change_or_remove_an_event(person, statement):
    event = _record(1, person)[0]
    sql = {
        "UPDATE": "UPDATE core_auditevent SET summary = 'x' WHERE id = %s",
        "DELETE": "DELETE FROM core_auditevent WHERE id = %s",
    }[statement]
    if statement == "DELETE" and connection.vendor == "sqlite":
        pytest.skip("on SQLite only UPDATE is refused: Django's test flush deletes rows")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).summary == "Step 0"


def test_an_event_edited_in_the_database_is_caught(person):
    events = _record(5, person)
    _as_attacker("UPDATE core_auditevent SET summary = %s WHERE id = %s", ["Nothing", events[2].pk])
    message = _broken()
    assert f"broken at event {events[2].pk}" in message
    assert "altered" in message
    assert "2 event(s) before it check out" in message


def test_an_event_edited_with_its_hash_made_again_is_caught_at_the_next(person):
    """An attacker who recomputes the edited event's hash breaks the next event's link."""
    events = _record(4, person)
    edited = AuditEvent.objects.get(pk=events[1].pk)
    edited.data = {**edited.data, "price": "1"}
    new_hash = audit_chain.digest_of(edited)
    _as_attacker(
        "UPDATE core_auditevent SET data = %s, hash = %s WHERE id = %s",
        ['{"step": 1, "price": "1"}', new_hash, events[1].pk],
    )
    message = _broken()
    assert f"broken at event {events[2].pk}" in message
    assert "gone or altered" in message


def test_a_deleted_event_is_caught(person):
    events = _record(5, person)
    _as_attacker("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    message = _broken()
    assert f"broken at event {events[3].pk}" in message
    assert f"gone or altered (expected event {events[1].pk})" in message


def test_the_first_events_deleted_are_caught(person):
    events = _record(3, person)
    _as_attacker("DELETE FROM core_auditevent WHERE id = %s", [events[0].pk])
    message = _broken()
    assert f"broken at event {events[1].pk}" in message
    assert "does not start at its beginning" in message


def test_reordered_events_are_caught(person):
    """The chain's order is `seq`: two events swapped there break it where the later one now
    stands."""
    events = _record(5, person)
    a, b = events[1], events[3]
    _as_attacker("UPDATE core_auditevent SET seq = %s WHERE id = %s", [-1, a.pk])
    _as_attacker("UPDATE core_auditevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _as_attacker("UPDATE core_auditevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
    assert AuditEvent.objects.get(seq=a.seq).summary == "Step 3"
    message = _broken()
    assert f"broken at event {b.pk}" in message
    assert f"it follows event {events[2].pk}, which comes after it" in message
    assert "reordered" in message


def test_the_newest_events_removed_are_caught_against_a_noted_head(person):
    events = _record(4, person)
    noted = _verify().split("Head hash")[1].split(": ")[1].strip()
    assert noted == events[-1].hash
    _as_attacker("DELETE FROM core_auditevent WHERE seq >= %s", [events[2].seq])
    assert "intact: 2 event(s)" in _verify()  # the chain alone cannot tell
    message = _broken("--head", noted)
    assert "no longer holds the head" in message


def test_verify_walks_a_long_trail_in_chunks(person):
    events = _record(23, person)
    result = audit_chain.verify(AuditEvent, chunk=5)
    assert result.intact and result.events == 23 and result.head == events[-1].hash
    _as_attacker("UPDATE core_auditevent SET action = 'x.y' WHERE id = %s", [events[17].pk])
    result = audit_chain.verify(AuditEvent, chunk=5)
    assert (result.broken_at, result.events) == (events[17].pk, 17)


def test_the_head_is_the_last_linked_event(person):
    events = _record(3, person)
    with transaction.atomic():
        audit.record(action="test.done", obj=person)  # not linked yet
    assert audit_chain.head(AuditEvent) == events[-1].hash
    assert audit_chain.verify(AuditEvent).head == events[-1].hash
    assert audit_chain.holds(AuditEvent, events[-1].hash)


def test_the_migration_chains_the_events_recorded_before_it(person):
    events = _record(4, person)
    _as_attacker("UPDATE core_auditevent SET prev_hash = 'old' || id, hash = ''")
    assert "broken at event" in _broken()
    state = MigrationExecutor(connection).loader.project_state(("core", "0008_audit_chain"))
    migration = importlib.import_module("levelfield.core.migrations.0008_audit_chain")
    migration.chain_existing(state.apps, None)
    assert "intact: 4 event(s)" in _verify()
    assert AuditEvent.objects.get(pk=events[-1].pk).hash == events[-1].hash
