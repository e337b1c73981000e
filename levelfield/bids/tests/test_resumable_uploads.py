"""Resumable uploads to a bid (tus 1.0.0, bids/views_uploads.py): a file sent in chunks goes on
from where a dropped connection left it; it is checked as every attachment is; an upload begun
before the deadline with its SHA-256 declared may finish after it, with both server times kept
(test_uploads_after_deadline.py: without one, and once the bids are opened); nobody else can
touch it; and a refused file leaves neither a row nor a byte behind."""

import base64
import hashlib
from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from levelfield.bids import actions as bid_actions
from levelfield.bids import actions_uploads
from levelfield.bids.models import PARTIAL_UPLOADS, Bid, BidAttachment, BidUpload
from levelfield.bids.sealing import attachment_chunks
from levelfield.core import clock
from levelfield.core.display import uk_time
from levelfield.core.models import AuditEvent
from levelfield.core.storage import walk
from tests.support import testing

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40  # 10249 bytes
TUS = {"Tus-Resumable": "1.0.0"}
CHUNK = "application/offset+octet-stream"


@pytest.fixture
def lot(tender):
    return tender.lots.get()


@pytest.fixture
def draft(lot, supplier):
    org, user = supplier
    return bid_actions.start_bid(lot=lot, supplier=org, by=user)


@pytest.fixture
def bidder(client, supplier):
    client.force_login(supplier[1])
    return client


def _meta(**values) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def begin(
    client, bid, *, length=None, filename="method.pdf", title="Method statement", sha256=None
):
    """Begin an upload; `sha256`, when given, is declared (only such a file may finish after the
    deadline)."""
    declared = {"sha256": sha256} if sha256 else {}
    return client.post(
        reverse("bids:uploads", args=[bid.pk]),
        headers={
            **TUS,
            "Upload-Length": str(len(PDF) if length is None else length),
            "Upload-Metadata": _meta(filename=filename, title=title, **declared),
        },
    )


PDF_SHA256 = hashlib.sha256(PDF).hexdigest()


def patch(client, location, offset, data):
    return client.generic(
        "PATCH", location, data, content_type=CHUNK, headers={**TUS, "Upload-Offset": str(offset)}
    )


def partial_files(settings):
    """What resumable uploads hold in storage (`settings` kept for the callers)."""
    return list(walk(default_storage, PARTIAL_UPLOADS))


def test_an_upload_that_drops_half_way_resumes_from_the_offset_the_server_has(
    bidder, draft, settings
):
    created = begin(bidder, draft)
    assert created.status_code == 201, created.content
    assert created["Tus-Resumable"] == "1.0.0"
    location = created["Location"]
    upload = BidUpload.objects.get()
    assert upload.started_at is not None and upload.offset == 0
    assert location.endswith(f"/uploads/{upload.token}/") and len(upload.token) >= 40

    half = len(PDF) // 2
    first = patch(bidder, location, 0, PDF[:1000])
    assert first.status_code == 204 and first["Upload-Offset"] == "1000"
    # The connection drops in the middle of the next chunk: the server got part of it.
    second = patch(bidder, location, 1000, PDF[1000:half])
    assert second.status_code == 204
    # The client, reconnecting, does not know what arrived: it asks.
    asked = bidder.head(location, headers=TUS)
    assert asked.status_code == 200
    assert asked["Upload-Offset"] == str(half)
    assert asked["Upload-Length"] == str(len(PDF))
    assert asked["Cache-Control"] == "no-store"
    # Continuing from anywhere else is refused: 409, and nothing is written.
    wrong = patch(bidder, location, 1000, PDF[1000:])
    assert wrong.status_code == 409
    assert "continue from there" in wrong.content.decode()
    assert BidUpload.objects.get().offset == half
    assert not BidAttachment.objects.exists()

    done = patch(bidder, location, half, PDF[half:])
    assert done.status_code == 204
    assert done["Upload-Offset"] == str(len(PDF))

    attachment = BidAttachment.objects.get(bid=draft)
    assert attachment.title == "Method statement"
    assert attachment.size == len(PDF)
    assert b"".join(attachment_chunks(attachment)) == PDF  # stored sealed: bids/sealing.py
    assert attachment.upload_started_at == upload.started_at
    assert attachment.uploaded_at >= attachment.upload_started_at
    assert not BidUpload.objects.exists() and not partial_files(settings)
    page = bidder.get(reverse("bids:edit", args=[draft.lot_id]))
    assert "Method statement has been attached to your bid" in page.content.decode()
    # Gone once finished.
    assert bidder.head(location, headers=TUS).status_code == 404


