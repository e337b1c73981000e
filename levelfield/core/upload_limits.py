"""The size limit of uploaded files, kept while the request is read rather than after, so that
nothing over it is written to memory or disk:

- A request whose Content-Length is more than its view's files and text could lawfully be (each
  file at its limit, LEVELFIELD_UPLOAD_MAX_FILES of them, and DATA_UPLOAD_MAX_MEMORY_SIZE of
  text) is refused before a byte of it is read: a 2 GB POST costs the server nothing.
- A file that passes its limit while it arrives is kept no further: the rest of its bytes are
  read and thrown away, so that the fields after it still arrive, and the form gets in its place
  an `OverLimitUpload` (its name and the size counted, no content), which `check_upload` refuses
  as it refuses any file over the limit, with the form's usual error and what was typed kept.
- A file that passes the largest limit any upload has (a bid's attachments') stops the reading
  of the request there and then.

`UploadLimitHandler` is the first of FILE_UPLOAD_HANDLERS (settings). A file's limit is
LEVELFIELD_UPLOAD_MAX_BYTES; a view that takes larger files (a bid's attachments) says so with
`@accepts_uploads`. The refusals of the request, `UploadTooLarge`, are RequestDataTooBig: the site
answers them 413 with their message, as the GOV.UK page or in the API's error shape
(`error_views.request_too_large`), and nothing sent is kept."""

from collections.abc import Callable
from io import BytesIO

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


def megabytes(size: int) -> str:
    """A limit in the words of the upload messages: "20MB"."""
    return f"{size // (1024 * 1024):,}MB"


class UploadTooLarge(RequestDataTooBig):
    """A request refused because of its files' size or number: `message` says which and how
    much is allowed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def accepts_uploads(
    *, max_bytes: int | Callable[[], int] | None = None, max_files: int | None = None
):
    """Decorate a view that takes files larger than LEVELFIELD_UPLOAD_MAX_BYTES each (`max_bytes`,
    evaluated per request when a callable) or another number of them (`max_files`). Put it
    outermost (other decorators copy the marks too when they use functools.wraps)."""

    def mark(view):
        view.upload_max_bytes = max_bytes
        view.upload_max_files = max_files
        return view

    return mark


def limits_for(request) -> tuple[int, int]:
    """(most bytes of one file, most files) the request's view takes."""
    view = getattr(getattr(request, "resolver_match", None), "func", None)
    max_bytes = getattr(view, "upload_max_bytes", None)
    max_files = getattr(view, "upload_max_files", None)
    if callable(max_bytes):
        max_bytes = max_bytes()
    return (
        max_bytes or settings.LEVELFIELD_UPLOAD_MAX_BYTES,
        max_files or settings.LEVELFIELD_UPLOAD_MAX_FILES,
    )


def largest_limit() -> int:
    """The largest size any upload may have (past it, no view reads on)."""
    return max(settings.LEVELFIELD_UPLOAD_MAX_BYTES, settings.LEVELFIELD_BID_UPLOAD_MAX_BYTES)


class OverLimitUpload(UploadedFile):
    """In the place of a file that passed its limit as it arrived: its name and the size
    counted (more than `limit`), and none of its content."""

    over_limit = True

    def __init__(self, name, content_type, size, charset, *, limit: int):
        super().__init__(BytesIO(), name, content_type, size, charset)
        self.limit = limit


class UploadLimitHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive, before the next handlers (memory, temporary
    file) keep them: see the module's docstring."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.max_bytes, self.max_files = limits_for(self.request)
        self.stop_bytes = max(self.max_bytes, largest_limit())
        self.files = 0
        self.received = 0
        self.refusal = ""
        text = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        most = self.max_bytes * self.max_files + text + 64 * 1024  # and the parts' headers
        if text and content_length > most:
            raise UploadTooLarge(
                f"What you sent is {megabytes(content_length)}: each file must be smaller than "
                f"{megabytes(self.max_bytes)}, and at most {self.max_files} files can be sent "
                "at once"
            )
        return None

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.files += 1
        self.received = 0
        if self.files > self.max_files:
            self._stop(f"Send at most {self.max_files} files at once")

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.stop_bytes:
            self._stop(f"{self.file_name} must be smaller than {megabytes(self.max_bytes)}")
        if self.received > self.max_bytes:
            return None  # kept by no handler after this one
        return raw_data

    def file_complete(self, file_size):
        if self.received <= self.max_bytes:
            return None  # the next handler makes the file
        for handler in self.request.upload_handlers:  # what they kept of it goes
            if handler is not self and getattr(handler, "file", None) is not None:
                handler.file.close()
        return OverLimitUpload(
            self.file_name,
            self.content_type,
            self.received,
            self.charset,
            limit=self.max_bytes,
        )

    def _stop(self, refusal: str):
        """Stop reading the request here (the parser closes the files begun and reads no
        more of it) and refuse it when the parser finishes (`upload_complete`)."""
        self.refusal = refusal
        raise StopUpload(connection_reset=True)

    def upload_complete(self):
        if getattr(self, "refusal", ""):
            raise UploadTooLarge(self.refusal)
