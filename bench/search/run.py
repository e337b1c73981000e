"""Benchmark the opportunity search: the search page and the search API against a trivial
Django view, all served the same way (gunicorn, two sync workers, production settings), with
16 concurrent clients, on a PostgreSQL database of generated tenders.

    apt-get install -y wrk                  # the load generator (Debian package)
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/lf_bench_search
    .venv/bin/python bench/search/generate.py --tenders 200000     # once: fills the database
    .venv/bin/python bench/search/run.py                            # the measurement

What it does, in one run:
1. EXPLAIN ANALYZE of every SQL query the search page makes for each search of the mix
   (bench/search/queries.py), naming the indexes used and any sequential scan of the tender
   table; the run fails if a search reads the whole tender table.
2. Starts gunicorn (two workers, like production) with bench/search/settings.py: the product's
   settings with DEBUG off and persistent connections, plus a trivial view beside the product's
   URLs.
3. For the trivial view, then the search page and the search API with the search result cache
   on and again with it off (a new gunicorn each time, caches empty; --cache on|off|both; with
   REDIS_URL set, the workers share one cache in that Redis database, emptied each time): a
   warm-up, then wrk with 16 connections for --duration seconds (throughput and latency under
   load), then wrk with one connection (the latency of one search on an idle server).
   The searches asked (--mix): by default the broad mix, 1,000 distinct searches (the 41 of
   queries.py, then ones generated from the generator's vocabulary) with Zipf popularity, as
   a real portal's search log looks; the warm-up asks other draws of the same mix. `--mix
   fixed` asks the 41 searches in turn, which with the cache on are nearly all repeats.
4. Prints the figures, the ratios to the trivial view, the share of searches the cache
   answered (a response header set by bench/search/middleware.py) and whether each aim is met
   with the cache on and off, with the load on the machine during each run: the CPU used by
   gunicorn, wrk, this database's PostgreSQL backends and everything else.
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.search.settings")

from bench.search.queries import (  # noqa: E402
    api_paths,
    broad_searches,
    page_paths,
    searches,
    zipf_sequence,
)

TICKS = os.sysconf("SC_CLK_TCK")
AIM_P95_MS = 50.0
AIM_API_RATIO = 0.10
AIM_PAGE_RATIO = 0.05


# --- EXPLAIN ---------------------------------------------------------------------------------


def explain_searches(minimum_tenders: int, *, show_plans: bool = False) -> bool:
    """EXPLAIN ANALYZE each query the search page runs for each search of the mix. Returns
    False when a query reads the whole tender table."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import bench.search.urls  # noqa: F401  (applies --result-limit)
    from levelfield.tenders import selectors
    from levelfield.tenders.models import Tender

    public = Tender.objects.public().count()
    print(
        f"database: {connection.settings_dict['NAME']}, {public:,} published tenders; "
        f"searches count and rank up to {selectors.RESULT_LIMIT + 1:,} matches"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('shared_buffers'), pg_size_bytes(current_setting("
            "'shared_buffers')), pg_total_relation_size(%s)",
            [Tender._meta.db_table],
        )
        buffers, buffer_bytes, table_bytes = cursor.fetchone()
    print(
        f"PostgreSQL shared_buffers {buffers}; the tender table with its indexes "
        f"{table_bytes / 2**20:,.0f} MB"
        + (
            ""
            if table_bytes < buffer_bytes
            else " (larger: searches read blocks from the operating system's cache, about 1.5 ms "
            "more each; see the README)"
        )
    )
    if public < minimum_tenders:
        sys.exit(
            f"Only {public:,} published tenders: generate {minimum_tenders:,} first "
            "(bench/search/generate.py), or pass --minimum-tenders"
        )
    client = Client(SERVER_NAME="127.0.0.1")
    whole_table = re.compile(r"Seq Scan on tenders_tender\b")
    index_name = re.compile(
        r"(?:Index|Index Only|Bitmap Index) Scan (?:Backward )?(?:using|on) (\w+)"
    )
    fine = True
    print("\nEXPLAIN ANALYZE of the search page's queries (slowest query of each search):")
    for params in searches():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/opportunities/", params)
        assert response.status_code == 200, params
        slowest, indexes, scans = 0.0, set(), []
        for query in captured.captured_queries:
            sql = query["sql"]
            if "tenders_tender" not in sql:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            took = float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))
            slowest = max(slowest, took)
            indexes.update(index_name.findall(plan))
            if whole_table.search(plan):
                scans.append(plan)
            elif show_plans:
                print(_indent(plan, 6))
        label = json.dumps(params, ensure_ascii=False)
        used = ", ".join(sorted(indexes)) or "none"
        print(f"  {slowest:7.1f} ms  {label:<62} indexes: {used}")
        for plan in scans:
            fine = False
            print("    SEQUENTIAL SCAN OF THE TENDER TABLE:\n" + _indent(plan, 6))
    connection.close()
    return fine


