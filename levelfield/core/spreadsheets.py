"""Every CSV and XLSX the platform writes goes through here, so that no text anyone typed (a
supplier's name, a tender title, a subcontractor's description) opens as a live formula in the
spreadsheet of whoever downloads it (CSV or formula injection, OWASP).

The rule, `safe_cell`: text whose first character, or first character after leading
whitespace, is one a spreadsheet reads as the start of a formula (= + - @, tab, carriage
return, or their full-width forms) is written with a single quote in front, which spreadsheets
show as text. What changes is only the spreadsheet cell: JSON and OCDS data keep the true text.

Numbers stay numbers. A number held as a number (int, Decimal, float) is not text and is written
as it is: in XLSX it is a numeric cell and in CSV its digits. Text that is nothing but a plain
number ("-12.50", "+3", "1e6") is left alone as well: a spreadsheet reads it as that number
and nothing more, and a quote would make "-12.50" a label an analyst can no longer sum. Anything
else after a sign (a phone number such as "+44 20 7946 0000", "-1+1", "=1") gets the quote, as
OWASP advises, since a spreadsheet would evaluate it.

Writers: `csv_writer` for CSV built row by row; `flatten_to_xlsx` and `flatten_to_csv` run
flattentool and make its output safe the same way. A test guards that nothing else in the
project writes CSV or XLSX."""

import csv
import os
import re
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import flattentool
import openpyxl

# The first characters that start a formula: ASCII (OWASP's list) and the full-width forms some
# spreadsheets read the same way when typing or importing in East Asian locales.
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")
# Text a spreadsheet reads as a plain number, and nothing else.
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# Values written as they are: none of them is text a spreadsheet could run.
NOT_TEXT = (bool, int, float, Decimal, date, datetime, time)


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read this text as a formula (see the module's rule)."""
    if PLAIN_NUMBER.fullmatch(text):
        return False
    return text[:1] in FORMULA_STARTS or text.lstrip()[:1] in FORMULA_STARTS


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


def flatten_to_xlsx(source: Path, output: Path, **options) -> None:
    """flattentool's XLSX flattening of the JSON file `source`, written to `output` with every
    cell made safe. flattentool writes text that starts with = as a live formula (openpyxl does
    that with any such string), so its workbook is copied cell by cell, streaming both ways."""
    raw = output.with_name(f".unsafe-{output.name}")
    flattentool.flatten(str(source), output_name=str(raw), output_format="xlsx", **options)
    try:
        unsafe = openpyxl.load_workbook(raw, read_only=True)
        safe = openpyxl.Workbook(write_only=True)
        try:
            for sheet in unsafe.worksheets:
                copy = safe.create_sheet(title=sheet.title)
                for row in sheet.iter_rows(values_only=True):
                    copy.append([safe_cell(value) for value in row])
        finally:
            unsafe.close()
        safe.save(output)
    finally:
        raw.unlink(missing_ok=True)


def flatten_to_csv(source: Path, directory: Path, **options) -> list[Path]:
    """flattentool's CSV flattening of the JSON file `source`, one file per sheet in
    `directory`, every cell made safe. Returns the files, sorted by name."""
    flattentool.flatten(str(source), output_name=str(directory), output_format="csv", **options)
    sheets = sorted(path for path in directory.iterdir() if path.suffix == ".csv")
    for sheet in sheets:
        raw = sheet.with_name(f".unsafe-{sheet.name}")
        os.replace(sheet, raw)
        try:
            with (
                raw.open(newline="", encoding="utf-8") as unsafe,
                sheet.open("w", newline="", encoding="utf-8") as safe,
            ):
                csv_writer(safe, lineterminator="\r\n").writerows(csv.reader(unsafe))
        finally:
            raw.unlink(missing_ok=True)
    return sheets
