"""What an uploaded file really is, from its content rather than its name: a DOCX must be a Word
document (an Office Open XML archive with its word/ parts), not a ZIP archive or a workbook
renamed; a PDF must start as a PDF does; a CSV or TXT must be text. `filetype` names what the
first bytes say; `zipfile` looks inside archives, and refuses archives that would expand to an
absurd size or hold absurdly many parts (zip bombs) before anyone opens them.

`check_content` is one of the checks of `uploads.check_upload`, the one rule every upload
passes."""

import codecs
import zipfile

import filetype
from django.core.exceptions import ValidationError
from filetype.types.document import ZippedDocumentBase

from .upload_limits import megabytes

# An archive's declared contents past these are refused unopened. A real tender document or
# workbook is far below both: a 20 MB DOCX expands to perhaps 200 MB, with a few hundred parts.
ARCHIVE_MAX_EXPANDED = 1024 * 1024 * 1024
ARCHIVE_MAX_MEMBERS = 10_000
# What ODF's `mimetype` member says for each type, and the part folder each OOXML type has.
ODF_TYPES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
TEXT_TYPES = {"csv", "txt"}

# Words for the kinds people upload by mistake; others are named by their extension.
DESCRIPTIONS = {
    "pdf": "a PDF",
    "docx": "a Word document (DOCX)",
    "xlsx": "an Excel workbook (XLSX)",
    "pptx": "a PowerPoint presentation (PPTX)",
    "odt": "an OpenDocument text document (ODT)",
    "ods": "an OpenDocument spreadsheet (ODS)",
    "odp": "an OpenDocument presentation (ODP)",
    "zip": "a ZIP archive",
    "exe": "a Windows program (EXE)",
    "elf": "a Linux program (ELF)",
    "doc": "an old-style Word document (DOC)",
    "xls": "an old-style Excel workbook (XLS)",
    "text": "text",
}
_HEAD_BYTES = 8192  # what filetype reads


def describe(kind: str | None) -> str:
    """`kind` (an extension) in words: "a ZIP archive"; "an unknown kind of file" for None."""
    if kind is None:
        return "an unknown kind of file"
    return DESCRIPTIONS.get(kind, f"a {kind.upper()} file")


def check_content(upload, *, name: str, extension: str) -> None:
    """Refuse `upload` (ValidationError, code "file_content") unless its content is of the kind
    its `extension` says; the message names the file and what it really is. Leaves the file at
    its start."""
    try:
        if extension in TEXT_TYPES:
            _check_text(upload, name=name, extension=extension)
            return
        upload.seek(0)
        head = upload.read(_HEAD_BYTES)
        found = filetype.guess(head)
        kind = found.extension if found else _text_or_none(head)
        if extension == "pdf":
            if kind != "pdf":
                raise _not_real(name, extension, kind)
        elif extension in ODF_TYPES or extension in OOXML_PARTS:
            zipped = found is not None and (
                found.mime == "application/zip" or isinstance(found, ZippedDocumentBase)
            )
            if not zipped:
                raise _not_real(name, extension, kind)
            actual = _archive_kind(upload, name=name)
            if actual != extension:
                raise _not_real(name, extension, actual)
    finally:
        upload.seek(0)


def _text_or_none(head: bytes) -> str | None:
    """ "text" when the first bytes read as UTF-8 text (a character cut at their end allowed)."""
    if not head or b"\x00" in head:
        return None
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)
    except UnicodeDecodeError:
        return None
    return "text"


def _not_real(name: str, extension: str, kind: str | None) -> ValidationError:
    what = "an unknown kind of file" if kind is None else describe(kind)
    return ValidationError(
        f"{name} is not a real {extension.upper()} file: it is {what}", code="file_content"
    )


def _archive_kind(upload, *, name: str) -> str:
    """What the ZIP archive `upload` holds: "docx", "xlsx", "pptx", "odt", "ods", "odp", or
    "zip" for any other archive. Refuses a damaged archive and a zip bomb."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(_seekable(upload)) as archive:
            members = archive.infolist()
            if len(members) > ARCHIVE_MAX_MEMBERS:
                raise ValidationError(
                    f"{name} holds more than {ARCHIVE_MAX_MEMBERS:,} parts: it cannot be a "
                    "real document",
                    code="file_content",
                )
            expanded = sum(member.file_size for member in members)
            if expanded > ARCHIVE_MAX_EXPANDED:
                raise ValidationError(
                    f"{name} would expand to more than {megabytes(ARCHIVE_MAX_EXPANDED)}: it "
                    "cannot be a real document",
                    code="file_content",
                )
            names = {member.filename for member in members}
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                for kind, mime in ODF_TYPES.items():
                    if mimetype == mime:
                        return kind
            if "[Content_Types].xml" in names:
                for kind, folder in OOXML_PARTS.items():
                    if any(n.startswith(folder) for n in names):
                        return kind
            return "zip"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise ValidationError(
            f"{name} is damaged: it is not an archive that can be opened", code="file_content"
        ) from exc


def _seekable(upload):
    """The file object under `upload` (an UploadedFile, a File), which zipfile reads by seeking."""
    inner = getattr(upload, "file", upload)
    if hasattr(inner, "seekable") and inner.seekable():
        return inner
    return upload


def _check_text(upload, *, name: str, extension: str) -> None:
    """A text type: no NUL byte anywhere, and the whole file decodes as UTF-8 (a byte order mark
    allowed) or as Windows-1252 (what Excel saves a CSV as)."""
    upload.seek(0)
    decoders = {
        "utf-8": codecs.getincrementaldecoder("utf-8")(),
        "cp1252": codecs.getincrementaldecoder("cp1252")(),
    }
    head = b""
    lines = 1  # the line each chunk starts on
    for chunk in upload.chunks():
        head = head or chunk[:_HEAD_BYTES]
        if b"\x00" in chunk:
            if filetype.guess(head) is None:  # text, but for the NUL: say where it is
                line = lines + chunk.count(b"\n", 0, chunk.index(b"\x00"))
                raise ValidationError(
                    f"{name} is not a real {extension.upper()} file: line {line} has a null "
                    "character (U+0000), which text cannot have. Save it again from the "
                    "program that made it",
                    code="file_content",
                )
            decoders.clear()
        lines += chunk.count(b"\n")
        for encoding, decoder in list(decoders.items()):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                del decoders[encoding]
        if not decoders:
            break
    for encoding, decoder in list(decoders.items()):
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            del decoders[encoding]
    if decoders:
        return
    found = filetype.guess(head) if head else None
    if found is not None:
        raise _not_real(name, extension, found.extension)
    raise ValidationError(
        f"{name} is not a real {extension.upper()} file: it is not text", code="file_content"
    )
