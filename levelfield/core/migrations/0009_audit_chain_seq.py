"""Audit events are linked after their action commits (core/audit_chain.py): each gets `seq`, its
place in the chain, and `prev_hash` and `hash` may be empty until it is linked. The events
already recorded get `seq` in id order, their order in the chain so far, and keep their hashes.

The append-only trigger now lets exactly one UPDATE through: setting `seq`, `prev_hash` and
`hash` on a row where all three are NULL, with every other column unchanged (PostgreSQL compares
the whole row, so a column added later is covered; SQLite names each column, so a migration that
adds one must create the trigger again from its own list). It still refuses DELETE on PostgreSQL;
on SQLite, as before, DELETE is left to the application (Django's test flush deletes rows). On
SQLite a later migration that rebuilds the table drops its trigger: such a migration must create
it again."""

import importlib

from django.db import migrations, models

before = importlib.import_module("levelfield.core.migrations.0008_audit_chain")

FUNCTION = before.FUNCTION
LINK_COLUMNS = ("seq", "prev_hash", "hash")
# every other column of the table, unchanged by the one UPDATE allowed (SQLite): the table as
# this migration leaves it, written out (not audit_chain.FIELDS, which may change later);
# core/tests/test_audit_linking.py checks it against the table
FIXED_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "summary",
    "data",
    "sealed_until",
)

POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL
        AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
        AND to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash'
            = to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash'
    THEN
        RETURN NEW;  -- linking an event: audit_chain.link_pending
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % of core_auditevent refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER {FUNCTION} BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""
_LINKING = " AND ".join(
    [f"OLD.{name} IS NULL" for name in LINK_COLUMNS]
    + [f"NEW.{name} IS NOT NULL" for name in LINK_COLUMNS]
    + [f"NEW.{name} IS OLD.{name}" for name in FIXED_COLUMNS]
)
SQLITE_INSTALL = f"""
CREATE TRIGGER {FUNCTION} BEFORE UPDATE ON core_auditevent
WHEN NOT ({_LINKING})
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE of core_auditevent refused');
END;
"""


def number_existing(apps, schema_editor):
    """Each event so far gets its place in the chain: id order, as 0008 chained them."""
    AuditEvent = apps.get_model("core", "AuditEvent")
    seq, after, batch = 0, 0, 2000
    while True:
        events = list(AuditEvent.objects.filter(id__gt=after).order_by("id")[:batch])
        if not events:
            return
        for event in events:
            seq += 1
            event.seq = seq
        AuditEvent.objects.bulk_update(events, ["seq"])
        after = events[-1].id


def refuse_unless_chained_by_id(apps, schema_editor):
    """Going back to 0008 (a chain in id order, every event linked) is possible only while the
    chain is in id order and every event linked."""
    AuditEvent = apps.get_model("core", "AuditEvent")
    if AuditEvent.objects.filter(seq__isnull=True).exists():
        raise RuntimeError("Some audit events are not linked: run `levelfield verify-audit` first")
    seqs = AuditEvent.objects.order_by("id").values_list("seq", flat=True).iterator()
    last = 0
    for seq in seqs:
        if seq < last:
            raise RuntimeError("The audit chain is not in id order: 0008 could not walk it")
        last = seq


def install_triggers(apps, schema_editor):
    before._run(schema_editor, {"postgresql": POSTGRES_INSTALL, "sqlite": SQLITE_INSTALL})


class Migration(migrations.Migration):
    dependencies = [("core", "0008_audit_chain")]

    operations = [
        migrations.RunPython(before.remove_triggers, before.install_triggers),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(number_existing, refuse_unless_chained_by_id),
        migrations.RunPython(install_triggers, before.remove_triggers),
    ]
