"""Invoices and their payment (Procurement Act 2023 s.68-s.70).

s.68 (implied payment terms): a sum due under a public contract is paid within 30 days of the
day the invoice is verified as valid and undisputed. s.69: a buyer publishes, every six months,
how many invoices it paid within that time (the UK17 payments compliance notice). s.70: for
each contract, a buyer publishes each payment over £30,000 made in a quarter (the UK8 payments
notice). The buyer records the invoices; the supplier sees them.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from levelfield.core import audit, clock
from levelfield.core.display import uk_date
from levelfield.core.errors import DomainError
from levelfield.core.money import format_gbp as gbp
from levelfield.core.permissions import require
from levelfield.tenders.dates import out_of_range

from ..lifecycle import ContractStatus
from ..models import Contract, Invoice, InvoiceSource, InvoiceStatus

MANAGE = "contracts.manage_contract"
DENIED = "Only the buyer's staff running this contract can record its invoices"


# --- The rules, once (forms, the API and the CSV import reuse these messages) ------------------


def contract_problem(contract) -> str | None:
    if contract.status == ContractStatus.RECORDED:
        return "Invoices can be recorded once the contract is signed"
    return None


def amount_problem(amount) -> str | None:
    if amount is None:
        return "Enter the amount of the invoice"
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        return "Enter the amount as a number of pounds, like 1250.00"
    if not value.is_finite():
        return "Enter the amount as a number of pounds, like 1250.00"
    if value <= 0:
        return "The amount must be more than £0"
    if value != value.quantize(Decimal("0.01")):
        return "The amount can have at most two decimal places (pence)"
    if value >= Decimal("1000000000000"):
        return "The amount must be less than £1,000,000,000,000"
    return None


def date_problem(value: date | None, label: str, *, today: date) -> str | None:
    if value is None:
        return f"Enter the {label}"
    if problem := out_of_range(value, label):
        return problem
    if value > today:
        return f"The {label} cannot be in the future"
    return None


def paid_problem(received_on: date | None, paid_on: date | None, *, today: date) -> str | None:
    if paid_on is None:
        return None
    if problem := date_problem(paid_on, "date paid", today=today):
        return problem
    if received_on and paid_on < received_on:
        return f"The date paid cannot be before the invoice was received ({uk_date(received_on)})"
    return None


def reference_problem(reference: str) -> str | None:
    if not reference:
        return "Enter the invoice reference"
    if len(reference) > 100:
        return "The invoice reference must be 100 characters or fewer"
    return None


def duplicate_message(contract, reference: str) -> str:
    return (
        f"Invoice {reference} is already recorded on contract {contract.reference}: "
        "correct it instead of recording it again"
    )


def invoice_problems(
    *,
    contract,
    reference: str,
    received_on,
    amount,
    status: str,
    dispute_reason: str,
    paid_on,
    today: date,
    exclude_pk: int | None = None,
) -> list[str]:
    """Everything wrong with an invoice as given (empty when it may be recorded)."""
    problems = []
    if problem := contract_problem(contract):
        problems.append(problem)
    if problem := reference_problem(reference):
        problems.append(problem)
    elif (
        Invoice.objects.filter(contract=contract, reference=reference)
        .exclude(pk=exclude_pk)
        .exists()
    ):
        problems.append(duplicate_message(contract, reference))
    if problem := date_problem(received_on, "date received", today=today):
        problems.append(problem)
    if problem := amount_problem(amount):
        problems.append(problem)
    if status not in InvoiceStatus.values:
        problems.append("The status must be valid or disputed")
    elif status == InvoiceStatus.DISPUTED and not dispute_reason:
        problems.append("Say why the invoice is disputed")
    if problem := paid_problem(
        received_on if not date_problem(received_on, "x", today=today) else None,
        paid_on,
        today=today,
    ):
        problems.append(problem)
    if status == InvoiceStatus.DISPUTED and paid_on is not None:
        problems.append("A disputed invoice cannot be paid: resolve the dispute first")
    return problems


def _refuse(problems: list[str]) -> None:
    if problems:
        raise DomainError(problems[0], code="validation_error", details=problems)


def _locked(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_related("contract__buyer").select_for_update().get(pk=invoice.pk)


# --- Actions -----------------------------------------------------------------------------------


@transaction.atomic
def record_invoice(
    *,
    contract: Contract,
    by,
    reference: str,
    received_on: date,
    amount,
    status: str = InvoiceStatus.VALID,
    dispute_reason: str = "",
    paid_on: date | None = None,
    source: str,
) -> Invoice:
    """Record an invoice the buyer received on a signed contract (in force or ended)."""
    require(by, MANAGE, contract, DENIED)
    contract = Contract.objects.select_for_update().select_related("buyer").get(pk=contract.pk)
    reference = (reference or "").strip()
    dispute_reason = (dispute_reason or "").strip() if status == InvoiceStatus.DISPUTED else ""
    _refuse(
        invoice_problems(
            contract=contract,
            reference=reference,
            received_on=received_on,
            amount=amount,
            status=status,
            dispute_reason=dispute_reason,
            paid_on=paid_on,
            today=clock.today_uk(),
        )
    )
    if source not in InvoiceSource.values:
        raise DomainError("Unknown source of the invoice", code="validation_error")
    invoice = Invoice.objects.create(
        contract=contract,
        reference=reference,
        received_on=received_on,
        amount=Decimal(amount),
        status=status,
        dispute_reason=dispute_reason,
        paid_on=paid_on,
        source=source,
        recorded_by=by,
        recorded_at=clock.now(),
    )
    audit.record(
        action="invoice.recorded",
        obj=invoice,
        actor=by,
        organisation=contract.buyer,
        summary=f"Invoice {reference} for {gbp(invoice.amount)} on {contract.reference}",
        contract=contract.pk,
        reference=reference,
        amount=str(invoice.amount),
        received_on=received_on.isoformat(),
        status=status,
        paid_on=paid_on.isoformat() if paid_on else None,
        source=source,
    )
    return invoice
