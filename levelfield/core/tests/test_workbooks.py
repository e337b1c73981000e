"""core/workbooks.py: a workbook damaged inside (a sheet cut short) stops with
UnreadableWorkbook naming the row, whichever of openpyxl's many errors it was."""

import io
import re
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook

from levelfield.core.workbooks import UnreadableWorkbook, open_workbook, sheet_rows


def workbook(rows) -> bytes:
    """A one-sheet workbook of `rows`, the same bytes for the same rows (the property tests
    draw from them): its document dates and its ZIP entries' times fixed."""
    book = Workbook()
    book.properties.created = datetime(2026, 1, 1)
    for row in rows:
        book.active.append(row)
    saved = io.BytesIO()
    book.save(saved)
    source = zipfile.ZipFile(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            fixed = zipfile.ZipInfo(item.filename, date_time=(2026, 1, 1, 0, 0, 0))
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                # openpyxl's save sets the modified time to now, whatever the book said
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2026-01-01T00:00:00Z\g<2>",
                    data,
                )
            target.writestr(fixed, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def sheet_cut_short(raw: bytes) -> bytes:
    """The workbook with its first sheet's XML cut in half, the ZIP around it whole (as a
    tool that crashed half way through writing it might leave it)."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    return out.getvalue()


def test_rows_come_numbered_as_the_spreadsheet_shows_them():
    book = open_workbook(io.BytesIO(workbook([["a", 1], [], ["b", 2]])))
    assert list(sheet_rows(book.worksheets[0])) == [(1, ["a", 1]), (2, [None, None]), (3, ["b", 2])]


def test_a_sheet_cut_short_stops_at_the_row_it_cannot_read():
    assert workbook([["a"]]) == workbook([["a"]])
    raw = sheet_cut_short(workbook([[f"row {n}", n] for n in range(1, 61)]))
    rows = sheet_rows(open_workbook(io.BytesIO(raw)).worksheets[0])
    read = []
    with pytest.raises(UnreadableWorkbook) as stopped:
        read.extend(rows)
    assert 0 < len(read) < 60 and stopped.value.row == len(read) + 1
    assert stopped.value.reason.startswith("the sheet cannot be read from here on (")


def test_bytes_that_are_no_workbook_are_refused_when_opened():
    with pytest.raises(UnreadableWorkbook) as refused:
        open_workbook(io.BytesIO(b"PK\x03\x04 not really a workbook"))
    assert refused.value.row is None
