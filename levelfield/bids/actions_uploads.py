"""A bid's large files, sent in resumable chunks (the tus protocol 1.0: views_uploads.py).

The rules, on the server's clock:

- An upload begins (`begin_upload`) only while the bid could take a file by the plain form: the
  tender open, before its submission deadline, the bid a draft or withdrawn, by someone who may
  change it. Its name and declared size are checked then (type by extension, not empty, at most
  LEVELFIELD_BID_UPLOAD_MAX_BYTES), so a file that would be refused is refused before a byte is
  sent. The time it began is recorded.
- Its chunks (`receive_chunk`) continue it from the offset received so far, by the person who
  began it. Never more bytes than declared are taken: a chunk that would pass the declared size
  is refused before any of it is written.
- An upload begun before the deadline may go on, and finish, after it: until
  LEVELFIELD_BID_UPLOAD_GRACE (2 hours) past the deadline, so a half upload cannot be finished
  days later. A dropped connection near the deadline therefore loses nothing. But bytes sent
  after the deadline could be chosen after it: so only an upload that declared the file's
  SHA-256 when it began (metadata `sha256`, before the deadline) goes on after the deadline,
  and the finished file must match it. One without a declared SHA-256 must finish before the
  deadline; after it, its chunks are refused saying so (the bid page's script declares it).
- Nor may a file join a bid once its buyer has opened the bids: an upload stops when the tender
  leaves "published" (evaluation opened, or cancelled), whatever the time. The buyer cannot
  open them while uploads that may still be accepted are arriving (`still_arriving`, which
  `tenders.actions.open_evaluation` asks): both lock the tender's row first, so one of them
  waits for the other.
- When the last byte arrives the whole file passes the checks every attachment passes
  (`actions.store_attachment`: type by extension and content, size) and becomes an attachment of
  the bid recording both server times, when the upload began (`upload_started_at`) and when it
  finished (`uploaded_at`). A file that fails them is refused, and its upload and bytes removed.

What a file finished after the deadline means for the bid (a bid uploaded is not a bid
submitted: the portal cases turn on this):

- Submitting stays strictly before the deadline (`actions.submit_bid`). Beginning an upload
  extends nothing else: the price, answers and every other file are as they were at the deadline.
- A bid submitted while an upload it began is still running keeps it: when the upload finishes
  (before or, within the grace period, after the deadline) its file joins the submitted bid, and
  the uploader is emailed the file's SHA-256 and both times, as a receipt for it. The bid's
  receipt hash covers what was there when it was submitted.
- A draft bid (never submitted, or withdrawn) still gets the file after the deadline, with both
  times, but remains unsubmitted: it is not considered, as its page says.
- Bids stay sealed whatever happens: attachments are read by the buyer only through
  `Bid.objects.unsealed_for_buyer`, after the deadline, and the audit events are sealed until it.
- A client may declare the file's SHA-256 when it begins (metadata `sha256`): the finished file
  must then match it, which fixes its content before the deadline.
"""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

from levelfield.core import audit, clock
from levelfield.core.display import uk_time
from levelfield.core.errors import DomainError, PermissionDenied
from levelfield.core.notify import email_on_commit
from levelfield.core.permissions import require
from levelfield.core.storage import walk
from levelfield.core.uploads import check_declared, files_removed_on_failure
from levelfield.tenders.lifecycle import Status as TenderStatus
from levelfield.tenders.models import Tender

from .actions import lock_editable_bid, store_attachment
from .models import PARTIAL_UPLOADS, Bid, BidStatus, BidUpload
from .sealing import append_partial, opened_partial, remove_partial

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class OffsetMismatch(DomainError):
    """The chunk does not continue from where the upload is (tus: 409 Conflict)."""

    code = "offset_mismatch"
    status = 409


class TooLarge(DomainError):
    """More than the declared size, or than the limit (tus: 413)."""

    code = "too_large"
    status = 413


class UploadGone(DomainError):
    """Too late to continue: the grace period after the deadline is over (tus: 410 Gone)."""

    code = "upload_expired"
    status = 410


def _check_declared(filename: str, length: int) -> None:
    """The checks that can be made before any byte: type by extension, empty, size (the content
    is checked, and scanned, when it has arrived)."""
    limit = settings.LEVELFIELD_BID_UPLOAD_MAX_BYTES
    if length > limit:
        raise TooLarge(f"{filename} must be smaller than {limit // (1024 * 1024)}MB")
    try:
        check_declared(filename, length, max_bytes=limit)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="invalid_file") from exc


def _printable(text: str) -> str:
    """`text` without control characters (a name or title typed in a tus header's metadata can
    carry a line break that the stored file's name would not)."""
    return "".join(ch if ch.isprintable() else "" for ch in text)


