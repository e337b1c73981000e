"""Faults: `levelfield import-ocds` killed (SIGKILL, with its compiling processes) at seeded random
points, then run again until it finishes, ends with the same external store as a clean import of
the same file: the same releases once each, the same compiled releases (content, not just
counts) and the same open opportunities. On PostgreSQL (COPY) and SQLite."""

import random
import re
import subprocess
import sys
import time

import pytest

from levelfield.opendata.models_external import (
    ExternalCompiledRelease,
    ExternalCompileMark,
    ExternalFile,
    ExternalOpportunity,
    ExternalRelease,
)
from tests import processes

pytestmark = pytest.mark.django_db(transaction=True)

OCIDS, RELEASES = 400, 1600
KILLS = 4
IMPORT = ["import-ocds", "--progress", "lines", "--batch-size", "100", "--workers", "2"]


@pytest.fixture(scope="module")
def releases_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("ocds") / "releases.jsonl.gz"
    subprocess.run(
        [
            sys.executable,
            str(processes.PROJECT / "bench" / "generate.py"),
            "--ocids",
            str(OCIDS),
            "--releases",
            str(RELEASES),
            "--seed",
            "17",
            "--out",
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    return path


def the_store() -> dict:
    """What an import leaves, less its times and file bookkeeping."""
    return {
        "releases": sorted(
            ExternalRelease.objects.values_list("ocid", "release_id", "date", "data")
        ),
        "compiled": {
            ocid: (compiled, count)
            for ocid, compiled, count in ExternalCompiledRelease.objects.values_list(
                "ocid", "compiled", "release_count"
            )
        },
        "opportunities": sorted(
            ExternalOpportunity.objects.values_list("ocid", "title", "deadline", "value", "source")
        ),
        "files": list(ExternalFile.objects.values_list("complete", "releases_stored")),
    }


def empty_the_store() -> None:
    for model in (
        ExternalOpportunity,
        ExternalCompiledRelease,
        ExternalCompileMark,
        ExternalRelease,
        ExternalFile,
    ):
        model.objects.all().delete()


def imported(url: str) -> int:
    return processes.query(url, f"SELECT count(*) FROM {ExternalRelease._meta.db_table}")[0][0]


def test_an_import_killed_at_random_points_and_run_again_ends_as_a_clean_import(
    tmp_path, releases_file
):
    with processes.shared_database(tmp_path / "clean") as url:
        env = processes.process_env(url, tmp_path / "clean")
        log = tmp_path / "clean.log"
        clean = processes.start([*IMPORT, str(releases_file)], env, log)
        assert clean.wait(timeout=600) == 0, log.read_text()[-3000:]
        # how long the import itself took (its summary's "time: 3.1 s"), the process's start aside
        took = float(re.search(r"^time: ([\d.,]+) s", log.read_text(), re.M)[1].replace(",", ""))
    clean_store = the_store()
    assert len(clean_store["releases"]) == RELEASES
    assert len(clean_store["compiled"]) == OCIDS
    empty_the_store()

    chance = random.Random(17)
    killed_with = []
    logs = []
    with processes.shared_database(tmp_path / "killed") as url:
        env = processes.process_env(url, tmp_path / "killed")
        for n in range(KILLS):
            log = tmp_path / f"killed-{n}.log"
            logs.append(log)
            run = processes.start([*IMPORT, str(releases_file)], env, log)
            # killed at a random moment of the import, once it has begun reading the file
            processes.wait_until(
                lambda run=run, log=log: run.poll() is not None or "releases" in log.read_text(),
                what="the import to start reading",
                logs=(log,),
            )
            time.sleep(chance.uniform(0, took))
            processes.kill(run)
            killed_with.append(imported(url))
        log = tmp_path / "last.log"
        logs.append(log)
        last = processes.start([*IMPORT, str(releases_file)], env, log)
        assert last.wait(timeout=600) == 0, log.read_text()[-3000:]

    # the kills fell at different points (some before the first batch, some after)
    print("releases stored when each run was killed:", killed_with)
    assert killed_with == sorted(killed_with)
    assert the_store() == clean_store, killed_with
