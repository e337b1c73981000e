"""Benchmark the catalogue search (levelfield/marketplace/search.py): its page and its API against
a trivial Django view, all served the same way (gunicorn, two sync workers, production settings:
bench/search/settings.py), with 16 concurrent clients, on a catalogue of generated listings.

    apt-get install -y wrk                                   # the load generator
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/lf_bench_marketplace
    .venv/bin/python bench/marketplace_generate.py --listings 50000    # once
    .venv/bin/python bench/marketplace_bench.py                        # the measurement

or on SQLite, `--database-url sqlite:////path/to/file.sqlite3` to both.

What it does, in one run:
1. Signs the generated buyer's officer in (a session cookie for the page, as a browser sends)
   and gives it an API token (a bearer token, as a machine client sends).
2. Makes the search mix: --distinct searches of the catalogue (keywords common and rare, alone
   and with facets: lot, category, price range, supplier size, VCSE, certifications; sorted by
   price; later pages; facets alone), asked with Zipf popularity (the n-th most asked 1/n as
   often as the first), as a search log looks; the warm-up asks other draws of the same mix.
   The 50 most asked are asked once first and must answer 200; wrk counts any failure after.
3. Starts gunicorn (bench/search/run.py's Server: two sync workers, DEBUG off; the officer's
   API rate limit raised to a million a minute, still counted) and measures,
   in turn, the trivial view (asked anonymously, the ceiling of any Django page), the search
   page and the search API: a warm-up, then wrk with --connections connections for --duration
   seconds, then one connection for --single-duration seconds.
4. Prints the figures, each one's ratio to the trivial view's throughput and whether each aim
   is met: p95 under 50 ms (16 clients and one), the page at least a twentieth of the trivial
   view's throughput, the API at least a tenth. Exits 1 when a request failed or a run
   finished none (not when an aim is missed: that is a figure to report).
"""

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.search.settings")

from bench.marketplace_generate import BUYER_EMAIL, FRAMEWORK_REFERENCE, LOTS  # noqa: E402
from bench.search.queries import zipf_sequence  # noqa: E402
from bench.search.run import Server, measure_target  # noqa: E402

PAGE = "/marketplace/search/"
API = "/api/marketplace/search"
AIM_P95_MS = 50.0
AIM_PAGE_RATIO = 1 / 20
AIM_API_RATIO = 1 / 10

# What buyers type: service words from the generator's vocabulary, common and rare.
KEYWORDS = [
    "hosting",
    "cloud",
    "kubernetes",
    "storage",
    "backup",
    "case management",
    "finance",
    "payroll",
    "forms",
    "document management",
    "hr",
    "crm",
    "library",
    "social care",
    "migration",
    "security monitoring",
    "service desk",
    "training",
    "penetration testing",
    "accessibility",
    "postgresql",
    "disaster recovery",
    "open source",
    "green",
    "sovereign",
    "uk data centres",
    "single sign-on",
    "gov.uk notify",
    "24/7 support",
    "apprenticeships",
    "bristol",
    "leeds",
    "derby",
    "g-cloud",
    "low-code",
    "nhs",
]
SIZES = ["micro", "small", "medium", "large"]
CERTIFICATIONS = ["cyber_essentials", "cyber_essentials_plus", "iso_27001", "iso_9001"]
PRICES = [("", "100"), ("100", "1000"), ("", "50"), ("500", ""), ("10", "200")]


