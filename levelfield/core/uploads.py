"""Checks on uploaded files: type by extension and content, and size."""

import hashlib
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


def check_upload(upload) -> str:
    """Validate an uploaded file and return its SHA-256 hex digest."""
    name = PurePath(upload.name).name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = settings.LEVELFIELD_UPLOAD_EXTENSIONS
    if extension not in allowed:
        raise ValidationError(
            f"{name} must be one of these file types: {', '.join(a.upper() for a in allowed)}",
            code="file_type",
        )
    limit = settings.LEVELFIELD_UPLOAD_MAX_BYTES
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
