"""The size limit of uploads is kept while the request is read (core/upload_limits.py): a file
over its limit stops the reading at the limit, a request whose Content-Length is already too
large is refused before a byte of it is read, the answer is a clear 413 (the GOV.UK page, or
the API's error shape) and nothing is stored."""

import gc
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadhandler import FileUploadHandler
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.bids import actions as bid_actions
from levelfield.bids.models import BidAttachment
from levelfield.suppliers.models import Certificate

pytestmark = pytest.mark.django_db

BOUNDARY = "levelfieldboundary"
MB = 1024 * 1024


class Body:
    """A multipart body made as it is read, never held whole: the form's fields, then the file
    `name` of `size` bytes (a PDF), then the end. Counts the bytes read from it."""

    def __init__(self, fields: dict[str, str], *, name: str, size: int, field="document"):
        head = "".join(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
            for key, value in fields.items()
        )
        head += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n'
        )
        self.head = head.encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.filler = size - len(b"%PDF-1.4\n")
        self.length = len(self.head) + self.filler + len(self.tail)
        self.read_bytes = 0

    def read(self, size=-1):
        if size is None or size < 0:
            size = self.length - self.read_bytes
        size = min(size, self.length - self.read_bytes)
        out = bytearray()
        position = self.read_bytes
        end = position + size
        filler_end = len(self.head) + self.filler
        while position < end:
            if position < len(self.head):
                piece = self.head[position : min(end, len(self.head))]
            elif position < filler_end:
                piece = b"0" * (min(end, filler_end) - position)
            else:
                start = position - filler_end
                piece = self.tail[start : start + end - position]
            out += piece
            position += len(piece)
        self.read_bytes = position
        return bytes(out)

    def readline(self, size=-1):  # not used by the multipart parser; present for WSGI
        return self.read(size)


def post(client, path, body: Body, *, content_length: int | None = None, **extra):
    return client.generic(
        "POST",
        path,
        **{
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            "wsgi.input": body,
            "CONTENT_LENGTH": str(body.length if content_length is None else content_length),
            **extra,
        },
    )


CERTIFICATE = {
    "kind": "other",
    "title": "Food hygiene",
    "issuer": "Council",
    "number": "1",
    "expires_on": "01/01/2099",
}
API_CERTIFICATE = {**CERTIFICATE, "expires_on": "2099-01-01"}
RECEIVED: list[int] = []


class Recording(FileUploadHandler):
    """After the limit handler: notes each chunk of a file that gets past it."""

    def receive_data_chunk(self, raw_data, start):
        RECEIVED.append(len(raw_data))
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture
def small_limit(settings):
    settings.LEVELFIELD_UPLOAD_MAX_BYTES = 1 * MB
    settings.LEVELFIELD_UPLOAD_MAX_FILES = 10
    settings.FILE_UPLOAD_HANDLERS = [
        settings.FILE_UPLOAD_HANDLERS[0],
        f"{__name__}.Recording",
        *settings.FILE_UPLOAD_HANDLERS[1:],
    ]
    settings.FILE_UPLOAD_TEMP_DIR = tempfile.mkdtemp()
    RECEIVED.clear()
    yield settings
    RECEIVED.clear()


@pytest.fixture
def signed_in(client, supplier):
    client.force_login(supplier[1])
    return client


def temp_files(settings) -> list[Path]:
    gc.collect()  # an upload's temporary file goes when its object does
    return list(Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir())


def test_a_file_over_its_limit_is_kept_no_further_and_the_form_says_so(signed_in, small_limit):
    """12 MB sent, within what ten files may be: nothing past 1 MB of it is kept (in memory or
    on disk), the rest is read only to reach the fields after it, and the form shows its usual
    error with what was typed."""
    body = Body(CERTIFICATE, name="scan.pdf", size=12 * MB)
    body.tail = (
        b"\r\n--"
        + BOUNDARY.encode()
        + (b'\r\nContent-Disposition: form-data; name="title"\r\n\r\nTyped after the file')
        + body.tail
    )
    body.length = len(body.head) + body.filler + len(body.tail)
    response = post(signed_in, reverse("suppliers:certificates"), body)

    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "scan.pdf must be smaller than 1MB" in page
    assert "Typed after the file" in page and "Council" in page
    assert sum(RECEIVED) <= 1 * MB + 64 * 1024  # what the handlers after the limit kept
    assert not Certificate.objects.exists()
    assert temp_files(small_limit) == []


