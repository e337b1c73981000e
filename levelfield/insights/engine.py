"""Where the measures run: an Ibis backend over the Parquet snapshot (snapshot.py).

`connect()` gives DuckDB in this process by default, or Spark when
settings.LEVELFIELD_INSIGHTS_ENGINE is "spark" (a SparkSession on
LEVELFIELD_INSIGHTS_SPARK_MASTER with LEVELFIELD_INSIGHTS_SPARK_CONF); `tables(con)` gives the
snapshot tables (tables.TABLES) as Ibis tables, empty with the right columns before any
snapshot. The snapshot's folder may be an object store URL (s3a://bucket/insights) for Spark.

DuckDB reads exactly the parts the manifest lists (so a snapshot being written is never seen
half done); Spark, and any reader that cannot open the manifest, reads the table's folder
(part files only: the writer names files in progress with a leading dot, which Spark skips)."""

import json
import os
import threading
from pathlib import Path

import ibis
import pyarrow as pa
from django.conf import settings

from .tables import TABLES

MANIFEST = "manifest.json"


def snapshot_dir() -> str:
    return str(settings.LEVELFIELD_INSIGHTS_DIR)


def is_remote(path: str) -> bool:
    """True for an object store or cluster file system URL (s3a://, gs://, hdfs://, ...)."""
    return "://" in path and not path.startswith("file://")


def connect(engine: str | None = None):
    """An Ibis backend: DuckDB in this process, or Spark ("spark")."""
    engine = engine or getattr(settings, "LEVELFIELD_INSIGHTS_ENGINE", "duckdb")
    if engine == "spark":
        return ibis.pyspark.connect(spark_session())
    if engine != "duckdb":
        raise ValueError(f"unknown insights engine {engine!r}: duckdb or spark")
    return ibis.duckdb.connect()


def spark_session(master: str | None = None, conf: dict | None = None):
    """The SparkSession the settings describe (getOrCreate: one per process)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("levelfield-insights").master(
        master or settings.LEVELFIELD_INSIGHTS_SPARK_MASTER
    )
    options = {
        "spark.sql.session.timeZone": "UTC",
        **getattr(settings, "LEVELFIELD_INSIGHTS_SPARK_CONF", {}),
        **(conf or {}),
    }
    for key, value in options.items():
        builder = builder.config(key, str(value))
    return builder.getOrCreate()


_local = threading.local()


def snapshot(directory: str | None = None, engine: str | None = None) -> tuple:
    """(con, tables) for the snapshot as it now is, kept for this thread while its manifest is
    unchanged: a server answering many requests connects and reads the tables' schemas once per
    snapshot, not per request (a DuckDB connection is not shared between threads)."""
    directory = directory or snapshot_dir()
    engine = engine or getattr(settings, "LEVELFIELD_INSIGHTS_ENGINE", "duckdb")
    key = (directory, engine, _stamp(directory))
    cached = getattr(_local, "snapshot", None)
    if cached is not None and cached[0] == key:
        return cached[1], cached[2]
    con = connect(engine)
    found = tables(con, directory)
    _local.snapshot = (key, con, found)
    return con, found


def _stamp(directory: str):
    if is_remote(directory):
        return None
    try:
        stat = os.stat(Path(directory.removeprefix("file://")) / MANIFEST)
    except FileNotFoundError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def read_manifest(directory: str | None = None) -> dict | None:
    """The snapshot's manifest, or None where there is none (or it is not a local file)."""
    directory = directory or snapshot_dir()
    if is_remote(directory):
        return None
    path = Path(directory.removeprefix("file://")) / MANIFEST
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None


def tables(con, directory: str | None = None) -> dict:
    """The snapshot tables on `con`: {"awards": ..., "bids": ..., "subcontracts": ...,
    "payments": ...}; a table with no parts yet is empty, with its schema."""
    directory = directory or snapshot_dir()
    manifest = read_manifest(directory)
    spark = con.name == "pyspark"
    found = {}
    for name, schema in TABLES.items():
        table = None
        if manifest is not None:
            parts = manifest.get("parts", {}).get(name, [])
            if parts:
                folder = Path(directory.removeprefix("file://")) / name
                if spark:
                    table = con.read_parquet(str(folder), table_name=f"insights_{name}")
                else:
                    table = con.read_parquet([str(folder / p) for p in parts])
        elif is_remote(directory):
            table = _read_remote(con, directory, name)
        found[name] = table if table is not None else empty(con, name, schema)
    return found


def empty(con, name: str, schema: pa.Schema):
    """An empty table with `schema` on `con` (on Spark a temporary view, nothing stored)."""
    if con.name == "pyspark":
        from pyspark.sql.pandas.types import from_arrow_schema

        view = f"insights_empty_{name}"
        con._session.createDataFrame([], from_arrow_schema(schema)).createOrReplaceTempView(view)
        return con.table(view)
    return con.create_table(
        f"insights_empty_{name}", schema.empty_table(), temp=True, overwrite=True
    )


def _read_remote(con, directory: str, name: str):
    try:
        return con.read_parquet(f"{directory.rstrip('/')}/{name}", table_name=f"insights_{name}")
    except Exception:  # no such folder yet: no snapshot written there
        return None
