"""Bulk downloads of everything published: the compiled releases and the releases as gzipped JSON
Lines, CSV and XLSX flattenings (flattentool) and Parquet for analytics (duckdb).

`regenerate` builds every file in a hidden folder beside the downloads, then renames each into
place (an atomic rename on one file system), so a reader never sees half a file; the manifest,
written last, lists each file with its size and SHA-256. Nothing here reaches the network:
flattentool runs without a schema and duckdb without loading extensions.

The CSV and XLSX files go through `levelfield.core.spreadsheets`, so a name someone typed that
starts like a formula opens as text (with a quote in front); the JSON and Parquet files keep the
true text."""

import fcntl
import gzip
import hashlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import orjson
from django.conf import settings

from levelfield.core import clock, spreadsheets
from levelfield.core.clock import UK
from levelfield.core.ocds import absolute_url

from .models import FeedPosition, Record, Release
from .package import metadata

MANIFEST = "manifest.json"
LOCK = ".lock"
BUILDING_PREFIX = ".building-"
CHUNK = 1000


@dataclass(frozen=True)
class Download:
    name: str
    format: str
    content_type: str
    contents: str  # "compiled" (one compiled release per contracting process) or "releases"
    description: str


# Said of both spreadsheet downloads (see levelfield.core.spreadsheets).
SPREADSHEET_TEXT = (
    " Text that would start a spreadsheet formula (with =, +, -, or @) begins with a single "
    "quote ('), so that it opens as text; the JSON files hold it unchanged."
)
COMPILED_JSONL = Download(
    "compiled-releases.jsonl.gz",
    "JSON Lines, gzipped",
    "application/gzip",
    "compiled",
    "One compiled release per contracting process: its current state, merged from every "
    "release published for it.",
)
RELEASES_JSONL = Download(
    "releases.jsonl.gz",
    "JSON Lines, gzipped",
    "application/gzip",
    "releases",
    "Every release, in the order it was published: the full history of each procedure.",
)
CSV_ZIP = Download(
    "compiled-releases-csv.zip",
    "CSV files, zipped",
    "application/zip",
    "compiled",
    "The compiled releases flattened into one CSV sheet per list (releases, parties, lots, "
    "awards, contracts and so on), joined on ocid." + SPREADSHEET_TEXT,
)
XLSX = Download(
    "compiled-releases.xlsx",
    "Excel spreadsheet (XLSX)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "compiled",
    "The same flattening as the CSV files, one worksheet per sheet." + SPREADSHEET_TEXT,
)
COMPILED_PARQUET = Download(
    "compiled-releases.parquet",
    "Parquet",
    "application/vnd.apache.parquet",
    "compiled",
    "The compiled releases for analytics tools (DuckDB, pandas, Spark): nested fields are "
    "structs and lists.",
)
RELEASES_PARQUET = Download(
    "releases.parquet",
    "Parquet",
    "application/vnd.apache.parquet",
    "releases",
    "One row per release: ocid, release id, date, tags, initiation type and buyer.",
)
DOWNLOADS = (COMPILED_JSONL, RELEASES_JSONL, CSV_ZIP, XLSX, COMPILED_PARQUET, RELEASES_PARQUET)
BY_NAME = {download.name: download for download in DOWNLOADS}


def downloads_root() -> Path:
    return Path(settings.DOWNLOADS_ROOT)


