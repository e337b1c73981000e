"""Reading a buyer's measurement framework from CSV or XLSX: one measure a row, with a code, a
description, a unit and an optional proxy value in pounds.

Pure: it returns the measures or every bad row by line with the reason, and never writes.
The import action stores nothing unless every row is good.
"""

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from levelfield.core.csv_rows import NULL_CHARACTER
from levelfield.core.workbooks import UnreadableWorkbook, open_workbook, sheet_rows

MAX_MEASURES = 5000
MAX_PROXY = Decimal("1000000000")

# Column names people use, after lower-casing and turning anything but letters and digits into
# underscores ("Proxy value (£)" -> "proxy_value").
COLUMNS = {
    "code": {"code", "measure_code", "ref", "reference", "id"},
    "description": {"description", "measure", "name", "title"},
    "unit": {"unit", "units", "unit_of_measure"},
    "proxy_value": {"proxy_value", "proxy", "proxy_value_gbp", "proxy_gbp", "value", "value_gbp"},
}
REQUIRED = ("code", "description", "unit")


@dataclass(frozen=True)
class MeasureRow:
    line: int
    code: str
    description: str
    unit: str
    proxy_value: Decimal | None


class FrameworkFileError(ValueError):
    """The file cannot be imported; `problems` has one line per bad row, naming its line."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _header_key(cell) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(cell or "").strip().lower()).strip("_")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows_from_csv(raw: bytes):
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    for row in reader:
        yield reader.line_num, row


def _rows_from_xlsx(raw: bytes):
    try:
        workbook = open_workbook(io.BytesIO(raw))
    except UnreadableWorkbook as exc:
        raise FrameworkFileError(["The file is not an Excel workbook levelfield can read"]) from exc
    try:
        for sheet in workbook.worksheets[:1]:
            yield from sheet_rows(sheet)
    except UnreadableWorkbook as exc:
        raise FrameworkFileError(
            [f"Line {exc.row}: the workbook cannot be read from this row on: save it again"]
        ) from exc
    finally:
        workbook.close()


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _column(cells: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return cells[index] if index is not None and index < len(cells) else ""


def _proxy(raw: str, line: int, problems: list[str]) -> Decimal | None:
    if raw == "":
        return None
    cleaned = raw.replace(",", "").replace("£", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        problems.append(f"Line {line}: the proxy value {raw!r} is not an amount in pounds")
        return None
    if not value.is_finite():
        problems.append(f"Line {line}: the proxy value {raw!r} is not an amount in pounds")
    elif value < 0:
        problems.append(f"Line {line}: the proxy value {raw} cannot be negative")
    elif value >= MAX_PROXY:
        problems.append(f"Line {line}: the proxy value {raw} is too large")
    elif -int(value.as_tuple().exponent) > 2:  # an int: the value is finite
        problems.append(f"Line {line}: the proxy value {raw} has more than 2 decimal places")
    else:
        return value.quantize(Decimal("0.01"))
    return None


def read_framework(raw: bytes, filename: str) -> list[MeasureRow]:
    """The measures in a CSV or XLSX file, or FrameworkFileError naming every bad line."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "csv":
        rows = _rows_from_csv(raw)
    elif extension == "xlsx":
        rows = _rows_from_xlsx(raw)
    else:
        raise FrameworkFileError(["Upload the measures as a CSV or XLSX file"])
    problems: list[str] = []
    columns: dict[str, int] | None = None
    measures: list[MeasureRow] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        cells = [_cell_text(c) for c in row]
        if not any(cells):
            continue
        if columns is None:
            columns = {}
            for index, cell in enumerate(cells):
                key = _header_key(cell)
                for name, names in COLUMNS.items():
                    if key in names and name not in columns:
                        columns[name] = index
            missing = [name for name in REQUIRED if name not in columns]
            if missing:
                raise FrameworkFileError(
                    [
                        f"Line {line}: the first row must name the columns code, description "
                        f"and unit (proxy value is optional); {_and(missing)} "
                        f"{'is' if len(missing) == 1 else 'are'} missing"
                    ]
                )
            continue

        if any("\x00" in cell for cell in cells):
            problems.append(f"Line {line}: {NULL_CHARACTER}")
            continue
        code, description, unit = (
            _column(cells, columns, name) for name in ("code", "description", "unit")
        )
        before = len(problems)
        if not code:
            problems.append(f"Line {line}: the code is missing")
        elif len(code) > 40:
            problems.append(f"Line {line}: the code {code[:40]}... is longer than 40 characters")
        elif code.lower() in seen:
            problems.append(f"Line {line}: the code {code} is already on line {seen[code.lower()]}")
        if not description:
            problems.append(f"Line {line}: the description is missing")
        if not unit:
            problems.append(f"Line {line}: the unit is missing")
        elif len(unit) > 60:
            problems.append(f"Line {line}: the unit is longer than 60 characters")
        proxy = _proxy(_column(cells, columns, "proxy_value"), line, problems)
        if code and code.lower() not in seen:
            seen[code.lower()] = line
        if len(problems) == before:
            measures.append(MeasureRow(line, code, description, unit, proxy))
        if len(measures) + len(problems) > MAX_MEASURES:
            raise FrameworkFileError([f"A framework can hold at most {MAX_MEASURES} measures"])
    if columns is None:
        raise FrameworkFileError(["The file is empty"])
    if problems:
        raise FrameworkFileError(problems)
    if not measures:
        raise FrameworkFileError(["The file has a header row but no measures"])
    return measures
