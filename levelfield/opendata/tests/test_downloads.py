"""Bulk downloads as an analyst meets them: the page lists each file with its size and date, each
file downloads whole and holds what was published, and a regeneration runs as a task, rewriting
only the month a new release changes (test_downloads_incremental.py)."""

import gzip
import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import duckdb
import openpyxl
import pytest
from django.urls import reverse

from levelfield.core import clock
from levelfield.core.storage import walk
from levelfield.opendata import downloads, downloads_build
from levelfield.opendata.models import Record, Release, ReplacedDownload
from levelfield.opendata.tasks import regenerate_downloads, regenerate_downloads_on_commit

from .conftest import OTHER_BUYER_ID

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GENERATED = datetime(2026, 6, 5, 13, 30, tzinfo=UTC)  # 2:30pm UK time (BST)


MARCH = "2026-03"


@pytest.fixture
def root(settings, tmp_path):
    settings.DOWNLOADS_ROOT = tmp_path / "downloads"
    return settings.DOWNLOADS_ROOT


def stored(name: str) -> bytes:
    """The bytes of a download as the downloads storage holds them now."""
    found = downloads.find(name)
    with downloads.storage().open(found.stored, "rb") as handle:
        return handle.read()


def local_copy(name: str, tmp_path):
    path = tmp_path / name
    path.write_bytes(stored(name))
    return path


@pytest.fixture
def published(publish_release):
    """Three contracting processes, published in an order that is not their ocid order."""
    steps = [
        ("C", "tender", {"buyer_id": OTHER_BUYER_ID}),
        ("A", "tender", {}),
        ("B", "tender", {"title": "Day care"}),
        ("A", "tenderAmendment", {}),
        ("A", "award", {}),
    ]
    return [
        publish_release(local_id, stage, at=START + timedelta(days=day), **kwargs)
        for day, (local_id, stage, kwargs) in enumerate(steps)
    ]


def generate(root=None, *, force=False):
    with clock.frozen_at(GENERATED):
        return downloads.regenerate(force=force)


def jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in gzip.decompress(stored(name)).splitlines()]


def ocids() -> list[str]:
    return list(Record.objects.order_by("ocid").values_list("ocid", flat=True))


def test_compiled_releases_are_one_line_each_equal_to_the_record(root, published):
    generate(root)

    lines = jsonl("compiled-releases.jsonl.gz")

    assert lines == [record.compiled for record in Record.objects.order_by("ocid")]
    assert [line["ocid"] for line in lines] == ocids()
    assert len(lines) == 3
    assert jsonl(f"compiled-releases-{MARCH}.jsonl.gz") == lines


def test_releases_are_every_release_in_publication_order(root, published):
    generate(root)

    lines = jsonl("releases.jsonl.gz")

    assert lines == [release.data for release in Release.objects.order_by("position")]
    assert [line["id"] for line in lines] == [release.release_id for release in published]
    assert jsonl(f"releases-{MARCH}.jsonl.gz") == lines


def test_csv_zip_and_xlsx_hold_every_procurement(root, published, tmp_path):
    generate(root)

    with zipfile.ZipFile(io.BytesIO(stored(f"compiled-releases-csv-{MARCH}.zip"))) as zipped:
        assert "releases.csv" in zipped.namelist()
        main = zipped.read("releases.csv").decode()
        parties = zipped.read("parties.csv").decode()
    header, *rows = main.splitlines()
    assert header.split(",")[:2] == ["ocid", "id"]
    assert "tender/title" in header
    assert [row.split(",")[0] for row in rows] == ocids()
    assert "Acorn Care Ltd" in parties

    workbook = openpyxl.load_workbook(
        local_copy(f"compiled-releases-{MARCH}.xlsx", tmp_path), read_only=True
    )
    assert workbook.sheetnames[0] == "releases"
    sheet_rows = list(workbook["releases"].iter_rows(values_only=True))
    assert sheet_rows[0][0] == "ocid"
    assert [row[0] for row in sheet_rows[1:]] == ocids()
    assert "parties" in workbook.sheetnames


def test_parquet_reads_back_with_duckdb(root, published, tmp_path):
    generate(root)

    with duckdb.connect() as con:
        compiled = con.execute(
            "SELECT ocid, tender.title FROM read_parquet(?) ORDER BY ocid",
            [str(local_copy(f"compiled-releases-{MARCH}.parquet", tmp_path))],
        ).fetchall()
        releases = con.execute(
            "SELECT ocid, id, date, tags, buyer_id FROM read_parquet(?)",
            [str(local_copy(f"releases-{MARCH}.parquet", tmp_path))],
        ).fetchall()

    records = Record.objects.order_by("ocid")
    assert compiled == [(r.ocid, r.compiled["tender"]["title"]) for r in records]
    assert compiled[0][1] == "Home care (amended)"
    assert len(releases) == len(published) == 5
    first = releases[0]
    assert first[:2] == (published[0].ocid, published[0].release_id)
    assert first[2] == START
    assert first[3] == ["tender"]
    assert first[4] == OTHER_BUYER_ID
    assert [row[3] for row in releases][-1] == ["award"]


