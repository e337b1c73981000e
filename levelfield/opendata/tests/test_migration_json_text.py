"""Migration 0005: the external store's JSON columns become text (jsonb on PostgreSQL before)
and each compiled release already stored gets its buyer's id, with nothing lost."""

import orjson
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("opendata", "0004_search_external_opportunities")]


def migrate(targets):
    """Migrate to `targets`, or with None every app to its latest migration."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets if targets is not None else executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_stored_releases_and_compiled_releases_survive_and_gain_buyer_ids():
    migrate(BEFORE)
    compiled = {
        "ocds-m-1": {"ocid": "ocds-m-1", "buyer": {"id": "GB-A", "name": "A"}, "tag": ["compiled"]},
        "ocds-m-2": {"ocid": "ocds-m-2", "buyer": {"id": 77}, "note": "caf\u00e9 \u00a3"},
        "ocds-m-3": {"ocid": "ocds-m-3", "buyer": {"id": 1.5}},
        "ocds-m-4": {"ocid": "ocds-m-4"},
    }
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        for ocid, data in compiled.items():
            cursor.execute(
                "INSERT INTO opendata_externalcompiledrelease"
                " (ocid, compiled, release_count, date, updated)"
                f" VALUES (%s, %s{cast}, 1, NULL, CURRENT_TIMESTAMP)",
                [ocid, orjson.dumps(data).decode()],
            )
        cursor.execute(
            "INSERT INTO opendata_externalrelease (ocid, release_id, date, tags, data, file_id)"
            f" VALUES (%s, %s, CURRENT_TIMESTAMP, %s{cast}, %s{cast}, NULL)",
            ["ocds-m-1", "r1", '["tender"]', orjson.dumps(compiled["ocds-m-1"]).decode()],
        )

    migrate(None)  # every app to its latest migration, as later tests expect

    from levelfield.opendata.models import ExternalCompiledRelease, ExternalRelease

    rows = {row.ocid: row for row in ExternalCompiledRelease.objects.all()}
    assert {ocid: row.compiled for ocid, row in rows.items()} == compiled
    assert {ocid: row.buyer_id for ocid, row in rows.items()} == {
        "ocds-m-1": "GB-A",
        "ocds-m-2": "77",
        "ocds-m-3": "",
        "ocds-m-4": "",
    }
    stored = ExternalRelease.objects.get()
    assert (stored.tags, stored.data) == (["tender"], compiled["ocds-m-1"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT compiled FROM opendata_externalcompiledrelease WHERE ocid = 'ocds-m-2'"
        )
        assert isinstance(cursor.fetchone()[0], str)  # text, not parsed by the driver