@transaction.atomic
def begin_upload(
    *, bid: Bid, by, filename: str, length: int, title: str = "", sha256: str = ""
) -> BidUpload:
    """Begin a resumable upload to a bid: see the module's rules."""
    filename = _printable(filename).strip().replace("/", "_").replace("\\", "_")[:255]
    if not filename or filename.startswith("."):
        raise DomainError(
            "Give the file's name: it cannot be empty or start with a full stop",
            code="invalid_file",
        )
    title = _printable(title)
    sha256 = sha256.strip().lower()
    if sha256 and not SHA256.match(sha256):
        raise DomainError("sha256 must be 64 hexadecimal digits", code="validation_error")
    bid = lock_editable_bid(bid=bid, by=by)
    _check_declared(filename, length)
    now = clock.now()
    upload = BidUpload.objects.create(
        bid=bid,
        token=secrets.token_urlsafe(32),
        created_by=by,
        filename=filename,
        title=title.strip()[:200],
        length=length,
        declared_sha256=sha256,
        started_at=now,
        updated_at=now,
    )
    audit.record(
        action="bid.upload_started",
        obj=bid,
        actor=by,
        organisation=bid.supplier,
        sealed_until=bid.sealed_until,
        filename=filename,
        length=length,
        started_at=now.isoformat(),
    )
    return upload


def why_it_cannot_go_on(upload: BidUpload, tender: Tender) -> str | None:
    """Why `upload` can take no more bytes now, or None: the rules of the module's docstring
    (grace period, declared SHA-256 after the deadline, bids opened), in words for its client."""
    now = clock.now()
    if tender.status != TenderStatus.PUBLISHED:
        if tender.status == TenderStatus.CANCELLED:
            return "Too late to finish this upload: the tender has been cancelled"
        return "Too late to finish this upload: the buyer has opened the bids for evaluation"
    deadline = tender.submission_deadline
    assert deadline is not None  # a tender is published only with a submission deadline
    if now >= deadline + settings.LEVELFIELD_BID_UPLOAD_GRACE:
        return (
            "Too late to finish this upload: files begun before the deadline may finish up to "
            f"{_hours(settings.LEVELFIELD_BID_UPLOAD_GRACE)} after it"
        )
    if now >= deadline and not upload.declared_sha256:
        return (
            "Too late to finish this upload: the deadline has passed, and a file may finish "
            "after it only if its SHA-256 was declared when its upload began"
        )
    return None


def _locked(upload: BidUpload, by) -> BidUpload:
    """Lock in the fixed order (tender, bid, upload) and check the upload may go on."""
    require(by, "bids.change_bid", upload.bid)
    if upload.created_by_id != by.pk:
        raise PermissionDenied("Only the person who began this upload can continue it")
    tender = Tender.objects.select_for_update().get(pk=upload.bid.lot.tender_id)
    Bid.objects.select_for_update().get(pk=upload.bid_id)
    try:
        upload = (
            BidUpload.objects.select_for_update()
            .select_related("bid__lot__tender", "bid__supplier")
            .get(pk=upload.pk)
        )
    except BidUpload.DoesNotExist as exc:
        raise UploadGone("This upload has finished or been removed") from exc
    refused = why_it_cannot_go_on(upload, tender)
    if refused:
        raise UploadGone(refused)
    return upload


def still_arriving(tender: Tender) -> tuple[int, object]:
    """How many uploads to the tender's submitted bids may still be accepted after its deadline
    (begun before it with a declared SHA-256, its grace period not over), and when the last of
    them must have finished: (0, None) when there are none. Opening the bids waits for them.

    A draft's upload is not counted (a bid not submitted is not considered, and anyone could
    otherwise hold the opening back by starting one), nor one without a declared SHA-256 (it
    cannot finish after the deadline). For an action that has locked the tender."""
    if tender.status != TenderStatus.PUBLISHED:
        return 0, None
    deadline = tender.submission_deadline
    assert deadline is not None  # a tender is published only with a submission deadline
    ends = deadline + settings.LEVELFIELD_BID_UPLOAD_GRACE
    if clock.now() >= ends:
        return 0, None
    count = (
        BidUpload.objects.filter(
            bid__lot__tender=tender,
            bid__status=BidStatus.SUBMITTED,
            started_at__lt=deadline,
        )
        .exclude(declared_sha256="")
        .count()
    )
    return count, (ends if count else None)


def _hours(period: timedelta) -> str:
    hours = period / timedelta(hours=1)
    return f"{hours:g} hour{'s' if hours != 1 else ''}"


@transaction.atomic
def _append(*, upload: BidUpload, by, offset: int, data: bytes) -> BidUpload:
    upload = _locked(upload, by)
    if offset != upload.offset:
        raise OffsetMismatch(
            f"This upload has {upload.offset} bytes; continue from there, not from {offset}"
        )
    if offset + len(data) > upload.length:
        raise TooLarge(
            f"{upload.filename} was declared as {upload.length} bytes: this chunk would pass it"
        )
    # Stored as a file of its own named by its offset (in shared storage: the next chunk may
    # reach another server), so a chunk whose transaction failed is replaced by the next; sealed
    # with the tender's key, like the attachment it becomes (bids/sealing.py).
    if not append_partial(
        prefix=upload.partial_prefix,
        token=upload.token,
        bid_id=upload.bid_id,
        offset=offset,
        data=data,
    ):
        raise UploadGone(f"The bytes of {upload.filename} received so far are lost: begin again")
    upload.offset = offset + len(data)
    upload.updated_at = clock.now()
    upload.save(update_fields=["offset", "updated_at"])
    return upload


