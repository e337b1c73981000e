"""Bids sealed at rest until their tender's bids are opened (issue 17).

Access rules already keep a bid from every buyer role until the deadline; this keeps it from a
copy of the database or of the stored files too, and from anyone reading them directly:

- Each tender has a data key of its own (`TenderKey`), made when its first bid content is
  saved and stored only wrapped by the key service (core/keys.py: a key-encryption key held
  outside the database, or a KMS).
- While the tender is a draft or published, a bid's price, its answers' texts, the words of its
  social value commitments (socialvalue) and who its subcontractors are (suppliers) are stored
  encrypted (core/sealing.py: AES-GCM, bound to the bid and the field) with their columns left
  empty, and its attachments' bytes are stored encrypted (`seal_upload`, read back
  through `attachment_chunks`). The server opens them for the reads the access rules allow
  (the supplier's own pages and API), so the supplier sees its draft and submitted bid.
- The receipt hash is computed over the plaintext the supplier sent, as before, so a supplier
  can still prove what it sent.
- Opening the bids for evaluation (`open_tender_bids`, called by
  tenders.actions.open_evaluation after the deadline, with the tender locked) unwraps the key
  afresh through the key service and writes each submitted bid's sealed fields back into
  their plain columns, so evaluation, contracts and open data read them unchanged; it is
  audited. Bids never submitted stay sealed. Attachments stay encrypted in storage, read through
  `attachment_chunks`.
"""

import secrets
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import orjson
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from levelfield.core import audit, clock, keys
from levelfield.core.errors import DomainError
from levelfield.core.sealing import KEY_ID_BYTES, Sealer, open_with
from levelfield.core.storage import save_exactly, walk
from levelfield.tenders.lifecycle import Status as TenderStatus
from levelfield.tenders.models import Tender

from .models import Bid, BidAnswer, BidStatus, TenderKey

# A tender's bid content is sealed while its bids cannot have been opened.
SEALED_STATUSES = {TenderStatus.DRAFT, TenderStatus.PUBLISHED}

# Unwrapped data keys by key id, for this process: a key is unwrapped once, not on every read.
_KEYS: dict[bytes, bytes] = {}


def forget_keys() -> None:
    """Drop the unwrapped keys this process holds (a test changing the key-encryption key)."""
    _KEYS.clear()


def _tender_key(tender_id: int) -> TenderKey:
    found = TenderKey.objects.filter(tender_id=tender_id).first()
    if found is not None:
        return found
    data_key = keys.new_data_key()
    key_id = secrets.token_bytes(KEY_ID_BYTES)
    try:
        with transaction.atomic():
            made = TenderKey.objects.create(
                tender_id=tender_id,
                key_id=key_id.hex(),
                wrapped=keys.wrap(data_key),
                created_at=clock.now(),
            )
    except IntegrityError:  # another request made it first
        return TenderKey.objects.get(tender_id=tender_id)
    _KEYS[key_id] = data_key
    return made


def data_key(key_id: bytes) -> bytes:
    """The data key `key_id` names, unwrapped by the key service (KeyUnavailable when the
    key-encryption key is not the one that wrapped it)."""
    if key_id not in _KEYS:
        wrapped = TenderKey.objects.filter(key_id=key_id.hex()).values_list("wrapped", flat=True)
        if not wrapped:
            raise keys.KeyUnavailable("No key is stored under this id")
        _KEYS[key_id] = keys.unwrap(bytes(wrapped[0]))
    return _KEYS[key_id]


def rewrap_tender_keys(*, by=None, batch: int = 500) -> int:
    """Wrap every tender's data key again under the current key-encryption key (a rotation:
    the old one still unwraps while it is listed in LEVELFIELD_KEK_PREVIOUS, or while the KMS
    keeps it). The data keys themselves, and so every sealed value and file, stay as they are.
    Each batch is one transaction: a key that will not unwrap stops the run with nothing of its
    batch changed, and a run stopped half way can simply be run again. Returns how many."""
    done, after = 0, 0
    while True:
        with transaction.atomic():
            rows = list(
                TenderKey.objects.select_for_update()
                .filter(pk__gt=after)
                .order_by("pk")
                .select_related("tender")[:batch]
            )
            if not rows:
                return done
            for row in rows:
                try:
                    row.wrapped = keys.wrap(keys.unwrap(bytes(row.wrapped)))
                except keys.KeyUnavailable as exc:
                    raise DomainError(
                        f"The data key of tender {row.tender_id} does not unwrap with the "
                        "key-encryption key or any listed in LEVELFIELD_KEK_PREVIOUS: nothing of "
                        "this batch has changed.",
                        code="key_unavailable",
                    ) from exc
            TenderKey.objects.bulk_update(rows, ["wrapped"])
            for row in rows:
                audit.record(
                    action="tender.key_rewrapped",
                    obj=row.tender,
                    actor=by,
                    organisation=row.tender.buyer,
                    key_id=row.key_id,
                )
            done += len(rows)
            after = rows[-1].pk


