"""Uploaded files: checks on their type by extension and content, and size; and their removal
when the action that stored them fails."""

import functools
import hashlib
from contextvars import ContextVar
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError

# The first bytes each accepted type starts with; text types have no signature.
_SIGNATURES = {
    "pdf": (b"%PDF",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
}


def check_upload(upload, *, max_bytes: int | None = None) -> str:
    """Validate an uploaded file and return its SHA-256 hex digest. `max_bytes`: a limit other
    than LEVELFIELD_UPLOAD_MAX_BYTES (a bid's attachments have their own)."""
    name = PurePath(upload.name).name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = settings.LEVELFIELD_UPLOAD_EXTENSIONS
    if extension not in allowed:
        raise ValidationError(
            f"{name} must be one of these file types: {', '.join(a.upper() for a in allowed)}",
            code="file_type",
        )
    limit = max_bytes or settings.LEVELFIELD_UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(f"{name} is empty", code="file_empty")
    if upload.size > limit:
        raise ValidationError(
            f"{name} must be smaller than {limit // (1024 * 1024)}MB", code="file_size"
        )
    digest = hashlib.sha256()
    head = b""
    for chunk in upload.chunks():
        if not head:
            head = chunk[:8]
        digest.update(chunk)
    upload.seek(0)
    signatures = _SIGNATURES.get(extension)
    if signatures and not head.startswith(signatures):
        raise ValidationError(f"{name} is not a real {extension.upper()} file", code="file_content")
    if not signatures and b"\x00" in head:
        raise ValidationError(f"{name} is not a text file", code="file_content")
    return digest.hexdigest()


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
