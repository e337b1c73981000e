"""Benchmark: `levelfield import-ocds` (import and compile) against `ocdskit compile`, same file.

    .venv/bin/python bench/generate.py --ocids 40000 --releases 200000 --out var/bench/m.jsonl.gz
    .venv/bin/python bench/import_bench.py var/bench/m.jsonl.gz
    .venv/bin/python bench/import_bench.py var/bench/m.jsonl.gz --database-url postgres://...

Imports the file into a fresh database (a new SQLite file by default; with --database-url the
external store's tables are emptied first), timing the whole import: reading, checking and
storing the releases, then compiling every contracting process and storing its compiled release.
Then times `ocdskit compile` (offline: --schema is a local copy of our patched release schema) on
the same file, prints both rates and the ratio, and checks that the compiled releases are the
same: every one of them (or a random --sample), as JSON values and byte for byte. On a shared
machine, --repeat N runs each side N times, alternately, and compares the best times; CPU time
and the load average are printed with every run. ocdskit's warnings (e.g. two parties with the
same id in one release) go to a file next to its output.

The import keeps the index of open opportunities (opportunities.py) as it stores compiled
releases: its own time is printed with every run (wall and CPU time of this process, and on a
local PostgreSQL server the CPU time of this connection's server process). The generated
releases' deadlines are in 2021-2025, so none is open today: --as-of 2023-01-01 runs the import
as of that moment (the clock frozen), when many are. --index-baseline also runs the import
without the index step, alternately, as the baseline of the same run.

    .venv/bin/python bench/import_bench.py m.jsonl.gz --skip-ocdskit --as-of 2023-01-01 \
        --index-baseline --repeat 3 --database-url postgres://...
"""

import argparse
import contextlib
import gzip
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "levelfield.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fresh_store(verbose: bool) -> None:
    """An empty external store: a new SQLite file, or emptied PostgreSQL tables."""
    from django.core.management import call_command
    from django.db import connection

    from levelfield.opendata import models as opendata

    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        connection.close()
        name.unlink(missing_ok=True)
    call_command("migrate", verbosity=1 if verbose else 0)
    if connection.vendor == "postgresql":
        names = ("ExternalCompiledRelease", "ExternalRelease", "ExternalFile")
        # ExternalOpportunity: absent from a tree older than the index (a before/after run)
        names += ("ExternalCompileMark", "ExternalOpportunity")
        models = [getattr(opendata, name) for name in names if hasattr(opendata, name)]
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY")


def server_cpu_seconds() -> float | None:
    """CPU time of this connection's PostgreSQL server process, when the server is local."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    try:
        fields = Path(f"/proc/{connection.connection.info.backend_pid}/stat").read_text()
    except OSError:
        return None
    utime, stime = fields.rsplit(")", 1)[1].split()[11:13]
    return (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")


class IndexTimer:
    """The index step's own time: OpportunityIndex's calls, timed (or skipped: the baseline)."""

    def __init__(self, skip: bool):
        self.seconds = self.cpu = self.server = 0.0
        self.calls = 0
        self.skip = skip
        try:
            from levelfield.opendata.opportunities import OpportunityIndex
        except ImportError:  # a tree older than the index
            self.saved = {}
            return
        self.saved = {name: getattr(OpportunityIndex, name) for name in ("store", "remove_closed")}
        timer = self

        def timed(method):
            def call(index, *args, **kwargs):
                if timer.skip:
                    return 0
                server = server_cpu_seconds()
                cpu, started = time.process_time(), time.monotonic()
                try:
                    return method(index, *args, **kwargs)
                finally:
                    timer.seconds += time.monotonic() - started
                    timer.cpu += time.process_time() - cpu
                    if server is not None:
                        timer.server += server_cpu_seconds() - server
                    timer.calls += 1

            return call

        for name, method in self.saved.items():
            setattr(OpportunityIndex, name, timed(method))

    def restore(self) -> None:
        if not self.saved:
            return
        from levelfield.opendata.opportunities import OpportunityIndex

        for name, method in self.saved.items():
            setattr(OpportunityIndex, name, method)


def run_import(path: Path, workers: int | None, batch_size: int | None):
    from levelfield.opendata.importer import Importer, Reporter

    class Quiet(Reporter):
        def compile_started(self, processes: int) -> None:
            self.compile_at = time.monotonic()

    reporter = Quiet()
    server_before = server_cpu_seconds()
    cpu_before = cpu_seconds()
    started = time.monotonic()
    options = {"batch_size": batch_size} if batch_size else {}
    importer = Importer(workers=workers, reporter=reporter, **options)
    summary = importer.run([path])
    seconds = time.monotonic() - started
    compile_seconds = time.monotonic() - getattr(reporter, "compile_at", time.monotonic())
    cpu = cpu_seconds() - cpu_before
    server = server_cpu_seconds()
    server = server - server_before if server is not None and server_before is not None else None
    return summary, seconds, compile_seconds, cpu, server, reporter.problems


def load() -> str:
    return ", ".join(f"{figure:.1f}" for figure in os.getloadavg())


def cpu_seconds() -> float:
    """CPU time (user and system) of this process and of its children that have ended."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def run_ocdskit(path: Path, out: Path, schema: Path) -> float:
    ocdskit = Path(sys.executable).with_name("ocdskit")
    cpu_before = cpu_seconds()
    started = time.monotonic()
    with out.open("wb") as sink, out.with_suffix(".warnings").open("wb") as warnings:
        gunzip = subprocess.Popen(["gzip", "-dc", str(path)], stdout=subprocess.PIPE)
        compile_ = subprocess.run(
            [str(ocdskit), "compile", "--schema", str(schema)],
            stdin=gunzip.stdout,
            stdout=sink,
            stderr=warnings,
            check=False,
        )
        gunzip.stdout.close()
        gunzip.wait()
    seconds = time.monotonic() - started
    cpu = cpu_seconds() - cpu_before
    if compile_.returncode or gunzip.returncode:
        print(out.with_suffix(".warnings").read_text()[-2000:], file=sys.stderr)
        raise SystemExit(f"ocdskit compile failed (exit {compile_.returncode})")
    return seconds, cpu