def distinct_searches(lot_ids: list[int], count: int, seed: int = 5) -> list[list[tuple]]:
    """`count` distinct searches (each a list of GET parameters), most popular first: each
    keyword alone, then generated mixes of keywords and facets."""
    rng = random.Random(seed)
    found: dict[str, list[tuple]] = {}
    for keyword in KEYWORDS:
        found[keyword] = [("q", keyword)]
    categories = {lot_id: lot[1] for lot_id, lot in zip(lot_ids, LOTS, strict=True)}
    while len(found) < count:
        params: list[tuple] = []
        if rng.random() < 0.8:
            params.append(("q", rng.choice(KEYWORDS)))
        if rng.random() < 0.4:
            lot = rng.choice(lot_ids)
            params.append(("lot", str(lot)))
            if rng.random() < 0.4:
                params.append(("category", rng.choice(categories[lot])))
        if rng.random() < 0.25:
            low, high = rng.choice(PRICES)
            params += [(k, v) for k, v in (("price_min", low), ("price_max", high)) if v]
        if rng.random() < 0.3:
            params += [("size", size) for size in rng.sample(SIZES, rng.randint(1, 3))]
        if rng.random() < 0.1:
            params.append(("vcse", "1"))
        if rng.random() < 0.15:
            params.append(("certification", rng.choice(CERTIFICATIONS)))
        if rng.random() < 0.1:
            params.append(("sort", rng.choice(["price", "-price"])))
        if rng.random() < 0.1:
            params.append(("page", str(rng.randint(2, 4))))
        found.setdefault(urlencode(sorted(params)), params)
    return list(found.values())


def page_paths(searches: list[list[tuple]]) -> list[str]:
    return [f"{PAGE}?{urlencode(params)}" if params else PAGE for params in searches]


def api_paths(searches: list[list[tuple]]) -> list[str]:
    """The same searches through the API (the same parameters; vcse as true)."""
    paths = []
    for params in searches:
        query = [(k, "true" if k == "vcse" else v) for k, v in params]
        paths.append(f"{API}?{urlencode(query)}" if query else API)
    return paths