def test_manifest_describes_each_file_exactly(client, root, published):
    manifest = generate(root)

    served = client.get(reverse("opendata:download", args=["manifest.json"]))
    assert json.loads(served.content) == manifest
    assert manifest["generated"] == "2026-06-05T13:30:00Z"
    assert manifest["release_count"] == 5
    assert manifest["compiled_release_count"] == 3
    assert manifest["feed_position"] == published[-1].position
    assert [entry["name"] for entry in manifest["files"]] == [
        d.name(MARCH) for d in downloads.DOWNLOADS
    ]
    for entry in manifest["files"]:
        content = stored(entry["name"])
        assert entry["size"] == len(content)
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["generated"] == "2026-06-05T13:30:00Z"
        expected = 3 if entry["contents"] == "compiled" else 5
        assert entry["release_count"] == expected
    # Nothing but the files served is stored.
    assert sorted(walk(downloads.storage(), downloads.FOLDER)) == sorted(
        downloads.find(entry["name"]).stored for entry in manifest["files"]
    )


def test_the_same_data_gives_the_same_compressed_bytes(root, published):
    first = generate(root)
    assert generate(root) is None  # nothing new: nothing rebuilt
    second = generate(root, force=True)

    def digest(manifest, name):
        return next(e["sha256"] for e in manifest["files"] if e["name"] == name)

    names = (
        "compiled-releases.jsonl.gz",
        "releases.jsonl.gz",
        f"compiled-releases-csv-{MARCH}.zip",
    )
    for name in names:
        assert digest(first, name) == digest(second, name)


def test_nothing_published_gives_empty_but_valid_files(root):
    manifest = generate(root)

    assert manifest["release_count"] == manifest["compiled_release_count"] == 0
    assert [entry["name"] for entry in manifest["files"]] == [
        "compiled-releases.jsonl.gz",
        "releases.jsonl.gz",
    ]
    assert jsonl("compiled-releases.jsonl.gz") == []
    assert jsonl("releases.jsonl.gz") == []


def test_each_month_has_files_of_its_own(root, published, publish_release, tmp_path):
    publish_release("E", at=datetime(2026, 4, 30, 23, 30, tzinfo=UTC))  # April in UTC
    publish_release("A", "award", at=datetime(2026, 5, 1, 9, 0, tzinfo=UTC))

    manifest = generate(root)

    names = [entry["name"] for entry in manifest["files"]]
    # May has a release of A, first published in March: its compiled release is March's.
    assert (
        "releases-2026-05.jsonl.gz" in names and "compiled-releases-2026-05.jsonl.gz" not in names
    )
    assert [line["ocid"] for line in jsonl("compiled-releases-2026-04.jsonl.gz")] == [
        Record.objects.get(ocid__endswith="-E").ocid
    ]
    march = jsonl(f"compiled-releases-{MARCH}.jsonl.gz")
    assert [line["ocid"] for line in march] == [o for o in ocids() if not o.endswith("-E")]
    assert jsonl("compiled-releases.jsonl.gz") == march + jsonl(
        "compiled-releases-2026-04.jsonl.gz"
    )
    assert len(jsonl("releases.jsonl.gz")) == 7
    with duckdb.connect() as con:
        rows = con.execute(
            "SELECT id FROM read_parquet(?)",
            [str(local_copy("releases-2026-05.parquet", tmp_path))],
        ).fetchall()
    assert len(rows) == 1


def test_a_new_release_replaces_the_files(root, published, publish_release):
    generate(root)
    publish_release("D", at=START + timedelta(days=10))

    manifest = generate(root)

    assert manifest["release_count"] == 6
    assert len(jsonl("compiled-releases.jsonl.gz")) == 4