def _indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line for line in text.splitlines())


# --- load ------------------------------------------------------------------------------------


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(p) for p in text.split()]


def _backend_pids(database: str) -> list[int]:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return []  # SQLite (bench/marketplace_bench.py): the database is in gunicorn's workers
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        ).fetchall()
    return [row[0] for row in rows]


class Server:
    def __init__(self, port: int, workers: int, *, cache_seconds: int = 600):
        self.port = port
        self.workers = workers
        self.cache_seconds = cache_seconds
        self.process = None

    def __enter__(self):
        if os.environ.get("REDIS_URL"):
            # One cache shared by the workers (the REDIS_URL setting): empty it, as a new
            # gunicorn empties the local-memory caches of its workers.
            import redis

            redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.search.settings",
            "BENCH_SEARCH_CACHE_SECONDS": str(self.cache_seconds),
        }
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "levelfield.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url("/bench/trivial/"), timeout=2).read()
                return self
            except OSError:
                if self.process.poll() is not None:
                    sys.exit("gunicorn did not start")
                time.sleep(0.3)
        self.__exit__(None, None, None)
        sys.exit("gunicorn did not answer within 60 s")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def pids(self) -> list[int]:
        return [self.process.pid, *_children(self.process.pid)]


def check_paths(server: Server, paths: list[str]) -> None:
    for path in paths:
        with urllib.request.urlopen(server.url(path), timeout=30) as response:
            if response.status != 200:
                sys.exit(f"{path} answered {response.status}")