def test_a_file_past_the_largest_limit_stops_the_reading_there(signed_in, small_limit):
    """Past the largest limit any upload has (a bid's attachments'), no view reads on."""
    small_limit.LEVELFIELD_BID_UPLOAD_MAX_BYTES = 2 * MB
    body = Body(CERTIFICATE, name="scan.pdf", size=12 * MB)
    response = post(signed_in, reverse("suppliers:certificates"), body)

    assert response.status_code == 413
    page = response.content.decode()
    assert "scan.pdf must be smaller than 1MB" in page
    assert "govuk-error-summary" in page and "Nothing you sent has been saved" in page
    # Read: the fields and the file up to 2 MB and one chunk (64 KB) more, not 12 MB.
    assert body.read_bytes < 2 * MB + 2 * 64 * 1024 + len(body.head)
    assert sum(RECEIVED) <= 1 * MB + 64 * 1024
    assert not Certificate.objects.exists()
    assert temp_files(small_limit) == []


def test_the_control_a_file_under_the_limit_is_read_whole_and_stored(signed_in, small_limit):
    body = Body(CERTIFICATE, name="scan.pdf", size=MB - 1000)
    response = post(signed_in, reverse("suppliers:certificates"), body)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert body.read_bytes == body.length
    assert Certificate.objects.get().size == MB - 1000


def test_a_2_gb_request_is_refused_before_a_byte_of_it_is_read(signed_in, small_limit):
    body = Body(CERTIFICATE, name="huge.pdf", size=2048 * MB)
    response = post(signed_in, reverse("suppliers:certificates"), body)

    assert response.status_code == 413
    assert "What you sent is 2,048MB" in response.content.decode()
    assert body.read_bytes == 0
    assert RECEIVED == []


def test_the_api_answers_413_in_its_error_shape(client, supplier, small_limit):
    token = create_api_token(user=supplier[1], name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = Body(API_CERTIFICATE, name="scan.pdf", size=5 * MB)
    response = post(client, "/api/supplier/certificates", body, **auth)

    assert response.status_code == 400  # over its own limit: the operation's refusal
    assert response.json()["code"] == "invalid_file"
    assert response.json()["message"] == "scan.pdf must be smaller than 1MB"
    assert sum(RECEIVED) <= 1 * MB + 64 * 1024
    assert not Certificate.objects.exists()

    small_limit.LEVELFIELD_BID_UPLOAD_MAX_BYTES = 2 * MB
    past = Body(API_CERTIFICATE, name="scan.pdf", size=5 * MB)
    response = post(client, "/api/supplier/certificates", past, **auth)
    assert response.status_code == 413
    assert response.json() == {
        "code": "file_too_large",
        "message": "scan.pdf must be smaller than 1MB. Nothing was saved.",
        "details": [],
    }
    assert past.read_bytes < 3 * MB

    whole = Body(API_CERTIFICATE, name="huge.pdf", size=2048 * MB)
    refused = post(client, "/api/supplier/certificates", whole, **auth)
    assert refused.status_code == 413 and refused.json()["code"] == "file_too_large"
    assert whole.read_bytes == 0


def test_more_files_than_a_request_takes_are_refused(signed_in, small_limit):
    small_limit.LEVELFIELD_UPLOAD_MAX_FILES = 1
    body = Body(CERTIFICATE, name="one.pdf", size=1000)
    second = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="other"; filename="two.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.4 two"
    ).encode()
    body.tail = b"\r\n" + second + body.tail
    body.length += len(second) + 2
    response = post(signed_in, reverse("suppliers:certificates"), body)

    assert response.status_code == 413
    assert "Send at most 1 files at once" in response.content.decode()
    assert not Certificate.objects.exists()


def test_a_bid_attachment_has_the_bids_limit_while_it_streams(
    signed_in, small_limit, supplier, tender
):
    """The bid page's form takes larger files (LEVELFIELD_BID_UPLOAD_MAX_BYTES): the view says
    so, and the limit is kept there too."""
    small_limit.LEVELFIELD_BID_UPLOAD_MAX_BYTES = 3 * MB
    org, user = supplier
    bid = bid_actions.start_bid(lot=tender.lots.get(), supplier=org, by=user)
    url = reverse("bids:attachment_add", args=[bid.pk])

    taken = Body(
        {"attachment-title": "Method"}, name="method.pdf", size=2 * MB, field="attachment-file"
    )
    assert post(signed_in, url, taken).status_code == 302
    assert BidAttachment.objects.get().size == 2 * MB

    over = Body(
        {"attachment-title": "Method"}, name="big.pdf", size=7 * MB, field="attachment-file"
    )
    response = post(signed_in, url, over)
    assert response.status_code == 413
    assert "big.pdf must be smaller than 3MB" in response.content.decode()
    assert over.read_bytes < 3 * MB + 2 * 64 * 1024 + len(over.head)
    assert BidAttachment.objects.count() == 1
