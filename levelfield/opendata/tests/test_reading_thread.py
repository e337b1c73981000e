"""batches_in_thread: the next batch is read in a thread while the importer stores the last;
batches arrive in order, an error after the batches before it, and a consumer that stops
early stops the thread."""

import threading
from pathlib import Path

import pytest

from levelfield.opendata.importing import reading
from levelfield.opendata.importing.files import FileError


class Reader:
    """Stands in for FileReader: `batches` yields what it is given, then raises `error`."""

    def __init__(self, batches, error=None):
        self.path = Path("feed.jsonl")
        self.given = batches
        self.error = error
        self.read = 0
        self.closed = threading.Event()

    def batches(self):
        try:
            for batch in self.given:
                self.read += 1
                yield batch
            if self.error is not None:
                raise self.error
        finally:
            self.closed.set()


def test_batches_arrive_in_order_then_the_end():
    assert list(reading.batches_in_thread(Reader([1, 2, 3]))) == [1, 2, 3]


def test_an_error_reaches_the_consumer_after_the_batches_before_it():
    got = []
    with pytest.raises(FileError, match="truncated"):
        for batch in reading.batches_in_thread(Reader([1, 2], FileError("truncated", "line 9"))):
            got.append(batch)
    assert got == [1, 2]


def test_a_consumer_that_stops_early_stops_the_thread():
    reader = Reader(range(1000))
    batches = reading.batches_in_thread(reader)
    assert next(batches) == 0
    batches.close()
    assert reader.closed.wait(5)  # the reader's generator was closed (its file with it)
    assert reader.read < 10  # one batch ahead, not the whole file
    assert not [t for t in threading.enumerate() if t.name == "read feed.jsonl"]
