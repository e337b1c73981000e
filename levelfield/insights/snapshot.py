"""The Parquet snapshot the measures read, written incrementally from the stores.

`write()` (run by `levelfield insights-snapshot` and a daily job) asks each source in SOURCES
for what changed since its watermark, flattens it into rows of the snapshot tables
(tables.py) and writes them as new Parquet parts, `<dir>/<table>/part-<n>.parquet`.

Replacing: a source names the columns that identify what a row belongs to (`key`: the ocid for
OCDS, so a contracting process whose compiled release changed is taken whole again). Rows the
run takes replace every earlier row of the same source and key: the writer compacts, rewriting
each older part that holds such rows without them (or dropping it when nothing is left). So
every row in the listed parts is current, and readers simply read them all.

The manifest (`<dir>/manifest.json`, replaced atomically) lists the current parts of each table
and each source's watermark. A run writes its parts under names starting with a dot, renames
them when all is written, then replaces the manifest, then deletes the parts it superseded;
a run that stops half way leaves the manifest as it was (the next run removes its leftovers
and does the work again). DuckDB reads the parts the manifest lists; Spark reads the folders.
One run at a time (a lock file); the writer needs a local folder (sync it to object storage
for a cluster: README).

A source is `Source(name, changes, key, tables)`: `changes(since)` yields Chunks, each with
rows by table, the keys they replace and the watermark after them. The platform's records and
imported compiled releases are sources here; the spend lines are one line in SOURCES through
`payments_source` (spend_rows.payment_rows)."""

import fcntl
import importlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings
from django.db.models import Q
from django.utils.dateparse import parse_datetime

from .engine import MANIFEST, is_remote
from .snapshot_ocds import flatten
from .tables import TABLES

ROWS_PER_PART = 250_000
READ_CHUNK = 1000
_SEP = "\x1f"


@dataclass
class Chunk:
    rows: dict[str, list[dict]]  # table name -> rows
    keys: set[tuple]  # what these rows replace (values of the source's key columns)
    watermark: object  # JSON-able: where the next run starts


@dataclass(frozen=True)
class Source:
    name: str
    changes: Callable[[object], Iterator[Chunk]]
    key: tuple[str, ...] = ("ocid",)
    tables: tuple[str, ...] = tuple(TABLES)


@dataclass
class Result:
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    replaced: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    keys: dict[str, int] = field(default_factory=dict)  # source -> processes (keys) taken
    parts_written: int = 0
    parts_removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.parts_written or self.parts_removed)

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "replaced": self.replaced,
            "keys": self.keys,
            "parts_written": self.parts_written,
            "parts_removed": self.parts_removed,
        }


# --- sources -------------------------------------------------------------------------------


def compiled_changes(model, source: str) -> Callable[[object], Iterator[Chunk]]:
    """Changes of a model with `ocid`, `compiled` and `updated` (Record,
    ExternalCompiledRelease), in (updated, ocid) order; the watermark is [updated, ocid]."""

    def changes(since) -> Iterator[Chunk]:
        rows = model.objects.order_by("updated", "ocid")
        if since:
            at, ocid = parse_datetime(since[0]), since[1]
            rows = rows.filter(Q(updated__gt=at) | Q(updated=at, ocid__gt=ocid))
        chunk = Chunk({name: [] for name in TABLES}, set(), since)
        for ocid, updated, compiled in rows.values_list("ocid", "updated", "compiled").iterator(
            chunk_size=READ_CHUNK
        ):
            if isinstance(compiled, str | bytes):
                compiled = json.loads(compiled)
            flat = flatten({"ocid": ocid, **(compiled or {})}, source)
            for name, table_rows in flat.items():
                chunk.rows[name].extend(table_rows)
            chunk.keys.add((ocid,))
            chunk.watermark = [updated.isoformat(), ocid]
            if len(chunk.keys) >= READ_CHUNK:
                yield chunk
                chunk = Chunk({name: [] for name in TABLES}, set(), chunk.watermark)
        if chunk.keys:
            yield chunk

    return changes


def payments_source(name: str, function: str, key=("file", "line")) -> Source:
    """A source of PAYMENTS rows from `function` ("module.path.name"), called as
    `function(since) -> (rows, new_watermark)`; each row replaces earlier rows with the same
    `key` columns (a spend file's line)."""

    def changes(since) -> Iterator[Chunk]:
        module, _, attribute = function.rpartition(".")
        rows, watermark = getattr(importlib.import_module(module), attribute)(since)
        rows = [{**row, "source": row.get("source") or name} for row in rows]
        keys = {tuple(row.get(column) for column in key) for row in rows}
        if rows or watermark != since:
            yield Chunk({"payments": rows}, keys, watermark)

    return Source(name, changes, key=tuple(key), tables=("payments",))


def _records(since):
    from levelfield.opendata.models import Record

    return compiled_changes(Record, "platform")(since)


def _imported(since):
    from levelfield.opendata.models import ExternalCompiledRelease

    return compiled_changes(ExternalCompiledRelease, "imported")(since)


SOURCES: list[Source] = [
    Source("platform", _records),
    Source("imported", _imported),
    payments_source("spend", "levelfield.insights.spend_rows.payment_rows"),
]


# --- the writer ----------------------------------------------------------------------------


class SnapshotBusy(Exception):
    """Another snapshot is being written into the same folder."""


