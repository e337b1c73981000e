"""bench/bids_bench.py in a tiny run, so the benchmark cannot rot: 20 bids from 4 clients on two
gunicorn servers across a deadline, on a copy of the test database. Correctness only, no timing:
the script's own checks (none lost, none accepted late, no server error, every bid sealed at rest
and opening to what was sent, the run straddling the deadline) must pass."""

import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import connection, connections

from tests import processes

PROJECT = Path(__file__).resolve().parents[1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_bid_submission_bench_runs_clean():
    if connection.vendor != "postgresql":
        pytest.skip(
            "the bid submission bench runs on PostgreSQL: "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/levelfield"
        )
    test_database = connection.settings_dict["NAME"]
    connections.close_all()  # the bench copies the test database: no one may be on it
    url = urlsplit(os.environ["DATABASE_URL"])
    bench_url = url._replace(path=f"/{test_database}_bids_bench").geturl()
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    try:
        run = processes.run(
            [
                sys.executable,
                str(PROJECT / "bench/bids_bench.py"),
                "--tiny",
                "--bids=20",
                "--clients=4",
                "--workers=1",
                "--late=0.5",
                f"--template={test_database}",
                f"--database-url={bench_url}",
            ],
            env=env,
            timeout=600,
        )
    finally:
        with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{test_database}_bids_bench" WITH (FORCE)')
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-4000:]
    assert "checks: none lost, none accepted late" in run.stdout, output[-4000:]
    counts = re.search(r"bids: 20 begun, (\d+) accepted, (\d+) refused as late", run.stdout)
    assert counts, run.stdout[-2000:]
    assert int(counts[1]) > 0 and int(counts[2]) > 0
