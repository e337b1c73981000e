"""The audit trail becomes append-only and hash-chained (core/audit_chain.py): the events already
recorded are chained in id order, then a trigger refuses UPDATE and DELETE of the table
(PostgreSQL; on SQLite UPDATE only, as Django's test flush empties tables with DELETE).

Runs after the data migrations that add or change audit events (bids, evaluation, social value),
which the trigger would refuse afterwards. On SQLite a later migration that rebuilds the table
drops its trigger: such a migration must create it again (`install_triggers`)."""

from django.db import migrations, models

from levelfield.core import audit_chain

FUNCTION = "core_auditevent_append_only"

POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % of core_auditevent refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER {FUNCTION} BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""
POSTGRES_REMOVE = f"""
DROP TRIGGER IF EXISTS {FUNCTION} ON core_auditevent;
DROP FUNCTION IF EXISTS {FUNCTION}();
"""
SQLITE_INSTALL = f"""
CREATE TRIGGER {FUNCTION} BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE of core_auditevent refused');
END;
"""
SQLITE_REMOVE = f"DROP TRIGGER IF EXISTS {FUNCTION};"


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    prev, after, batch = audit_chain.GENESIS, 0, 2000
    while True:
        events = list(AuditEvent.objects.filter(id__gt=after).order_by("id")[:batch])
        if not events:
            return
        for event in events:
            event.prev_hash = prev
            event.hash = prev = audit_chain.digest_of(event)
        AuditEvent.objects.bulk_update(events, ["prev_hash", "hash"])
        after = events[-1].id


def _run(schema_editor, sql: dict[str, str]) -> None:
    statement = sql.get(schema_editor.connection.vendor)
    if statement:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(statement)


def install_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_INSTALL, "sqlite": SQLITE_INSTALL})


def remove_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_REMOVE, "sqlite": SQLITE_REMOVE})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_heartbeat"),
        ("bids", "0003_seal_bid_audit_events"),
        ("evaluation", "0002_conflict_withdrawn_from"),
        ("socialvalue", "0003_seal_commitment_audit_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("prev_hash",), name="audit_chain_one_next"),
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
