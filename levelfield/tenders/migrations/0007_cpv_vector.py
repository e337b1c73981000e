"""The CPV codes as a search document of their prefixes (Tender.cpv_vector), in the search's
GIN index on PostgreSQL: a keyword with a CPV code was the slowest search (a probe of the CPV
table for every tender passed over, 52 ms on average on the benchmark's 200,000 tenders). On
SQLite only the column is added (unused there).

Filling the column rewrites every tender row and the index is built in the same transaction,
which holds writes to tenders until it ends: migrate with the servers stopped."""

import django.contrib.postgres.search
from django.db import migrations

GIN = "tender_search_region_status_gin"
GIN_WITH_CPV = "tender_search_filters_gin"

# What tenders.selectors.CPV_VECTOR_SQL does now, as it was when this migration was written.
CPV_VECTOR_SQL = """
UPDATE tenders_tender AS tender SET cpv_vector = (
    SELECT to_tsvector('simple', coalesce(string_agg(left(digits, length), ' '), ''))
    FROM (SELECT split_part(code, '-', 1) AS digits FROM tenders_tendercpv
          WHERE tender_id = tender.id) AS codes,
         generate_series(2, 8) AS length
    WHERE length <= length(digits)
)
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CPV_VECTOR_SQL)
    schema_editor.execute(f"DROP INDEX IF EXISTS {GIN}")
    schema_editor.execute(
        f"CREATE INDEX {GIN_WITH_CPV} ON tenders_tender "
        "USING gin (search_vector, cpv_vector, region, status)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_WITH_CPV}")
    schema_editor.execute(
        f"CREATE INDEX {GIN} ON tenders_tender USING gin (search_vector, region, status)"
    )


class Migration(migrations.Migration):
    dependencies = [("tenders", "0006_search_indexes_with_filters")]

    operations = [
        migrations.AddField(
            model_name="tender",
            name="cpv_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                blank=True, editable=False, null=True
            ),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