def regenerate(directory: Path | str | None = None, *, only_if_stale: bool = False) -> dict | None:
    """Write every download into `directory` (settings.DOWNLOADS_ROOT by default) and return the
    manifest. With `only_if_stale`, do nothing and return None when the files already hold every
    release published so far, so a burst of publishes queues many runs but only the first does
    the work."""
    directory = Path(directory) if directory is not None else downloads_root()
    directory.mkdir(parents=True, exist_ok=True)
    with _exclusive(directory):
        # Writers lock the feed counter until they commit, so once `last` is N every release
        # up to N is visible: the files written below hold at least those.
        position = FeedPosition.objects.filter(pk=1).values_list("last", flat=True).first() or 0
        current = read_manifest(directory)
        if only_if_stale and current and _complete(directory, current, position):
            return None
        _sweep(directory)
        with tempfile.TemporaryDirectory(dir=directory, prefix=BUILDING_PREFIX) as building:
            manifest = _build(Path(building), position)
            for entry in manifest["files"]:
                os.replace(Path(building) / entry["name"], directory / entry["name"])
            _write_atomically(directory / MANIFEST, orjson.dumps(manifest, option=_INDENT))
        return manifest


def read_manifest(directory: Path | str | None = None) -> dict | None:
    """The manifest of the last regeneration, or None if there has been none."""
    directory = Path(directory) if directory is not None else downloads_root()
    try:
        manifest = orjson.loads((directory / MANIFEST).read_bytes())
    except (FileNotFoundError, orjson.JSONDecodeError):
        return None
    return manifest if isinstance(manifest, dict) and "files" in manifest else None


def catalogue(directory: Path | str | None = None) -> dict | None:
    """The last regeneration for the downloads page: when, how many releases, and each file
    with its description and generated time as an aware datetime. None before the first."""
    manifest = read_manifest(directory)
    if manifest is None:
        return None
    files = [
        {
            **entry,
            "description": BY_NAME[entry["name"]].description,
            "generated": datetime.fromisoformat(entry["generated"]),
        }
        for entry in manifest["files"]
        if entry.get("name") in BY_NAME
    ]
    return {
        "generated": datetime.fromisoformat(manifest["generated"]),
        "release_count": manifest["release_count"],
        "compiled_release_count": manifest["compiled_release_count"],
        "files": files,
    }


def file_for(name: str, directory: Path | str | None = None) -> tuple[Path, str] | None:
    """The path and content type of a download by its published name, or None. Only the names
    this module writes are served, so no request can reach any other file."""
    directory = Path(directory) if directory is not None else downloads_root()
    if name == MANIFEST:
        content_type = "application/json"
    elif name in BY_NAME:
        content_type = BY_NAME[name].content_type
    else:
        return None
    path = directory / name
    return (path, content_type) if path.is_file() else None


# Building


_INDENT = orjson.OPT_INDENT_2


def _build(building: Path, position: int) -> dict:
    generated = clock.now()
    stamp = generated.isoformat().replace("+00:00", "Z")
    package_file = building / "package.json"
    compiled_count = _write_compiled(building / COMPILED_JSONL.name, package_file)
    release_count = _write_jsonl(
        building / RELEASES_JSONL.name,
        Release.objects.order_by("position").values_list("data", flat=True),
    )
    _write_flattened(package_file, building, generated)
    package_file.unlink()
    _write_parquet(building)
    counts = {"compiled": compiled_count, "releases": release_count}
    files = [
        {
            "name": download.name,
            "format": download.format,
            "contents": download.contents,
            "release_count": counts[download.contents],
            "size": (building / download.name).stat().st_size,
            "sha256": _sha256(building / download.name),
            "generated": stamp,
        }
        for download in DOWNLOADS
    ]
    return {
        "generated": stamp,
        "feed_position": position,
        "release_count": release_count,
        "compiled_release_count": compiled_count,
        "publisher": dict(settings.LEVELFIELD_PUBLISHER),
        "license": settings.LEVELFIELD_OCDS_LICENSE,
        "publicationPolicy": settings.LEVELFIELD_OCDS_PUBLICATION_POLICY,
        "files": files,
    }


@contextmanager
def _gzipped(path: Path):
    # A fixed name and mtime in the gzip header: the same data gives the same bytes and hash.
    with (
        path.open("wb") as raw,
        gzip.GzipFile(
            filename=path.name.removesuffix(".gz"), mode="wb", compresslevel=6, fileobj=raw, mtime=0
        ) as out,
    ):
        yield out


