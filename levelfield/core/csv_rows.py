"""Reading a CSV file a person exported from a spreadsheet: a header row naming the columns in
any order and spelling (`columns`: each field's accepted header names, compared lower-case with
runs of anything but letters and digits as one underscore), then one record a row. Pure: it
returns each row's cells by field and writes nothing; what the cells mean is the caller's.

The file itself is refused, with every reason by line, as `error(problems)`: text that is not
CSV, a null character (PostgreSQL cannot store U+0000, nor even look it up), no header, a header
without a required column, more than `max_rows` rows, or no rows at all. UTF-8 (with or without
a byte order mark) or else Windows-1252, as spreadsheets save."""

import csv
import io
import re
from collections.abc import Iterable, Mapping

NULL_CHARACTER = (
    "the file has a null character (U+0000), which a CSV file cannot have: save it again "
    "from the spreadsheet"
)


class CsvFileError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def header_key(cell: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", (cell or "").strip().lower()).strip("_")


def named_rows(
    raw: bytes,
    *,
    columns: Mapping[str, set[str]],
    required: Iterable[str],
    labels: Mapping[str, str],
    header: str,
    noun: str,
    max_rows: int,
    error: type[CsvFileError] = CsvFileError,
) -> list[tuple[int, dict[str, str]]]:
    """(line, {field: cell}) for each row with anything in it; a field whose column the file
    lacks is "". `header` lists the columns in words for the message when a required one is
    missing; `noun` names the records ("invoices") in the messages."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    found: dict[str, int] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    null_lines: list[str] = []
    try:
        for cells in reader:
            line = reader.line_num
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                continue
            if any("\x00" in cell for cell in cells):
                null_lines.append(f"Line {line}: {NULL_CHARACTER}")
                continue
            if found is None:
                found = {}
                for index, cell in enumerate(cells):
                    for name, names in columns.items():
                        if header_key(cell) in names and name not in found:
                            found[name] = index
                missing = [labels[name] for name in required if name not in found]
                if missing:
                    raise error(
                        [
                            f"Line {line}: the first row must name the columns {header}; "
                            f"missing: {', '.join(missing)}"
                        ]
                    )
                continue
            if len(rows) >= max_rows:
                raise error([f"A file can have at most {max_rows} {noun}"])
            rows.append(
                (
                    line,
                    {
                        name: cells[i]
                        if (i := found.get(name)) is not None and i < len(cells)
                        else ""
                        for name in columns
                    },
                )
            )
    except csv.Error as exc:
        raise error([f"Line {reader.line_num}: the file is not valid CSV ({exc})"]) from exc
    if null_lines:
        raise error(null_lines)
    if found is None:
        raise error(["The file has no rows"])
    if not rows:
        raise error([f"The file has a header row but no {noun}"])
    return rows
