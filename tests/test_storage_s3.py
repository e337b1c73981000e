"""Files on S3-compatible object storage (issue 17, beyond one machine): with the settings
LEVELFIELD_STORAGE=s3 makes, a tender document, a certificate and a bid attachment sent by the
resumable upload are stored in the bucket and served back from it; a sealed attachment holds no
plaintext there, nor do the chunks of an upload under way; the bulk downloads are built into
their own prefix, served by a short-lived signed link (or through the server), and one more
release rewrites only its month's files. Against moto's S3 server, started here on 127.0.0.1."""

import base64
import gzip
import hashlib
import json
import os
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from levelfield.bids import actions as bid_actions
from levelfield.bids.models import BidAttachment, BidUpload
from levelfield.bids.sealing import attachment_chunks
from levelfield.core import clock
from levelfield.opendata import downloads, publisher
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers.models import CertificateKind
from levelfield.tenders import actions as tender_actions
from tests.processes import free_port

moto_server = pytest.importorskip(
    "moto.server", reason="moto[server] is not installed: the S3 tests need its server"
)
boto3 = pytest.importorskip("boto3")

BUCKET = "levelfield-files"
DOWNLOADS_BUCKET = "levelfield-open-data"
CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region_name": "eu-west-2"}
SECRET = b"MARMALADE-ZEPPELIN"
BODY = b"%PDF-1.4\n" + SECRET + b" method statement " + bytes(range(256)) * 400


@pytest.fixture(scope="module")
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=free_port())
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="eu-west-2",
    )


@pytest.fixture
def s3(settings, s3_endpoint):
    """Both storages on S3, as LEVELFIELD_STORAGE=s3 sets them (levelfield/settings.py), each
    test with empty buckets. Returns a boto3 client to look inside."""
    client = _client(s3_endpoint)
    for bucket in (BUCKET, DOWNLOADS_BUCKET):
        try:
            client.create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
            )
        except client.exceptions.BucketAlreadyOwnedByYou:
            for key in _keys(client, bucket):
                client.delete_object(Bucket=bucket, Key=key)
    common = {
        **CREDENTIALS,
        "endpoint_url": s3_endpoint,
        "addressing_style": "path",
        "signature_version": "s3v4",
        "default_acl": None,
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": BUCKET,
                "location": "media",
                "file_overwrite": False,
            },
        },
        "downloads": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**common, "bucket_name": DOWNLOADS_BUCKET, "location": "downloads"},
        },
    }
    settings.LEVELFIELD_DOWNLOADS_PRESIGNED_SECONDS = 300
    return client


def _keys(client, bucket: str, prefix: str = "") -> list[str]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def _everything(client, bucket: str) -> bytes:
    return b"".join(
        client.get_object(Bucket=bucket, Key=key)["Body"].read() for key in _keys(client, bucket)
    )