def wrk(
    server: Server,
    paths_file: Path,
    *,
    connections: int,
    threads: int,
    seconds: float,
    headers: tuple[str, ...] = (),
):
    """wrk's figures for the paths in `paths_file`, each request sending `headers` ("Name:
    value", such as a session cookie or a bearer token)."""
    command = [
        "wrk",
        *(f"--header={header}" for header in headers),
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(Path(__file__).with_name("paths.lua")),
        server.url("/"),
        "--",
        str(paths_file),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    line = [line for line in result.stdout.splitlines() if line.startswith("{")][-1]
    return json.loads(line)


def measure(
    server,
    paths_file,
    *,
    database,
    connections,
    threads,
    seconds,
    warmup,
    warmup_file,
    headers: tuple[str, ...] = (),
):
    """Warm up (with `warmup_file`: other draws of the same searches, so the measured run does
    not replay exactly what the warm-up cached), then one wrk run under load, recording the
    CPU used meanwhile."""
    load = {"connections": connections, "threads": threads, "headers": headers}
    wrk(server, warmup_file, seconds=warmup, **load)
    backends = _backend_pids(database)
    watched = {"gunicorn": server.pids(), "postgres": backends}
    before = {name: sum(_cpu_ticks(p) for p in pids) for name, pids in watched.items()}
    wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_before, total_before = _machine_ticks()
    load_before = os.getloadavg()[0]
    figures = wrk(server, paths_file, seconds=seconds, **load)
    busy_after, total_after = _machine_ticks()
    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cores = os.cpu_count() or 1
    elapsed = (total_after - total_before) / cores / TICKS
    cpu = {
        name: (sum(_cpu_ticks(p) for p in pids) - before[name]) / TICKS / elapsed
        for name, pids in watched.items()
    }
    cpu["wrk"] = (
        wrk_after.ru_utime + wrk_after.ru_stime - wrk_before.ru_utime - wrk_before.ru_stime
    ) / elapsed
    cpu["machine"] = (busy_after - busy_before) / TICKS / elapsed
    cpu["other"] = max(0.0, cpu["machine"] - cpu["gunicorn"] - cpu["postgres"] - cpu["wrk"])
    figures["cpu_cores"] = cpu
    figures["loadavg_before"] = load_before
    return figures


def measure_target(
    server, folder: Path, number: int, paths, warm_paths, *, database, args, headers=()
) -> dict:
    """One target's figures: `measure` under load (after a warm-up on `warm_paths`), then wrk
    with one connection for args.single_duration seconds; the paths written into `folder`."""
    paths_file = folder / f"{number}.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    warmup_file = folder / f"{number}-warm.txt"
    warmup_file.write_text("\n".join(warm_paths) + "\n")
    loaded = measure(
        server,
        paths_file,
        database=database,
        connections=args.connections,
        threads=args.threads,
        seconds=args.duration,
        warmup=args.warmup,
        warmup_file=warmup_file,
        headers=headers,
    )
    single = wrk(
        server, paths_file, connections=1, threads=1, seconds=args.single_duration, headers=headers
    )
    return {"loaded": loaded, "single": single}


def _hit_ratio(figures: dict) -> str:
    """The share of searches the result cache answered, or "-" when nothing was cached."""
    asked = figures.get("cache_hits", 0) + figures.get("cache_misses", 0)
    return f"{figures['cache_hits'] / asked:.0%}" if asked else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20, help="seconds of load per target")
    parser.add_argument("--single-duration", type=float, default=10, help="seconds, 1 client")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--minimum-tenders", type=int, default=200_000)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--explain-only", action="store_true", help="print the query plans and stop"
    )
    parser.add_argument("--plans", action="store_true", help="print every query plan in full")
    parser.add_argument(
        "--result-limit",
        type=int,
        help="count and rank this many matches instead of the product's 1,000 (an experiment)",
    )
    parser.add_argument(
        "--cache",
        choices=["both", "on", "off"],
        default="both",
        help="measure the search with the result cache on, off, or both (the default)",
    )
    parser.add_argument(
        "--cache-seconds", type=int, default=600, help="SEARCH_CACHE_SECONDS with the cache on"
    )
    parser.add_argument(
        "--mix",
        choices=["broad", "fixed"],
        default="broad",
        help="broad: many distinct searches with skewed popularity (default); fixed: the 41 "
        "searches of queries.py in turn",
    )
    parser.add_argument("--distinct", type=int, default=1000, help="searches in the broad mix")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to the PostgreSQL database bench/search/generate.py filled")
    if subprocess.run(["which", "wrk"], capture_output=True).returncode:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    if args.result_limit:
        os.environ["BENCH_RESULT_LIMIT"] = str(args.result_limit)
    import dj_database_url

    database = dj_database_url.parse(url)["NAME"]
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start")
    indexed = explain_searches(args.minimum_tenders, show_plans=args.plans)
    if args.explain_only:
        return

    if args.mix == "fixed":
        mix, warm = searches(), searches()
        mix_note = (
            f"the {len(searches())} searches of queries.py in turn: each repeats every "
            f"{len(searches())} requests, so with the cache on nearly every request is a hit"
        )
    else:
        distinct = broad_searches(args.distinct)
        mix = zipf_sequence(distinct, 20_000, seed=7)
        warm = zipf_sequence(distinct, 20_000, seed=11)
        mix_note = (
            f"{len(distinct):,} distinct searches (the 41 of queries.py, then generated from the "
            "vocabulary), asked with Zipf popularity (the n-th most asked 1/n as often as the "
            "first); the warm-up asks other draws of the same mix"
        )
    print(f"\nsearch mix: {mix_note}")
    modes = {"both": ["on", "off"], "on": ["on"], "off": ["off"]}[args.cache]
    targets = [("trivial view", "on", ["/bench/trivial/"], ["/bench/trivial/"])]
    for mode in modes:
        targets.append((f"page, cache {mode}", mode, page_paths(mix), page_paths(warm)))
        targets.append((f"API, cache {mode}", mode, api_paths(mix), api_paths(warm)))
    results = {}
    print(
        f"gunicorn: {args.workers} sync workers, restarted (caches empty) for each cache "
        f"setting; wrk: {args.connections} connections, {args.threads} threads, "
        f"{args.duration:g} s per target after {args.warmup:g} s warm-up; then 1 connection "
        f"for {args.single_duration:g} s; cache: "
        + (
            "one Redis shared by the workers"
            if os.environ.get("REDIS_URL")
            else "each worker's own"
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        for mode in dict.fromkeys(t[1] for t in targets):
            seconds = args.cache_seconds if mode == "on" else 0
            with Server(args.port, args.workers, cache_seconds=seconds) as server:
                for name, target_mode, paths, warm_paths in targets:
                    if target_mode != mode:
                        continue
                    check_paths(server, paths[:50])
                    figures = measure_target(
                        server,
                        Path(tmp),
                        len(results),
                        paths,
                        warm_paths,
                        database=database,
                        args=args,
                    )
                    loaded, single = figures["loaded"], figures["single"]
                    results[name] = {**figures, "paths": len(paths), "cache": mode}
                    cpu = loaded["cpu_cores"]
                    print(
                        f"  {name:<15} {loaded['rps']:8.0f} req/s  p50 {loaded['p50_ms']:6.1f} ms"
                        f"  p95 {loaded['p95_ms']:6.1f} ms | 1 client: p50 "
                        f"{single['p50_ms']:5.1f} ms  p95 {single['p95_ms']:5.1f} ms | "
                        f"hits {_hit_ratio(loaded)} | errors {loaded['non_2xx']}"
                        f"+{loaded['socket_errors']} | CPU cores: gunicorn "
                        f"{cpu['gunicorn']:.2f}, postgres {cpu['postgres']:.2f}, wrk "
                        f"{cpu['wrk']:.2f}, other {cpu['other']:.2f}"
                    )

    trivial = results["trivial view"]["loaded"]["rps"]
    print("\nResults")
    print(
        f"{'':<15} {'req/s':>8} {'ratio':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'1-client p50':>13} {'1-client p95':>13} {'cache hits':>11}"
    )
    for name, result in results.items():
        loaded, single = result["loaded"], result["single"]
        print(
            f"{name:<15} {loaded['rps']:8.0f} {loaded['rps'] / trivial:7.3f} "
            f"{loaded['p50_ms']:7.1f} {loaded['p95_ms']:7.1f} {loaded['p99_ms']:7.1f} "
            f"{single['p50_ms']:13.1f} {single['p95_ms']:13.1f} {_hit_ratio(loaded):>11}"
        )
    if args.mix == "fixed" and "on" in modes:
        print(
            "\nNote: the fixed mix repeats 41 searches, so its hit ratio reflects repeated "
            "searches, not a real portal's: use the default broad mix for that."
        )
    checks = []
    for mode in modes:
        page, api = results[f"page, cache {mode}"], results[f"API, cache {mode}"]
        page_ratio = page["loaded"]["rps"] / trivial
        api_ratio = api["loaded"]["rps"] / trivial
        checks += [
            (
                f"cache {mode}: search API throughput at least {AIM_API_RATIO:.0%} of the "
                "trivial view's",
                api_ratio >= AIM_API_RATIO,
                f"{api_ratio:.1%}",
            ),
            (
                f"cache {mode}: search page throughput at least {AIM_PAGE_RATIO:.0%} of the "
                "trivial view's",
                page_ratio >= AIM_PAGE_RATIO,
                f"{page_ratio:.1%}",
            ),
        ]
        for name, result in (("search page", page), ("search API", api)):
            for kind, label in (
                ("single", "one client"),
                ("loaded", f"{args.connections} clients"),
            ):
                p95 = result[kind]["p95_ms"]
                checks.append(
                    (
                        f"cache {mode}: {name} p95 under {AIM_P95_MS:g} ms ({label})",
                        p95 < AIM_P95_MS,
                        f"{p95:.1f} ms",
                    )
                )
    checks.append(("every search uses an index, no sequential scan of tenders", indexed, ""))
    errors = sum(r["loaded"]["non_2xx"] + r["loaded"]["socket_errors"] for r in results.values())
    checks.append(("no errors", errors == 0, f"{errors} errors"))
    print("\nAims")
    for label, met, figure in checks:
        print(f"  [{'met' if met else 'MISSED'}] {label}{': ' + figure if figure else ''}")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "checks": checks}, indent=2))


if __name__ == "__main__":
    main()
