"""The open opportunities imported from other publishers, for the opportunity search."""

import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("opendata", "0003_external_json_unchecked"),
    ]

    operations = [
        migrations.CreateModel(
            name="ExternalOpportunity",
            fields=[
                ("ocid", models.CharField(max_length=255, primary_key=True, serialize=False)),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("find_a_tender", "Find a Tender"),
                            ("contracts_finder", "Contracts Finder"),
                            ("other", "another publisher"),
                        ],
                        max_length=20,
                    ),
                ),
                ("title", models.TextField()),
                ("description", models.TextField(blank=True)),
                ("buyer_name", models.TextField(blank=True)),
                ("cpv_codes", models.TextField(blank=True)),
                ("value", models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ("deadline", models.DateTimeField(db_index=True)),
                ("regions", models.CharField(blank=True, max_length=100)),
                ("sme", models.BooleanField(null=True)),
                ("vcse", models.BooleanField(null=True)),
                ("url", models.URLField(blank=True, max_length=2000)),
                ("published", models.DateTimeField()),
                ("first_seen", models.DateTimeField(db_index=True)),
                ("updated", models.DateTimeField()),
                (
                    "search_vector",
                    django.contrib.postgres.search.SearchVectorField(
                        blank=True, editable=False, null=True
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "external opportunities",
                "ordering": ["deadline", "ocid"],
            },
        ),
        migrations.CreateModel(
            name="ExternalOpportunityGeneration",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32)),
            ],
        ),
    ]


def _gin_index(apps, schema_editor):
    # PostgreSQL's full-text search finds words in the GIN index, as for Tender.search_vector.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS external_opportunity_search_gin "
            "ON opendata_externalopportunity USING gin (search_vector)"
        )


Migration.operations += [
    migrations.RunPython(_gin_index, migrations.RunPython.noop),
]
