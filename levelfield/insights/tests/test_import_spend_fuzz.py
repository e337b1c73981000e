"""`levelfield import-spend` fuzzed (issue 17): spend files in the layouts publishers use, CSV
in their encodings and XLSX, with each cell drawn from what is good (dates in every form read,
amounts with pounds signs, commas, brackets and minus signs) and what is not (impossible dates,
words, huge numbers, formulas, NUL characters, overlong text); and bytes that are no spend file
at all, or a workbook damaged. Whatever comes, a file is stored whole, or refused with every bad
row named by its file and line (or the file's own fault named) and nothing of it stored."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from levelfield.core.tests.test_workbooks import sheet_cut_short, workbook
from levelfield.insights.models import SpendFile, SpendLine
from levelfield.insights.spend_import import SpendImporter

pytestmark = pytest.mark.django_db

# A few dozen examples: the whole fuzzing stays within minutes (no deadline: conftest.py)
FUZZ = settings(max_examples=40, suppress_health_check=list(HealthCheck))

HEADERS = {
    "date": ["Date", "Payment Date", "Date Paid", "Transaction Date", "Posting Date"],
    "supplier": ["Supplier", "Supplier Name", "Merchant Name", "Vendor", "Payee"],
    "amount": ["Amount", "Amount (£)", "Net Amount", "Value", "Total"],
    "expense_type": ["Expense Type", "Service Area", "Description"],
    "body": ["Body Name", "Organisation", "Department"],
    "transaction": ["Transaction Number", "Reference", "Invoice No"],
    "supplier_ch": ["Company Number", "CRN"],
}
DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d"]
DATE_FORMATS += ["%d-%b-%Y", "%d %b %Y", "%d %B %Y", "%Y%m%d", "%d/%m/%Y %H:%M:%S"]

# Text a person types; the XLSX format cannot hold control characters, so those go in CSV only.
plain_text = st.text(
    st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=30
).filter(lambda text: text.strip() and not text.startswith("="))
any_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=30)


@st.composite
def good_date(draw, xlsx: bool):
    day = draw(st.dates(date(1990, 1, 1), date(2060, 12, 31)))
    if xlsx and draw(st.booleans()):
        return draw(st.sampled_from([day, datetime(day.year, day.month, day.day, 9, 30)]))
    if draw(st.integers(0, 9)) == 0:  # an Excel serial, as a number or written out
        serial = (day - date(1899, 12, 30)).days
        return serial if xlsx else str(serial)
    return day.strftime(draw(st.sampled_from(DATE_FORMATS)))


bad_dates = st.sampled_from(
    ["", "  ", "31/02/2026", "2026-13-01", "yesterday", "01/01/1850", "1/1/2200", "0", "99999",
     "12345", "1e5", "=TODAY()", "31/01/2026\x00", "#VALUE!", "--"]
)  # fmt: skip


@st.composite
def good_amount(draw):
    amount = Decimal(draw(st.integers(-(10**12), 10**12))) / 100
    text = f"{abs(amount):,.2f}" if draw(st.booleans()) else f"{abs(amount):.2f}"
    if draw(st.booleans()):
        text = "£" + text
    if amount < 0:
        text = draw(st.sampled_from([f"-{text}", f"({text})", f"{text}-"]))
    return text


bad_amounts = st.sampled_from(
    ["", "abc", "1.2.3", "£", "1e5", "nan", "Infinity", "--5", "1" * 20, "£1,000,000,000,000,000",
     "=SUM(A1:A3)", "5\x00", "(5", "5 5.5.5", "0x10", "½"]
)  # fmt: skip


def fits(strategy, xlsx: bool):
    """The values of `strategy` a workbook can hold (no control characters)."""
    return strategy.filter(lambda text: not xlsx or text.isprintable() or not text)


@st.composite
def spend_rows(draw, xlsx: bool):
    """(header, rows, lines of the bad rows counted from the header's line + 1)."""
    fields = ["date", "supplier", "amount"]
    fields += draw(st.lists(st.sampled_from(["expense_type", "body", "transaction", "supplier_ch"]),
                            unique=True, max_size=4))  # fmt: skip
    fields = draw(st.permutations(fields))
    header = [draw(st.sampled_from(HEADERS[field])) for field in fields]
    rows, bad = [], []
    for number in range(draw(st.integers(1, 8))):
        good = draw(st.integers(0, 3)) > 0
        broken = None if good else draw(st.sampled_from(["date", "supplier", "amount", "long"]))
        row = []
        for field in fields:
            if field == "date":
                cell = draw(fits(bad_dates, xlsx)) if broken == "date" else draw(good_date(xlsx))
            elif field == "amount":
                if broken == "amount":
                    cell = draw(fits(bad_amounts, xlsx))
                elif xlsx and draw(st.booleans()):
                    cell = draw(st.integers(-(10**9), 10**9)) / 4
                else:
                    cell = draw(good_amount())
            elif field == "supplier":
                if broken == "supplier":
                    cell = draw(fits(st.sampled_from(["", "   ", "Acme\x00Ltd", "x" * 501]), xlsx))
                else:
                    cell = draw(plain_text if xlsx else any_text.filter(str.strip))
                    cell = cell.replace("\x00", "")
                    if not cell.strip():
                        cell = "Acme"
            elif broken == "long" and field in ("expense_type", "body"):
                cell = "y" * 501
            elif broken == "long" and field == "transaction":
                cell = "9" * 201
            else:
                cell = draw(st.one_of(st.none(), plain_text))
            row.append(cell)
        if broken == "long" and not set(fields) & {"expense_type", "body", "transaction"}:
            broken = None  # no column for overlong text: the row is good after all
        rows.append(row)
        if broken:
            bad.append(number)
    return header, rows, bad


def xlsx_bytes(header, rows, title: bool) -> bytes:
    return workbook([*([["Payments over £500"], []] if title else []), header, *rows])


def csv_bytes(header, rows, title: bool, encoding: str) -> tuple[bytes, list[int]]:
    """(the file, the line each row starts on: a cell may hold line breaks)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    if title:
        writer.writerow(["Payments over £500"])
        writer.writerow([])
    writer.writerow(header)
    starts = []
    for row in rows:
        starts.append(len(io.StringIO(out.getvalue(), newline="").readlines()) + 1)
        writer.writerow(["" if cell is None else cell for cell in row])
    text = out.getvalue()
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8"), starts
    if encoding == "cp1252" and raw.decode("utf-8", "replace") != text and is_utf8(raw):
        # Windows-1252 bytes that are UTF-8 too are read as UTF-8, as they should be
        return text.encode("utf-8"), starts
    return raw, starts


def is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def import_file(path):
    """Import one file into an empty store (an example drawn again is not "already imported"):
    (summary, lines stored, SpendFile rows left)."""
    SpendLine.objects.all().delete()
    SpendFile.objects.all().delete()
    files, lines = SpendFile.objects.count(), SpendLine.objects.count()
    summary = SpendImporter(batch_size=3).run([path])
    return summary, SpendLine.objects.count() - lines, SpendFile.objects.count() - files


def check_all_or_nothing(path, summary, stored: int, files: int) -> None:
    assert summary.files_imported + summary.files_refused == 1
    if summary.files_refused:
        assert (stored, files) == (0, 0)
        assert summary.problems
        for problem in summary.problems:
            assert problem.path == str(path) and problem.reason
            assert "Traceback" not in problem.reason
    else:
        spend_file = SpendFile.objects.get(sha256__isnull=False, path=str(path))
        assert spend_file.complete and spend_file.rows == stored == summary.stored > 0


@FUZZ
@given(data=st.data(), xlsx=st.booleans(), title=st.booleans())
def test_a_spend_file_is_stored_whole_or_refused_naming_every_bad_row(
    tmp_path_factory, data, xlsx, title
):
    header, rows, bad = data.draw(spend_rows(xlsx))
    if xlsx:
        raw, name = xlsx_bytes(header, rows, title), "spend.xlsx"
        first = 4 if title else 2  # the line after the header
        starts = [first + number for number in range(len(rows))]
    else:
        encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
        raw, starts = csv_bytes(header, rows, title, encoding)
        name = "spend.csv"
    note(f"{header} {rows} bad={bad}")
    path = tmp_path_factory.mktemp("spend") / name
    path.write_bytes(raw)

    summary, stored, files = import_file(path)

    check_all_or_nothing(path, summary, stored, files)
    if bad:
        assert summary.files_refused == 1
        assert sorted(problem.line for problem in summary.problems) == [starts[n] for n in bad]
    else:
        assert summary.files_imported == 1 and stored == len(rows), summary.problems
        assert SpendLine.objects.filter(file__path=str(path)).count() == len(rows)


@st.composite
def not_spend_files(draw) -> tuple[str, bytes]:
    """Random bytes, a text file of another kind, or a workbook cut short or with bytes
    overwritten."""
    kind = draw(st.sampled_from(["bytes", "text", "xlsx", "xlsx"]))
    if kind == "bytes":
        return draw(st.sampled_from(["spend.csv", "spend.xlsx"])), draw(st.binary(max_size=300))
    if kind == "text":
        text = draw(st.text(max_size=200))
        return "spend.csv", text.encode(draw(st.sampled_from(["utf-8", "utf-16", "utf-32"])))
    header, rows, _ = draw(spend_rows(xlsx=True))
    raw = bytearray(xlsx_bytes(header, rows, draw(st.booleans())))
    if draw(st.booleans()):
        raw = raw[: draw(st.integers(4, len(raw)))]
    for _ in range(draw(st.integers(0, 40))):
        raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
    return "spend.xlsx", bytes(raw)


@FUZZ
@given(file=not_spend_files())
def test_bytes_that_are_no_spend_file_are_refused_with_a_reason(tmp_path_factory, file):
    name, raw = file
    path = tmp_path_factory.mktemp("junk") / name
    path.write_bytes(raw)

    summary, stored, files = import_file(path)

    check_all_or_nothing(path, summary, stored, files)


def test_a_workbook_whose_sheet_is_cut_short_is_refused_naming_the_line(tmp_path):
    """Found by the fuzzing: openpyxl reads a sheet row by row, and a damaged one failed half
    way with an XML ParseError that stopped the whole import (no file named, no line)."""
    rows = [["01/01/2026", f"Acme {n}", n] for n in range(40)]
    path = tmp_path / "spend.xlsx"
    path.write_bytes(sheet_cut_short(xlsx_bytes(["Date", "Supplier", "Amount"], rows, False)))

    summary, stored, files = import_file(path)

    check_all_or_nothing(path, summary, stored, files)
    [problem] = summary.problems
    assert problem.line is None
    assert problem.reason.startswith("line ") and "the sheet cannot be read from here on" in (
        problem.reason
    )
    assert 2 < int(problem.reason.split()[1].rstrip(":")) <= 41
