"""Importing a buyer's invoices from a CSV file (payments_csv.py reads it).

One transaction: a file with any bad row imports nothing, and every bad row is named by its
line with the reason. Re-importing is safe, matched by contract and invoice reference:
  - a row the same as the invoice already recorded changes nothing;
  - a row that adds the paid date to an invoice recorded unpaid marks it paid (the finance
    system's next export, after the payment);
  - a row without a paid date for an invoice recorded as paid leaves the payment as it is;
  - a row that differs otherwise (date received, amount, status) is refused with its line:
    correct that invoice on the contract's invoices page instead.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from levelfield.core import audit, clock
from levelfield.core.display import uk_date
from levelfield.core.errors import DomainError
from levelfield.core.permissions import require
from levelfield.core.uploads import check_upload

from ..models import Contract, Invoice, InvoiceSource, InvoiceStatus
from ..payments_csv import InvoiceFileError, read_invoices
from .payments import (
    STATUS_PROBLEM,
    amount_problem,
    create_checked,
    invoice_amount,
    invoice_problems,
    paid_problem,
    reference_problem,
)


@dataclass
class ImportResult:
    created: list[Invoice] = field(default_factory=list)
    paid: list[Invoice] = field(default_factory=list)
    unchanged: int = 0


def _same(invoice: Invoice, row) -> bool:
    return (
        invoice.received_on == row.received_on
        and invoice.amount == invoice_amount(row.amount)
        and invoice.status == row.status
        and (row.status != InvoiceStatus.DISPUTED or invoice.dispute_reason == row.dispute_reason)
    )


def _differences(invoice: Invoice, row) -> str:
    parts = []
    if invoice.received_on != row.received_on:
        parts.append(f"received {uk_date(invoice.received_on)}")
    if invoice.amount != invoice_amount(row.amount):
        parts.append(f"amount £{invoice.amount:,.2f}")
    if invoice.status != row.status or invoice.dispute_reason != row.dispute_reason:
        parts.append(f"status {invoice.status}")
    if row.paid_on and invoice.paid_on and row.paid_on != invoice.paid_on:
        parts.append(f"paid {uk_date(invoice.paid_on)}")
    return ", ".join(parts)


def _other_problems(row) -> list[str]:
    """What is wrong with a row apart from its dates (those are in row.problems)."""
    found = [reference_problem(row.reference), amount_problem(row.amount or None)]
    if row.status not in InvoiceStatus.values:
        found.append(STATUS_PROBLEM)
    return [problem for problem in found if problem]


def _read(upload) -> list:
    try:
        check_upload(upload)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="invalid_file") from exc
    if not upload.name.lower().endswith(".csv"):
        raise DomainError("Upload the invoices as a CSV file", code="invalid_file")
    raw = upload.read()
    upload.seek(0)
    try:
        return read_invoices(raw)
    except InvoiceFileError as exc:
        raise _nothing_imported(upload.name, exc.problems) from exc


def _nothing_imported(name: str, problems: list[str]) -> DomainError:
    count = len(problems)
    return DomainError(
        f"Nothing was imported: {name} has {count} problem{'s' if count != 1 else ''}",
        code="invalid_invoices",
        details=problems,
    )


@transaction.atomic
def import_invoices(*, buyer, by, upload) -> ImportResult:
    require(
        by,
        "contracts.import_invoices",
        buyer,
        "Only the buyer's admins and officers can import invoices",
    )
    rows = _read(upload)
    today = clock.today_uk()
    contracts = {
        c.reference: c
        for c in Contract.objects.for_buyer(buyer)
        .select_for_update()
        .select_related("buyer")
        .filter(reference__in={row.contract for row in rows})
    }
    existing = {
        (invoice.contract_id, invoice.reference): invoice
        for invoice in Invoice.objects.filter(contract__in=contracts.values()).select_for_update()
    }
    problems: list[str] = []
    seen: dict[tuple[int, str], int] = {}
    to_create, to_pay, unchanged = [], [], 0
    for row in rows:
        contract = contracts.get(row.contract)
        if not row.contract:
            problems.append(f"Line {row.line}: the contract reference is missing")
            continue
        if contract is None:
            problems.append(
                f"Line {row.line}: {buyer.name} has no contract with reference {row.contract}"
            )
            continue
        key = (contract.pk, row.reference)
        if row.reference and key in seen:
            problems.append(
                f"Line {row.line}: invoice {row.reference} on contract {row.contract} is "
                f"already on line {seen[key]}"
            )
            continue
        seen[key] = row.line
        found = existing.get(key)
        if found is not None and row.problems:
            problems.extend(row.problems)
            continue
        if found is not None:
            if amount_problem(row.amount) is None and _same(found, row):
                if row.paid_on and found.paid_on is None:
                    problem = paid_problem(found.received_on, row.paid_on, today=today)
                    if found.status == InvoiceStatus.DISPUTED:
                        problem = "A disputed invoice cannot be paid: resolve the dispute first"
                    if problem:
                        problems.append(f"Line {row.line}: {problem}")
                    else:
                        to_pay.append((row, found))
                elif row.paid_on and row.paid_on != found.paid_on:
                    problems.append(
                        f"Line {row.line}: invoice {row.reference} on contract {row.contract} "
                        f"is recorded as paid on {uk_date(found.paid_on)}: correct it on the "
                        "contract's invoices page"
                    )
                else:
                    unchanged += 1
                continue
            differences = _differences(found, row) if amount_problem(row.amount) is None else ""
            problems.append(
                f"Line {row.line}: invoice {row.reference} is already recorded on contract "
                f"{row.contract}"
                + (f" with different details ({differences})" if differences else "")
                + ": correct it on the contract's invoices page"
            )
            continue
        if row.problems:
            # A date that is not one, and whatever else is wrong on the line, at once: not one
            # problem per upload.
            problems.extend(row.problems)
            problems.extend(f"Line {row.line}: {problem}" for problem in _other_problems(row))
            continue
        reason = row.dispute_reason if row.status == InvoiceStatus.DISPUTED else ""
        row_problems = invoice_problems(
            contract=contract,
            reference=row.reference,
            received_on=row.received_on,
            amount=row.amount or None,
            status=row.status,
            dispute_reason=reason,
            paid_on=row.paid_on,
            today=today,
        )
        if row_problems:
            problems.extend(f"Line {row.line}: {problem}" for problem in row_problems)
            continue
        to_create.append((row, contract, reason))
    if problems:
        raise _nothing_imported(upload.name, problems)
    result = ImportResult(unchanged=unchanged)
    for row, contract, reason in to_create:
        result.created.append(
            create_checked(
                contract=contract,
                by=by,
                reference=row.reference,
                received_on=row.received_on,
                amount=row.amount,
                status=row.status,
                dispute_reason=reason,
                paid_on=row.paid_on,
                source=InvoiceSource.IMPORT,
            )
        )
    for row, invoice in to_pay:
        invoice.paid_on = row.paid_on
        invoice.save(update_fields=["paid_on"])
        audit.record(
            action="invoice.paid",
            obj=invoice,
            actor=by,
            organisation=buyer,
            summary=f"Invoice {invoice.reference} paid on {uk_date(row.paid_on)} (imported)",
            paid_on=row.paid_on.isoformat(),
            days=(row.paid_on - invoice.received_on).days,
        )
        result.paid.append(invoice)
    if result.created or result.paid:
        audit.record(
            action="invoice.imported",
            obj=buyer,
            actor=by,
            organisation=buyer,
            summary=f"{len(result.created)} invoices imported, {len(result.paid)} marked paid",
            filename=upload.name[:255],
            created=[invoice.pk for invoice in result.created],
            paid=[invoice.pk for invoice in result.paid],
            unchanged=unchanged,
        )
    return result
