"""Uploaded files: the one check every upload passes, whichever way it came (a page's form, the
API, a bid's resumable upload): its type by extension and by content, its size, and a malware
scan; and their removal when the action that stored them fails."""

import functools
import hashlib
import logging
from contextvars import ContextVar
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError

from . import malware
from .file_content import check_content
from .upload_limits import megabytes

log = logging.getLogger(__name__)


def check_declared(filename: str, size: int, *, max_bytes: int | None = None) -> str:
    """The checks made from a file's name and size alone, before any of its bytes (a resumable
    upload's are made when it begins): its extension is one of LEVELFIELD_UPLOAD_EXTENSIONS
    (code file_type), it is not empty (file_empty) nor over the limit (file_size; `max_bytes`: a
    limit other than LEVELFIELD_UPLOAD_MAX_BYTES). Returns the extension."""
    name = PurePath(filename).name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = settings.LEVELFIELD_UPLOAD_EXTENSIONS
    if extension not in allowed:
        raise ValidationError(
            f"{name} must be one of these file types: {', '.join(a.upper() for a in allowed)}",
            code="file_type",
        )
    limit = max_bytes or settings.LEVELFIELD_UPLOAD_MAX_BYTES
    if size == 0:
        raise ValidationError(f"{name} is empty", code="file_empty")
    if size > limit:
        raise ValidationError(f"{name} must be smaller than {megabytes(limit)}", code="file_size")
    return extension


def check_upload(upload, *, max_bytes: int | None = None) -> str:
    """Validate an uploaded file and return its SHA-256 hex digest. `max_bytes`: a limit other
    than LEVELFIELD_UPLOAD_MAX_BYTES (a bid's attachments have their own).

    In order, each refusal a ValidationError naming the file: its name and size
    (`check_declared`); its content is what its extension says (file_content,
    `file_content.check_content`); the malware scanner finds nothing (file_malware) and gave a
    verdict (file_unchecked, when a scanner is configured but did not answer)."""
    name = PurePath(upload.name).name
    if getattr(upload, "over_limit", False):  # stopped as it arrived (upload_limits.py)
        raise ValidationError(
            f"{name} must be smaller than {megabytes(upload.limit)}", code="file_size"
        )
    extension = check_declared(name, upload.size, max_bytes=max_bytes)
    check_content(upload, name=name, extension=extension)
    _scan(upload, name=name)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _scan(upload, *, name: str) -> None:
    scanner = malware.scanner()
    upload.seek(0)
    try:
        verdict = scanner.scan(upload.chunks())
    except malware.ScannerUnavailable:
        log.exception("%s could not be scanned for malware", name)
        raise ValidationError(
            f"{name} could not be checked for viruses, try again", code="file_unchecked"
        ) from None
    finally:
        upload.seek(0)
    if verdict.infected:
        malware.note_finding(filename=name, signature=verdict.signature)
        raise ValidationError(
            f"{name} contains a virus or other malware, so it has not been saved",
            code="file_malware",
        )


# --- Files stored by an action ------------------------------------------------------------------
#
# Storage is not part of the database transaction: a file saved with a new row stays on disk when
# the action fails after it (the row's INSERT, the audit record, a publication) and the rows are
# rolled back. An action that stores files is wrapped in `files_removed_on_failure` and stores
# each with `store`, so that a failed action leaves no file behind.

_STORED: ContextVar[list | None] = ContextVar("files stored by the action", default=None)


def files_removed_on_failure(action):
    """Decorate an action that stores uploaded files (with `store`): if it raises, every file it
    stored is deleted again."""

    @functools.wraps(action)
    def wrapper(*args, **kwargs):
        outer = _STORED.get()
        stored: list = []
        token = _STORED.set(stored)
        try:
            result = action(*args, **kwargs)
        except BaseException:
            for field_file in stored:
                field_file.delete(save=False)
            raise
        finally:
            _STORED.reset(token)
        if outer is not None:  # called by another such action: its failure removes them too
            outer.extend(stored)
        return result

    return wrapper


def store(field_file, upload) -> None:
    """Save `upload` as `field_file` (the file field of a row not saved yet) now, before the row,
    so that the action removes it again if it fails (`files_removed_on_failure`)."""
    stored = _STORED.get()
    if stored is None:
        raise RuntimeError("store() is for actions wrapped in files_removed_on_failure")
    field_file.save(PurePath(upload.name).name, upload, save=False)
    stored.append(field_file)