def write(directory: str | None = None, *, full: bool = False, sources=None) -> Result:
    """Bring the snapshot in `directory` (settings.LEVELFIELD_INSIGHTS_WRITE_DIR, else
    LEVELFIELD_INSIGHTS_DIR) up to date: only what changed since each source's watermark
    (everything with `full`)."""
    directory = str(
        directory
        or getattr(settings, "LEVELFIELD_INSIGHTS_WRITE_DIR", "")
        or settings.LEVELFIELD_INSIGHTS_DIR
    )
    if is_remote(directory):
        raise ValueError(
            f"the snapshot is written to a local folder, not {directory}: write it locally "
            "and copy it to object storage (see the README)"
        )
    root = Path(directory.removeprefix("file://"))
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SnapshotBusy(f"a snapshot is being written into {root}") from None
        return _Writer(root, full).run(SOURCES if sources is None else sources)


class _Writer:
    def __init__(self, root: Path, full: bool):
        self.root = root
        self.full = full
        self.manifest = _read(root)
        self.result = Result()
        self.new_parts: dict[str, list[str]] = {name: [] for name in TABLES}
        self.pending: dict[str, list[dict]] = {name: [] for name in TABLES}
        self.next_part = self.manifest["next_part"]

    def run(self, sources) -> Result:
        self._remove_leftovers()
        old_parts = {name: list(self.manifest["parts"][name]) for name in TABLES}
        watermarks = dict(self.manifest["watermarks"])
        changed: dict[str, set] = {}
        for source in sources:
            since = None if self.full else watermarks.get(source.name)
            keys: set = set()
            for chunk in source.changes(since):
                keys |= chunk.keys
                watermarks[source.name] = chunk.watermark
                for name, rows in chunk.rows.items():
                    self.pending[name].extend(rows)
                    if len(self.pending[name]) >= ROWS_PER_PART:
                        self._flush(name)
            changed[source.name] = keys
            self.result.keys[source.name] = len(keys)
        for name in TABLES:
            self._flush(name)

        kept: dict[str, list[str]] = {name: [] for name in TABLES}
        superseded: list[Path] = []
        by_name = {source.name: source for source in sources}
        for name in TABLES:
            for part in old_parts[name]:
                path = self.root / name / part
                if self.full:
                    superseded.append(path)
                    continue
                if self._rewrite_without(name, path, changed, by_name):
                    superseded.append(path)
                else:
                    kept[name].append(part)

        if not self.result.changed and watermarks == self.manifest["watermarks"]:
            return self.result
        for name in TABLES:  # the run's parts take their real names
            for temporary in self.new_parts[name]:
                (self.root / name / temporary).rename(self.root / name / temporary[1:])
            kept[name].extend(part[1:] for part in self.new_parts[name])
        _write_manifest(
            self.root, {"parts": kept, "watermarks": watermarks, "next_part": self.next_part}
        )
        for path in superseded:
            path.unlink(missing_ok=True)
        self.result.parts_removed = len(superseded)
        return self.result

    def _flush(self, name: str) -> None:
        rows = self.pending[name]
        if not rows:
            return
        self.pending[name] = []
        self._write_part(name, pa.Table.from_pylist(rows, schema=TABLES[name]))
        self.result.rows[name] += len(rows)

    def _write_part(self, name: str, table: pa.Table) -> None:
        folder = self.root / name
        folder.mkdir(exist_ok=True)
        temporary = f".part-{self.next_part:08d}.parquet"
        self.next_part += 1
        pq.write_table(table, folder / temporary, compression="zstd")
        self.new_parts[name].append(temporary)
        self.result.parts_written += 1

    def _rewrite_without(self, name, path: Path, changed, sources) -> bool:
        """True when the part holds rows this run replaces: then the rest of its rows (if
        any) go into a new part, and the part itself is to go."""
        mask = None
        for source_name, keys in changed.items():
            source = sources[source_name]
            if not keys or name not in source.tables:
                continue
            columns = pq.read_table(path, columns=["source", *source.key])
            hit = pc.and_(
                pc.equal(columns["source"], source_name),
                pc.is_in(_key_array(columns, source.key), pa.array(_key_strings(keys))),
            )
            hit = pc.fill_null(hit, False)
            mask = hit if mask is None else pc.or_(mask, hit)
        if mask is None or not pc.any(mask).as_py():
            return False
        table = pq.read_table(path, schema=TABLES[name]).filter(pc.invert(mask))
        self.result.replaced[name] += int(pc.sum(mask.cast(pa.int64())).as_py())
        if table.num_rows:
            self._write_part(name, table)
        return True

    def _remove_leftovers(self) -> None:
        """Parts of a run that stopped before its manifest: not listed, so never read."""
        for name in TABLES:
            folder = self.root / name
            if not folder.is_dir():
                continue
            listed = set(self.manifest["parts"][name])
            for path in folder.glob("*part-*.parquet"):
                if path.name not in listed:
                    path.unlink()


def _key_array(table: pa.Table, key: tuple[str, ...]):
    columns = [pc.fill_null(pc.cast(table[column], pa.string()), "") for column in key]
    if len(columns) == 1:
        return columns[0]
    return pc.binary_join_element_wise(*columns, _SEP)


def _key_strings(keys: set[tuple]) -> list[str]:
    return [_SEP.join("" if value is None else str(value) for value in key) for key in keys]


def _read(root: Path) -> dict:
    try:
        manifest = json.loads((root / MANIFEST).read_text())
    except FileNotFoundError:
        manifest = {}
    parts = manifest.get("parts", {})
    return {
        "parts": {name: list(parts.get(name, [])) for name in TABLES},
        "watermarks": manifest.get("watermarks", {}),
        "next_part": manifest.get("next_part", 1),
    }


def _write_manifest(root: Path, manifest: dict) -> None:
    temporary = root / f".{MANIFEST}.tmp"
    with open(temporary, "w") as out:
        json.dump({"version": 1, **manifest}, out, indent=1, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, root / MANIFEST)
