"""The opportunity search on PostgreSQL: a GIN index on Tender.search_vector, and the search
document written for tenders that already exist. Nothing happens on SQLite, which searches with
icontains (tenders/selectors.py)."""

from django.db import migrations

INDEX = "tender_search_vector_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON tenders_tender USING gin (search_vector)"
    )
    # The same document as tenders.selectors.search_document(): title A, description B.
    schema_editor.execute(
        "UPDATE tenders_tender SET search_vector = "
        "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
        "setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("tenders", "0002_barrierdecision_tender_certificates_required_and_more"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
