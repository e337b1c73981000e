"""Invoices and their payment (Procurement Act 2023 s.68-s.70).

s.68 (implied payment terms): a sum due under a public contract is paid within 30 days of the
day the invoice is verified as valid and undisputed. s.69: a buyer publishes, every six months,
how many invoices it paid within that time (the UK17 payments compliance notice). s.70: for
each contract, a buyer publishes each payment over £30,000 made in a quarter (the UK8 payments
notice). The buyer records the invoices; the supplier sees them.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from levelfield.core import audit, clock
from levelfield.core.display import uk_date
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.core.money import format_gbp as gbp
from levelfield.core.money import money_problem, parse_money
from levelfield.core.ocds import absolute_url
from levelfield.core.permissions import require
from levelfield.tenders.dates import out_of_range

from ..lifecycle import ContractStatus
from ..models import Contract, Invoice, InvoiceSource, InvoiceStatus
from ..recipients import manager_emails
from ..reminders import send_once
from ..selectors_payments import (
    PAYMENT_DAYS,
    REMIND_AT_DAY,
    payable_on,
    payment_deadline,
    published_uk8_for,
    published_uk17,
)

MANAGE = "contracts.manage_contract"
DENIED = "Only the buyer's staff running this contract can record its invoices"
STATUS_PROBLEM = "The status must be valid or disputed"


# --- The rules, once (forms, the API and the CSV import reuse these messages) ------------------


def contract_problem(contract) -> str | None:
    if contract.status == ContractStatus.RECORDED:
        return "Invoices can be recorded once the contract is signed"
    return None


def amount_problem(amount) -> str | None:
    """The app's one money rule (core.money.money_problem): more than £0, pence at most, less
    than £1,000,000,000,000; "£1,250.00" is read as 1250.00."""
    if amount is None or (isinstance(amount, str) and not amount.strip()):
        return "Enter the amount of the invoice"
    return money_problem(amount, "amount")


def invoice_amount(amount) -> Decimal:
    """The amount as Decimal pounds, once amount_problem has passed it."""
    return parse_money(amount, "amount")


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


def _published_uk8_problem(invoice, amount, paid_on) -> str | None:
    """A payment already published in a UK8 keeps its amount and date paid: the notice is the
    public record of it (refused rather than republished; see correct_invoice)."""
    if amount_problem(amount):
        return None  # the amount's own message first
    if invoice_amount(amount) == invoice.amount and paid_on == invoice.paid_on:
        return None
    notice = published_uk8_for(invoice)
    if notice is None:
        return None
    return (
        f"Invoice {invoice.reference}'s payment was published in the payments notice (UK8) for "
        f"{notice.key} on {uk_date(notice.published_at)}: its amount and date paid cannot be "
        "changed now. Its reference can still be corrected"
    )


def published_period_problem(contract, *, days) -> str | None:
    """A UK17 payments compliance notice is published once (s.69) and holds the figures of the
    invoices it counted: correcting one of those so that it moves into, out of or within a
    published period is refused, so the notice and the invoices it counted keep agreeing.
    An invoice recorded (or marked paid) late, in a period already published, is taken: it is a
    fact the buyer must be able to record, and a payment over £30,000 still goes out in a
    supplementary UK8; it is simply not in the UK17 published before it was recorded (s.69 and
    regulation 38 count a payment in the period it was made, so it cannot be moved to a later
    period's figures either)."""
    notice = published_uk17(contract.buyer_id, [day for day in days if day])
    if notice is None:
        return None
    return (
        f"The payments compliance notice (UK17) for {uk_date(notice.period_start)} to "
        f"{uk_date(notice.period_end)} was published on {uk_date(notice.published_at)}: an "
        "invoice's dates cannot be moved into, out of or within that period now, because the "
        "notice is not published again. Its reference and amount can still be corrected"
    )


def _figure_days(received_on, paid_on, status) -> list:
    """The days an invoice counts on in the UK17 figures (none while disputed)."""
    if status != InvoiceStatus.VALID or not received_on:
        return []
    return [paid_on, payable_on(received_on)]


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
    figure_days: list | None = None,
) -> list[str]:
    """Everything wrong with an invoice as given (empty when it may be recorded). The UK17
    check looks at the days the invoice would count on, and at `figure_days` (those it counts on
    now, when correcting it)."""
    problems = []
    if problem := contract_problem(contract):
        problems.append(problem)
    same_reference = Invoice.objects.filter(contract=contract, reference=reference)
    if exclude_pk is not None:
        same_reference = same_reference.exclude(pk=exclude_pk)
    if problem := reference_problem(reference):
        problems.append(problem)
    elif same_reference.exists():
        problems.append(duplicate_message(contract, reference))
    if problem := date_problem(received_on, "date received", today=today):
        problems.append(problem)
    if problem := amount_problem(amount):
        problems.append(problem)
    if status not in InvoiceStatus.values:
        problems.append(STATUS_PROBLEM)
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
    # Only a correction (exclude_pk) of an invoice the published figures hold is checked;
    # figure_days None when correcting only what no figure holds (the reference, the amount).
    if (
        not problems
        and exclude_pk is not None
        and figure_days is not None
        and (
            problem := published_period_problem(
                contract, days=_figure_days(received_on, paid_on, status) + (figure_days or [])
            )
        )
    ):
        problems.append(problem)
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
    return create_checked(
        contract=contract,
        by=by,
        reference=reference,
        received_on=received_on,
        amount=amount,
        status=status,
        dispute_reason=dispute_reason,
        paid_on=paid_on,
        source=source,
    )


