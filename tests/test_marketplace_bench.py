"""bench/marketplace_bench.py in a tiny run, so the benchmark cannot rot: the generator fills a
fresh SQLite file with 200 listings, and the bench serves them with gunicorn and asks its
search page and API with wrk for a second each. Correctness only, no timing: every search of
the mix answers 200 (a signed-in officer's page, a bearer token's API), no request fails, and
the figures are printed beside the trivial view's."""

import os
import shutil
import subprocess
import sys

import pytest

from tests import processes


def _run(arguments: list[str]) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    return processes.run([sys.executable, *arguments], env=env, timeout=600)


def test_the_marketplace_bench_runs_at_tiny_size(tmp_path):
    if shutil.which("wrk") is None:
        pytest.skip("the marketplace bench measures with wrk: apt-get install -y wrk")
    url = f"sqlite:///{tmp_path / 'catalogue.sqlite3'}"
    generate = ["bench/marketplace_generate.py", "--listings=200", "--suppliers=20"]
    made = _run([*generate, f"--database-url={url}"])
    assert made.returncode == 0, (made.stdout + made.stderr)[-4000:]
    assert "200 live listings" in made.stdout
    run = _run(
        [
            "bench/marketplace_bench.py",
            f"--database-url={url}",
            "--minimum-listings=200",
            "--distinct=40",
            "--connections=2",
            "--duration=1",
            "--single-duration=1",
            "--warmup=0.5",
            "--workers=1",
            f"--port={processes.free_port()}",
        ]
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-4000:]
    assert "[met] no errors" in run.stdout, run.stdout[-2000:]
    for target in ("trivial view", "search page", "search API"):
        assert f"\n{target}" in run.stdout, run.stdout[-2000:]
