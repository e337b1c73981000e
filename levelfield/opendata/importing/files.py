"""Opening input files and telling their format, without loading them: gzip or not (by content,
not name), JSON Lines, a JSON array, or one JSON document (a release package, a record package,
or a single release or record)."""

import hashlib
import io
import os
import queue
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import ijson
import orjson

HEAD = 64 * 1024
READ = 1024 * 1024
SUFFIXES = (".json", ".jsonl", ".jl", ".ndjson")
GZIP_MAGIC = b"\x1f\x8b"
BOM = b"\xef\xbb\xbf"


class FileError(Exception):
    """A file that cannot be read to its end as OCDS JSON: truncated, not JSON, not gzip."""

    def __init__(self, reason: str, position: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.position = position
        self.problems: list = []  # problems found in the batch the error cut short


def input_files(paths: list[Path]) -> Iterator[Path]:
    """The files to import: each file named, and the JSON files under each directory named
    (recursively, in name order, hidden ones left out)."""
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    bare = name[:-3] if name.endswith(".gz") else name
                    if not name.startswith(".") and bare.endswith(SUFFIXES):
                        yield Path(root) / name
        else:
            yield path


def identity(path: Path) -> tuple[str, int, int, str]:
    """(absolute path, size, mtime in ns, sha256 of the first 64 KiB): a file changed in place
    is a new file."""
    stat = path.stat()
    with path.open("rb") as handle:
        head = handle.read(HEAD)
    return str(path.resolve()), stat.st_size, stat.st_mtime_ns, hashlib.sha256(head).hexdigest()


def is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == GZIP_MAGIC


class GunzipReader(io.RawIOBase):
    """A gzip file decompressed by a background thread (zlib lets go of the GIL), so parsing on
    the main thread and decompressing overlap. Reads multi-member files; raises FileError on a
    truncated or corrupt file."""

    def __init__(self, path: Path):
        super().__init__()
        self._file = path.open("rb")
        self._queue: queue.Queue = queue.Queue(maxsize=16)
        self._buffer = memoryview(b"")
        self._position = 0
        self._done = False
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            decompressor = zlib.decompressobj(wbits=31)
            fed = False  # whether the current gzip member has begun
            while not self._stop:
                chunk = self._file.read(READ)
                if not chunk:
                    if fed and not decompressor.eof:
                        raise FileError("the gzip file is truncated (it ends mid-stream)")
                    break
                while chunk:
                    fed = True
                    data = decompressor.decompress(chunk)
                    if data:
                        self._queue.put(data)
                    if not decompressor.eof:
                        break
                    # the end of a gzip member: another may follow
                    chunk = decompressor.unused_data
                    decompressor = zlib.decompressobj(wbits=31)
                    fed = False
                    if chunk and not chunk.startswith(GZIP_MAGIC):
                        if chunk.strip(b"\x00"):
                            raise FileError("trailing data after the end of the gzip data")
                        chunk = b""
            self._queue.put(None)
        except zlib.error as exc:
            self._queue.put(FileError(f"not a valid gzip file ({exc})"))
        except FileError as exc:
            self._queue.put(exc)
        except OSError as exc:
            self._queue.put(FileError(f"cannot read the file ({exc})"))

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while self._position >= len(self._buffer):
            if self._done:
                return 0
            item = self._queue.get()
            if item is None:
                self._done = True
                return 0
            if isinstance(item, Exception):
                self._done = True
                raise item
            self._buffer = memoryview(item)
            self._position = 0
        start = self._position
        size = min(len(target), len(self._buffer) - start)
        target[:size] = self._buffer[start : start + size]
        self._position = start + size
        return size

    def close(self) -> None:
        self._stop = True
        while self._thread.is_alive():
            try:
                self._queue.get(timeout=0.1)
            except queue.Empty:
                pass
        self._file.close()
        super().close()


def open_input(path: Path, *, skip_bom: bool = True) -> io.BufferedReader:
    """The decompressed bytes of a file, buffered; after the UTF-8 byte order mark that some
    Windows tools write (JSON parsers refuse it), unless `skip_bom` is false."""
    stream: io.BufferedReader
    if is_gzip(path):
        stream = io.BufferedReader(GunzipReader(path), buffer_size=READ)
    else:
        # what path.open("rb", buffering=READ) makes, typed as it is
        stream = io.BufferedReader(io.FileIO(path), buffer_size=READ)
    if skip_bom and stream.peek(len(BOM))[: len(BOM)] == BOM:
        stream.read(len(BOM))
    return stream


def sniff(path: Path) -> str:
    """ "jsonl", "array", "document" or "empty", from the name or the first bytes; raises
    FileError when the data is not JSON at all."""
    with open_input(path) as stream:
        head = stream.read(HEAD)
    text = head.lstrip(b" \t\r\n")
    if not text:
        return "empty" if len(head) < HEAD else "document"
    bare = path.name[:-3] if path.name.endswith(".gz") else path.name
    if bare.endswith((".jsonl", ".jl", ".ndjson")):
        return "jsonl"
    first = text[:1]
    if first == b"[":
        return "array"
    if first != b"{":
        snippet = text[:20].decode("utf-8", "replace")
        raise FileError(f"not JSON: the data starts with {snippet!r}")
    newline = text.find(b"\n")
    if newline == -1:
        return "document"
    try:
        orjson.loads(text[:newline])
    except orjson.JSONDecodeError:
        return "document"  # pretty-printed JSON: the first line is not a whole value
    return "jsonl"


def top_level_keys(path: Path) -> dict[str, str | None]:
    """The keys of a JSON document's top-level object, read up to `releases` or `records`
    (package metadata comes first, so this reads little of a package); for those two, the
    JSON type of the value ("array", "object", ...)."""
    keys: dict[str, str | None] = {}
    with open_input(path) as stream:
        events = ijson.parse(stream, multiple_values=True)
        for prefix, event, value in events:
            if prefix == "" and event == "map_key":
                keys[value] = None
                if value in ("releases", "records"):
                    keys[value] = EVENT_TYPES.get(next(events)[1], "a value")
                    break
    return keys


EVENT_TYPES = {
    "start_array": "an array",
    "start_map": "an object",
    "string": "a string",
    "number": "a number",
    "integer": "a number",
    "double": "a number",
    "boolean": "a boolean",
    "null": "null",
}


def json_error(exc: Exception) -> str:
    """The first line of a JSON parser's message (yajl adds the text around the error)."""
    if isinstance(exc, UnicodeDecodeError):
        return f"a string is not UTF-8 text: {exc.reason}"
    message = exc.args[0] if exc.args else ""
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    lines = str(message).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


# yajl passes a surrogate encoded in UTF-8 bytes (CESU-8), which Python's decoder then refuses.
JSON_ERRORS = (ijson.JSONError, ijson.IncompleteJSONError, UnicodeDecodeError)
