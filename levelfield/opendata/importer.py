"""Importing published OCDS data into the external store (`levelfield import-ocds`).

Reads release packages, record packages and JSON Lines of either (one package, release or
record a line), gzipped or not, files or whole directories, as Contracts Finder, Find a Tender
and the OCP Data Registry publish them. Large files are streamed (ijson for JSON documents, line
by line for JSON Lines), never loaded whole.

- Idempotent: a release is known by (ocid, release id), unique in the store; inserts skip the
  ones already there, so importing the same data twice stores nothing twice.
- Resumable: releases are written in batches, each in one transaction together with the file's
  checkpoint (how many items of the file are in), so an interrupted import continues after the
  last committed batch, and a failed batch leaves nothing behind.
- Bad input: an item that is not a valid release is reported (file, position, reason) and
  skipped; a file that is truncated or not JSON is reported and the run goes on to the next.
- Then the compiled release of every contracting process that received a release is rebuilt,
  with ocdsmerge's rules (see `importing/fastmerge.py`), in worker processes.
"""

import contextlib
import gc
import multiprocessing
import os
import shutil
import sqlite3
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import psycopg.errors
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, F, Max

from levelfield.core import clock

from .importing import compiling, files, reading
from .importing.checks import (
    parse_datetime,
    postgres_text_of_checked_date,
    sqlite_text_of_checked_date,
)
from .importing.compiling import (
    compile_groups,
    compile_ocids,
    compile_remembered,
    group_rows,
    load_results,
    start_worker,
)
from .importing.files import FileError
from .importing.summary import Problem, Reporter, Summary
from .models_external import (
    ExternalCompiledRelease,
    ExternalCompileMark,
    ExternalFile,
    ExternalRelease,
)
from .opportunities import OpportunityIndex

BATCH_SIZE = 20000
COMPILE_CHUNK = 400  # contracting processes per compile task
POOL_THRESHOLD = 2000  # fewer processes than this compile in this process
# On SQLite, files at least this large are read in a process of their own, where parsing and
# checking run beside SQLite's inserts (which hold this process's interpreter); on PostgreSQL
# they are read in a thread, beside the waits for the server, with nothing to hand between
# processes (measured: bench/import_bench.py, each the faster on its database).
PROCESS_THRESHOLD = {"sqlite": 1024 * 1024, "postgresql": None}
# PostgreSQL: this session's staging tables for COPY (temporary: no other session sees them)
# Release texts kept in memory as they are stored, to compile from without reading them back
REMEMBER = 3 * 1024**3
STAGE_RELEASES = "levelfield_import_releases"
STAGE_COMPILED = "levelfield_import_compiled"


@dataclass(frozen=True)
class Copy:
    """PostgreSQL: the statements that bring one kind of row into the store (_copy_sql)."""

    direct: str
    staged: str
    from_stage: str
    stage: str