def test_the_environment_puts_both_storages_in_object_storage():
    """What LEVELFIELD_STORAGE=s3 and its variables make of the settings (a fresh process: the
    settings read the environment once)."""
    env = {
        **os.environ,
        "LEVELFIELD_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": "council-files",
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "AWS_S3_ADDRESSING_STYLE": "path",
        "DOWNLOADS_BUCKET_NAME": "council-open-data",
        "DOWNLOADS_PRESIGNED_SECONDS": "120",
    }
    script = (
        "import json, levelfield.settings as s; print(json.dumps([s.STORAGES['default'], "
        "s.STORAGES['downloads'], s.LEVELFIELD_DOWNLOADS_PRESIGNED_SECONDS]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    files, downloads_storage, seconds = json.loads(out.stdout.strip().splitlines()[-1])
    assert files["BACKEND"] == downloads_storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert files["OPTIONS"]["bucket_name"] == "council-files"
    assert files["OPTIONS"]["location"] == "media"
    assert files["OPTIONS"]["file_overwrite"] is False
    assert files["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
    assert downloads_storage["OPTIONS"]["bucket_name"] == "council-open-data"
    assert downloads_storage["OPTIONS"]["location"] == "downloads"
    assert seconds == 120


@pytest.mark.django_db
def test_a_tender_document_is_stored_in_the_bucket_and_served_from_it(s3, client, tender, officer):
    document = tender_actions.add_document(
        tender=tender,
        by=officer,
        title="Specification",
        doc_type="specification",
        upload=SimpleUploadedFile("spec.pdf", b"%PDF-1.4 the specification"),
    )

    assert f"media/{document.file.name}" in _keys(s3, BUCKET, "media/tenders/")
    response = client.get(reverse("public:document", args=[tender.reference, document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 the specification"


@pytest.mark.django_db
def test_a_certificate_is_stored_in_the_bucket_and_its_organisation_reads_it(s3, client, supplier):
    org, admin = supplier
    certificate = supplier_actions.add_certificate(
        organisation=org,
        by=admin,
        kind=CertificateKind.PUBLIC_LIABILITY,
        number="PL-1",
        issuer="Wessex Mutual Insurance",
        expires_on=clock.today_uk().replace(year=clock.today_uk().year + 1),
        upload=SimpleUploadedFile("certificate.pdf", b"%PDF-1.4 certificate"),
    )

    assert f"media/{certificate.document.name}" in _keys(s3, BUCKET, "media/certificates/")
    client.force_login(admin)
    response = client.get(reverse("suppliers:certificate_document", args=[certificate.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 certificate"


TUS = {"Tus-Resumable": "1.0.0"}


def _meta(**values) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


@pytest.mark.django_db
def test_a_resumable_upload_meets_in_the_bucket_sealed_and_is_read_back_whole(
    s3, client, tender, supplier
):
    org, user = supplier
    bid = bid_actions.start_bid(lot=tender.lots.get(), supplier=org, by=user)
    client.force_login(user)
    begun = client.post(
        reverse("bids:uploads", args=[bid.pk]),
        headers={
            **TUS,
            "Upload-Length": str(len(BODY)),
            "Upload-Metadata": _meta(filename="method.pdf", title="Method statement"),
        },
    )
    assert begun.status_code == 201, begun.content
    location = begun["Location"]

    def patch(offset, data):
        return client.generic(
            "PATCH",
            location,
            data,
            content_type="application/offset+octet-stream",
            headers={**TUS, "Upload-Offset": str(offset)},
        )

    half = len(BODY) // 2
    assert patch(0, BODY[:half]).status_code == 204
    # Half way: the chunk is an object of its own in the bucket, sealed.
    token = BidUpload.objects.get().token
    assert _keys(s3, BUCKET, "media/partial-uploads/") == [
        f"media/partial-uploads/{token}/000000000000.part"
    ]
    assert SECRET not in _everything(s3, BUCKET)

    assert patch(half, BODY[half:]).status_code == 204

    attachment = BidAttachment.objects.get(bid=bid)
    assert attachment.sealed
    assert _keys(s3, BUCKET, "media/partial-uploads/") == []
    assert f"media/{attachment.file.name}" in _keys(s3, BUCKET, "media/bids/")
    # Stored sealed: nothing in the bucket reads as the file, which opens whole.
    assert SECRET not in _everything(s3, BUCKET)
    assert b"".join(attachment_chunks(attachment)) == BODY
    assert attachment.sha256 == hashlib.sha256(BODY).hexdigest()


def _publish(local_id: str, at: datetime) -> None:
    body = {"buyer": {"id": "GB-GOR-PB1", "name": "Council"}, "tender": {"id": "1"}}
    with clock.frozen_at(at), transaction.atomic():
        publisher.publish(ocid=publisher.ocid_for(local_id), tags=["tender"], data=body)


def _etags(client) -> dict[str, str]:
    """The object and ETag of each download served, by published name."""
    heads = {}
    for found in downloads.DownloadFile.objects.all():
        key = f"downloads/{found.stored}"
        heads[found.name] = (key, client.head_object(Bucket=DOWNLOADS_BUCKET, Key=key)["ETag"])
    return heads


@pytest.mark.django_db
def test_downloads_are_built_into_their_bucket_and_served_by_a_signed_link(s3, client, settings):
    _publish("A", datetime(2026, 3, 2, tzinfo=UTC))
    _publish("B", datetime(2026, 4, 2, tzinfo=UTC))
    manifest = downloads.regenerate()

    assert len(manifest["files"]) == 2 + 6 + 6
    assert _keys(s3, BUCKET, "downloads/") == []  # their own bucket
    entry = next(e for e in manifest["files"] if e["name"] == "releases.jsonl.gz")
    response = client.get(reverse("opendata:download", args=["releases.jsonl.gz"]))
    assert response.status_code == 302
    assert response["Location"].startswith(
        settings.STORAGES["downloads"]["OPTIONS"]["endpoint_url"]
    )
    with urllib.request.urlopen(response["Location"], timeout=30) as signed:  # 127.0.0.1
        body = signed.read()
        assert 'filename="releases.jsonl.gz"' in signed.headers["Content-Disposition"]
    assert hashlib.sha256(body).hexdigest() == entry["sha256"]
    assert [json.loads(line)["ocid"] for line in gzip.decompress(body).splitlines()] == [
        publisher.ocid_for("A"),
        publisher.ocid_for("B"),
    ]

    # Or through the server, from the bucket.
    settings.LEVELFIELD_DOWNLOADS_PRESIGNED_SECONDS = 0
    streamed = client.get(reverse("opendata:download", args=["releases.jsonl.gz"]))
    assert streamed.status_code == 200
    assert b"".join(streamed.streaming_content) == body


@pytest.mark.django_db
def test_one_more_release_rewrites_only_its_month_and_the_whole_files(s3):
    _publish("A", datetime(2026, 3, 2, tzinfo=UTC))
    _publish("B", datetime(2026, 4, 2, tzinfo=UTC))
    downloads.regenerate()
    before = _etags(s3)

    _publish("C", datetime(2026, 4, 20, tzinfo=UTC))
    downloads.regenerate()
    after = _etags(s3)

    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {
        "releases.jsonl.gz",
        "compiled-releases.jsonl.gz",
        *(d.name("2026-04") for d in downloads.DOWNLOADS if d.by_month),
    }
    assert all(after[name] == before[name] for name in after if "2026-03" in name)
