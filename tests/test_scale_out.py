"""Two servers working as one (PostgreSQL and Redis; CI runs it): two gunicorn servers on two
ports and two `levelfield worker`s on one database, one Redis cache and, once object storage is
configurable (LEVELFIELD_STORAGE=s3), one S3-compatible server started by the test (moto's server
mode). A tender published through one server is found through the other at once; an attachment
uploaded through one downloads through the other; the rate limits count across both; each
scheduled job runs once."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection

from levelfield.accounts import actions as account_actions
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.models import TenderDocument
from tests import processes, worker_probe
from tests.support import testing
from tests.test_worker_schedule import WORKER_ARGS

REDIS = os.environ.get("LEVELFIELD_TEST_REDIS", "redis://127.0.0.1:6379/11")
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres_and_redis():
    if connection.vendor != "postgresql":
        pytest.skip(
            "two servers as one need PostgreSQL: run with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/levelfield"
        )
    import redis

    try:
        client = redis.Redis.from_url(REDIS, socket_timeout=5)
        client.flushdb()  # this test's own database number: nothing cached from a run before
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {REDIS} does not answer ({exc}): start redis-server")


def object_storage_env(root: Path) -> tuple[dict, subprocess.Popen | None]:
    """The settings for S3-compatible storage on a moto server started here, if the settings
    know LEVELFIELD_STORAGE; else none (each server then keeps its own folder of files)."""
    moto_server = Path(sys.executable).parent / "moto_server"
    if not hasattr(settings, "LEVELFIELD_STORAGE") or not moto_server.exists():
        return {}, None
    port = processes.free_port()
    log = root / "moto.log"
    with open(log, "ab") as out:
        server = subprocess.Popen(
            [str(moto_server), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    env = {
        "LEVELFIELD_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": "levelfield-scale-out",
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_S3_REGION_NAME": "eu-west-2",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    processes.wait_until(lambda: _answers(env["AWS_S3_ENDPOINT_URL"]), what="moto", logs=(log,))
    import boto3

    boto3.client(
        "s3",
        endpoint_url=env["AWS_S3_ENDPOINT_URL"],
        region_name=env["AWS_S3_REGION_NAME"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(
        Bucket=env["AWS_STORAGE_BUCKET_NAME"],
        CreateBucketConfiguration={"LocationConstraint": env["AWS_S3_REGION_NAME"]},
    )
    return env, server


def _answers(url: str) -> bool:
    try:
        requests.get(url, timeout=5)
        return True
    except requests.RequestException:
        return False


def gunicorn(env: dict, port: int, log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "levelfield.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--preload",  # the app loaded once, before the processes fork
                "--timeout",
                "300",  # a busy machine's first requests are slow
                "--log-level",
                "warning",
            ],
            cwd=processes.PROJECT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def test_two_servers_and_two_workers_work_as_one(postgres_and_redis, tmp_path, buyer, officer):
    word = "Lighthouse"
    draft = testing.draft_tender(buyer=buyer, by=officer, title=f"{word} keeping services")
    document = tender_actions.add_document(
        tender=draft,
        by=officer,
        title="Specification",
        doc_type="specification",
        upload=testing.pdf(),
    )
    _, secret = account_actions.create_api_token(user=officer, name="scale-out test")
    bearer = {"Authorization": f"Bearer {secret}"}
    probe_file = tmp_path / "probe.txt"
    storage, moto = object_storage_env(tmp_path)

    started = []
    logs = []
    try:
        with processes.shared_database(tmp_path) as url:
            urls = []
            for name in ("a", "b"):
                port = processes.free_port()
                # each server its own folder for files, as on two machines
                env = processes.process_env(
                    url,
                    tmp_path / name,
                    REDIS_URL=REDIS,
                    RATE_LIMIT_API_ANONYMOUS="20/m",
                    **storage,
                )
                log = tmp_path / f"server-{name}.log"
                logs.append(log)
                started.append(gunicorn(env, port, log))
                urls.append(f"http://127.0.0.1:{port}")
            worker_env = processes.process_env(
                url,
                tmp_path / "workers",
                REDIS_URL=REDIS,
                DJANGO_SETTINGS_MODULE="tests.settings_jobs_due",
                LEVELFIELD_PROBE_FILE=str(probe_file),
                **storage,
            )
            for n in range(2):
                log = tmp_path / f"worker-{n}.log"
                logs.append(log)
                started.append(processes.start(WORKER_ARGS, worker_env, log))
            for server_url in urls:
                processes.wait_until(
                    lambda u=server_url: _answers(u + "/healthz"),
                    what=f"{server_url} to answer",
                    processes=tuple(started),
                    logs=tuple(logs),
                )
            a, b = urls

            # B has answered the search (and may keep the answer) before A publishes
            search = {"q": word.lower()}
            assert requests.get(f"{b}/api/opportunities", params=search).json()["count"] == 0
            published = requests.post(
                f"{a}/api/buyer/tenders/{draft.pk}/publish", headers=bearer, timeout=60
            )
            assert published.status_code == 200, published.text
            reference = published.json()["reference"]
            found = requests.get(f"{b}/api/opportunities", params=search, timeout=60).json()
            assert [item["reference"] for item in found["items"]] == [reference]
            assert reference in requests.get(f"{b}/opportunities/", params=search).text

            if storage:
                # a new version of the document uploaded through A downloads through B
                content = b"%PDF-1.4\n% the new specification\n" + os.urandom(2048)
                uploaded = requests.post(
                    f"{a}/api/buyer/tenders/{draft.pk}/documents/{document.pk}/versions",
                    headers=bearer,
                    data={"reason": "The specification is corrected"},
                    files={"file": ("specification.pdf", content, "application/pdf")},
                    timeout=60,
                )
                assert uploaded.status_code == 201, uploaded.text
                newest = TenderDocument.objects.filter(tender=draft).latest("pk")
                download = requests.get(
                    f"{b}/opportunities/{reference}/documents/{newest.pk}/", timeout=60
                )
                assert download.status_code == 200 and download.content == content

            # the anonymous API limit counts calls to both servers together (one Redis)
            codes = [
                requests.get(f"{server}/api/opportunities", timeout=60).status_code
                for server in (a, b) * 12
            ]
            assert 429 in codes, codes

            # each scheduled job once, however many workers
            processes.wait_until(
                lambda: worker_probe.lines(probe_file),
                what="the probe job to run",
                processes=tuple(started),
                logs=tuple(logs),
            )
            time.sleep(3)  # both workers keep passing twice a second: a second run would show
            assert worker_probe.lines(probe_file) == ["probe"]
    finally:
        for process in started:
            processes.stop(process)
        if moto is not None:
            processes.stop(moto)
    if not storage:
        pytest.skip(
            "the servers and workers worked as one; the attachment through object storage was "
            "not tried: these settings have no LEVELFIELD_STORAGE=s3 yet"
        )
