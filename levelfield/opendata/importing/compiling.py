"""Compiling releases in worker processes: plain functions of JSON texts, with no database, so
they run in a process pool (or in the calling process for small jobs)."""

import gc
import os
import tempfile

from ocdsmerge.exceptions import OCDSMergeError

from ..opportunities import closing_text
from .fastmerge import buyer_id_of, compile_json
from .reading import load_spooled, spool_file

_store = None  # a worker's own reader of the store, when it reads the releases itself
# ocid -> release texts the import has just stored, in store order: set in the importing
# process before it forks its workers, which inherit it (see Importer.remembered)
remembered: dict[str, list[str]] = {}


def group_rows(ocids: list[str], rows) -> list[tuple[str, list[str]]]:
    """(ocid, release texts in the order they were stored) from (ocid, id, data) rows:
    ocdsmerge sorts releases by date and keeps that order for equal dates, as ocdskit does."""
    groups: dict[str, list] = {ocid: [] for ocid in ocids}
    for ocid, pk, data in rows:
        groups[ocid].append((pk, data))
    result = []
    for ocid, releases in groups.items():
        releases.sort()
        result.append((ocid, [data for _, data in releases]))
    return result


class StoreReader:
    """Reads stored releases on a database connection of its own (in a forked worker, which
    must not touch the parent's)."""

    def __init__(self, *, connect, params: dict, sql: str, placeholder: str, setup=()):
        self.connection = connect(**params)
        for statement in setup:
            self.connection.execute(statement)
        self.sql = sql
        self.placeholder = placeholder

    def fetch(self, ocids: list[str]) -> list[tuple[str, list[str]]]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(self.sql.format(", ".join([self.placeholder] * len(ocids))), ocids)
            rows = cursor.fetchall()
        finally:
            cursor.close()
            self.connection.rollback()  # end the read (PostgreSQL opens a transaction)
        return group_rows(ocids, rows)


def start_worker(store: dict | None = None) -> None:
    # A compile makes many short-lived objects and no reference cycles: the cyclic collector
    # would only slow it down.
    gc.disable()
    global _store
    if store is not None:
        _store = StoreReader(**store)


def compile_ocids(ocids: list[str], spool: str | None = None) -> list[tuple] | str:
    """compile_groups for these processes, read by this worker itself. With a `spool`
    directory, the results are left in a file there and its name is returned (`load_results`
    takes them): a pipe moves megabytes of compiled releases 64 KiB at a time, at a cost in
    CPU on both sides that a file in shared memory does not have."""
    assert _store is not None  # compile_ocids is sent only to workers started with a store
    results = compile_groups(_store.fetch(ocids))
    if spool is None:
        return results
    handle, name = tempfile.mkstemp(suffix=".pickle", dir=spool)
    os.close(handle)
    return spool_file(results, name) or results


def compile_remembered(ocids: list[str], spool: str | None = None) -> list[tuple] | str:
    """compile_groups for these processes from the releases the importer kept as it stored
    them (`remembered`, inherited from the importing process): nothing is read back."""
    results = compile_groups([(ocid, remembered[ocid]) for ocid in ocids])
    if spool is None:
        return results
    handle, name = tempfile.mkstemp(suffix=".pickle", dir=spool)
    os.close(handle)
    return spool_file(results, name) or results


def load_results(results: list[tuple] | str) -> list[tuple]:
    """What compile_ocids returned: the results, read from their file if it is a name."""
    return load_spooled(results) if isinstance(results, str) else results


def compile_groups(groups: list[tuple[str, list[str]]]) -> list[tuple]:
    """For each (ocid, release texts in store order): (ocid, compiled JSON text or None, number
    of releases, date of the compiled release, error or None, its buyer.id, its closing: what
    the opportunity index needs to know, see opportunities.closing_text)."""
    results: list[tuple] = []
    for ocid, texts in groups:
        if not texts:  # not a bad release but a reader that cannot see the store: stop
            raise RuntimeError(f"no stored release of {ocid} is visible to the compile")
        try:
            text, compiled = compile_json(texts)
        except OCDSMergeError as exc:
            error = f"{type(exc).__name__}: {exc}"
            results.append((ocid, None, len(texts), None, error, "", None))
        except (TypeError, ValueError, AttributeError) as exc:  # shapes ocdsmerge cannot merge
            error = f"cannot be merged: {exc}"
            results.append((ocid, None, len(texts), None, error, "", None))
        else:
            date, buyer_id, closing = (
                compiled.get("date"),
                buyer_id_of(compiled),
                closing_text(compiled),
            )
            results.append((ocid, text.decode(), len(texts), date, None, buyer_id, closing))
    return results
