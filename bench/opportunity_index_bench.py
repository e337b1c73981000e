"""Benchmark: the import's open-opportunity index (opportunities.py) writing many open notices.

    .venv/bin/python bench/generate.py --ocids 20000 --releases 100000 --out var/bench/s.jsonl.gz
    .venv/bin/python bench/opportunity_index_bench.py var/bench/s.jsonl.gz
    .venv/bin/python bench/opportunity_index_bench.py var/bench/s.jsonl.gz --database-url postgres://...

An import of a live feed (Find a Tender, Contracts Finder) finds tens of thousands of open
notices at first, where the generated file's compiled releases are mostly closed ones. So this
takes the first tender release of each process, as the compiled release of a notice still open
(the clock frozen at 2021-01-01), and has OpportunityIndex.store write them in batches of 20,000
(one transaction each, as the import): inserted into an empty table, then updated. Each round
runs the index as it is and, as the baseline of the same run, as it was first written
(bulk_create, then an UPDATE for PostgreSQL's search vector), alternately; wall time, CPU time
of this process and, on a local PostgreSQL server, CPU time of the connection's server process.
"""

import argparse
import gzip
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_bench import server_cpu_seconds, setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="gzipped JSON Lines of releases (generate.py)")
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="levelfield-bench-"))
    setup_django(args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}")
    from django.core.management import call_command
    from django.db import connection, transaction

    from levelfield.core import clock
    from levelfield.opendata import opportunities
    from levelfield.opendata.models import ExternalOpportunity
    from levelfield.opendata.opportunities import OpportunityIndex

    call_command("migrate", verbosity=0)
    tenders: dict[str, str] = {}
    with gzip.open(args.path, "rb") as lines:
        for line in lines:
            release = orjson.loads(line)
            tender = release.get("tender") or {}
            if release["ocid"] not in tenders and tender.get("status") == "active":
                tenders[release["ocid"]] = line.rstrip(b"\n").decode()
    rows = list(tenders.items())
    print(f"{len(rows):,} open notices; database: {connection.vendor}")

    vector_sql = f"""UPDATE {ExternalOpportunity._meta.db_table} SET search_vector =
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', description), 'B') WHERE ocid = ANY(%s)"""

    def first_write(index, items):
        ExternalOpportunity.objects.bulk_create(
            items,
            update_conflicts=True,
            unique_fields=["ocid"],
            update_fields=opportunities.UPDATED_FIELDS,
            batch_size=500,
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(vector_sql, [[item.ocid for item in items]])

    ways = {"as it is": OpportunityIndex._write, "baseline (bulk_create)": first_write}
    results: dict[tuple[str, str], list[float]] = {}
    try:
        for run in range(1, args.repeat + 1):
            for way, write in ways.items():
                OpportunityIndex._write = write
                ExternalOpportunity.objects.all().delete()
                for step in ("insert", "update"):
                    index = OpportunityIndex()
                    server = server_cpu_seconds()
                    cpu, started = time.process_time(), time.monotonic()
                    with clock.frozen_at(datetime(2021, 1, 1, tzinfo=UTC)):
                        for start in range(0, len(rows), 20000):
                            with transaction.atomic():
                                index.store(rows[start : start + 20000])
                    seconds = time.monotonic() - started
                    cpu = time.process_time() - cpu
                    server_cpu = ""
                    if server is not None:
                        server_cpu = f", server CPU {server_cpu_seconds() - server:.2f} s"
                    results.setdefault((way, step), []).append(seconds)
                    print(
                        f"[{run}] {way}, {step}: {seconds:.2f} s (CPU {cpu:.2f} s{server_cpu}); "
                        f"{ExternalOpportunity.objects.count():,} rows"
                    )
    finally:
        OpportunityIndex._write = ways["as it is"]
    for step in ("insert", "update"):
        now, before = (min(results[(way, step)]) for way in ways)
        print(f"{step}, best: {now:.2f} s, baseline {before:.2f} s: {before / now:.2f}x as fast")


if __name__ == "__main__":
    main()
