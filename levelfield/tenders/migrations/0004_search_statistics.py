"""Finer statistics on the search document, on PostgreSQL only.

The planner chooses between walking the publication index (a common word) and the GIN index (a
rarer one) from how often each word occurs; the default sample (100 most common elements)
misjudges words outside the most common ones, and a wrong guess reads ten times the rows
(bench/search/run.py shows the plans). Nothing happens on SQLite."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE tenders_tender ALTER COLUMN search_vector SET STATISTICS 1000"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE tenders_tender ALTER COLUMN search_vector SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("tenders", "0003_search_vector_gin_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