def test_the_server_says_what_it_supports(bidder, draft, settings):
    response = bidder.options(reverse("bids:uploads", args=[draft.pk]))
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert response["Tus-Max-Size"] == str(settings.LEVELFIELD_BID_UPLOAD_MAX_BYTES)
    assert "creation" in response["Tus-Extension"]


def test_more_bytes_than_declared_are_refused_before_any_is_written(bidder, draft, settings):
    location = begin(bidder, draft, length=100)["Location"]
    response = patch(bidder, location, 0, PDF[:101])
    assert response.status_code == 413
    assert "declared as 100 bytes" in response.content.decode()
    assert BidUpload.objects.get().offset == 0
    assert partial_files(settings) == []
    assert patch(bidder, location, 0, PDF[:60]).status_code == 204
    assert patch(bidder, location, 60, PDF[60:101]).status_code == 413
    assert BidUpload.objects.get().offset == 60


def test_a_file_over_the_limit_is_refused_when_it_begins(bidder, draft, settings):
    settings.LEVELFIELD_BID_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    response = begin(bidder, draft, length=5 * 1024 * 1024 + 1)
    assert response.status_code == 413
    assert response.content.decode() == "method.pdf must be smaller than 5MB"
    assert not BidUpload.objects.exists()
    assert begin(bidder, draft, length=5 * 1024 * 1024).status_code == 201


@pytest.mark.parametrize(
    ("filename", "length", "message"),
    [
        ("virus.exe", 10, "virus.exe must be one of these file types: PDF, DOCX"),
        ("empty.pdf", 0, "empty.pdf is empty"),
    ],
)
def test_a_wrong_type_or_empty_file_is_refused_when_it_begins(
    bidder, draft, filename, length, message
):
    response = begin(bidder, draft, filename=filename, length=length)
    assert response.status_code == 422
    assert response.content.decode().startswith(message)
    assert not BidUpload.objects.exists()


def test_a_file_whose_content_is_not_its_type_is_refused_and_leaves_nothing(
    bidder, draft, settings
):
    body = b"MZ this is not a PDF" * 10
    location = begin(bidder, draft, length=len(body))["Location"]
    assert patch(bidder, location, 0, body[:50]).status_code == 204
    response = patch(bidder, location, 50, body[50:])
    assert response.status_code == 422
    refusal = "method.pdf is not a real PDF file: it is a Windows program (EXE)"
    assert response.content.decode() == refusal
    assert not BidUpload.objects.exists()
    assert not BidAttachment.objects.exists()
    assert partial_files(settings) == []
    assert list(walk(default_storage, "bids")) == []
    refused = AuditEvent.objects.get(action="bid.upload_refused")
    assert refused.data["reason"] == refusal


def test_a_declared_sha256_must_match_the_file(bidder, draft, settings):
    url = reverse("bids:uploads", args=[draft.pk])
    declared = hashlib.sha256(b"another file").hexdigest()
    created = bidder.post(
        url,
        headers={
            **TUS,
            "Upload-Length": str(len(PDF)),
            "Upload-Metadata": _meta(filename="method.pdf", sha256=declared),
        },
    )
    response = patch(bidder, created["Location"], 0, PDF)
    assert response.status_code == 422
    assert "SHA-256 differs" in response.content.decode()
    assert not BidAttachment.objects.exists() and not BidUpload.objects.exists()
    assert partial_files(settings) == []


