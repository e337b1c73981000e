"""Writing the bulk download files of one period (opendata/downloads.py chooses which) into a
local scratch folder, before they are stored: the compiled releases and the releases as gzipped
JSON Lines, CSV and XLSX flattenings (flattentool) and Parquet for analytics (duckdb). Nothing
here reaches the network: flattentool runs without a schema and duckdb without loading
extensions.

The CSV and XLSX files go through `levelfield.core.spreadsheets`, so a name someone typed that
starts like a formula opens as text (with a quote in front); the JSON and Parquet files keep the
true text."""

import gzip
import hashlib
import shutil
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import orjson

from levelfield.core import spreadsheets
from levelfield.core.clock import UK
from levelfield.core.ocds import absolute_url

from .package import metadata

CHUNK = 1000


@contextmanager
def gzipped(path: Path):
    """A gzip file to write; a fixed name and mtime in its header, so the same data gives the
    same bytes and hash. Members written so can be joined end to end into one gzip file."""
    with (
        path.open("wb") as raw,
        gzip.GzipFile(
            filename=path.name.removesuffix(".gz"), mode="wb", compresslevel=6, fileobj=raw, mtime=0
        ) as out,
    ):
        yield out


def write_jsonl(path: Path, rows: Iterable[tuple[int, dict]]) -> tuple[int, int]:
    """The rows as gzipped JSON Lines; returns how many and the last feed position among them
    when `rows` are (position, data) pairs."""
    count = last = 0
    with gzipped(path) as out:
        for position, row in _iterate(rows):
            out.write(orjson.dumps(row))
            out.write(b"\n")
            count += 1
            last = max(last, position)
    return count, last


def write_compiled(jsonl: Path, package_file: Path, rows: Iterable[dict]) -> int:
    """The compiled releases as JSON Lines and, in the same pass, as a release package to
    flatten into spreadsheets."""
    head = orjson.dumps(metadata(absolute_url("opendata:downloads")))
    count = 0
    with gzipped(jsonl) as out, package_file.open("wb") as package:
        package.write(head[:-1] + b',"releases":[')
        for compiled in _iterate(rows):
            line = orjson.dumps(compiled)
            out.write(line)
            out.write(b"\n")
            if count:
                package.write(b",")
            package.write(line)
            count += 1
        package.write(b"]}")
    return count


def _iterate(rows) -> Iterator:
    return rows.iterator(chunk_size=CHUNK) if hasattr(rows, "iterator") else iter(rows)


def write_flattened(
    package_file: Path, *, xlsx: Path, csv_zip: Path, scratch: Path, generated: datetime
) -> None:
    # No schema: flattentool's parser then reads nothing but the file (with a schema URL it
    # would fetch it), and names columns by their JSON paths, e.g. tender/value/amount.
    csv_directory = scratch / "csv"
    sheets = spreadsheets.flatten(
        package_file,
        xlsx=xlsx,
        csv_directory=csv_directory,
        main_sheet_name="releases",
        root_list_path="releases",
        root_id="ocid",
    )
    local = generated.astimezone(UK)
    stamp = (local.year, local.month, local.day, local.hour, local.minute, local.second)
    with zipfile.ZipFile(csv_zip, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for sheet in sheets:
            info = zipfile.ZipInfo(sheet.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            with sheet.open("rb") as source, zipped.open(info, "w") as target:
                shutil.copyfileobj(source, target)
    shutil.rmtree(csv_directory)


# The columns of releases.parquet; read with an explicit schema so an empty file works too.
RELEASE_COLUMNS = (
    "{ocid: 'VARCHAR', id: 'VARCHAR', date: 'TIMESTAMPTZ', tag: 'VARCHAR[]', "
    "initiationType: 'VARCHAR', buyer: 'STRUCT(id VARCHAR, name VARCHAR)'}"
)
# The compiled releases when there are none: duckdb cannot infer columns from no rows.
EMPTY_COMPILED = (
    "SELECT NULL::VARCHAR AS ocid, NULL::VARCHAR AS id, NULL::TIMESTAMPTZ AS date, "
    "NULL::VARCHAR[] AS tag WHERE false"
)


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _duckdb():
    # Extensions are built in; never let duckdb download one.
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    con = duckdb.connect(":memory:", config=config)
    con.execute("SET TimeZone = 'UTC'")
    return con


def write_compiled_parquet(jsonl: Path, parquet: Path) -> None:
    compiled = _quote(jsonl)
    with _duckdb() as con:
        has_rows = con.execute(
            f"SELECT count(*) FROM read_json({compiled}, format='newline_delimited', "
            "columns={ocid: 'VARCHAR'})"
        ).fetchone()[0]
        source = (
            f"SELECT * FROM read_json({compiled}, format='newline_delimited', sample_size=-1)"
            if has_rows
            else EMPTY_COMPILED
        )
        con.execute(f"COPY ({source}) TO {_quote(parquet)} (FORMAT parquet)")


def write_releases_parquet(jsonl: Path, parquet: Path) -> None:
    with _duckdb() as con:
        con.execute(
            "COPY (SELECT ocid, id, date, tag AS tags, initiationType AS initiation_type, "
            "buyer.id AS buyer_id, buyer.name AS buyer_name "
            f"FROM read_json({_quote(jsonl)}, format='newline_delimited', "
            f"columns={RELEASE_COLUMNS})) TO {_quote(parquet)} (FORMAT parquet)"
        )


def sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