def _write_jsonl(path: Path, rows: Iterable[dict]) -> int:
    count = 0
    with _gzipped(path) as out:
        for row in _iterate(rows):
            out.write(orjson.dumps(row))
            out.write(b"\n")
            count += 1
    return count


def _write_compiled(jsonl: Path, package_file: Path) -> int:
    """The compiled releases as JSON Lines and, in the same pass, as a release package to
    flatten into spreadsheets."""
    head = orjson.dumps(metadata(absolute_url("opendata:downloads")))
    count = 0
    with _gzipped(jsonl) as out, package_file.open("wb") as package:
        package.write(head[:-1] + b',"releases":[')
        rows = Record.objects.order_by("ocid").values_list("compiled", flat=True)
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


def _write_flattened(package_file: Path, building: Path, generated: datetime) -> None:
    # No schema: flattentool's parser then reads nothing but the file (with a schema URL it
    # would fetch it), and names columns by their JSON paths, e.g. tender/value/amount.
    sheets = spreadsheets.flatten(
        package_file,
        xlsx=building / XLSX.name,
        csv_directory=building / "csv",
        main_sheet_name="releases",
        root_list_path="releases",
        root_id="ocid",
    )
    local = generated.astimezone(UK)
    stamp = (local.year, local.month, local.day, local.hour, local.minute, local.second)
    with zipfile.ZipFile(building / CSV_ZIP.name, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for sheet in sheets:
            info = zipfile.ZipInfo(sheet.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            with sheet.open("rb") as source, zipped.open(info, "w") as target:
                shutil.copyfileobj(source, target)
    shutil.rmtree(building / "csv")


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


def _write_parquet(building: Path) -> None:
    compiled = _quote(building / COMPILED_JSONL.name)
    releases = _quote(building / RELEASES_JSONL.name)
    # Extensions are built in; never let duckdb download one.
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    with duckdb.connect(":memory:", config=config) as con:
        con.execute("SET TimeZone = 'UTC'")
        has_rows = con.execute(
            f"SELECT count(*) FROM read_json({compiled}, format='newline_delimited', "
            "columns={ocid: 'VARCHAR'})"
        ).fetchone()[0]
        source = (
            f"SELECT * FROM read_json({compiled}, format='newline_delimited', sample_size=-1)"
            if has_rows
            else EMPTY_COMPILED
        )
        con.execute(
            f"COPY ({source}) TO {_quote(building / COMPILED_PARQUET.name)} (FORMAT parquet)"
        )
        con.execute(
            "COPY (SELECT ocid, id, date, tag AS tags, initiationType AS initiation_type, "
            "buyer.id AS buyer_id, buyer.name AS buyer_name "
            f"FROM read_json({releases}, format='newline_delimited', columns={RELEASE_COLUMNS})"
            f") TO {_quote(building / RELEASES_PARQUET.name)} (FORMAT parquet)"
        )


# Files


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _write_atomically(path: Path, content: bytes) -> None:
    temporary = path.with_name(f"{BUILDING_PREFIX}{path.name}")
    temporary.write_bytes(content)
    os.replace(temporary, path)


def _complete(directory: Path, manifest: dict, position: int) -> bool:
    """Whether the manifest's files hold every release up to `position` and are all there."""
    names = {entry.get("name") for entry in manifest["files"]}
    return (
        manifest.get("feed_position", -1) >= position
        and names == set(BY_NAME)
        and all((directory / name).is_file() for name in names)
    )


def _sweep(directory: Path) -> None:
    """Remove what an interrupted run left behind (we hold the lock, so none is running)."""
    for leftover in directory.glob(f"{BUILDING_PREFIX}*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


@contextmanager
def _exclusive(directory: Path):
    """One regeneration at a time per downloads folder (an advisory lock on a file in it); a
    second waits and then builds again from the newer data."""
    with (directory / LOCK).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