def test_begun_before_the_deadline_and_finished_after_it_is_accepted_with_both_times(
    bidder, draft, lot
):
    deadline = lot.tender.submission_deadline
    before = deadline - timedelta(minutes=2)
    with clock.frozen_at(before):
        location = begin(bidder, draft, sha256=PDF_SHA256)["Location"]
        assert patch(bidder, location, 0, PDF[:5000]).status_code == 204
    after = deadline + timedelta(minutes=30)
    with clock.frozen_at(after):
        assert bidder.head(location, headers=TUS)["Upload-Offset"] == "5000"
        assert patch(bidder, location, 5000, PDF[5000:]).status_code == 204
    attachment = BidAttachment.objects.get(bid=draft)
    assert attachment.upload_started_at == before
    assert attachment.uploaded_at == after
    # Still a draft: a bid uploaded is not a bid submitted, and it cannot be submitted now.
    draft.refresh_from_db()
    assert draft.status == "draft"
    event = AuditEvent.objects.get(action="bid.attachment_added")
    assert event.data["upload_started_at"] == before.isoformat()
    assert event.data["uploaded_at"] == after.isoformat()


def test_a_bid_submitted_while_its_upload_runs_gets_the_file_and_a_receipt_for_it(
    bidder, lot, supplier, tender, django_capture_on_commit_callbacks
):
    org, user = supplier
    deadline = tender.submission_deadline
    with clock.frozen_at(deadline - timedelta(minutes=5)):
        bid = bid_actions.start_bid(lot=lot, supplier=org, by=user)
        location = begin(bidder, bid, sha256=PDF_SHA256)["Location"]
        assert patch(bidder, location, 0, PDF[:5000]).status_code == 204
        testing.submitted_bid(tender=tender, lot=lot, supplier=org, by=user, price=100)
    mail.outbox.clear()
    with (
        clock.frozen_at(deadline + timedelta(hours=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert patch(bidder, location, 5000, PDF[5000:]).status_code == 204
    bid.refresh_from_db()
    assert bid.status == "submitted"
    attachment = bid.attachments.get()
    assert attachment.uploaded_at > deadline > attachment.upload_started_at
    assert len(mail.outbox) == 1
    assert attachment.sha256 in mail.outbox[0].body
    # Both times in words with their zone (core.display.uk_time), as the pages give them.
    assert uk_time(attachment.uploaded_at) in mail.outbox[0].body
    assert uk_time(attachment.upload_started_at) in mail.outbox[0].body


def test_an_upload_cannot_begin_after_the_deadline(bidder, draft, lot):
    with testing.after_deadline(lot.tender, minutes=0):
        response = begin(bidder, draft)
    assert response.status_code == 409
    assert "deadline" in response.content.decode()
    assert not BidUpload.objects.exists()


def test_a_half_upload_cannot_be_finished_after_the_grace_period(bidder, draft, lot, settings):
    deadline = lot.tender.submission_deadline
    with clock.frozen_at(deadline - timedelta(minutes=1)):
        location = begin(bidder, draft, sha256=PDF_SHA256)["Location"]
        patch(bidder, location, 0, PDF[:5000])
    with clock.frozen_at(deadline + settings.LEVELFIELD_BID_UPLOAD_GRACE):
        assert bidder.head(location, headers=TUS).status_code == 410
        response = patch(bidder, location, 5000, PDF[5000:])
    assert response.status_code == 410
    assert "Too late to finish this upload" in response.content.decode()
    assert not BidAttachment.objects.exists()


def test_a_submitted_bid_cannot_begin_an_upload(bidder, lot, supplier, tender):
    org, user = supplier
    bid = testing.submitted_bid(tender=tender, supplier=org, by=user, price=100)
    response = begin(bidder, Bid.objects.get(pk=bid.pk))
    assert response.status_code == 409
    assert "Withdraw your submitted bid" in response.content.decode()


def test_another_supplier_and_another_person_get_404(client, draft, supplier, other_supplier):
    org, user = supplier
    client.force_login(user)
    location = begin(client, draft)["Location"]

    stranger = Client()
    stranger.force_login(other_supplier[1])
    assert begin(stranger, draft).status_code == 404
    assert stranger.head(location, headers=TUS).status_code == 404
    assert patch(stranger, location, 0, PDF).status_code == 404

    colleague = Client()
    colleague.force_login(testing.member(org, "supplier_member"))
    assert colleague.head(location, headers=TUS).status_code == 404
    assert patch(colleague, location, 0, PDF).status_code == 404
    assert BidUpload.objects.get().offset == 0


def test_a_wrong_protocol_version_or_chunk_type_is_refused(bidder, draft):
    url = reverse("bids:uploads", args=[draft.pk])
    assert bidder.post(url, headers={"Upload-Length": "10"}).status_code == 412
    location = begin(bidder, draft)["Location"]
    wrong_type = bidder.generic(
        "PATCH", location, PDF, content_type="text/plain", headers={**TUS, "Upload-Offset": "0"}
    )
    assert wrong_type.status_code == 415


def test_chunks_need_the_csrf_token_like_every_change(draft, supplier):
    client = Client(enforce_csrf_checks=True)
    client.force_login(supplier[1])
    page = client.get(reverse("bids:edit", args=[draft.lot_id]))
    token = page.cookies["csrftoken"].value
    url = reverse("bids:uploads", args=[draft.pk])
    headers = {**TUS, "Upload-Length": "10", "Upload-Metadata": _meta(filename="a.pdf")}
    assert client.post(url, headers=headers).status_code == 403
    assert client.post(url, headers={**headers, "X-CSRFToken": token}).status_code == 201


def test_cancelling_removes_the_upload_and_its_bytes(bidder, draft, settings):
    location = begin(bidder, draft)["Location"]
    patch(bidder, location, 0, PDF[:100])
    assert partial_files(settings)
    response = bidder.delete(location, headers=TUS)
    assert response.status_code == 204
    assert not BidUpload.objects.exists() and partial_files(settings) == []


def test_abandoned_uploads_are_removed_by_the_daily_job(bidder, draft, settings):
    location = begin(bidder, draft)["Location"]
    patch(bidder, location, 0, PDF[:100])
    with clock.frozen_at(clock.now() + timedelta(hours=2)):
        assert actions_uploads.remove_abandoned_uploads() == 0
    assert BidUpload.objects.exists()
    with clock.frozen_at(clock.now() + settings.LEVELFIELD_BID_UPLOAD_ABANDONED_AFTER):
        assert actions_uploads.remove_abandoned_uploads() == 1
    assert not BidUpload.objects.exists() and partial_files(settings) == []
    assert any(
        j["task"].endswith("remove_abandoned_uploads") for j in settings.LEVELFIELD_DAILY_JOBS
    )


def test_the_page_gives_the_script_the_servers_limits(bidder, draft, settings):
    page = bidder.get(reverse("bids:edit", args=[draft.lot_id])).content.decode()
    assert f'data-max-bytes="{settings.LEVELFIELD_BID_UPLOAD_MAX_BYTES}"' in page
    assert 'data-extensions="pdf,docx,xlsx,odt,ods,csv,txt"' in page
    assert reverse("bids:uploads", args=[draft.pk]) in page
    assert "build/tus.min.js" in page
    assert "up to 500MB" in page


def test_without_javascript_the_form_upload_takes_a_file_over_the_old_limit(
    bidder, draft, settings
):
    settings.LEVELFIELD_UPLOAD_MAX_BYTES = 1000  # documents' limit: not a bid's
    response = bidder.post(
        reverse("bids:attachment_add", args=[draft.pk]),
        {"attachment-title": "", "attachment-file": testing.pdf("big.pdf", PDF)},
    )
    assert response.status_code == 302
    assert BidAttachment.objects.get().upload_started_at is None


def test_signed_out_mid_upload_is_told_so_not_sent_to_the_sign_in_page(client, draft, supplier):
    client.force_login(supplier[1])
    location = begin(client, draft)["Location"]
    client.logout()
    response = patch(client, location, 0, PDF[:100])
    assert response.status_code == 401
    assert response.content.decode().startswith("You have been signed out.")
    assert BidUpload.objects.get().offset == 0


def test_the_api_gives_both_server_times_of_an_attachment(bidder, draft, supplier, lot):
    from levelfield.accounts.actions import create_api_token

    before = lot.tender.submission_deadline - timedelta(minutes=1)
    with clock.frozen_at(before):
        location = begin(bidder, draft, sha256=PDF_SHA256)["Location"]
    with testing.after_deadline(lot.tender, minutes=10):
        assert patch(bidder, location, 0, PDF).status_code == 204
    _, secret = create_api_token(user=supplier[1], name="tests")
    response = Client().get(
        f"/api/supplier/bids/{draft.pk}", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200, response.content
    [item] = response.json()["attachments"]
    assert item["upload_started_at"].startswith(before.astimezone(UTC).strftime("%Y-%m-%dT%H:%M"))
    assert item["uploaded_at"] > item["upload_started_at"]


def test_the_page_lists_an_unfinished_upload_to_continue(bidder, draft, supplier):
    location = begin(bidder, draft)["Location"]
    patch(bidder, location, 0, PDF[:4096])
    page = bidder.get(reverse("bids:edit", args=[draft.lot_id])).content.decode()
    assert "This upload has not finished" in page
    assert "method.pdf: 4.0\xa0KB of 10.0\xa0KB received" in page
    colleague = Client()
    colleague.force_login(testing.member(supplier[0], "supplier_member"))
    other_page = colleague.get(reverse("bids:edit", args=[draft.lot_id])).content.decode()
    assert "method.pdf" not in other_page


def test_a_name_or_title_with_control_characters_is_kept_without_them(bidder, draft):
    created = begin(bidder, draft, filename="method\nstatement.pdf", title="Method\r\nplan")
    assert created.status_code == 201, created.content
    upload = BidUpload.objects.get()
    assert upload.filename == "methodstatement.pdf"
    assert upload.title == "Methodplan"


@pytest.mark.parametrize("filename", [".pdf", " .pdf", "\n"])
def test_a_file_without_a_name_before_its_extension_is_refused(bidder, draft, filename):
    created = begin(bidder, draft, filename=filename)
    assert created.status_code == 422, created.content
    assert "cannot be empty or start with a full stop" in created.content.decode()
    assert not BidUpload.objects.exists()


def test_a_chunk_left_by_a_failed_transaction_is_replaced_and_strays_are_swept(
    bidder, draft, supplier, settings, monkeypatch
):
    location = begin(bidder, draft)["Location"]
    upload = BidUpload.objects.get()
    # The chunk is stored, then its transaction fails (the row's offset is not moved on).
    monkeypatch.setattr(BidUpload, "save", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        actions_uploads.receive_chunk(upload=upload, by=supplier[1], offset=0, data=b"X" * 500)
    monkeypatch.undo()
    assert BidUpload.objects.get().offset == 0 and len(partial_files(settings)) == 1
    # Sent again (by another server, say): it takes that chunk's place, and the file is whole.
    assert patch(bidder, location, 0, PDF[:700]).status_code == 204
    assert patch(bidder, location, 700, PDF[700:]).status_code == 204
    assert b"".join(attachment_chunks(BidAttachment.objects.get())) == PDF
    # A stray chunk of no upload goes with the daily job once it is an hour old.
    default_storage.save("partial-uploads/gone/000000000000.part", ContentFile(b"stray"))
    assert actions_uploads.remove_abandoned_uploads() == 0
    assert len(partial_files(settings)) == 1
    with clock.frozen_at(clock.now() + timedelta(hours=2)):
        actions_uploads.remove_abandoned_uploads()
    assert partial_files(settings) == []


BAD_NUMBERS = ["", "²", "٣", "-1", "0x1", "1e3", "9" * 5000, "9" * 19]


def test_a_size_or_offset_that_is_not_ascii_digits_is_refused(bidder, draft):
    """Upload-Length and Upload-Offset are read by core.numbers (ASCII digits, 18 at most): "²"
    or "٣" (which str.isdigit takes) and 5,000 digits are refused as any bad number is."""
    url = reverse("bids:uploads", args=[draft.pk])
    for bad in BAD_NUMBERS:
        refused = bidder.post(url, headers={**TUS, "Upload-Length": bad})
        assert refused.status_code == 400, bad
        assert "Upload-Length must be the file's size in bytes" in refused.content.decode()
    location = begin(bidder, draft)["Location"]
    for bad in BAD_NUMBERS:
        refused = bidder.generic(
            "PATCH", location, PDF, content_type=CHUNK, headers={**TUS, "Upload-Offset": bad}
        )
        assert refused.status_code == 400, bad
    assert patch(bidder, location, 0, PDF).status_code == 204
