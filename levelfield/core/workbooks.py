"""Reading the rows of an XLSX workbook someone uploaded or gave to an import. openpyxl reads a
read-only workbook lazily, so a damaged one (a sheet cut short, bytes overwritten inside the
ZIP) can fail at any row, with any of many exceptions (XML parse errors, zip and zlib errors,
KeyError, ValueError...): here each becomes UnreadableWorkbook, naming the row it stopped at,
for the importer to refuse the file with."""

from collections.abc import Iterator


class UnreadableWorkbook(ValueError):
    """The workbook cannot be read; `row` is the row it stopped at (None: not opened)."""

    def __init__(self, reason: str, row: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.row = row


def open_workbook(source):
    """A read-only workbook of cell values (a path or a binary file); close it when done."""
    import openpyxl

    try:
        return openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook
        raise UnreadableWorkbook(f"not a workbook that can be read ({exc})") from exc


def sheet_rows(sheet) -> Iterator[tuple[int, list]]:
    """(row number, cell values) for each row of a sheet of `open_workbook`, numbered as the
    spreadsheet shows them; UnreadableWorkbook where the sheet cannot be read on."""
    row = 0
    try:
        row = (sheet.min_row or 1) - 1
        for cells in sheet.iter_rows(values_only=True):
            row += 1
            yield row, list(cells)
    except Exception as exc:  # noqa: BLE001 - as in open_workbook, read row by row
        raise UnreadableWorkbook(f"the sheet cannot be read from here on ({exc})", row + 1) from exc
