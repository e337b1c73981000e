"""Reading a buyer's invoices from a CSV file, as a council's finance spreadsheet exports them:
one invoice a row, with a header row naming the columns (in any order):

    contract reference, invoice reference, received date, amount, status, dispute reason,
    paid date

Dates as DD/MM/YYYY (the UK way, 1/4/2026 too) or ISO (2026-04-01); amounts in pounds, with or
without £ and thousands commas; status valid (or blank) or disputed. Pure: it returns the rows,
each with what could not be read in it (by line, with the reason), and writes nothing; the
import action checks the rest.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from levelfield.core.csv_rows import CsvFileError, named_rows

MAX_ROWS = 5000

COLUMNS = {
    "contract": {"contract_reference", "contract", "contract_ref", "contract_id"},
    "reference": {"invoice_reference", "invoice", "invoice_ref", "invoice_number", "invoice_no"},
    "received_on": {"received_date", "received", "date_received", "received_on", "invoice_date"},
    "amount": {"amount", "amount_gbp", "value", "invoice_amount", "total"},
    "status": {"status", "invoice_status"},
    "dispute_reason": {"dispute_reason", "reason", "reason_disputed"},
    "paid_on": {"paid_date", "paid", "date_paid", "paid_on", "payment_date"},
}
REQUIRED = ("contract", "reference", "received_on", "amount")
LABELS = {
    "contract": "contract reference",
    "reference": "invoice reference",
    "received_on": "received date",
    "amount": "amount",
}


@dataclass(frozen=True)
class InvoiceRow:
    line: int
    contract: str
    reference: str
    received_on: date | None
    amount: str
    status: str
    dispute_reason: str
    paid_on: date | None
    problems: tuple[str, ...] = ()  # what could not be read (a date that is not one)


class InvoiceFileError(CsvFileError):
    pass


def parse_date(text: str) -> date | None:
    """DD/MM/YYYY (or D/M/YYYY, with / . or -) or ISO YYYY-MM-DD; None when it is neither."""
    text = text.strip()
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    match = re.fullmatch(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})", text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None
    # A spreadsheet saved with times: "01/04/2026 00:00".
    for pattern in ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _amount(text: str) -> str:
    return text.replace("£", "").replace(",", "").strip()


def read_invoices(raw: bytes) -> list[InvoiceRow]:
    rows = []
    for line, cell in named_rows(
        raw,
        columns=COLUMNS,
        required=REQUIRED,
        labels=LABELS,
        header="contract reference, invoice reference, received date, amount, status, "
        "dispute reason and paid date",
        noun="invoices",
        max_rows=MAX_ROWS,
        error=InvoiceFileError,
    ):
        received_text, paid_text = cell["received_on"], cell["paid_on"]
        received_on = parse_date(received_text) if received_text else None
        paid_on = parse_date(paid_text) if paid_text else None
        problems = []
        if received_text and received_on is None:
            problems.append(
                f"Line {line}: the received date {received_text!r} is not a date like "
                "31/03/2026 or 2026-03-31"
            )
        if paid_text and paid_on is None:
            problems.append(
                f"Line {line}: the paid date {paid_text!r} is not a date like 31/03/2026 "
                "or 2026-03-31"
            )
        rows.append(
            InvoiceRow(
                line=line,
                contract=cell["contract"],
                reference=cell["reference"],
                received_on=received_on,
                amount=_amount(cell["amount"]),
                status=cell["status"].lower() or "valid",
                dispute_reason=cell["dispute_reason"],
                paid_on=paid_on,
                problems=tuple(problems),
            )
        )
    return rows