def create_checked(
    *, contract, by, reference, received_on, amount, status, dispute_reason, paid_on, source
) -> Invoice:
    """Create and audit an invoice already checked with invoice_problems (record_invoice and
    the CSV import)."""
    invoice = Invoice.objects.create(
        contract=contract,
        reference=reference,
        received_on=received_on,
        amount=invoice_amount(amount),
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


@transaction.atomic
def mark_paid(*, invoice: Invoice, by, paid_on: date) -> Invoice:
    """Record the day the supplier received the payment (regulation 38(4): a payment is made
    when the supplier receives it)."""
    require(by, MANAGE, invoice.contract, DENIED)
    invoice = _locked(invoice)
    if invoice.status == InvoiceStatus.DISPUTED:
        raise InvalidTransition("A disputed invoice cannot be paid: resolve the dispute first")
    if invoice.paid_on is not None:
        raise InvalidTransition(
            f"Invoice {invoice.reference} was already paid on {uk_date(invoice.paid_on)}: "
            "correct it if that date is wrong"
        )
    if problem := paid_problem(invoice.received_on, paid_on, today=clock.today_uk()):
        raise DomainError(problem, code="validation_error")
    if paid_on is None:
        raise DomainError("Enter the date paid", code="validation_error")
    invoice.paid_on = paid_on
    invoice.save(update_fields=["paid_on"])
    audit.record(
        action="invoice.paid",
        obj=invoice,
        actor=by,
        organisation=invoice.contract.buyer,
        summary=f"Invoice {invoice.reference} paid on {uk_date(paid_on)}",
        paid_on=paid_on.isoformat(),
        days=(paid_on - invoice.received_on).days,
    )
    return invoice


@transaction.atomic
def dispute_invoice(*, invoice: Invoice, by, reason: str) -> Invoice:
    """The buyer disputes an unpaid invoice: s.68(2) does not apply to it while it is disputed
    (and s.68(4) asks the buyer to tell the supplier without undue delay: the supplier sees the
    dispute and its reason on its contract's invoices page)."""
    require(by, MANAGE, invoice.contract, DENIED)
    invoice = _locked(invoice)
    reason = (reason or "").strip()
    if invoice.paid_on is not None:
        raise InvalidTransition("A paid invoice cannot be disputed")
    invoice.transition(InvoiceStatus.DISPUTED)
    if not reason:
        raise DomainError("Say why the invoice is disputed", code="validation_error")
    invoice.dispute_reason = reason
    invoice.save(update_fields=["status", "dispute_reason"])
    audit.record(
        action="invoice.disputed",
        obj=invoice,
        actor=by,
        organisation=invoice.contract.buyer,
        summary=f"Invoice {invoice.reference} disputed",
        reason=reason,
    )
    return invoice


@transaction.atomic
def resolve_dispute(*, invoice: Invoice, by, note: str = "") -> Invoice:
    """The buyer withdraws its dispute: the invoice is valid and undisputed as it stands.

    How a resolved dispute counts (s.68(2), regulation 38(3)): the 30 days begin with the day
    the invoice was received. Withdrawing the dispute means the buyer accepts the invoice it
    received, so it counts from its received date as any valid invoice does (the time spent
    in dispute is not taken off: it was the buyer's to decide quickly). Where the dispute ends
    instead with the supplier sending a corrected invoice, that is a new invoice with its own
    reference and received date: record it, and leave the disputed one disputed (it stays out
    of the figures)."""
    require(by, MANAGE, invoice.contract, DENIED)
    invoice = _locked(invoice)
    previous = invoice.dispute_reason
    invoice.transition(InvoiceStatus.VALID)
    invoice.dispute_reason = ""
    invoice.save(update_fields=["status", "dispute_reason"])
    audit.record(
        action="invoice.dispute_resolved",
        obj=invoice,
        actor=by,
        organisation=invoice.contract.buyer,
        summary=f"Dispute over invoice {invoice.reference} resolved",
        dispute_reason=previous,
        note=(note or "").strip(),
    )
    return invoice


@transaction.atomic
def correct_invoice(
    *,
    invoice: Invoice,
    by,
    reference: str,
    received_on: date,
    amount,
    paid_on: date | None,
) -> Invoice:
    """Correct what was recorded wrongly (a mistyped reference, amount or date). The status
    changes through dispute_invoice and resolve_dispute; the audit keeps what it was before.

    Once a payment is in a published UK8 notice its amount and date paid are refused rather
    than republished: the notice is the public record of what was paid, and a correction would
    need an amended release replacing a transaction (OCDS merges by id) and, where the date
    moves quarter or the amount falls to £30,000 or less, withdrawing it from a notice, which
    the UK8 has no way to say. Refusing keeps the record and the notice the same.
    Changing a date received or paid into or out of a period whose UK17 is published is refused
    too (published_period_problem)."""
    require(by, MANAGE, invoice.contract, DENIED)
    invoice = _locked(invoice)
    reference = (reference or "").strip()
    if problem := _published_uk8_problem(invoice, amount, paid_on):
        raise DomainError(problem, code="validation_error")
    # A reference alone may be corrected in a published period: the figures have no reference.
    dates_changed = (received_on, paid_on) != (invoice.received_on, invoice.paid_on)
    _refuse(
        invoice_problems(
            contract=invoice.contract,
            reference=reference,
            received_on=received_on,
            amount=amount,
            status=invoice.status,
            dispute_reason=invoice.dispute_reason,
            paid_on=paid_on,
            today=clock.today_uk(),
            exclude_pk=invoice.pk,
            figure_days=(
                _figure_days(invoice.received_on, invoice.paid_on, invoice.status)
                if dates_changed
                else None
            ),
        )
    )
    before = {
        "reference": invoice.reference,
        "received_on": invoice.received_on.isoformat(),
        "amount": str(invoice.amount),
        "paid_on": invoice.paid_on.isoformat() if invoice.paid_on else None,
    }
    invoice.reference = reference
    invoice.received_on = received_on
    invoice.amount = invoice_amount(amount)
    invoice.paid_on = paid_on
    after = {
        "reference": reference,
        "received_on": received_on.isoformat(),
        "amount": str(invoice.amount),
        "paid_on": paid_on.isoformat() if paid_on else None,
    }
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changed:
        return invoice
    invoice.save(update_fields=["reference", "received_on", "amount", "paid_on"])
    audit.record(
        action="invoice.corrected",
        obj=invoice,
        actor=by,
        organisation=invoice.contract.buyer,
        summary=f"Invoice {reference} corrected",
        changed=changed,
    )
    return invoice


# --- Reminders -----------------------------------------------------------------------------------


def remind_invoices_due(*, today: date) -> int:
    """Remind the contract manager (or the buyer's admins) once about each valid invoice still
    unpaid from day 25 after the day received up to its deadline (payment_deadline: s.68(2), 30
    days beginning with the day received; an invoice already late is on the payments page, and
    one imported long after it fell due is not news). A paid or disputed invoice gets no
    reminder. Returns how many were sent."""
    due = (
        Invoice.objects.filter(
            status=InvoiceStatus.VALID,
            paid_on__isnull=True,
            received_on__lte=today - timedelta(days=REMIND_AT_DAY),
            received_on__gte=today - timedelta(days=PAYMENT_DAYS - 1),
        )
        .select_related("contract__contract_manager", "contract__buyer")
        .order_by("received_on", "id")
    )
    sent = 0
    for invoice in due:
        contract = invoice.contract
        deadline = payment_deadline(invoice.received_on)
        link = absolute_url("contracts:payments_contract", contract.pk)
        sent += send_once(
            kind="invoice_day_25",
            key=f"invoice-{invoice.pk}",
            contract=contract,
            to=manager_emails(contract),
            subject=f"Invoice {invoice.reference} must be paid by {uk_date(deadline)}",
            body=(
                f"Invoice {invoice.reference} for {gbp(invoice.amount)} on contract "
                f"{contract.reference} ({contract.title}) was received on "
                f"{uk_date(invoice.received_on)} and is not yet paid. Under section 68 of the "
                f"Procurement Act 2023 it must be paid within 30 days beginning with the day it "
                f"was received, by {uk_date(deadline)}.\n\n"
                f"Record the payment or a dispute: {link}"
            ),
        )
    return sent


def publish_due_notices(*, today: date) -> int:
    """Publish every UK8 (quarter) and UK17 (six-month period) notice due and not yet published."""
    from .payments_notices import publish_due_notices as publish

    return publish(today=today)
