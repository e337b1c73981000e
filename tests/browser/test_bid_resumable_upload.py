"""A large file uploaded to a bid in Debian's Chromium, in chunks, with the connection dropped
half-way: the upload asks the server how much arrived and continues from there, and the file is
attached whole. Before sending, the page computes the file's SHA-256 (in slices) and declares it
when the upload begins, so it could finish after the deadline; with the deadline an hour away
the page warns that files must finish before it otherwise. A file of the wrong type or over the
limit is refused at the field as soon as it is chosen. axe checks the page, the errors shown
too."""

import base64
import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse

from levelfield.bids import actions as bid_actions
from levelfield.bids.models import BidAnswer, BidAttachment, BidUpload
from levelfield.bids.sealing import attachment_chunks
from levelfield.core import clock
from levelfield.core.display import uk_time
from levelfield.tenders.models import Tender
from tests.support import testing

from .test_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHUNK = 64 * 1024
PDF = b"%PDF-1.4\n" + bytes(range(256)) * (5 * CHUNK // 256)  # just over five chunks


def test_an_upload_dropped_half_way_resumes_and_completes(
    live_server, browser_context, axe, settings
):
    settings.LEVELFIELD_BID_UPLOAD_CHUNK_BYTES = CHUNK
    settings.LEVELFIELD_BID_UPLOAD_MAX_BYTES = 1024 * 1024
    council = testing.buyer_org("Wessex County Council")
    officer = testing.member(council, "buyer_officer")
    tender = testing.published_tender(buyer=council, by=officer)
    lot = tender.lots.get()
    supplier, user = testing.supplier_with_user("Acorn Care Ltd")
    bid = bid_actions.start_bid(lot=lot, supplier=supplier, by=user)
    # The deadline an hour away: within the grace period before it, the page warns.
    deadline = (clock.now() + timedelta(hours=1)).replace(second=0, microsecond=0)
    Tender.objects.filter(pk=tender.pk).update(
        clarification_deadline=deadline - timedelta(hours=2), submission_deadline=deadline
    )

    page = browser_context.new_page()
    sign_in(page, live_server.url, user, axe)
    page.goto(live_server.url + reverse("bids:edit", args=[lot.pk]))
    page.get_by_text(
        f"Files must finish uploading before the deadline, {uk_time(deadline)}, unless"
    ).wait_for()
    axe.check(page)
    chooser = page.get_by_label("Upload a file")

    # Refused at the field as soon as each is chosen, before anything is sent.
    chooser.set_input_files(
        files=[{"name": "tool.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}]
    )
    page.get_by_text("tool.exe must be one of these file types: PDF, DOCX").wait_for()
    axe.check(page)
    chooser.set_input_files(
        files=[{"name": "huge.pdf", "mimeType": "application/pdf", "buffer": b"%" * (1 << 20 | 1)}]
    )
    page.get_by_text("huge.pdf must be smaller than 1MB").wait_for()
    assert page.get_by_text("tool.exe must be one of").count() == 0
    chooser.set_input_files(
        files=[{"name": "empty.pdf", "mimeType": "application/pdf", "buffer": b""}]
    )
    page.get_by_text("empty.pdf is empty").wait_for()
    assert not BidUpload.objects.exists()

    # The connection drops during the third chunk: that request never reaches the server.
    seen: list[str] = []
    dropped: list[str] = []

    def route(request_route):
        request = request_route.request
        seen.append(request.method)
        if request.method == "PATCH" and seen.count("PATCH") == 3 and not dropped:
            dropped.append(request.headers.get("upload-offset", ""))
            request_route.abort("connectionreset")
        else:
            request_route.continue_()

    page.route("**/uploads/**", route)
    created: list[str] = []
    page.on(
        "request",
        lambda r: (
            created.append(r.headers.get("upload-metadata", ""))
            if r.method == "POST" and "/uploads/" in r.url
            else None
        ),
    )
    # Hashed in slices of 100,000 bytes: four of them, the last one short.
    page.locator("#bid-upload").evaluate(
        "box => box.setAttribute('data-hash-slice-bytes', '100000')"
    )
    page.get_by_label("Title (optional)").fill("Method statement")
    # Set without an input event, so the autosave (tested on its own) does not store it: only the
    # form's save after the upload can (and the SQLite test database has no two writers racing).
    page.get_by_label("Your answer to question 1").evaluate(
        "field => { field.value = 'Typed before the upload.'; }"
    )
    chooser.set_input_files(
        files=[{"name": "method.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    assert page.locator(".govuk-error-message").count() == 0
    page.get_by_role("button", name="Upload file").click()
    page.get_by_text("Method statement has been attached to your bid").wait_for()
    axe.check(page)

    # The file's SHA-256 was declared when the upload began.
    [metadata] = created
    declared = dict(pair.split(" ") for pair in metadata.split(","))
    assert base64.b64decode(declared["sha256"]).decode() == hashlib.sha256(PDF).hexdigest()
    assert base64.b64decode(declared["filename"]).decode() == "method.pdf"
    assert dropped == [str(2 * CHUNK)]
    # After the drop the client asked where the upload was, then went on from there.
    after = seen[seen.index("PATCH") :]
    assert "HEAD" in after
    assert seen.count("PATCH") == 7  # six chunks, one of them twice
    attachment = BidAttachment.objects.get(bid=bid)
    assert b"".join(attachment_chunks(attachment)) == PDF  # stored sealed: bids/sealing.py
    assert attachment.upload_started_at is not None
    assert attachment.upload_started_at <= attachment.uploaded_at
    assert not BidUpload.objects.exists()
    # The answer typed was saved with it, as the plain form's upload does.
    first = lot.questions.order_by("number").first()
    assert BidAnswer.objects.get(bid=bid, question=first).text == "Typed before the upload."
    assert not axe.violations, axe.violations
