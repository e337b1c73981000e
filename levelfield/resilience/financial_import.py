"""Importing suppliers' financial readings from a CSV file, one reading a row, with a header
row naming the columns (in any order):

    supplier, indicator, value, as of

The supplier is its Companies House number or its platform identifier (GB-LEVELFIELD-12);
dates as the invoices import reads them (31/03/2026 or 2026-03-31). All or nothing, in one
transaction: a file with any bad row imports nothing, and every bad row is named by its line
with the reason. Each imported reading past its threshold raises a breach."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from levelfield.contracts.payments_csv import MAX_ROWS, parse_date
from levelfield.core import audit, clock
from levelfield.core.csv_rows import CsvFileError, named_rows
from levelfield.core.errors import DomainError
from levelfield.core.uploads import check_upload
from levelfield.suppliers.selectors import find_supplier

from .actions_financial import parse_value, reading_problems, save_reading
from .models import Indicator, Reading
from .models.financial import ReadingSource
from .rules import require_team

COLUMNS = {
    "supplier": {
        "supplier",
        "supplier_identifier",
        "supplier_id",
        "companies_house_number",
        "company_number",
        "organisation",
        "organisation_id",
    },
    "indicator": {"indicator", "indicator_code", "code"},
    "value": {"value", "reading", "amount"},
    "as_of": {"as_of", "as_of_date", "date", "reading_date"},
}
LABELS = {"supplier": "supplier", "indicator": "indicator", "value": "value", "as_of": "as of"}


@dataclass(frozen=True)
class ReadingRow:
    line: int
    supplier: str
    indicator: str
    value: str
    as_of_text: str


class ReadingFileError(CsvFileError):
    pass


def read_readings(raw: bytes) -> list[ReadingRow]:
    """The rows of a readings CSV file; raises ReadingFileError when the file itself cannot be
    read (no header, not CSV, a null character, too many rows)."""
    return [
        ReadingRow(
            line=line,
            supplier=cell["supplier"],
            indicator=cell["indicator"],
            value=cell["value"],
            as_of_text=cell["as_of"],
        )
        for line, cell in named_rows(
            raw,
            columns=COLUMNS,
            required=COLUMNS,
            labels=LABELS,
            header="supplier, indicator, value and as of",
            noun="readings",
            max_rows=MAX_ROWS,
            error=ReadingFileError,
        )
    ]


def _nothing_imported(name: str, problems: list[str]) -> DomainError:
    count = len(problems)
    return DomainError(
        f"Nothing was imported: {name} has {count} problem{'s' if count != 1 else ''}",
        code="invalid_readings",
        details=problems,
    )


def _read(upload) -> list[ReadingRow]:
    try:
        check_upload(upload)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="invalid_file") from exc
    if not upload.name.lower().endswith(".csv"):
        raise DomainError("Upload the readings as a CSV file", code="invalid_file")
    raw = upload.read()
    upload.seek(0)
    try:
        return read_readings(raw)
    except ReadingFileError as exc:
        raise _nothing_imported(upload.name, exc.problems) from exc


@transaction.atomic
def import_financial_readings(*, upload, by) -> list[Reading]:
    """The resilience team imports readings from a CSV file: all of them, or none with every
    bad row listed by line."""
    require_team(by, "Only the resilience team can import financial readings")
    rows = _read(upload)
    today = clock.today_uk()
    indicators = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(code__in={row.indicator for row in rows})
    }
    suppliers: dict[str, object] = {}
    problems: list[str] = []
    checked = []
    for row in rows:
        row_problems = []
        if not row.supplier:
            row_problems.append("the supplier is missing")
            supplier = None
        else:
            if row.supplier not in suppliers:
                suppliers[row.supplier] = find_supplier(row.supplier)
            supplier = suppliers[row.supplier]
            if supplier is None:
                row_problems.append(
                    f"there is no supplier with Companies House number or identifier "
                    f"{row.supplier!r}"
                )
        as_of = parse_date(row.as_of_text) if row.as_of_text else None
        if row.as_of_text and as_of is None:
            row_problems.append(
                f"the date {row.as_of_text!r} is not a date like 31/03/2026 or 2026-03-31"
            )
            date_ok = False
        else:
            date_ok = True
        found = reading_problems(
            indicator=indicators.get(row.indicator),
            code=row.indicator,
            value=row.value,
            as_of=as_of,
            today=today,
        )
        if not date_ok:
            found = [p for p in found if not p.startswith("Enter the date")]
        row_problems.extend(p[0].lower() + p[1:] for p in found)
        if row_problems:
            problems.extend(f"Line {row.line}: {problem}" for problem in row_problems)
            continue
        value = parse_value(row.value)
        # reading_problems refuses a value that does not parse and a missing date
        assert value is not None and as_of is not None
        checked.append((row, supplier, indicators[row.indicator], value, as_of))
    if problems:
        raise _nothing_imported(upload.name, problems)
    created = [
        save_reading(
            supplier=supplier,
            indicator=indicator,
            value=value,
            as_of=as_of,
            source=ReadingSource.IMPORTED,
            by=by,
        )
        for row, supplier, indicator, value, as_of in checked
    ]
    breaches = sum(1 for reading in created if hasattr(reading, "breach"))
    audit.record(
        action="financial_reading.imported",
        obj=by,
        actor=by,
        summary=f"{len(created)} financial readings imported, {breaches} breaches raised",
        filename=upload.name[:255],
        readings=[reading.pk for reading in created],
    )
    return created
