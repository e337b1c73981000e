"""Reading a spend file as departments and councils publish them: CSV (UTF-8, with or without a
byte order mark, or Windows-1252) or XLSX (the first sheet with a header), the header row
wherever it is in the first rows (title rows above it), the columns in any of the spellings in
use, blank rows anywhere. Pure: it reads, parses and reports; it stores nothing.

`open_rows(path)` -> (line, {field: cell}) for each row after the header with anything in it;
`parse_row(cells)` -> (SpendRow, problems)."""

import codecs
import csv
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from levelfield.core.csv_rows import header_key
from levelfield.core.workbooks import UnreadableWorkbook, open_workbook, sheet_rows

from .matching import ch_number, name_key

HEADER_SEARCH_ROWS = 30
# Each field's header names (as core.csv_rows.header_key makes them), the first found wins.
COLUMNS: dict[str, tuple[str, ...]] = {
    "body": (
        "entity",
        "body_name",
        "body",
        "organisation",
        "organisation_name",
        "authority",
        "authority_name",
        "local_authority",
        "council",
        "public_body",
        "department",
        "department_family",
        "departmental_family",
    ),
    "date": (
        "date",
        "payment_date",
        "date_paid",
        "paid_date",
        "transaction_date",
        "date_of_payment",
        "payment_date_dd_mm_yyyy",
        "invoice_payment_date",
        "posting_date",
        "effective_date",
    ),
    "expense_type": (
        "expense_type",
        "expenses_type",
        "expenditure_type",
        "purpose_of_expenditure",
        "expense_category",
        "expenditure_category",
        "expense_area",
        "service_area",
        "service",
        "category",
        "cost_centre_description",
        "description",
    ),
    "supplier": (
        "supplier",
        "supplier_name",
        "suppliers_name",
        "merchant_name",
        "merchant",
        "vendor",
        "vendor_name",
        "payee",
        "payee_name",
        "beneficiary",
        "beneficiary_name",
        "recipient",
        "recipient_name",
    ),
    "amount": (
        "amount",
        "amount_gbp",
        "net_amount",
        "net_amount_gbp",
        "amount_excl_vat",
        "amount_excluding_vat",
        "net",
        "value",
        "net_value",
        "payment_amount",
        "amount_paid",
        "total",
        "total_amount",
        "gross_amount",
    ),
    "transaction": (
        "transaction_number",
        "transaction_no",
        "transaction_id",
        "transaction_ref",
        "transaction_reference",
        "transaction",
        "trans_no",
        "reference",
        "payment_reference",
        "payment_ref",
        "invoice_number",
        "invoice_no",
        "document_number",
    ),
    "supplier_ch": (
        "companies_house_number",
        "company_number",
        "company_no",
        "company_registration_number",
        "company_reg_no",
        "supplier_company_number",
        "companies_house_no",
        "crn",
    ),
}
REQUIRED = ("date", "supplier", "amount")
LABELS = {"date": "date", "supplier": "supplier", "amount": "amount"}
MAX_LENGTH = {"body": 500, "expense_type": 500, "supplier": 500, "transaction": 200}
# Excel's day 0 (it counts 1900 as a leap year, so serials from March 1900 on count from here).
EXCEL_EPOCH = date(1899, 12, 30)
DATE_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%B-%Y",
    "%d %b %y",
    "%Y%m%d",
)


class SpendFileError(ValueError):
    """The file as a whole cannot be read (no header, not CSV, not XLSX)."""


@dataclass
class SpendRow:
    line: int
    body: str
    date: date
    expense_type: str
    supplier_name: str
    supplier_key: str
    supplier_ch: str
    amount: Decimal
    transaction_number: str


