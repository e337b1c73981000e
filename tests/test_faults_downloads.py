"""Faults: the bulk downloads' build killed (SIGKILL) at seeded random points. Whatever the
moment, every download served is whole (it opens and reads to its end, and matches the manifest
served beside it); a build started again finishes, and then serves every published release, as
a clean build did. On SQLite a build killed while it holds the lease (downloads_lease.py) leaves
it behind, naming its process: the next build on the machine takes it over at once."""

import gzip
import hashlib
import io
import random
import time
import zipfile

import orjson
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from levelfield.opendata import downloads
from levelfield.opendata.models import Record, Release
from tests import processes
from tests.support import testing

pytestmark = pytest.mark.django_db(transaction=True)

TENDERS = 6
COMPILED, RELEASES = "compiled-releases.jsonl.gz", "releases.jsonl.gz"
KILLS = 4
BUILD = [
    "shell",
    "-c",
    "from levelfield.opendata.tasks import regenerate_downloads as t; print(t.call(force=True))",
]


def served() -> dict[str, bytes]:
    """Each download the site serves now, whole or not at all: a file that is listed but
    unreadable, or differs from the manifest, fails here."""
    client = Client()
    manifest = client.get(reverse("opendata:download", args=[downloads.MANIFEST]))
    if manifest.status_code == 404:
        return {}
    assert manifest.status_code == 200
    listed = {item["name"]: item for item in orjson.loads(manifest.content)["files"]}
    files = {}
    for name, item in listed.items():
        response = client.get(reverse("opendata:download", args=[name]))
        assert response.status_code == 200, name
        body = b"".join(response.streaming_content)
        assert len(body) == item["size"] and hashlib.sha256(body).hexdigest() == item["sha256"]
        if name.endswith(".gz"):
            for line in gzip.decompress(body).splitlines():
                orjson.loads(line)
        elif name.endswith((".zip", ".xlsx")):
            assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
        files[name] = body
    assert {COMPILED, RELEASES} <= files.keys()
    return files


def lines(body: bytes) -> list[dict]:
    return [orjson.loads(line) for line in gzip.decompress(body).splitlines()]


def test_a_build_killed_at_random_points_serves_nothing_half_written(
    tmp_path, settings, buyer, officer
):
    for n in range(TENDERS):
        testing.published_tender(buyer=buyer, by=officer, title=f"Tender {n} for the downloads")
    before = served()  # built by each publication (the tests run tasks at once)
    assert len(lines(before[COMPILED])) == TENDERS

    chance = random.Random(17)
    logs = []
    with processes.shared_database(tmp_path) as url:
        # the same stored files as this test's site
        env = processes.process_env(
            url,
            tmp_path / "build",
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            DOWNLOADS_ROOT=str(settings.DOWNLOADS_ROOT),
        )
        for n in range(KILLS):
            log = tmp_path / f"killed-{n}.log"
            logs.append(log)
            build = processes.start(BUILD, env, log)
            time.sleep(chance.uniform(2, 12))  # its start takes seconds of it
            processes.kill(build)
            if connection.vendor == "postgresql":  # SQLite's copy is read once it is over
                assert served().keys() == before.keys()
    if connection.vendor != "postgresql":
        assert served().keys() == before.keys()  # whole, as they were
    with processes.shared_database(tmp_path) as url:
        log = tmp_path / "last.log"
        logs.append(log)
        last = processes.start(BUILD, env, log)
        assert last.wait(timeout=300) == 0, log.read_text()[-3000:]
        assert "'regenerated': True" in log.read_text()

    after = served()
    assert_as_a_clean_build(after, before)


def assert_as_a_clean_build(after: dict[str, bytes], clean: dict[str, bytes]) -> None:
    """The same files, holding the same (the workbooks and CSV files say when they were made)."""
    assert after.keys() == clean.keys()
    for name in after:
        if name.endswith(".jsonl.gz"):
            assert lines(after[name]) == lines(clean[name]), name
    compiled = lines(after[COMPILED])
    assert sorted(item["ocid"] for item in compiled) == sorted(
        Record.objects.values_list("ocid", flat=True)
    )
    assert len(lines(after[RELEASES])) == Release.objects.count()


def lease_holder(url: str) -> str:
    rows = processes.query(
        url, "SELECT building_by FROM opendata_downloadbuild WHERE building_until IS NOT NULL"
    )
    return rows[0][0] if rows else ""


def test_a_build_killed_holding_the_lease_does_not_hold_up_the_next(
    tmp_path, settings, buyer, officer
):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL: the build's advisory lock ends with the killed build's session")
    for n in range(TENDERS):
        testing.published_tender(buyer=buyer, by=officer, title=f"Tender {n} for the downloads")
    clean = served()

    with processes.shared_database(tmp_path) as url:
        env = processes.process_env(
            url,
            tmp_path / "build",
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            DOWNLOADS_ROOT=str(settings.DOWNLOADS_ROOT),
            # the lease not renewed ends only after an hour: the next build must not wait for that
            DOWNLOADS_LEASE_SECONDS="3600",
        )
        killed_log, log = tmp_path / "killed.log", tmp_path / "next.log"
        build = processes.start(BUILD, env, killed_log)
        holder = processes.wait_until(
            lambda: lease_holder(url),
            what="the build to take the lease",
            processes=(build,),
            logs=(killed_log,),
        )
        processes.kill(build)
        # The lease is left behind, naming the killed build's process.
        assert lease_holder(url) == holder and holder.split()[1] == str(build.pid)

        following = processes.start(BUILD, env, log)
        assert following.wait(timeout=300) == 0, log.read_text()[-3000:]
        assert f"lease from {holder}, whose process is gone" in log.read_text()
        assert "'regenerated': True" in log.read_text()
        assert lease_holder(url) == ""

    assert_as_a_clean_build(served(), clean)