def prepare(minimum: int) -> tuple[tuple[str, ...], tuple[str, ...], list[int], int]:
    """The officer's session cookie and bearer token headers, the lots' ids, and how many
    live listings the catalogue holds."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from levelfield.accounts.actions import create_api_token
    from levelfield.accounts.models import User
    from levelfield.marketplace.models import Framework, Listing

    framework = Framework.objects.filter(reference=FRAMEWORK_REFERENCE).first()
    if framework is None:
        sys.exit("No bench catalogue here: run bench/marketplace_generate.py first")
    live = Listing.objects.live().count()
    if live < minimum:
        sys.exit(f"Only {live:,} live listings: generate {minimum:,} or pass --minimum-listings")
    officer = User.objects.get(email=BUYER_EMAIL)
    client = Client()
    client.force_login(officer)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    cookie = f"Cookie: {settings.SESSION_COOKIE_NAME}={session}"
    _token, secret = create_api_token(user=officer, name="bench", lifetime_days=30)
    lot_ids = list(framework.lots.order_by("number").values_list("pk", flat=True))
    name = connection.settings_dict["NAME"]
    print(f"database: {connection.vendor} {name}, {live:,} live listings")
    connection.close()
    return (cookie,), (f"Authorization: Bearer {secret}",), lot_ids, live


def check(server: Server, paths: list[str], headers: tuple[str, ...]) -> None:
    """Every path answers 200 (a redirect to the sign-in page is a failure, not followed)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    for path in paths:
        request = urllib.request.Request(server.url(path))
        for header in headers:
            name, value = header.split(": ", 1)
            request.add_header(name, value)
        try:
            with opener.open(request, timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            sys.exit(f"{path} answered {status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20, help="seconds of load per target")
    parser.add_argument("--single-duration", type=float, default=10, help="seconds, 1 client")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--minimum-listings", type=int, default=50_000)
    parser.add_argument("--distinct", type=int, default=1000, help="searches in the mix")
    parser.add_argument("--database-url", help="default: DATABASE_URL")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL (or --database-url) to the database the generator filled")
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    # One officer asks every search: its API rate limit (600 a minute) raised out of the way,
    # still counted as in production (as bench/bids_bench.py does).
    os.environ.setdefault("RATE_LIMIT_API_USER", "1000000/m")
    cookie, bearer, lot_ids, _live = prepare(args.minimum_listings)
    import dj_database_url

    database = dj_database_url.parse(os.environ["DATABASE_URL"])["NAME"]
    searches = distinct_searches(lot_ids, args.distinct)
    mix = zipf_sequence(searches, 20_000, seed=7)
    warm = zipf_sequence(searches, 20_000, seed=11)
    targets = [
        ("trivial view", ["/bench/trivial/"], ["/bench/trivial/"], ()),
        ("search page", page_paths(mix), page_paths(warm), cookie),
        ("search API", api_paths(mix), api_paths(warm), bearer),
    ]
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; search mix: "
        f"{len(searches):,} distinct searches with Zipf popularity; gunicorn: {args.workers} "
        f"sync workers; wrk: {args.connections} connections, {args.threads} threads, "
        f"{args.duration:g} s per target after {args.warmup:g} s warm-up; then 1 connection "
        f"for {args.single_duration:g} s"
    )
    results = {}
    with tempfile.TemporaryDirectory() as tmp, Server(args.port, args.workers) as server:
        # The first of the mix (the most asked) must answer; wrk counts any other failure.
        check(server, page_paths(searches[:50]), cookie)
        check(server, api_paths(searches[:50]), bearer)
        for number, (name, paths, warm_paths, headers) in enumerate(targets):
            results[name] = measure_target(
                server,
                Path(tmp),
                number,
                paths,
                warm_paths,
                database=database,
                args=args,
                headers=headers,
            )
            loaded, single = results[name]["loaded"], results[name]["single"]
            print(
                f"  {name:<13} {loaded['rps']:8.1f} req/s  p50 {loaded['p50_ms']:6.1f} ms  "
                f"p95 {loaded['p95_ms']:6.1f} ms | 1 client: p50 {single['p50_ms']:5.1f} ms  "
                f"p95 {single['p95_ms']:5.1f} ms | errors {loaded['non_2xx']}"
                f"+{loaded['socket_errors']} | load average {loaded['loadavg_before']:.2f}"
            )
    report(results, args)


def report(results: dict, args) -> None:
    trivial = results["trivial view"]["loaded"]["rps"]
    print("\nResults")
    print(
        f"{'':<13} {'req/s':>8} {'ratio':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'1-client p50':>13} {'1-client p95':>13}"
    )
    for name, result in results.items():
        loaded, single = result["loaded"], result["single"]
        print(
            f"{name:<13} {loaded['rps']:8.1f} {loaded['rps'] / trivial:7.3f} "
            f"{loaded['p50_ms']:7.1f} {loaded['p95_ms']:7.1f} {loaded['p99_ms']:7.1f} "
            f"{single['p50_ms']:13.1f} {single['p95_ms']:13.1f}"
        )
    checks = []
    for name, aim in (("search page", AIM_PAGE_RATIO), ("search API", AIM_API_RATIO)):
        ratio = results[name]["loaded"]["rps"] / trivial
        label = f"{name} throughput at least 1/{round(1 / aim)} of the trivial view's"
        checks.append((label, ratio >= aim, f"{ratio:.3f}"))
        for kind, label in (("loaded", f"{args.connections} clients"), ("single", "one client")):
            p95 = results[name][kind]["p95_ms"]
            line = f"{name} p95 under {AIM_P95_MS:g} ms ({label})"
            checks.append((line, p95 < AIM_P95_MS, f"{p95:.1f} ms"))
    runs = [run for result in results.values() for run in result.values()]
    errors = sum(run["non_2xx"] + run["socket_errors"] for run in runs)
    checks.append(("no errors", errors == 0, f"{errors} errors"))
    # A run in which no request finished has no latency to speak of (a p95 of 0 is not a pass).
    empty = sum(run["requests"] == 0 for run in runs)
    checks.append(("every run finished requests", empty == 0, f"{empty} runs finished none"))
    print("\nAims")
    for label, met, figure in checks:
        print(f"  [{'met' if met else 'MISSED'}] {label}: {figure}")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "checks": checks}, indent=2))
    if errors or empty:
        sys.exit(1)


if __name__ == "__main__":
    main()