class Importer:
    """One run of the import: `Importer(...).run(paths)` returns the Summary.

    `after_commit(importer)` is called after each committed batch (tests use it to interrupt a
    run)."""

    def __init__(
        self,
        *,
        batch_size: int = BATCH_SIZE,
        workers: int | None = None,
        again: bool = False,
        compile: bool = True,
        reporter: Reporter | None = None,
        after_commit=None,
        process_threshold: int | None = -1,
        pool_threshold: int = POOL_THRESHOLD,
        remember: int = REMEMBER,
    ):
        # None: never in a process; -1: this database's default
        if process_threshold == -1:
            process_threshold = PROCESS_THRESHOLD.get(connection.vendor)
        self.process_threshold = process_threshold
        self.pool_threshold = pool_threshold
        self.batch_size = max(1, batch_size)
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self.again = again
        self.compile = compile
        self.reporter = reporter or Reporter()
        self.after_commit = after_commit
        self.summary = Summary()
        self.opportunities = OpportunityIndex()
        self.batches = 0
        # ocid -> texts of the releases this run stored, in store order (see `_remember`)
        self.remembered: dict[str, list[str]] = {}
        self.remember_left = remember if compile else 0
        self.postgres = connection.vendor == "postgresql"
        self.sqlite = connection.vendor == "sqlite"
        self.lz4 = False  # PostgreSQL built with lz4 (see _tune_connection)
        self._sql()

    # -- the run ------------------------------------------------------------------------------

    def run(self, paths: Iterable[Path | str]) -> Summary:
        started = time.monotonic()
        collecting = gc.isenabled()
        gc.disable()  # millions of short-lived objects, no cycles: the collector only costs
        try:
            self._tune_connection()
            for path in files.input_files([Path(p) for p in paths]):
                self.summary.files += 1
                self._import_file(path)
            if self.compile:
                self.compile_touched()
                with transaction.atomic():
                    self.opportunities.remove_closed()
            else:
                self.summary.compile_skipped = True
        finally:
            if collecting:
                gc.enable()
            self.summary.seconds = time.monotonic() - started
        return self.summary

    def _tune_connection(self) -> None:
        if self.sqlite:
            with connection.cursor() as cursor:
                # A bigger page cache for this connection: the unique index stays in memory.
                cursor.execute("PRAGMA cache_size = -262144")
        elif self.postgres:
            # Room in memory for a batch in the staging tables (8 MB by default, then they
            # spill to files). PostgreSQL refuses once the session has used a temporary table:
            # then it stays as it was.
            with contextlib.suppress(DatabaseError), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET temp_buffers = '256MB'")
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'"
                    " AND 'lz4' = ANY(enumvals)"
                )
                self.lz4 = cursor.fetchone() is not None

    def _bulk_cursor(self):
        """A cursor for executemany on Django's connection (in its transaction). On PostgreSQL
        it is psycopg's own, binding parameters on the server: about 1.7 times as fast for
        batches of large rows as Django's client-side binding cursor (measured on 100,000 of the
        benchmark's releases, inserted on their own)."""
        if self.postgres:
            connection.ensure_connection()
            return psycopg.Cursor(connection.connection)
        return connection.cursor()

    def _no_commit_wait(self, cursor) -> None:
        """On PostgreSQL, this transaction's commit does not wait for its WAL to reach the disk.
        A crash may then lose the last batches committed, never part of one, and as each batch
        carries its file's checkpoint, the next run simply reads them again."""
        if self.postgres:
            cursor.execute("SET LOCAL synchronous_commit TO off")
            if self.lz4:
                # Large JSON values are compressed with lz4 rather than pglz: several times
                # faster both ways, a little larger (measured: the benchmark's compiled
                # releases took 3.3 to 4.0 s to COPY instead of 5.5 to 6.5 s, 46 MB not 40 MB).
                cursor.execute("SET LOCAL default_toast_compression TO lz4")

    def _sql(self) -> None:
        if not (self.sqlite or self.postgres):
            raise NotImplementedError("import-ocds supports SQLite and PostgreSQL")
        quote = connection.ops.quote_name
        release = ExternalRelease._meta
        concrete = {field.name: field for field in release.concrete_fields}
        columns = ", ".join(
            quote(concrete[name].column)
            for name in ("ocid", "release_id", "date", "tags", "data", "file")
        )
        self.sql_release = (
            f"INSERT INTO {quote(release.db_table)} ({columns}) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
        )
        compiled = quote(ExternalCompiledRelease._meta.db_table)
        insert = (
            f"INSERT INTO {compiled} (ocid, compiled, release_count, date, buyer_id, updated) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (ocid) "
        )
        self.sql_published = insert + "DO NOTHING"
        self.sql_compiled = insert + (
            "DO UPDATE SET compiled = excluded.compiled, release_count = excluded.release_count,"
            " date = excluded.date, buyer_id = excluded.buyer_id, updated = excluded.updated"
        )
        if self.postgres:
            self._copy_sql(quote, columns, compiled)
        self.sql_fetch = (
            f"SELECT ocid, id, data FROM {quote(release.db_table)} WHERE ocid IN ({{}})"
        )

    def _copy_sql(self, quote, columns: str, compiled: str) -> None:
        """PostgreSQL: a batch goes by COPY straight into the store when nothing in it is
        there already (a first import), else into a temporary table of this session and then
        into the store with one INSERT ... SELECT, in store order, skipping or updating what is
        there (COPY alone cannot). Either way one statement replaces thousands (measured:
        bench/import_bench.py)."""
        release = quote(ExternalRelease._meta.db_table)
        compiled_columns = "ocid, compiled, release_count, date, buyer_id, updated"
        self.sql_stage = (
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE_RELEASES} (n integer, ocid text,"
            " release_id text, date timestamptz, tags text, data text, file bigint);"
            f" CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE_COMPILED} (n integer, ocid text,"
            " compiled text, release_count integer, date timestamptz, buyer_id text,"
            " updated timestamptz)"
        )
        self.copy_releases = Copy(
            direct=f"COPY {release} ({columns}) FROM STDIN",
            staged=f"COPY {STAGE_RELEASES} (n, ocid, release_id, date, tags, data, file)"
            " FROM STDIN",
            from_stage=f"INSERT INTO {release} ({columns}) SELECT ocid, release_id, date,"
            f" tags, data, file FROM {STAGE_RELEASES} ORDER BY n ON CONFLICT DO NOTHING",
            stage=STAGE_RELEASES,
        )
        self.copy_compiled = Copy(
            direct=f"COPY {compiled} ({compiled_columns}) FROM STDIN",
            staged=f"COPY {STAGE_COMPILED} (n, {compiled_columns}) FROM STDIN",
            from_stage=f"INSERT INTO {compiled} ({compiled_columns})"
            f" SELECT DISTINCT ON (ocid) {compiled_columns}"
            f" FROM {STAGE_COMPILED} ORDER BY ocid, n DESC ON CONFLICT (ocid) DO UPDATE SET"
            " compiled = excluded.compiled, release_count = excluded.release_count,"
            " date = excluded.date, buyer_id = excluded.buyer_id, updated = excluded.updated",
            stage=STAGE_COMPILED,
        )

    def _copy_in(self, cursor, copy: "Copy", rows: list, *, direct: bool) -> int:
        """Rows into the store (see _copy_sql); how many were written. `direct`: COPY straight
        into the store, in a savepoint; where a row turns out to be there already (another
        import got there first), that is undone and the batch goes through the staging table,
        which is emptied in the same transaction."""
        if direct:
            try:
                with transaction.atomic():
                    with cursor.copy(copy.direct) as stream:
                        for row in rows:
                            stream.write_row(row)
                return len(rows)
            except psycopg.errors.UniqueViolation:
                pass
        cursor.execute(self.sql_stage)
        with cursor.copy(copy.staged) as stream:
            for number, row in enumerate(rows):
                stream.write_row((number, *row))
        cursor.execute(copy.from_stage)
        written = max(cursor.rowcount, 0)
        cursor.execute(f"TRUNCATE {copy.stage}")
        return written

    def _db_datetime(self, moment):
        if self.sqlite:  # what Django's SQLite backend stores: naive UTC, ISO with a space
            return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        return moment

    # -- one file -----------------------------------------------------------------------------

    def _import_file(self, path: Path) -> None:
        try:
            name, size, mtime_ns, head = files.identity(path)
        except OSError as exc:
            self._file_failed(path, FileError(f"cannot read it: {exc.strerror or exc}"))
            return
        now = clock.now()
        checkpoint, _ = ExternalFile.objects.get_or_create(
            path=name,
            size=size,
            mtime_ns=mtime_ns,
            head_sha256=head,
            defaults={"started": now, "updated": now},
        )
        if checkpoint.complete and not self.again:
            self.summary.files_unchanged += 1
            self.reporter.file_skipped(path)
            return
        resume = 0 if self.again else checkpoint.items_done
        options: reading.ReaderOptions = {
            "path": path,
            "file_id": checkpoint.pk,
            "resume": resume,
            "offset": 0 if self.again else checkpoint.offset_done,
            "batch_size": self.batch_size,
            "dates": "text" if self.sqlite else "datetime",
            "postgres": self.postgres,
        }
        self.summary.items_resumed += resume
        self.reporter.file_started(path, resume)
        if self.process_threshold is not None and size >= self.process_threshold:
            batches = reading.batches_in_process(options)
        else:
            batches = reading.batches_in_thread(reading.FileReader(**options))
        try:
            for batch in batches:
                self._commit(path, checkpoint, batch)
        except FileError as exc:
            for position, reason in exc.problems:
                self.reporter.problem(Problem(str(path), position, reason))
            self._file_failed(path, exc, checkpoint)
            return
        finally:
            batches.close()
        self.summary.files_imported += 1
        self.reporter.file_finished(path, self.summary)

    def _all_new(self, rows: list) -> bool:
        """PostgreSQL: whether none of these compiled releases is stored yet, nor any comes
        twice (then they can be copied straight in)."""
        ocids = [row[0] for row in rows]
        if len(set(ocids)) != len(ocids):
            return False
        table = connection.ops.quote_name(ExternalCompiledRelease._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE ocid = ANY(%s))", [ocids])
            return not cursor.fetchone()[0]

    def _not_compiled_yet(self, ocids: list[str]) -> set[str]:
        """Those of the ocids with no compiled release stored (one query a thousand)."""
        known: set[str] = set()
        for start in range(0, len(ocids), 1000):
            chunk = ocids[start : start + 1000]
            known.update(
                ExternalCompiledRelease.objects.filter(ocid__in=chunk).values_list(
                    "ocid", flat=True
                )
            )
        return set(ocids) - known

    def _file_failed(self, path: Path, exc: FileError, checkpoint=None) -> None:
        """The file stops here: the batch in progress is dropped (nothing of it was written);
        what earlier batches committed stays, and the checkpoint says how far that was."""
        problem = Problem(str(path), exc.position, exc.reason)
        self.summary.files_failed += 1
        self.summary.file_errors.append(problem)
        self.reporter.problem(problem)
        if checkpoint is not None:
            ExternalFile.objects.filter(pk=checkpoint.pk).update(
                error=str(problem)[:2000], updated=clock.now()
            )

    def _commit(self, path: Path, checkpoint: ExternalFile, batch: reading.Batch) -> None:
        """Store one batch and move the file's checkpoint, in one transaction."""
        for position, reason in batch.problems:
            self.reporter.problem(Problem(str(path), position, reason))
        stored = published = 0
        now = clock.now()
        with transaction.atomic():
            with self._bulk_cursor() as cursor:
                self._no_commit_wait(cursor)
                if batch.rows and self.postgres:
                    stored = self._copy_in(cursor, self.copy_releases, batch.rows, direct=True)
                elif batch.rows:
                    cursor.executemany(self.sql_release, batch.rows)
                    stored = max(cursor.rowcount, 0)
                if batch.published:
                    new = self._not_compiled_yet([row[0] for row in batch.published])
                    updated = self._db_datetime(now)
                    rows = [(*row, updated) for row in batch.published]
                    cursor.executemany(self.sql_published, rows)
                    published = max(cursor.rowcount, 0)
            if batch.published:
                # Those taken as published: their open opportunities, in this transaction.
                self.opportunities.store([row[:2] for row in batch.published if row[0] in new])
            ExternalFile.objects.filter(pk=checkpoint.pk).update(
                items_done=batch.items_done,
                offset_done=batch.offset,
                releases_read=F("releases_read") + batch.read,
                releases_stored=F("releases_stored") + stored,
                complete=batch.final,
                error="",
                updated=now,
            )
        self._remember(batch.rows, stored)
        summary = self.summary
        summary.read += batch.read
        summary.stored += stored
        summary.duplicates += len(batch.rows) - stored
        summary.invalid += batch.invalid
        summary.linked += batch.linked
        summary.published_compiled += published
        self.batches += 1
        self.reporter.batch(summary, path)
        if self.after_commit is not None:
            self.after_commit(self)

    def _remember(self, rows: list, stored: int) -> None:
        """Keep the texts of a committed batch's releases for the compile, when all of them
        were stored (then they are in the store in this order): the compile need not read them
        back. A batch with duplicates is not kept, nor anything once the texts kept reach
        `remember` characters; a process some of whose releases are not kept is read back
        (`_split_remembered`). (Kept as parsed instead, the releases the reader has parsed
        anyway, the import took a third longer: the workers forked to compile copy the memory
        they touch, measured on bench/generate.py's releases.)"""
        if stored != len(rows) or self.remember_left <= 0:
            return
        remembered = self.remembered
        size = 0
        for row in rows:
            text = row[4]
            size += len(text)
            texts = remembered.get(row[0])
            if texts is None:
                remembered[row[0]] = [text]
            else:
                texts.append(text)
        self.remember_left -= size

    def _split_remembered(self, ocids: list[str]) -> tuple[list[str], list[str]]:
        """(processes to compile from the releases kept in memory, processes to read back): a
        process is compiled from memory when the store holds exactly the releases kept of it,
        as many (all of them kept were stored, in store order), so none stored by an earlier
        run, a batch with duplicates or another import is left out."""
        remembered = self.remembered
        if not remembered:
            return [], ocids
        kept = [ocid for ocid in ocids if ocid in remembered]
        counts: dict[str, int] = {}
        if self.postgres:  # one query, the ocids as one array
            table = connection.ops.quote_name(ExternalRelease._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT ocid, count(*) FROM {table} WHERE ocid = ANY(%s) GROUP BY ocid",
                    [kept],
                )
                counts.update(cursor.fetchall())
            kept = []
        for start in range(0, len(kept), 1000):
            chunk = kept[start : start + 1000]
            counts.update(
                ExternalRelease.objects.filter(ocid__in=chunk)
                .values_list("ocid")
                .annotate(n=Count("id"))
                .order_by()
            )
        memory, stored = [], []
        for ocid in ocids:
            texts = remembered.get(ocid)
            if texts is not None and counts.get(ocid) == len(texts):
                memory.append(ocid)
            else:
                stored.append(ocid)
        return memory, stored

    # -- compiling ----------------------------------------------------------------------------

    def compile_touched(self) -> None:
        """Rebuild the compiled release of every process with a release stored since the last
        compile (the mark), then move the mark. Interrupted, it redoes them next time."""
        mark, _ = ExternalCompileMark.objects.get_or_create(pk=1)
        top = ExternalRelease.objects.aggregate(top=Max("id"))["top"] or 0
        if top <= mark.compiled_through:
            return
        ocids = list(
            ExternalRelease.objects.filter(id__gt=mark.compiled_through, id__lte=top)
            .order_by("ocid")
            .values_list("ocid", flat=True)
            .distinct()
        )
        self.reporter.compile_started(len(ocids))
        memory, stored = self._split_remembered(ocids)
        chunks = [
            (True, memory[i : i + COMPILE_CHUNK]) for i in range(0, len(memory), COMPILE_CHUNK)
        ]
        chunks += [
            (False, stored[i : i + COMPILE_CHUNK]) for i in range(0, len(stored), COMPILE_CHUNK)
        ]
        self.compiled_rows: list[tuple] = []
        self.compiled_failed: list[str] = []
        self.compiled_closing: list[str | None] = []
        try:
            if self.workers > 1 and len(ocids) >= self.pool_threshold:
                self._compile_in_pool(chunks)
            else:
                for kept, chunk in chunks:
                    self._store_compiled(compile_groups(self._groups(kept, chunk)))
        finally:
            self.remembered = compiling.remembered = {}
        self._store_compiled([], flush=True)
        ExternalCompileMark.objects.filter(pk=mark.pk).update(compiled_through=top)

    def _compile_in_pool(self, chunks: list[tuple[bool, list[str]]]) -> None:
        """Compile in worker processes. Forked workers take the releases kept in memory from
        this process (they inherit them) and read the others themselves, on connections of
        their own, so this process only writes; otherwise (an in-memory database, releases not
        yet committed because the caller holds a transaction open, or no fork) this process
        reads and hands the releases over."""
        fork = "fork" in multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if fork else "spawn")
        store = None
        # a method of SQLite's wrapper alone (self.sqlite), not of the base wrapper django-stubs
        # type `connection` as
        in_memory = self.sqlite and connection.is_in_memory_db()  # type: ignore[attr-defined]
        if fork and not in_memory and not connection.in_atomic_block:
            params = dict(connection.get_connection_params())
            params.pop("init_command", None)
            store = {
                # the driver Django's backend uses (its connection.Database)
                "connect": sqlite3.connect if self.sqlite else psycopg.connect,
                "params": params,
                "sql": self.sql_fetch.replace("%s", "?") if self.sqlite else self.sql_fetch,
                "placeholder": "?" if self.sqlite else "%s",
                # Releases of one process lie all over the table: read its pages straight from
                # the operating system's cache (up to SQLite's usual 2 GB ceiling).
                "setup": ["PRAGMA mmap_size = 2147418112"] if self.sqlite else [],
            }
        spool = reading.spool_directory() if fork else None
        if fork:
            compiling.remembered = self.remembered  # the workers forked next inherit them
        try:
            # Tasks handed out ahead: enough for the workers to go on compiling while this
            # process stores a batch of compiled releases (a COPY of 20,000 of them takes a
            # few tenths of a second), whose results wait in files meanwhile.
            ahead = max(3 * self.workers, 2 * self.batch_size // COMPILE_CHUNK)
            with context.Pool(self.workers, initializer=start_worker, initargs=(store,)) as pool:
                pending: deque = deque()
                for kept, chunk in chunks:
                    if kept and fork:
                        pending.append(pool.apply_async(compile_remembered, (chunk, spool)))
                    elif store is not None and not kept:
                        pending.append(pool.apply_async(compile_ocids, (chunk, spool)))
                    else:
                        groups = self._groups(kept, chunk)
                        pending.append(pool.apply_async(compile_groups, (groups,)))
                    while len(pending) > ahead:
                        self._store_compiled(load_results(pending.popleft().get()))
                while pending:
                    self._store_compiled(load_results(pending.popleft().get()))
        finally:
            if spool is not None:
                shutil.rmtree(spool, ignore_errors=True)

    def _groups(self, kept: bool, ocids: list[str]) -> list[tuple[str, list[str]]]:
        if kept:
            return [(ocid, self.remembered[ocid]) for ocid in ocids]
        return self._fetch(ocids)

    def _fetch(self, ocids: list[str]) -> list[tuple[str, list[str]]]:
        """The stored releases of these processes, in the order they were stored."""
        with connection.cursor() as cursor:
            cursor.execute(self.sql_fetch.format(", ".join(["%s"] * len(ocids))), ocids)
            return group_rows(ocids, cursor.fetchall())

    def _store_compiled(self, results: list[tuple], *, flush: bool = False) -> None:
        """Keep compiled releases until there are a batch of them, then write them in one
        transaction (a commit waits for the disk: fewer of them keep the workers busy)."""
        now = self._db_datetime(clock.now())
        for ocid, compiled, count, date, error, buyer_id, closing in results:
            if compiled is None:
                self.compiled_failed.append(ocid)
                self.reporter.problem(Problem("compile", ocid, error))
                continue
            # A release's date, checked when the release was read.
            stored: str | datetime | None = None
            if type(date) is str:
                checked = (
                    sqlite_text_of_checked_date if self.sqlite else postgres_text_of_checked_date
                )
                stored = checked(date)
            if stored is None:
                moment = parse_datetime(date) if isinstance(date, str) else None
                stored = moment and self._db_datetime(moment)
            self.compiled_rows.append((ocid, compiled, count, stored, buyer_id, now))
            self.compiled_closing.append(closing)
        if results:
            self.reporter.compile_progress(len(results))
        if not flush and len(self.compiled_rows) + len(self.compiled_failed) < self.batch_size:
            return
        rows, failed, closing = self.compiled_rows, self.compiled_failed, self.compiled_closing
        with transaction.atomic():
            if rows:
                with self._bulk_cursor() as cursor:
                    self._no_commit_wait(cursor)
                    if self.postgres:
                        self._copy_in(cursor, self.copy_compiled, rows, direct=self._all_new(rows))
                    else:
                        cursor.executemany(self.sql_compiled, rows)
            if failed:
                # its compiled release would no longer show what was published
                ExternalCompiledRelease.objects.filter(ocid__in=failed).delete()
            # The open opportunities follow the compiled releases, in the same transaction.
            self.opportunities.store(
                [(row[0], row[1], end) for row, end in zip(rows, closing, strict=True)], failed
            )
        self.summary.compiled += len(rows)
        self.summary.compile_failed += len(failed)
        self.compiled_rows, self.compiled_failed, self.compiled_closing = [], [], []


def import_paths(paths: Iterable[Path | str], **options) -> tuple[Summary, list[Problem]]:
    """Import files or directories; (summary, problems). Options as for Importer."""
    reporter = options.pop("reporter", None) or Reporter()
    summary = Importer(reporter=reporter, **options).run(paths)
    return summary, reporter.problems