def receive_chunk(*, upload: BidUpload, by, offset: int, data: bytes):
    """Append a chunk at `offset` (which must be what the upload has). Returns the upload and,
    when this chunk completed it, the attachment it became. A completed file that fails the
    checks is refused (DomainError) and its upload and bytes are removed."""
    upload = _append(upload=upload, by=by, offset=offset, data=data)
    if upload.offset < upload.length:
        return upload, None
    try:
        attachment = _complete(upload=upload, by=by)
    except DomainError as exc:
        _discard(upload=upload, by=by, reason=exc.message)
        raise
    finally:
        # Its row gone (finished or refused), or still there and its bytes needed again.
        if not BidUpload.objects.filter(pk=upload.pk).exists():
            remove_partial(upload.partial_prefix)
    return upload, attachment


@files_removed_on_failure
@transaction.atomic
def _complete(*, upload: BidUpload, by):
    upload = _locked(upload, by)
    bid = upload.bid
    with opened_partial(
        prefix=upload.partial_prefix, token=upload.token, length=upload.length
    ) as handle:
        received = File(handle, name=upload.filename)
        attachment = store_attachment(
            bid=bid, by=by, title=upload.title, upload=received, started_at=upload.started_at
        )
    if upload.declared_sha256 and attachment.sha256 != upload.declared_sha256:
        raise DomainError(
            f"{upload.filename} is not the file declared when the upload began (its SHA-256 "
            "differs)",
            code="invalid_file",
        )
    BidUpload.objects.filter(pk=upload.pk).delete()
    if not bid.is_editable:
        # Begun before the bid was submitted: the file joins it, with its own receipt.
        email_on_commit(
            to=by.email,
            subject=f"File received: {bid.lot.tender.reference} lot {bid.lot.number}",
            body=f"{attachment.title} was received whole at {uk_time(attachment.uploaded_at)} "
            f"({attachment.uploaded_at.isoformat()}, server time); its upload began at "
            f"{uk_time(upload.started_at)} ({upload.started_at.isoformat()}).\n"
            f"It is part of your submitted bid. SHA-256 of the file: {attachment.sha256}\n",
        )
    return attachment


@transaction.atomic
def _discard(*, upload: BidUpload, by, reason: str) -> None:
    deleted, _ = BidUpload.objects.filter(pk=upload.pk).delete()
    if deleted:
        bid = upload.bid
        audit.record(
            action="bid.upload_refused",
            obj=bid,
            actor=by,
            organisation=bid.supplier,
            sealed_until=bid.sealed_until,
            filename=upload.filename,
            reason=reason,
        )


def cancel_upload(*, upload: BidUpload, by) -> None:
    """Stop an upload and remove what it received (tus termination)."""
    require(by, "bids.change_bid", upload.bid)
    if upload.created_by_id != by.pk:
        raise PermissionDenied("Only the person who began this upload can cancel it")
    with transaction.atomic():
        BidUpload.objects.filter(pk=upload.pk).delete()
    remove_partial(upload.partial_prefix)


def remove_abandoned_uploads() -> int:
    """Remove uploads nobody can finish any more (past the grace period after their tender's
    deadline, past the deadline without a declared SHA-256, or their bids opened) or left
    without a chunk for LEVELFIELD_BID_UPLOAD_ABANDONED_AFTER, and any partial file without an
    upload (a chunk stored by a transaction that failed, or a removal cut short) that is more
    than an hour old. A daily job; returns how many uploads went."""
    now = clock.now()
    stale = BidUpload.objects.filter(
        Q(updated_at__lt=now - settings.LEVELFIELD_BID_UPLOAD_ABANDONED_AFTER)
        | Q(bid__lot__tender__submission_deadline__lte=now - settings.LEVELFIELD_BID_UPLOAD_GRACE)
        | Q(bid__lot__tender__submission_deadline__lte=now, declared_sha256="")
        | ~Q(bid__lot__tender__status=TenderStatus.PUBLISHED)
    )
    removed = 0
    for upload in stale.select_related("bid__lot__tender"):
        with transaction.atomic():
            if BidUpload.objects.filter(pk=upload.pk).delete()[0]:
                removed += 1
        remove_partial(upload.partial_prefix)
    known = {f"{PARTIAL_UPLOADS}/{t}/" for t in BidUpload.objects.values_list("token", flat=True)}
    for name in walk(default_storage, PARTIAL_UPLOADS):
        if name[: name.rindex("/") + 1] in known:
            continue
        if default_storage.get_modified_time(name) < now - timedelta(hours=1):
            default_storage.delete(name)
    return removed