def _unwrapped(tender_key: TenderKey) -> bytes:
    """The data key of a TenderKey row already read (unwrapped once per process)."""
    key_id = bytes.fromhex(tender_key.key_id)
    if key_id not in _KEYS:
        _KEYS[key_id] = keys.unwrap(bytes(tender_key.wrapped))
    return _KEYS[key_id]


@dataclass
class _LockedBid:
    """A bid whose tender an action holds locked, and the tender row as read under the lock."""

    bid_id: int
    lot_id: int
    tender: Tender
    sealing: tuple[bytes, bytes] | None = None  # the key id and data key, once looked up

    def covers(self, tender_filter: dict) -> bool:
        return tender_filter in ({"lots": self.lot_id}, {"lots__bids": self.bid_id})

    def sealer(self, associated: bytes) -> Sealer | None:
        if self.tender.status not in SEALED_STATUSES:
            return None
        if self.sealing is None:
            try:  # read with the bid under the lock (lock_tender_and_bid), or read now
                found: TenderKey | None = self.tender.sealing_key
            except TenderKey.DoesNotExist:
                found = None
            tender_key = found or _tender_key(self.tender.pk)
            self.sealing = (bytes.fromhex(tender_key.key_id), _unwrapped(tender_key))
        key_id, key = self.sealing
        return Sealer(key_id=key_id, key=key, associated=associated)


_LOCKED: ContextVar[_LockedBid | None] = ContextVar("levelfield_bid_locked", default=None)


@contextmanager
def sealing_locked_bid(bid: Bid) -> Iterator[None]:
    """For an action holding `bid`'s tender locked, with the tender as read under the lock in
    `bid.lot.tender` (bids.actions.lock_tender_and_bid): the rows of this bid it saves (the bid,
    its answers, commitments, subcontractors, attachments) are sealed as that tender row says,
    with its data key looked up (or made) once for the action rather than for each row. While
    the lock is held the tender cannot be opened, so the decision cannot change under the
    action. Rows of anything else, and any row outside the block, ask the database each time."""
    token = _LOCKED.set(_LockedBid(bid_id=bid.pk, lot_id=bid.lot_id, tender=bid.lot.tender))
    try:
        yield
    finally:
        _LOCKED.reset(token)


def sealer_for(associated: bytes, **tender_filter) -> Sealer | None:
    """How to seal a row of the tender that `tender_filter` finds, or None when its bids are
    open (or it has none)."""
    locked = _LOCKED.get()
    if locked is not None and locked.covers(tender_filter):
        return locked.sealer(associated)
    found = Tender.objects.filter(**tender_filter).values_list("pk", "status").first()
    if found is None or found[1] not in SEALED_STATUSES:
        return None
    tender_key = _tender_key(found[0])
    key_id = bytes.fromhex(tender_key.key_id)
    return Sealer(key_id=key_id, key=data_key(key_id), associated=associated)


# Attachments: the file is a header (magic and key id) and records of up to RECORD_BYTES of
# plaintext, each its length, nonce and ciphertext, bound to the bid, the file's SHA-256, its
# place and whether it is the last (so records cannot be dropped, reordered or cut short).
FILE_MAGIC = b"LFF1"
RECORD_BYTES = 1024 * 1024


def _record_associated(header: bytes, associated: bytes, index: int, last: bool) -> bytes:
    return header + associated + struct.pack(">Q?", index, last)


def _attachment_associated(bid_id: int, sha256: str) -> bytes:
    return f"bid={bid_id}:attachment:sha256={sha256}".encode()


def seal_upload(*, bid: Bid, upload, sha256: str) -> File | None:
    """The sealed form of an attachment's `upload` (whose SHA-256 is `sha256`), as a file to
    store in its place, or None when the bid's tender is open and the file is stored as it is."""
    sealer = sealer_for(b"", lots__bids=bid.pk)
    if sealer is None:
        return None
    header = FILE_MAGIC + sealer.key_id
    associated = _attachment_associated(bid.pk, sha256)
    out = tempfile.TemporaryFile()
    out.write(header)
    upload.seek(0)
    pending = b""
    index = 0
    for chunk in upload.chunks():
        pending += chunk
        while len(pending) > RECORD_BYTES:
            record, pending = pending[:RECORD_BYTES], pending[RECORD_BYTES:]
            _write_record(out, sealer.key, record, header, associated, index, last=False)
            index += 1
    _write_record(out, sealer.key, pending, header, associated, index, last=True)
    out.seek(0)
    return File(out, name=upload.name)


