"""Every CSV and XLSX the platform writes goes through here, so that no text anyone typed (a
supplier's name, a tender title, a subcontractor's description) opens as a live formula in the
spreadsheet of whoever downloads it (CSV or formula injection, OWASP).

The rule, `safe_cell`: text whose first character, or first character after leading whitespace
or invisible characters, is one a spreadsheet reads as the start of a formula (= + - @, tab,
carriage return, or their full-width forms) is written with a single quote in front, which
spreadsheets show as text. What changes is only the spreadsheet cell: JSON and OCDS data keep
the true text.

Numbers stay numbers. A number held as a number (int, Decimal, float) is not text and is written
as it is: in XLSX it is a numeric cell and in CSV its digits. Text that is nothing but a plain
number ("-12.50", "+3", "1e6") is left alone as well: a spreadsheet reads it as that number
and nothing more, and a quote would make "-12.50" a label an analyst can no longer sum. Anything
else after a sign (a phone number such as "+44 20 7946 0000", "-1+1", "=1") gets the quote, as
OWASP advises, since a spreadsheet would evaluate it.

Writers: `csv_writer` for CSV built row by row; `xlsx_bytes` for a one-sheet workbook of rows;
`flatten` for JSON flattened by flattentool into an XLSX workbook and CSV files. A test
(tests/test_exports.py) guards that nothing else in the project writes CSV or XLSX."""

import csv
import io
import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import openpyxl
from flattentool.json_input import JSONParser
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# The first characters that start a formula: OWASP's list, and as a precaution their full-width
# forms (an input method or import may turn them into the ASCII ones).
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")
# Text a spreadsheet reads as a plain number, and nothing else: ASCII digits only (a sign before
# other digits, Arabic-Indic or mathematical, is not a number to a spreadsheet).
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
# What may stand before a formula character and still let a spreadsheet see it: whitespace, and
# control characters (Unicode category Cc) and invisible format characters (Cf: a byte order
# mark, a zero-width space, a soft hyphen, a direction mark) that an import may drop.
INVISIBLE = frozenset({"Cc", "Cf"})
# Values written as they are: none of them is text a spreadsheet could run.
NOT_TEXT = (bool, int, float, Decimal, date, datetime, time)


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read this text as a formula (see the module's rule)."""
    if PLAIN_NUMBER.fullmatch(text):
        return False
    if text[:1] in FORMULA_STARTS:
        return True
    for character in text:
        if not (character.isspace() or unicodedata.category(character) in INVISIBLE):
            return character in FORMULA_STARTS
    return False


def safe_cell(value):
    """The value to write in a spreadsheet cell: text that could start a formula gets a single
    quote in front; numbers, dates, booleans and empty cells are unchanged. Idempotent: a quoted
    cell starts with the quote, so quoting it again changes nothing."""
    if value is None or isinstance(value, NOT_TEXT):
        return value
    text = value if isinstance(value, str) else str(value)
    return "'" + text if is_formula_like(text) else text


class SafeCSVWriter:
    """csv.writer's writerow and writerows, every cell made safe first."""

    def __init__(self, file, **options):
        self._writer = csv.writer(file, **options)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(file, **options) -> SafeCSVWriter:
    """A csv.writer (same options) that writes every cell through `safe_cell`."""
    return SafeCSVWriter(file, **options)


def xlsx_bytes(rows, *, sheet_name: str) -> bytes:
    """An XLSX workbook of one sheet holding `rows` (the first being the header), every cell
    made safe, as bytes for a download."""
    workbook = openpyxl.Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet_name[:31])  # Excel's longest sheet name
    for row in rows:
        worksheet.append([safe_cell(_xml_text(value)) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def flatten(
    source: Path, *, xlsx: Path, csv_directory: Path, main_sheet_name: str, **options
) -> list[Path]:
    """Flatten the JSON file `source` with flattentool's parser (`options` are its JSONParser's:
    root_list_path, root_id...) and write the sheets, every cell made safe, twice: as the XLSX
    workbook `xlsx` and as one CSV file per sheet in `csv_directory`. Returns the CSV files.

    The JSON is parsed once for both. flattentool's own writers are not used: its XLSX writer
    makes any text starting with = a live formula (openpyxl does that with such a string)."""
    with JSONParser(json_filename=str(source), persist=True, **options) as parser:
        sheets = [(main_sheet_name, parser.main_sheet), *sorted(parser.sub_sheets.items())]
        workbook = openpyxl.Workbook(write_only=True)
        for name, sheet in sheets:
            worksheet = workbook.create_sheet(title=name[:31])  # Excel's longest sheet name
            for row in _rows(sheet):
                # Characters XML cannot hold (control characters) are dropped, as flattentool
                # does, before the rule: "\x01=1" must not become a formula once dropped.
                worksheet.append([safe_cell(_xml_text(value)) for value in row])
        workbook.save(xlsx)
        csv_directory.mkdir(parents=True, exist_ok=True)
        written = []
        for name, sheet in sheets:
            path = csv_directory / f"{name}.csv"
            with path.open("w", newline="", encoding="utf-8") as out:
                csv_writer(out, lineterminator="\r\n").writerows(_rows(sheet))
            written.append(path)
    return sorted(written)


def _rows(sheet):
    """The sheet's header (its columns, named by JSON path) and then its lines."""
    header = list(sheet)
    yield header
    for line in sheet.lines:
        yield [line.get(column) for column in header]


def _xml_text(value):
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