def file_facts(path: Path) -> tuple[str, int, bool]:
    """(SHA-256, size, whether the bytes are valid UTF-8), in one pass over the file."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, size = True, 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return digest.hexdigest(), size, utf8


def is_xlsx(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def _csv_lines(path: Path, utf8: bool):
    encoding = "utf-8-sig" if utf8 else "cp1252"
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        try:
            line = 1
            for cells in reader:
                yield line, cells
                line = reader.line_num + 1
        except csv.Error as exc:
            raise SpendFileError(f"line {reader.line_num}: not valid CSV ({exc})") from exc


def _xlsx_sheets(path: Path):
    try:
        book = open_workbook(path)
    except UnreadableWorkbook as exc:
        raise SpendFileError(exc.reason) from exc
    try:
        for sheet in book.worksheets:
            yield _sheet_rows(sheet)
    finally:
        book.close()


def _sheet_rows(sheet):
    try:
        yield from sheet_rows(sheet)
    except UnreadableWorkbook as exc:
        raise SpendFileError(f"line {exc.row}: {exc.reason}") from exc


def _is_blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _find_header(cells) -> dict[str, int] | None:
    keys = [header_key(str(cell)) if cell is not None else "" for cell in cells]
    found: dict[str, int] = {}
    for field, names in COLUMNS.items():
        for name in names:
            if name in keys:
                found[field] = keys.index(name)
                break
    if all(field in found for field in REQUIRED):
        return found
    return None


def _rows_after_header(lines):
    """(header columns, rows) where rows yields (line, {field: cell}) after the header row."""
    looked = 0
    for _line, cells in lines:
        if all(_is_blank(c) for c in cells):
            continue
        looked += 1
        found = _find_header(cells)
        if found is not None:
            return found, (
                (n, {field: (c[i] if i < len(c) else None) for field, i in found.items()})
                for n, c in lines
                if not all(_is_blank(cell) for cell in c)
            )
        if looked >= HEADER_SEARCH_ROWS:
            break
    return None, None


def open_rows(path: Path, *, utf8: bool = True):
    """(columns found, rows) for the file; SpendFileError when no header is found."""
    if is_xlsx(path):
        for sheet in _xlsx_sheets(path):
            found, rows = _rows_after_header(sheet)
            if found is not None:
                return found, rows
    else:
        found, rows = _rows_after_header(_csv_lines(path, utf8))
        if found is not None:
            return found, rows
    raise SpendFileError(
        f"no header row naming the columns date, supplier and amount in the first "
        f"{HEADER_SEARCH_ROWS} rows"
    )


def parse_date(cell) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return _excel_serial(cell)
    text = str(cell or "").strip()
    if not text:
        raise ValueError("no date")
    if re.fullmatch(r"[0-9]{5}(\.[0-9]+)?", text):
        return _excel_serial(float(text))
    candidates = [text]
    if " " in text or "T" in text:  # "31/01/2026 00:00:00", "2026-01-31T00:00:00"
        candidates.append(re.split(r"[ T]", text, maxsplit=1)[0])
    for candidate in candidates:
        for fmt in DATE_FORMATS:
            try:
                day = datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
            if 1990 <= day.year <= 2100:
                return day
    raise ValueError(f"the date {text!r} is not a date (31/01/2026, 31-Jan-2026 or 2026-01-31)")


def _excel_serial(value: float) -> date:
    if not 32874 <= value <= 73415:  # 1990 to 2100
        raise ValueError(f"the date {value!r} is not a date")
    return EXCEL_EPOCH + timedelta(days=int(value))


def parse_amount(cell) -> Decimal:
    if isinstance(cell, bool):
        raise ValueError("the amount is not a number")
    if isinstance(cell, int | float):
        amount = Decimal(repr(cell))
    else:
        text = str(cell or "").strip()
        if not text:
            raise ValueError("no amount")
        negative = False
        if text.startswith("(") and text.endswith(")"):
            negative, text = True, text[1:-1]
        text = re.sub(r"(?i)[£,\s]|gbp", "", text)
        if text.endswith("-"):
            negative, text = not negative, text[:-1]
        if text.startswith("-"):
            negative, text = not negative, text[1:]
        if not re.fullmatch(r"[0-9]+(\.[0-9]*)?|\.[0-9]+", text):
            raise ValueError(f"the amount {str(cell).strip()!r} is not a number")
        amount = Decimal(text)
        if negative:
            amount = -amount
    try:
        amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError("the amount is too large") from exc
    if abs(amount) >= Decimal("1e14"):
        raise ValueError("the amount is too large")
    return amount


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def parse_row(line: int, cells: dict, *, default_body: str = "") -> tuple[SpendRow | None, list]:
    """(the row, []) or (None, the problems, each a sentence)."""
    problems = []
    texts = {field: _text(cell) for field, cell in cells.items()}
    if any("\x00" in text for text in texts.values()):
        return None, ["a cell has a null character (U+0000)"]
    for field, limit in MAX_LENGTH.items():
        if len(texts.get(field, "")) > limit:
            problems.append(f"the {field.replace('_', ' ')} is longer than {limit} characters")
    day = amount = None
    try:
        day = parse_date(cells.get("date"))
    except ValueError as exc:
        problems.append(str(exc))
    try:
        amount = parse_amount(cells.get("amount"))
    except ValueError as exc:
        problems.append(str(exc))
    supplier = texts.get("supplier", "")
    if not supplier:
        problems.append("no supplier")
    if problems:
        return None, problems
    # each parsed, or refused as a problem above
    assert day is not None and amount is not None
    return (
        SpendRow(
            line=line,
            body=texts.get("body", "") or default_body[:500],
            date=day,
            expense_type=texts.get("expense_type", ""),
            supplier_name=supplier,
            supplier_key=name_key(supplier),
            supplier_ch=ch_number(cells.get("supplier_ch")),
            amount=amount,
            transaction_number=texts.get("transaction", ""),
        ),
        [],
    )
