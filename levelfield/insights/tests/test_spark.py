"""The same measures on Spark local mode give what they give on DuckDB (and what the hand-built
data set says). Skipped, with the reason, where Java or pyspark is missing; one Spark session
for all (conftest.spark_con), as starting one takes seconds."""

import pytest

from levelfield.insights import engine, measures, snapshot
from levelfield.insights.tables import TABLES

from . import ocds_samples, share_data


def both(spark_con, directory, build):
    """`build(tables)` run on DuckDB and on Spark over the snapshot in `directory`."""
    duck = engine.tables(engine.connect("duckdb"), str(directory))
    spark = engine.tables(spark_con, str(directory))
    return (
        share_data.rounded(measures.rows(build(duck))),
        share_data.rounded(measures.rows(build(spark))),
    )


@pytest.fixture
def snap(tmp_path):
    return share_data.write(tmp_path / "snap")


def test_sme_share_by_buyer_on_spark_equals_duckdb_and_the_answers(spark_con, snap, settings):
    settings.LEVELFIELD_INSIGHTS_TARGETS = {"sme": 33, "vcse": None}

    duck, spark = both(spark_con, snap, lambda t: measures.spend_share(t, by=["buyer"]))

    assert spark == duck == share_data.rounded(share_data.SME_BY_BUYER)


def test_vcse_share_by_quarter_on_spark_equals_duckdb_and_the_answers(spark_con, snap, settings):
    settings.LEVELFIELD_INSIGHTS_TARGETS = {"sme": 33, "vcse": None}

    duck, spark = both(
        spark_con, snap, lambda t: measures.spend_share(t, by=["quarter"], kind="vcse")
    )

    assert spark == duck == share_data.rounded(share_data.VCSE_BY_QUARTER)


def test_every_dimension_and_filters_on_spark_equal_duckdb(spark_con, snap):
    def build(t):
        return measures.spend_share(
            t,
            by=["buyer", "cpv_division", "region", "quarter"],
            kind="sme",
            sources=["spend", "platform"],
        )

    duck, spark = both(spark_con, snap, build)

    assert len(duck) == 4 and spark == duck


def test_no_snapshot_yet_gives_empty_tables_on_spark(spark_con, tmp_path):
    tables = engine.tables(spark_con, str(tmp_path / "none"))

    for name, schema in TABLES.items():
        assert tables[name].columns == tuple(schema.names)
        assert tables[name].count().to_pyarrow().as_py() == 0


@pytest.mark.django_db
def test_a_snapshot_written_from_the_stores_reads_the_same_on_spark(spark_con, tmp_path):
    from datetime import UTC, datetime

    from levelfield.opendata.models import ExternalCompiledRelease, Record

    at = datetime(2026, 5, 1, tzinfo=UTC)
    Record.objects.create(ocid=ocds_samples.OURS_OCID, compiled=ocds_samples.ours(), updated=at)
    ExternalCompiledRelease.objects.create(
        ocid=ocds_samples.IMPORTED_OCID, compiled=ocds_samples.imported(), updated=at,
        release_count=1,
    )  # fmt: skip
    snapshot.write(tmp_path / "written")

    duck, spark = both(
        spark_con,
        tmp_path / "written",
        lambda t: measures.spend_share(t, by=["buyer", "quarter"], kind="vcse"),
    )

    assert spark == duck
    assert [(r["buyer_id"], r["quarter"], r["indirect_kind"]) for r in duck] == [
        ("GB-CFS-100", "2025-Q4", 0.0),
        ("GB-LVLFLD-1", "2026-Q1", 120000.0),
        ("GB-LVLFLD-1", "2026-Q2", 0.0),
        ("GB-LVLFLD-1", "2026-Q3", 0.0),
    ]
