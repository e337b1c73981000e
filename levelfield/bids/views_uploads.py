"""Resumable uploads to a bid: the core of the tus protocol 1.0.0 (https://tus.io), with its
creation and termination extensions, under the bid's pages (signed in, CSRF token in the
X-CSRFToken header, like every other change a page makes). The bid page's script (tus-js-client)
speaks it; the rules are the domain's (`actions_uploads`).

    OPTIONS  bids/<bid>/uploads/          what the server supports (Tus-Version, Tus-Max-Size)
    POST     bids/<bid>/uploads/          begin: Upload-Length, Upload-Metadata (filename,
                                          title, sha256; values base64) -> 201, Location
    HEAD     bids/<bid>/uploads/<token>/  how much has arrived: Upload-Offset, Upload-Length
    PATCH    bids/<bid>/uploads/<token>/  a chunk (application/offset+octet-stream) from
                                          Upload-Offset -> 204 with the new Upload-Offset; the
                                          last one makes the file an attachment
    DELETE   bids/<bid>/uploads/<token>/  cancel and remove what arrived

Refusals are plain text saying why, with the status the protocol gives: 401 once signed out,
404 for anything not
the caller's (another organisation's bid, another person's upload), 409 for a PATCH from the
wrong offset (and for a bid that can no longer take a file), 410 once the upload cannot go on (the
grace period after the deadline over, the deadline passed without a declared SHA-256, the bids
opened), 412 for another protocol version, 413 over the declared size or the limit,
415 for a chunk of the wrong type, 422 for a file refused by the checks.
"""

import base64
import binascii
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from levelfield.core.errors import DomainError, PermissionDenied
from levelfield.core.numbers import read_number

from . import actions_uploads, selectors
from .views import supplier_required

TUS_VERSION = "1.0.0"
CHUNK_TYPE = "application/offset+octet-stream"
HEADER_NUMBER_LIMIT = 10**18 - 1  # Upload-Length and Upload-Offset: 18 digits at most


def _tus(response: HttpResponse) -> HttpResponse:
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    return response


def _refuse(message: str, status: int) -> HttpResponse:
    return _tus(HttpResponse(message, status=status, content_type="text/plain; charset=utf-8"))


def _refusal(exc: DomainError) -> HttpResponse:
    if exc.code in {"invalid_file", "validation_error"}:
        return _refuse(exc.message, 422)
    return _refuse(exc.message, exc.status)


def signed_in_supplier(view):
    """As the bid pages (`supplier_required`), except that someone signed out (a session ended
    mid-upload) is answered 401 saying what to do, not sent to the sign-in page: a script, not a
    person, follows the answer."""
    page = supplier_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _refuse(
                "You have been signed out. Sign in again in another tab, then upload the file "
                "again: it continues from where it stopped.",
                401,
            )
        return page(request, *args, **kwargs)

    return wrapper


def _bid(request, bid_id: int):
    bid = selectors.bid_of(request.organisation, bid_id)
    if bid is None or not request.user.has_perm("bids.change_bid", bid):
        raise Http404("No bid of yours has that number")
    return bid


def _options() -> HttpResponse:
    response = _tus(HttpResponse(status=204))
    response["Tus-Version"] = TUS_VERSION
    response["Tus-Extension"] = "creation,termination"
    response["Tus-Max-Size"] = str(settings.LEVELFIELD_BID_UPLOAD_MAX_BYTES)
    return response


def _wrong_version(request) -> HttpResponse | None:
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        response = _refuse(f"This server speaks tus {TUS_VERSION} (Tus-Resumable header)", 412)
        response["Tus-Version"] = TUS_VERSION
        return response
    return None


def _number(request, header: str) -> int | None:
    """A size or an offset in bytes: ASCII digits, at most 18 of them (far past any file, and
    inside the 64-bit integers the databases take), else None."""
    return read_number(request.headers.get(header, ""), most=HEADER_NUMBER_LIMIT)


def metadata(header: str) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64value` pairs (tus 1.0.0)."""
    found = {}
    for pair in header.split(","):
        parts = pair.strip().split(" ")
        if not parts[0]:
            continue
        try:
            value = base64.b64decode(parts[1], validate=True).decode() if len(parts) > 1 else ""
        except (binascii.Error, UnicodeDecodeError, ValueError):
            value = ""
        found[parts[0]] = value.replace("\x00", "")
    return found


@signed_in_supplier
@require_http_methods(["OPTIONS", "POST"])
def uploads(request, bid_id: int):
    """Begin a resumable upload to the bid (tus creation)."""
    bid = _bid(request, bid_id)
    if request.method == "OPTIONS":
        return _options()
    refused = _wrong_version(request)
    if refused:
        return refused
    if "Upload-Defer-Length" in request.headers:
        return _refuse("Give the file's size (Upload-Length) when the upload begins", 400)
    length = _number(request, "Upload-Length")
    if length is None:
        return _refuse("Upload-Length must be the file's size in bytes", 400)
    meta = metadata(request.headers.get("Upload-Metadata", ""))
    try:
        upload = actions_uploads.begin_upload(
            bid=bid,
            by=request.user,
            filename=meta.get("filename") or meta.get("name") or "",
            title=meta.get("title", ""),
            sha256=meta.get("sha256", ""),
            length=length,
        )
    except PermissionDenied as exc:
        raise Http404("No bid of yours has that number") from exc
    except DomainError as exc:
        return _refusal(exc)
    response = _tus(HttpResponse(status=201))
    response["Location"] = request.build_absolute_uri(
        reverse("bids:upload", args=[bid.pk, upload.token])
    )
    return response


@signed_in_supplier
@require_http_methods(["OPTIONS", "HEAD", "PATCH", "DELETE"])
def upload(request, bid_id: int, token: str):
    """One resumable upload: how far it is (HEAD), its next chunk (PATCH), cancel (DELETE)."""
    bid = _bid(request, bid_id)
    if request.method == "OPTIONS":
        return _options()
    item = selectors.upload_of(bid, token, request.user)
    if item is None:
        raise Http404("No upload of yours has that address")
    refused = _wrong_version(request)
    if refused:
        return refused
    try:
        if request.method == "HEAD":
            return _head(item)
        if request.method == "DELETE":
            actions_uploads.cancel_upload(upload=item, by=request.user)
            return _tus(HttpResponse(status=204))
        return _patch(request, item)
    except PermissionDenied as exc:
        raise Http404("No upload of yours has that address") from exc
    except DomainError as exc:
        return _refusal(exc)


def _head(item) -> HttpResponse:
    refused = actions_uploads.why_it_cannot_go_on(item, item.bid.lot.tender)
    if refused:
        return _refuse(refused, 410)
    response = _tus(HttpResponse(status=200))
    response["Upload-Offset"] = str(item.offset)
    response["Upload-Length"] = str(item.length)
    return response


def _patch(request, item) -> HttpResponse:
    if request.content_type != CHUNK_TYPE:
        return _refuse(f"Send each chunk as {CHUNK_TYPE}", 415)
    offset = _number(request, "Upload-Offset")
    if offset is None:
        return _refuse("Upload-Offset must say where this chunk starts", 400)
    # The body is at most the 5 MB any request may carry (RequestTooLargeMiddleware has read
    # it); the action refuses it unwritten when it would pass the declared size.
    upload, attachment = actions_uploads.receive_chunk(
        upload=item, by=request.user, offset=offset, data=request.body
    )
    if attachment is not None:
        messages.success(request, f"{attachment.title} has been attached to your bid")
    response = _tus(HttpResponse(status=204))
    response["Upload-Offset"] = str(upload.offset)
    return response
