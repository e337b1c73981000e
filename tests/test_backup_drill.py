"""The backup drill (PostgreSQL; CI runs it): a procurement under way is dumped with `pg_dump -Fc`,
restored with `pg_restore` into a new database, `levelfield verify-audit` finds the restored
audit chain unbroken, and the restored platform answers as the original did: the public list of
opportunities (pages and API), the OCDS record package, a supplier's bid receipt and the audit
trail's head hash."""

import json
import shutil
import subprocess
import sys

import pytest
from django.db import connection
from django.urls import reverse

from levelfield.opendata.models import Release
from tests import processes
from tests.support import testing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "the pg_dump / pg_restore drill needs PostgreSQL: run with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/levelfield"
        )
    for tool in ("pg_dump", "pg_restore", "createdb", "dropdb"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed (Debian's postgresql-client)")


def pg_args(settings_dict: dict) -> list[str]:
    return [
        "--host",
        settings_dict.get("HOST") or "127.0.0.1",
        "--port",
        str(settings_dict.get("PORT") or 5432),
        "--username",
        settings_dict.get("USER") or "postgres",
    ]


def answers(database_url: str, tmp_path, email: str, paths: list[str]) -> dict:
    env = processes.process_env(database_url, tmp_path / "answers")
    done = subprocess.run(
        [sys.executable, "-m", "tests.answers", email, *paths],
        cwd=processes.PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_dump_restored_into_a_new_database_answers_the_same(
    postgres_only, tmp_path, buyer, officer
):
    tender = testing.published_tender(buyer=buyer, by=officer)
    supplier, person = testing.supplier_with_user("Acorn Care Ltd")
    bid = testing.submitted_bid(tender=tender, supplier=supplier, by=person, price="98000")
    ocid = Release.objects.values_list("ocid", flat=True).first()
    assert ocid
    paths = [
        reverse("public:opportunities"),
        reverse("public:opportunity", args=[tender.reference]),
        "/api/opportunities",
        f"/api/ocds/records/{ocid}",
        "private:" + reverse("bids:receipt", args=[bid.pk]),
    ]

    original = connection.settings_dict
    restored_name = f"{original['NAME']}_restored"
    dump = tmp_path / "levelfield.dump"
    server = pg_args(original)
    subprocess.run(
        ["pg_dump", *server, "--format=custom", "--file", str(dump), original["NAME"]],
        check=True,
        capture_output=True,
    )
    subprocess.run(["dropdb", *server, "--if-exists", restored_name], check=True)
    subprocess.run(["createdb", *server, restored_name], check=True)
    try:
        restore = subprocess.run(
            ["pg_restore", *server, "--no-owner", "--exit-on-error", "-d", restored_name, dump],
            capture_output=True,
            text=True,
        )
        assert restore.returncode == 0, restore.stderr
        restored_url = processes.postgres_url(original, restored_name)

        env = processes.process_env(restored_url, tmp_path / "verify")
        verify = subprocess.run(
            [*processes.LEVELFIELD, "verify-audit"],
            cwd=processes.PROJECT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert verify.returncode == 0, verify.stdout + verify.stderr

        before = answers(processes.postgres_url(original), tmp_path, person.email, paths)
        after = answers(restored_url, tmp_path, person.email, paths)
    finally:
        connection.close()  # none of ours open on the restored one; drop it
        subprocess.run(["dropdb", *server, "--if-exists", restored_name], check=True)

    assert before["audit head"] and before["audit events"] > 0
    assert before["audit head"] in verify.stdout
    for path in paths:
        path = path.removeprefix("private:")
        assert before[path][0] == 200, (path, before[path][1][:500])
    assert tender.reference in before[reverse("public:opportunities")][1]
    receipt = bid.receipts.filter(kind="submitted").values_list("sha256", flat=True).first()
    assert receipt and receipt in before[reverse("bids:receipt", args=[bid.pk])][1]
    assert after == before
