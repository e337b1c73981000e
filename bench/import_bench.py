"""Benchmark: `levelfield import-ocds` (import and compile) against `ocdskit compile`, same file.

    .venv/bin/python bench/generate.py --ocids 40000 --releases 200000 --out var/bench/m.jsonl.gz
    .venv/bin/python bench/import_bench.py var/bench/m.jsonl.gz
    .venv/bin/python bench/import_bench.py var/bench/m.jsonl.gz --database-url postgres://...

Imports the file into a fresh database (a new SQLite file by default; with --database-url the
external store's tables are emptied first), timing the whole import: reading, checking and
storing the releases, then compiling every contracting process and storing its compiled release.
Then times `ocdskit compile` (offline: --schema is a local copy of our patched release schema) on
the same file, prints both rates and the ratio, and checks that the compiled releases are the
same: every one of them (or a random --sample), as JSON values and byte for byte.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
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
    from django.core.management import call_command

    from levelfield.opendata.models import (
        ExternalCompiledRelease,
        ExternalCompileMark,
        ExternalFile,
        ExternalRelease,
    )

    call_command("migrate", verbosity=1 if verbose else 0)
    for model in (ExternalCompiledRelease, ExternalRelease, ExternalFile, ExternalCompileMark):
        model.objects.all().delete()


def run_import(path: Path, workers: int | None, batch_size: int):
    from levelfield.opendata.importer import Importer, Reporter

    class Quiet(Reporter):
        def compile_started(self, processes: int) -> None:
            self.compile_at = time.monotonic()

    reporter = Quiet()
    started = time.monotonic()
    importer = Importer(workers=workers, batch_size=batch_size, reporter=reporter)
    summary = importer.run([path])
    seconds = time.monotonic() - started
    compile_seconds = time.monotonic() - getattr(reporter, "compile_at", time.monotonic())
    return summary, seconds, compile_seconds, reporter.problems


def run_ocdskit(path: Path, out: Path, schema: Path) -> float:
    ocdskit = Path(sys.executable).with_name("ocdskit")
    started = time.monotonic()
    with out.open("wb") as sink:
        gunzip = subprocess.Popen(["gzip", "-dc", str(path)], stdout=subprocess.PIPE)
        compile_ = subprocess.run(
            [str(ocdskit), "compile", "--schema", str(schema)],
            stdin=gunzip.stdout,
            stdout=sink,
            check=False,
        )
        gunzip.stdout.close()
        gunzip.wait()
    seconds = time.monotonic() - started
    if compile_.returncode or gunzip.returncode:
        raise SystemExit(f"ocdskit compile failed (exit {compile_.returncode})")
    return seconds


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
    column = "compiled::text" if connection.vendor == "postgresql" else "compiled"
    result = {"compared": 0, "equal": 0, "identical_bytes": 0, "different": [], "missing": []}
    for start in range(0, len(ocids), 1000):
        chunk = ocids[start : start + 1000]
        with connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT ocid, {column} FROM {table} WHERE ocid IN ({marks})", chunk)
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
                # PostgreSQL's jsonb reorders keys: byte equality is meaningful on SQLite only
                if connection.vendor != "postgresql" and mine.encode() == their_line:
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
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--sample", type=int, default=0, help="compare N random OCIDs (0: all)")
    parser.add_argument("--skip-ocdskit", action="store_true")
    args = parser.parse_args()

    path = args.path.resolve()
    scratch = Path(tempfile.mkdtemp(prefix="levelfield-bench-"))
    database_url = args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
    setup_django(database_url)
    from django.db import connection

    from levelfield.opendata.schema import missing, patched_release_schema

    fresh_store(verbose=False)
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB gzipped)")
    print(f"database: {connection.vendor} ({database_url.split('@')[-1]})")
    print(f"CPUs: {os.cpu_count()}")

    summary, ours, compile_seconds, problems = run_import(path, args.workers, args.batch_size)
    releases = summary.read
    print(
        f"levelfield import-ocds: {releases:,} releases, {summary.stored:,} stored, "
        f"{summary.compiled:,} compiled releases in {ours:.1f} s "
        f"(reading and storing {ours - compile_seconds:.1f} s, compiling {compile_seconds:.1f} s)"
        f" = {releases / ours:,.0f} releases/s"
    )
    if problems:
        print(f"  {len(problems)} problems, first: {problems[0]}")
    if args.skip_ocdskit:
        return

    absent = missing()
    if absent:
        raise SystemExit(f"ocdskit needs the patched schema: {absent} is missing")
    schema = scratch / "release-schema.json"
    schema.write_bytes(orjson.dumps(patched_release_schema()))
    out = scratch / "ocdskit-compiled.jsonl"
    theirs = run_ocdskit(path, out, schema)
    print(
        f"ocdskit compile: {releases:,} releases in {theirs:.1f} s "
        f"= {releases / theirs:,.0f} releases/s"
    )
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