def _write_record(out, key, record, header, associated, index, *, last) -> None:
    sealed = keys.seal(key, record, _record_associated(header, associated, index, last))
    out.write(struct.pack(">I", len(sealed)) + sealed)


def attachment_chunks(attachment) -> Iterator[bytes]:
    """The bytes of an attachment as the supplier sent them, opened from disk when sealed."""
    with attachment.file.open("rb") as handle:
        if not attachment.sealed:
            yield from iter(lambda: handle.read(RECORD_BYTES), b"")
            return
        header = handle.read(len(FILE_MAGIC) + KEY_ID_BYTES)
        if not header.startswith(FILE_MAGIC):
            raise keys.KeyUnavailable("The attachment is not a sealed file")
        key = data_key(header[len(FILE_MAGIC) :])
        associated = _attachment_associated(attachment.bid_id, attachment.sha256)
        index = 0
        size = handle.read(4)
        while True:
            if len(size) < 4:
                raise keys.KeyUnavailable("The sealed attachment is cut short")
            sealed = handle.read(struct.unpack(">I", size)[0])
            following = handle.read(4)
            last = following == b""
            yield keys.open_sealed(key, sealed, _record_associated(header, associated, index, last))
            if last:
                return
            size = following
            index += 1


def open_tender_bids(*, tender: Tender, by) -> dict:
    """Open a tender's submitted bids for evaluation: unwrap its key afresh through the key
    service and write each submitted bid's sealed fields back into their plain columns.
    For the opening action (tenders.actions.open_evaluation), inside its transaction, with the
    tender locked and already in evaluation. Refuses, changing nothing, when the key service
    cannot unwrap the key. Returns what was opened."""
    tender_key = TenderKey.objects.select_for_update().filter(tender=tender).first()
    # how many rows of each kind were opened, also the audit event's data (**data: Any)
    opened: dict[str, Any] = {"bids": 0}
    if tender_key is not None:
        try:
            key = keys.unwrap(bytes(tender_key.wrapped))
        except keys.KeyUnavailable as exc:
            raise DomainError(
                "The bids could not be opened: the key service would not unwrap this tender's "
                "key. Nothing has changed; ask the platform's operators to check its "
                "key-encryption key.",
                code="key_unavailable",
            ) from exc
        submitted = Bid.objects.filter(lot__tender=tender, status=BidStatus.SUBMITTED)
        rows = submitted.filter(sealed__isnull=False).values_list(
            "pk", "lot_id", "supplier_id", "sealed"
        )
        for pk, lot_id, supplier_id, sealed in rows:
            row = Bid(pk=pk, lot_id=lot_id, supplier_id=supplier_id)
            values = _opened(row, key, sealed)
            Bid.objects.filter(pk=pk).update(sealed=None, **values)
            opened["bids"] += 1
        for name, model in _sealed_parts():
            for values in model.objects.filter(bid__in=submitted, sealed__isnull=False).values():
                row = model(**values)  # not from_db: opened with the key unwrapped here
                plain = _opened(row, key, values["sealed"])
                model.objects.filter(pk=row.pk).update(sealed=None, **plain)
                opened[name] = opened.get(name, 0) + 1
        tender_key.opened_at = clock.now()
        tender_key.save(update_fields=["opened_at"])
    audit.record(
        action="tender.bids_unsealed",
        obj=tender,
        actor=by,
        organisation=tender.buyer,
        key_id=tender_key.key_id if tender_key else "",
        **opened,
    )
    return opened


def _sealed_parts():
    """The parts of a bid sealed with it, by what the audit event calls them: its answers, and
    its social value commitments and subcontractors (kept by the apps beside bids)."""
    from levelfield.socialvalue.models import Commitment
    from levelfield.suppliers.models import BidSubcontractor

    return [
        ("answers", BidAnswer),
        ("commitments", Commitment),
        ("subcontractors", BidSubcontractor),
    ]


def _opened(row, key: bytes, sealed: bytes) -> dict:
    plain = orjson.loads(open_with(key, sealed, row.sealing_associated()))
    return {name: row._meta.get_field(name).to_python(v) for name, v in plain.items()}


