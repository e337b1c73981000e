"""The search generation: one row whose token changes whenever the searchable set of tenders
changes, so cached search results are keyed by it (tenders/selectors.py, cached_search)."""

import uuid

from django.db import migrations, models


def first_generation(apps, schema_editor):
    apps.get_model("tenders", "SearchGeneration").objects.create(pk=1, token=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [("tenders", "0004_search_statistics")]

    operations = [
        migrations.CreateModel(
            name="SearchGeneration",
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
        migrations.RunPython(first_generation, migrations.RunPython.noop, elidable=False),
    ]