def compare(out: Path, sample: int | None, seed: int = 1) -> dict:
    """Compare ocdskit's compiled releases with ours: all of them, or a random sample."""
    from django.db import connection

    from levelfield.opendata.models import ExternalCompiledRelease

    theirs: dict[str, bytes] = {}
    with out.open("rb") as lines:
        for line in lines:
            line = line.rstrip(b"\n")
            ocid = orjson.loads(line)["ocid"]
            theirs[ocid] = line
    ocids = sorted(theirs)
    if sample and sample < len(ocids):
        ocids = sorted(random.Random(seed).sample(ocids, sample))
    ours_total = ExternalCompiledRelease.objects.count()
    table = connection.ops.quote_name(ExternalCompiledRelease._meta.db_table)
    result = {"compared": 0, "equal": 0, "identical_bytes": 0, "different": [], "missing": []}
    for start in range(0, len(ocids), 1000):
        chunk = ocids[start : start + 1000]
        with connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT ocid, compiled FROM {table} WHERE ocid IN ({marks})", chunk)
            ours = dict(cursor.fetchall())
        for ocid in chunk:
            result["compared"] += 1
            mine = ours.get(ocid)
            if mine is None:
                result["missing"].append(ocid)
                continue
            their_line = theirs[ocid]
            if orjson.loads(mine) == orjson.loads(their_line):
                result["equal"] += 1
                # the store keeps the text as compiled (a text column on both databases)
                if mine.encode() == their_line:
                    result["identical_bytes"] += 1
            else:
                result["different"].append(ocid)
    result["ocdskit_total"] = len(theirs)
    result["ours_total"] = ours_total
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="gzipped JSON Lines of releases (generate.py)")
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--workers", type=int, default=None, help="compile processes")
    parser.add_argument("--batch-size", type=int, default=None, help="default: the command's")
    parser.add_argument("--sample", type=int, default=0, help="compare N random OCIDs (0: all)")
    parser.add_argument("--skip-ocdskit", action="store_true")
    parser.add_argument(
        "--as-of",
        type=datetime.fromisoformat,
        default=None,
        help="run the import as of this moment (e.g. 2023-01-01T00:00+00:00): open deadlines",
    )
    parser.add_argument(
        "--index-baseline",
        action="store_true",
        help="also run the import without the open-opportunity index step, alternately",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run each side N times, alternately, and compare the best times (a shared machine)",
    )
    args = parser.parse_args()

    path = args.path.resolve()
    scratch = Path(tempfile.mkdtemp(prefix="levelfield-bench-"))
    database_url = args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
    setup_django(database_url)
    from django.db import connection

    from levelfield.opendata.tests.schema import patched_release_schema

    size = 0
    with gzip.open(path, "rb") as stream:
        while chunk := stream.read(1 << 24):
            size += len(chunk)
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB gzipped, {size / 1e6:.1f} MB)")
    print(f"database: {connection.vendor} ({database_url.split('@')[-1]})")
    print(f"CPUs: {os.cpu_count()}; load average at the start: {load()}")

    schema = scratch / "release-schema.json"
    out = scratch / "ocdskit-compiled.jsonl"
    if not args.skip_ocdskit:
        schema.write_bytes(orjson.dumps(patched_release_schema()))
    from levelfield.core import clock
    from levelfield.opendata import models as opendata

    as_of = args.as_of
    if as_of is not None and as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)
    if as_of is not None:
        print(f"as of {as_of.isoformat()} (the clock frozen)")
    ours_runs, theirs_runs, baseline_runs, index_runs = [], [], [], []
    for run in range(1, max(1, args.repeat) + 1):
        for skip_index in (False, True) if args.index_baseline else (False,):
            fresh_store(verbose=False)
            timer = IndexTimer(skip=skip_index)
            try:
                with clock.frozen_at(as_of) if as_of else contextlib.nullcontext():
                    summary, ours, compile_seconds, cpu, server, problems = run_import(
                        path, args.workers, args.batch_size
                    )
            finally:
                timer.restore()
            (baseline_runs if skip_index else ours_runs).append(ours)
            releases = summary.read
            label = "without the index step" if skip_index else "levelfield import-ocds"
            server_cpu = f"; server CPU {server:.1f} s" if server is not None else ""
            print(
                f"[{run}] {label}: {releases:,} releases, {summary.stored:,} stored, "
                f"{summary.compiled:,} compiled releases in {ours:.1f} s (reading and storing "
                f"{ours - compile_seconds:.1f} s, compiling {compile_seconds:.1f} s) = "
                f"{releases / ours:,.0f} releases/s; CPU {cpu:.1f} s{server_cpu}; load {load()}"
            )
            if not skip_index and timer.saved:
                index_runs.append(timer.seconds)
                server_cpu = f", server CPU {timer.server:.2f} s" if server is not None else ""
                print(
                    f"[{run}]   index step: {timer.seconds:.2f} s in {timer.calls} calls "
                    f"(CPU {timer.cpu:.2f} s{server_cpu}); "
                    f"{opendata.ExternalOpportunity.objects.count():,} open opportunities"
                )
            if problems:
                print(f"  {len(problems)} problems, first: {problems[0]}")
        if args.skip_ocdskit:
            continue
        theirs, cpu = run_ocdskit(path, out, schema)
        theirs_runs.append(theirs)
        print(
            f"[{run}] ocdskit compile: {releases:,} releases in {theirs:.1f} s = "
            f"{releases / theirs:,.0f} releases/s; CPU {cpu:.1f} s; load {load()}"
        )
    ours, theirs = min(ours_runs), min(theirs_runs or [0])
    print(f"levelfield import-ocds, best: {ours:.1f} s = {releases / ours:,.0f} releases/s")
    if index_runs:
        print(f"  index step, best: {min(index_runs):.2f} s (worst {max(index_runs):.2f} s)")
    if baseline_runs:
        baseline = min(baseline_runs)
        print(
            f"  without the index step, best: {baseline:.1f} s (worst {max(baseline_runs):.1f} s);"
            f" with it: {ours / baseline:.2f}x"
        )
    if args.skip_ocdskit:
        return
    print(f"ocdskit compile, best: {theirs:.1f} s = {releases / theirs:,.0f} releases/s")
    print(
        f"ratio: levelfield import-ocds is {theirs / ours:.2f}x faster than ocdskit compile alone"
    )

    result = compare(out, args.sample or None)
    print(
        f"compiled releases compared: {result['compared']:,} of {result['ocdskit_total']:,} "
        f"(ours: {result['ours_total']:,}); equal: {result['equal']:,}; "
        f"byte-identical: {result['identical_bytes']:,}; different: {len(result['different'])}; "
        f"missing: {len(result['missing'])}"
    )
    for ocid in (result["different"] + result["missing"])[:5]:
        print(f"  not the same: {ocid}")
    same = not result["different"] and not result["missing"]
    print("RESULT: identical compiled releases" if same else "RESULT: compiled releases DIFFER")
    out.unlink()
    if not args.database_url:
        (scratch / "bench.sqlite3").unlink()
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
