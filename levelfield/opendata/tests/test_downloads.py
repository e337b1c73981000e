"""Bulk downloads as an analyst meets them: the page lists each file with its size and date, each
file downloads whole and holds what was published, and a regeneration runs as a task."""

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
from levelfield.opendata import downloads
from levelfield.opendata.models import Record, Release
from levelfield.opendata.tasks import regenerate_downloads, regenerate_downloads_on_commit

from .conftest import OTHER_BUYER_ID

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GENERATED = datetime(2026, 6, 5, 13, 30, tzinfo=UTC)  # 2:30pm UK time (BST)


@pytest.fixture
def root(settings, tmp_path):
    settings.DOWNLOADS_ROOT = tmp_path / "downloads"
    return settings.DOWNLOADS_ROOT


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


def generate(root):
    with clock.frozen_at(GENERATED):
        return downloads.regenerate(root)


def jsonl(path) -> list[dict]:
    with gzip.open(path, "rb") as f:
        return [json.loads(line) for line in f]


def ocids() -> list[str]:
    return list(Record.objects.order_by("ocid").values_list("ocid", flat=True))


def test_compiled_releases_are_one_line_each_equal_to_the_record(root, published):
    generate(root)

    lines = jsonl(root / "compiled-releases.jsonl.gz")

    assert lines == [record.compiled for record in Record.objects.order_by("ocid")]
    assert [line["ocid"] for line in lines] == ocids()
    assert len(lines) == 3


def test_releases_are_every_release_in_publication_order(root, published):
    generate(root)

    lines = jsonl(root / "releases.jsonl.gz")

    assert lines == [release.data for release in Release.objects.order_by("position")]
    assert [line["id"] for line in lines] == [release.release_id for release in published]


def test_csv_zip_and_xlsx_hold_every_procurement(root, published):
    generate(root)

    with zipfile.ZipFile(root / "compiled-releases-csv.zip") as zipped:
        assert "releases.csv" in zipped.namelist()
        main = zipped.read("releases.csv").decode()
        parties = zipped.read("parties.csv").decode()
    header, *rows = main.splitlines()
    assert header.split(",")[:2] == ["ocid", "id"]
    assert "tender/title" in header
    assert [row.split(",")[0] for row in rows] == ocids()
    assert "Acorn Care Ltd" in parties

    workbook = openpyxl.load_workbook(root / "compiled-releases.xlsx", read_only=True)
    assert workbook.sheetnames[0] == "releases"
    sheet_rows = list(workbook["releases"].iter_rows(values_only=True))
    assert sheet_rows[0][0] == "ocid"
    assert [row[0] for row in sheet_rows[1:]] == ocids()
    assert "parties" in workbook.sheetnames


def test_parquet_reads_back_with_duckdb(root, published):
    generate(root)

    with duckdb.connect() as con:
        compiled = con.execute(
            "SELECT ocid, tender.title FROM read_parquet(?) ORDER BY ocid",
            [str(root / "compiled-releases.parquet")],
        ).fetchall()
        releases = con.execute(
            "SELECT ocid, id, date, tags, buyer_id FROM read_parquet(?)",
            [str(root / "releases.parquet")],
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


def test_manifest_describes_each_file_exactly(root, published):
    manifest = generate(root)

    on_disk = json.loads((root / "manifest.json").read_text())
    assert on_disk == manifest
    assert manifest["generated"] == "2026-06-05T13:30:00Z"
    assert manifest["release_count"] == 5
    assert manifest["compiled_release_count"] == 3
    assert manifest["feed_position"] == published[-1].position
    assert [entry["name"] for entry in manifest["files"]] == [d.name for d in downloads.DOWNLOADS]
    for entry in manifest["files"]:
        content = (root / entry["name"]).read_bytes()
        assert entry["size"] == len(content)
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["generated"] == "2026-06-05T13:30:00Z"
        expected = 3 if entry["contents"] == "compiled" else 5
        assert entry["release_count"] == expected
    # Nothing half-built is left beside the downloads.
    assert sorted(p.name for p in root.iterdir()) == sorted(
        [".lock", "manifest.json", *(d.name for d in downloads.DOWNLOADS)]
    )


def test_the_same_data_gives_the_same_compressed_bytes(root, published):
    first = generate(root)
    second = generate(root)

    def digest(manifest, name):
        return next(e["sha256"] for e in manifest["files"] if e["name"] == name)

    for name in ("compiled-releases.jsonl.gz", "releases.jsonl.gz", "compiled-releases-csv.zip"):
        assert digest(first, name) == digest(second, name)


def test_nothing_published_gives_empty_but_valid_files(root):
    manifest = generate(root)

    assert manifest["release_count"] == manifest["compiled_release_count"] == 0
    assert jsonl(root / "compiled-releases.jsonl.gz") == []
    assert jsonl(root / "releases.jsonl.gz") == []
    with zipfile.ZipFile(root / "compiled-releases-csv.zip") as zipped:
        assert zipped.namelist() == ["releases.csv"]
    workbook = openpyxl.load_workbook(root / "compiled-releases.xlsx", read_only=True)
    assert workbook.sheetnames == ["releases"]
    with duckdb.connect() as con:
        for name in ("compiled-releases.parquet", "releases.parquet"):
            count = con.execute("SELECT count(*) FROM read_parquet(?)", [str(root / name)])
            assert count.fetchone() == (0,)
        columns = con.execute(
            "SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet(?))",
            [str(root / "releases.parquet")],
        ).fetchall()
    assert [c[0] for c in columns][:4] == ["ocid", "id", "date", "tags"]


def test_a_new_release_replaces_the_files(root, published, publish_release):
    generate(root)
    publish_release("D", at=START + timedelta(days=10))

    manifest = generate(root)

    assert manifest["release_count"] == 6
    assert len(jsonl(root / "compiled-releases.jsonl.gz")) == 4


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
    assert [f["size"] for f in sizes] == [e["size"] for e in manifest["files"]]
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
    assert json.loads(b"".join(response.streaming_content))["release_count"] == 5


@pytest.mark.parametrize(
    "path",
    [
        "/open-data/downloads/unknown.csv",
        "/open-data/downloads/.lock",
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
    (root / "releases.parquet").unlink()

    result = regenerate_downloads.enqueue()

    assert result.return_value["regenerated"] is True
    assert (root / "releases.parquet").is_file()


def test_queued_on_commit_runs_after_the_transaction(
    root, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        regenerate_downloads_on_commit()
        assert downloads.read_manifest() is None

    assert len(callbacks) == 1
    assert downloads.read_manifest()["release_count"] == 5


def test_leftovers_of_an_interrupted_run_are_swept(root, published):
    (root / ".building-crashed").mkdir(parents=True)
    (root / ".building-crashed" / "half.jsonl.gz").write_bytes(b"\x1f\x8b")

    generate(root)

    assert not (root / ".building-crashed").exists()


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