# A resumable upload's bytes so far (bids/actions_uploads.py): a file per chunk in Django's
# default storage, under the upload's prefix and named by the offset the chunk starts at, so
# that chunks received by different servers meet in shared storage (object storage cannot
# append to a file). Each is a header (magic and key id) and one record, its length, nonce and
# ciphertext bound to the upload's token and that offset, so a chunk cannot be moved to another
# place or upload. The upload's row, locked while a chunk is stored, says how far it has got; a
# chunk whose transaction failed is replaced by the next one sent from the same offset.
PARTIAL_MAGIC = b"LFP1"


def _partial_associated(header: bytes, token: str, offset: int) -> bytes:
    return header + f"upload={token}".encode() + struct.pack(">Q", offset)


def partial_chunk_name(prefix: str, offset: int) -> str:
    return f"{prefix}/{offset:012d}.part"


def append_partial(*, prefix: str, token: str, bid_id: int, offset: int, data: bytes) -> bool:
    """Store a chunk of a resumable upload starting at `offset`, sealed with its tender's key,
    in place of any chunk stored from there before (one whose transaction failed). For an action
    holding the upload's row locked. False when the tender's bids are no longer sealed (they have
    been opened: the upload cannot go on)."""
    sealer = sealer_for(b"", lots__bids=bid_id)
    if sealer is None:
        return False
    header = PARTIAL_MAGIC + sealer.key_id
    sealed = keys.seal(sealer.key, data, _partial_associated(header, token, offset))
    content = ContentFile(header + struct.pack(">I", len(sealed)) + sealed)
    save_exactly(default_storage, partial_chunk_name(prefix, offset), content)
    return True


def opened_partial(*, prefix: str, token: str, length: int):
    """The plaintext of a complete resumable upload, its chunks opened in order into an unnamed
    temporary file (gone when closed) to check and store as an attachment. DomainError when a
    chunk is missing or is not the one stored for that place."""
    out = tempfile.TemporaryFile()
    offset = 0
    while offset < length:
        name = partial_chunk_name(prefix, offset)
        try:
            with default_storage.open(name, "rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            out.close()
            raise DomainError(
                "The bytes received so far are lost: begin the upload again", code="invalid_file"
            ) from None
        header = content[: len(PARTIAL_MAGIC) + KEY_ID_BYTES]
        size = struct.unpack(">I", content[len(header) : len(header) + 4])[0]
        sealed = content[len(header) + 4 : len(header) + 4 + size]
        plain = keys.open_sealed(
            data_key(header[len(PARTIAL_MAGIC) :]),
            sealed,
            _partial_associated(header, token, offset),
        )
        if not plain:
            break
        out.write(plain)
        offset += len(plain)
    out.seek(0)
    return out


def remove_partial(prefix: str) -> None:
    """Remove every chunk a resumable upload stored."""
    for name in walk(default_storage, prefix):
        default_storage.delete(name)


def seal_unopened_bids() -> dict:
    """Seal what is still stored in the clear of bids whose tender has not opened them (bids
    saved before sealing existed): each row saved again, so its sealed fields are sealed, and
    each attachment's file rewritten sealed. Safe to run again; returns how many of each."""
    from .models import BidAttachment

    tenders = Tender.objects.filter(status__in=SEALED_STATUSES)
    bids = Bid.objects.filter(lot__tender__in=tenders)
    done: dict[str, int] = {}
    parts = [
        ("bids", Bid, bids),
        *((n, m, m.objects.filter(bid__in=bids)) for n, m in _sealed_parts()),
    ]
    for name, model, rows in parts:
        before = rows.filter(sealed__isnull=True).count()
        for row in rows.filter(sealed__isnull=True).iterator():
            with transaction.atomic():
                row.save(update_fields=[*model.SEALED_FIELDS, "sealed"])
        done[name] = before - rows.filter(sealed__isnull=True).count()
    for attachment in BidAttachment.objects.filter(bid__in=bids, sealed=False).select_related(
        "bid"
    ):
        with attachment.file.open("rb") as handle:
            sealed = seal_upload(
                bid=attachment.bid,
                upload=File(handle, name=attachment.file.name),
                sha256=attachment.sha256,
            )
        if sealed is None:
            continue
        old = attachment.file.name
        with transaction.atomic():
            attachment.file.save(old.rsplit("/", 1)[-1], ContentFile(sealed.read()), save=False)
            attachment.sealed = True
            attachment.save(update_fields=["file", "sealed"])
        attachment.file.storage.delete(old)
        done["attachments"] = done.get("attachments", 0) + 1
    return done