def test_the_page_before_anything_is_generated_says_so(client, root):
    response = client.get(reverse("opendata:downloads"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "No downloads have been generated yet" in page
    assert 'href="/api/ocds/releases"' in page
    assert 'href="/api/docs"' in page


def test_the_page_lists_each_file_with_size_date_and_link(client, root, published, settings):
    manifest = generate(root)

    response = client.get("/open-data/")

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "<caption" in page
    assert "2:30pm BST on 5 June 2026" in page  # UK time
    assert "from 5 releases about 3 procurements" in page
    for entry in manifest["files"]:
        assert f'href="/open-data/downloads/{entry["name"]}"' in page
    sizes = response.context["catalogue"]["files"]
    assert [f.size for f in sizes] == [e["size"] for e in manifest["files"]]
    assert "bytes" in page or "KB" in page
    assert f'href="{settings.LEVELFIELD_OCDS_LICENSE}"' in page
    assert f'href="{settings.LEVELFIELD_OCDS_PUBLICATION_POLICY}"' in page
    assert settings.LEVELFIELD_PUBLISHER["name"] in page


def test_downloading_a_file_gives_the_whole_file_as_an_attachment(client, root, published):
    manifest = generate(root)
    entry = next(e for e in manifest["files"] if e["name"] == "compiled-releases.jsonl.gz")

    response = client.get(reverse("opendata:download", args=[entry["name"]]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    assert 'attachment; filename="compiled-releases.jsonl.gz"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == entry["sha256"]
    lines = gzip.open(io.BytesIO(body)).read().splitlines()
    assert len(lines) == 3


def test_the_manifest_downloads_too(client, root, published):
    generate(root)

    response = client.get(reverse("opendata:download", args=["manifest.json"]))

    assert response.status_code == 200
    assert json.loads(response.content)["release_count"] == 5
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "path",
    [
        "/open-data/downloads/unknown.csv",
        "/open-data/downloads/files",
        "/open-data/downloads/..",
        "/open-data/downloads/../settings.py",
        "/open-data/downloads/..%2F..%2Fsettings.py",
        "/open-data/downloads/%2Fetc%2Fpasswd",
    ],
)
def test_unknown_names_and_paths_outside_give_404(client, root, published, path):
    generate(root)
    (root.parent / "settings.py").write_text("SECRET")

    response = client.get(path)

    assert response.status_code == 404


def test_a_known_name_not_yet_generated_gives_404(client, root):
    response = client.get(reverse("opendata:download", args=["compiled-releases.jsonl.gz"]))

    assert response.status_code == 404


def test_downloads_are_read_only(client, root, published):
    generate(root)

    response = client.post(reverse("opendata:download", args=["releases.parquet"]))

    assert response.status_code == 405


def test_the_task_regenerates_then_skips_until_something_new_is_published(
    root, published, publish_release
):
    first = regenerate_downloads.enqueue()
    assert first.return_value["regenerated"] is True
    assert first.return_value["release_count"] == 5
    assert downloads.read_manifest()["release_count"] == 5

    again = regenerate_downloads.enqueue()
    assert again.return_value == {"regenerated": False}

    publish_release("D", at=START + timedelta(days=10))
    after = regenerate_downloads.enqueue()
    assert after.return_value["regenerated"] is True
    assert after.return_value["release_count"] == 6

    forced = regenerate_downloads.enqueue(force=True)
    assert forced.return_value["regenerated"] is True


def test_the_task_rebuilds_a_missing_file_even_when_nothing_new_was_published(root, published):
    regenerate_downloads.enqueue()
    lost = downloads.find(f"releases-{MARCH}.parquet").stored
    downloads.storage().delete(lost)

    result = regenerate_downloads.enqueue()

    assert result.return_value["regenerated"] is True
    found = downloads.find(f"releases-{MARCH}.parquet")
    assert found.stored != lost and downloads.storage().exists(found.stored)


def test_queued_on_commit_runs_after_the_transaction(
    root, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        regenerate_downloads_on_commit()
        assert downloads.read_manifest() is None

    assert len(callbacks) == 1
    assert downloads.read_manifest()["release_count"] == 5


def test_a_build_interrupted_half_way_serves_the_old_files_and_leaves_nothing(
    client, root, published, publish_release, monkeypatch
):
    generate(root)
    before = client.get(reverse("opendata:download", args=["releases.jsonl.gz"]))
    publish_release("D", at=START + timedelta(days=10))
    # The build dies after storing some of the new files, before switching to them.
    monkeypatch.setattr(downloads_build, "_switch", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        generate(root)
    monkeypatch.undo()

    after = client.get(reverse("opendata:download", args=["releases.jsonl.gz"]))
    assert b"".join(after.streaming_content) == b"".join(before.streaming_content)
    assert len(list(walk(downloads.storage(), downloads.FOLDER))) > 8  # the new ones, unused

    manifest = generate(root)  # the next build sweeps them and finishes the work

    assert manifest["release_count"] == 6
    served = {downloads.find(entry["name"]).stored for entry in manifest["files"]}
    replaced = set(ReplacedDownload.objects.values_list("stored", flat=True))
    assert set(walk(downloads.storage(), downloads.FOLDER)) == served | replaced


def test_replaced_files_are_deleted_once_downloads_under_way_can_have_finished(
    root, published, publish_release, settings
):
    generate(root)
    publish_release("D", at=START + timedelta(days=10))
    generate(root)
    replaced = list(ReplacedDownload.objects.values_list("stored", flat=True))
    assert replaced and all(downloads.storage().exists(name) for name in replaced)

    publish_release("F", at=START + timedelta(days=11))
    with clock.frozen_at(GENERATED + settings.LEVELFIELD_DOWNLOADS_KEEP_REPLACED * 2):
        downloads.regenerate()

    assert not any(downloads.storage().exists(name) for name in replaced)


def test_the_publication_policy_names_each_notice_and_what_is_never_published(client, settings):
    response = client.get(reverse("opendata:policy"))

    assert response.status_code == 200
    assert reverse("opendata:policy") == "/open-data/publication-policy/"
    assert settings.LEVELFIELD_OCDS_PUBLICATION_POLICY.endswith(reverse("opendata:policy"))
    page = response.content.decode()
    assert page.count("<h1") == 1
    for notice in ("UK4", "UK6", "UK7", "UK12"):
        assert notice in page
    assert "draft tenders" in page
    assert "names of evaluators" in page
    assert f'href="{settings.LEVELFIELD_OCDS_LICENSE}"' in page
    assert 'scope="col"' in page
