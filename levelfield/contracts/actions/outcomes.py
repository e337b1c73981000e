"""Outcomes: what a contract is for, counted (people housed, repairs done, listeners), so that
its cost per outcome can be compared with other contracts'; and payment by results, where the
contract prices outcomes, the supplier claims them with evidence and the buyer validates each
claim (it becomes an invoice, paid like any other) or rejects it with a reason.

A claim counts against its outcome's budget from the moment it is made: claims waiting for the
buyer and claims validated together may not exceed the budget, so two claims made on the same
day cannot both be paid in full past it."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from levelfield.core import audit, clock
from levelfield.core.display import uk_date
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.core.money import format_gbp as gbp
from levelfield.core.money import parse_money, parse_number
from levelfield.core.notify import email_on_commit
from levelfield.core.permissions import require
from levelfield.core.uploads import check_upload, files_removed_on_failure, store
from levelfield.tenders.dates import out_of_range

from ..lifecycle import ENDED, IN_FORCE
from ..models import Contract
from ..models.performance import ClaimStatus, OutcomeClaim, OutcomeRecord, PricedOutcome
from ..recipients import supplier_emails

MANAGE = "contracts.manage_contract"
DENIED = "Only the buyer's admins, officers and the contract manager can do that"
CLAIM_DENIED = "Only the supplier's people can claim the contract's outcomes"

MEASURE_TOO_LONG = "The outcome measure must be 100 characters or fewer"
NAME_REQUIRED = "Enter the outcome's name"
NAME_TOO_LONG = "The outcome's name must be 200 characters or fewer"
PERIOD_ORDER = "The period must end on or after the day it starts"
PERIOD_FUTURE = "The period cannot end after today"
NO_MEASURE = "Set the contract's outcome measure first"
NOT_SIGNED = "Outcomes are recorded once the contract is signed"
ENDED_MESSAGE = "The contract has ended: its outcomes can no longer change"
NARRATIVE_REQUIRED = "Say what was achieved and how the evidence shows it"
EVIDENCE_REQUIRED = "Upload the evidence the contract asks for: {asked}"
REASON_REQUIRED = "Give the reason for rejecting the claim: the supplier is told it"
HAS_CLAIMS = "Outcomes already claimed cannot be removed"
OVER_BUDGET = (
    "This claim of {amount} would take {outcome} over its budget of {budget}: {remaining} "
    "remains once claims waiting for a decision are counted"
)
BUDGET_BELOW_CLAIMED = "The budget cannot be less than is already claimed and validated ({used})"


def _decimal(value, label: str, *, positive: bool = True, money: bool = False) -> Decimal:
    if money:
        return parse_money(value, label, zero_allowed=not positive)
    return parse_number(value, label, negative_allowed=False, zero_allowed=not positive)


def _period(period_start: date, period_end: date) -> None:
    if period_start is None or period_end is None:
        raise DomainError("Enter the period's start and end", code="validation_error")
    for day, label in ((period_start, "period's start"), (period_end, "period's end")):
        if problem := out_of_range(day, label):
            raise DomainError(problem, code="validation_error")
    if period_end < period_start:
        raise DomainError(PERIOD_ORDER, code="period_order")
    if period_end > clock.today_uk():
        raise DomainError(PERIOD_FUTURE, code="period_future")


def _contract(contract, *, signed: bool = True) -> Contract:
    contract = (
        Contract.objects.select_for_update().select_related("buyer", "supplier").get(pk=contract.pk)
    )
    if contract.status in ENDED:
        raise InvalidTransition(ENDED_MESSAGE)
    if signed and contract.status not in IN_FORCE:
        raise InvalidTransition(NOT_SIGNED)
    return contract


# --- The outcome measure and what was delivered -------------------------------------------------


@transaction.atomic
def set_outcome_measure(*, contract, by, measure: str) -> Contract:
    """Name what the contract delivers, counted (plural, like 'listeners')."""
    require(by, MANAGE, contract, DENIED)
    contract = _contract(contract, signed=False)
    measure = (measure or "").strip()
    if len(measure) > 100:
        raise DomainError(MEASURE_TOO_LONG, code="validation_error")
    before = contract.outcome_measure
    contract.outcome_measure = measure
    contract.save(update_fields=["outcome_measure"])
    audit.record(
        action="contract.outcome_measure_set",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary=f"Outcome measure: {measure or 'none'}",
        before=before,
        measure=measure,
    )
    return contract


@transaction.atomic
def record_outcomes(
    *, contract, by, period_start: date, period_end: date, quantity, note: str = ""
) -> OutcomeRecord:
    """Record how many of the contract's outcome measure were delivered in a period."""
    require(by, MANAGE, contract, DENIED)
    contract = _contract(contract)
    if not contract.outcome_measure:
        raise DomainError(NO_MEASURE, code="no_measure")
    _period(period_start, period_end)
    amount = _decimal(quantity, "number delivered", positive=False)
    record = OutcomeRecord.objects.create(
        contract=contract,
        period_start=period_start,
        period_end=period_end,
        quantity=amount,
        note=(note or "").strip()[:5000],
        recorded_by=by,
        recorded_at=clock.now(),
    )
    audit.record(
        action="contract.outcomes_recorded",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary=f"{amount.normalize():f} {contract.outcome_measure} recorded for "
        f"{uk_date(period_start)} to {uk_date(period_end)}",
        record=record.pk,
        quantity=str(amount),
    )
    return record


@transaction.atomic
def remove_outcome_record(*, record, by) -> None:
    """Take back an outcome record entered by mistake."""
    require(by, MANAGE, record.contract, DENIED)
    contract = _contract(record.contract)
    record = OutcomeRecord.objects.get(pk=record.pk, contract=contract)
    audit.record(
        action="contract.outcomes_removed",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary=f"Outcome record for {uk_date(record.period_start)} to "
        f"{uk_date(record.period_end)} removed",
        record=record.pk,
        quantity=str(record.quantity),
    )
    record.delete()


# --- Payment by results -----------------------------------------------------------------------


def committed(outcome: PricedOutcome) -> Decimal:
    """What counts against the budget: claims waiting for a decision and claims validated."""
    quantity = outcome.claims.filter(
        status__in=[ClaimStatus.CLAIMED, ClaimStatus.VALIDATED]
    ).aggregate(total=Sum("quantity"))["total"] or Decimal("0")
    return (quantity * outcome.unit_price).quantize(Decimal("0.01"))


@transaction.atomic
def add_priced_outcome(
    *, contract, by, name: str, unit_price, budget, evidence_required: str = ""
) -> PricedOutcome:
    """Price an outcome the contract pays for by results, with its budget."""
    require(by, MANAGE, contract, DENIED)
    contract = _contract(contract, signed=False)
    name = (name or "").strip()
    if not name:
        raise DomainError(NAME_REQUIRED, code="validation_error")
    if len(name) > 200:
        raise DomainError(NAME_TOO_LONG, code="validation_error")
    price = _decimal(unit_price, "price of one outcome", money=True)
    total = _decimal(budget, "budget", money=True)
    outcome = PricedOutcome.objects.create(
        contract=contract,
        name=name,
        unit_price=price,
        budget=total,
        evidence_required=(evidence_required or "").strip()[:5000],
        created_at=clock.now(),
    )
    audit.record(
        action="outcome.priced",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary=f"Outcome priced: {name} at {gbp(price)}, budget {gbp(total)}",
        outcome=outcome.pk,
        unit_price=str(price),
        budget=str(total),
    )
    return outcome


@transaction.atomic
def change_budget(*, outcome, by, budget) -> PricedOutcome:
    require(by, MANAGE, outcome.contract, DENIED)
    contract = _contract(outcome.contract, signed=False)
    outcome = PricedOutcome.objects.select_for_update().get(pk=outcome.pk, contract=contract)
    total = _decimal(budget, "budget", money=True)
    used = committed(outcome)
    if total < used:
        raise DomainError(BUDGET_BELOW_CLAIMED.format(used=gbp(used)), code="budget_too_low")
    before = outcome.budget
    outcome.budget = total
    outcome.save(update_fields=["budget"])
    audit.record(
        action="outcome.budget_changed",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary=f"Budget for {outcome.name}: {gbp(before)} to {gbp(total)}",
        outcome=outcome.pk,
        before=str(before),
        budget=str(total),
    )
    return outcome


@transaction.atomic
def remove_priced_outcome(*, outcome, by) -> None:
    require(by, MANAGE, outcome.contract, DENIED)
    contract = _contract(outcome.contract, signed=False)
    outcome = PricedOutcome.objects.select_for_update().get(pk=outcome.pk, contract=contract)
    if outcome.claims.exists():
        raise DomainError(HAS_CLAIMS, code="outcome_claimed")
    audit.record(
        action="outcome.removed",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary=f"Priced outcome removed: {outcome.name}",
        outcome=outcome.pk,
    )
    outcome.delete()


@files_removed_on_failure
@transaction.atomic
def claim_outcome(
    *,
    outcome,
    by,
    period_start: date,
    period_end: date,
    quantity,
    narrative: str,
    evidence=None,
) -> OutcomeClaim:
    """The supplier claims a number of an outcome delivered in a period, with its evidence."""
    require(by, "contracts.claim_outcome", outcome.contract, CLAIM_DENIED)
    contract = _contract(outcome.contract)
    # The outcome row is the lock two claims on the same budget wait for.
    outcome = PricedOutcome.objects.select_for_update().get(pk=outcome.pk, contract=contract)
    _period(period_start, period_end)
    amount = _decimal(quantity, "number claimed")
    narrative = (narrative or "").strip()
    if not narrative:
        raise DomainError(NARRATIVE_REQUIRED, code="narrative_required")
    if outcome.evidence_required.strip() and evidence is None:
        raise DomainError(
            EVIDENCE_REQUIRED.format(asked=outcome.evidence_required.strip()),
            code="evidence_required",
        )
    value = (amount * outcome.unit_price).quantize(Decimal("0.01"))
    used = committed(outcome)
    if used + value > outcome.budget:
        raise DomainError(
            OVER_BUDGET.format(
                amount=gbp(value),
                outcome=outcome.name,
                budget=gbp(outcome.budget),
                remaining=gbp(outcome.budget - used),
            ),
            code="over_budget",
        )
    claim = OutcomeClaim(
        outcome=outcome,
        period_start=period_start,
        period_end=period_end,
        quantity=amount,
        narrative=narrative[:5000],
        claimed_by=by,
        claimed_at=clock.now(),
    )
    if evidence is not None:
        try:
            claim.evidence_sha256 = check_upload(evidence)
        except ValidationError as error:
            raise DomainError(error.messages[0], code="validation_error") from error
        store(claim.evidence, evidence)
    claim.save()
    audit.record(
        action="outcome.claimed",
        obj=contract,
        actor=by,
        organisation=contract.supplier,
        summary=f"{amount.normalize():f} x {outcome.name} claimed ({gbp(value)})",
        outcome=outcome.pk,
        claim=claim.pk,
        quantity=str(amount),
        amount=str(value),
    )
    return claim


def _locked_claim(claim) -> OutcomeClaim:
    claim = (
        OutcomeClaim.objects.select_for_update()
        .select_related("outcome__contract__buyer", "outcome__contract__supplier")
        .get(pk=claim.pk)
    )
    return claim


def claim_amount(claim: OutcomeClaim) -> Decimal:
    return (claim.quantity * claim.outcome.unit_price).quantize(Decimal("0.01"))


@transaction.atomic
def validate_claim(*, claim, by) -> OutcomeClaim:
    """The buyer accepts the claim: it becomes an invoice received today, paid like any other
    within 30 days (s.68)."""
    from .payments import record_invoice

    require(by, MANAGE, claim.outcome.contract, DENIED)
    claim = _locked_claim(claim)
    contract = claim.outcome.contract
    claim.transition(ClaimStatus.VALIDATED)
    invoice = record_invoice(
        contract=contract,
        by=by,
        reference=f"OUTCOME-{claim.pk}",
        received_on=clock.today_uk(),
        amount=claim_amount(claim),
        source="outcome",
    )
    claim.invoice = invoice
    claim.decided_by = by
    claim.decided_at = clock.now()
    claim.save()
    audit.record(
        action="outcome.validated",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary=f"Outcome claim validated: {claim.outcome.name} ({gbp(invoice.amount)})",
        claim=claim.pk,
        invoice=invoice.pk,
        amount=str(invoice.amount),
    )
    email_on_commit(
        to=supplier_emails(contract),
        subject=f"{contract.reference}: outcome claim validated",
        body=(
            f"{contract.buyer.name} has validated your claim for "
            f"{claim.quantity.normalize():f} x {claim.outcome.name} ({gbp(invoice.amount)}) on "
            f"{contract.title}. It is recorded as invoice {invoice.reference}, to be paid "
            "within 30 days."
        ),
    )
    return claim


@transaction.atomic
def reject_claim(*, claim, by, reason: str) -> OutcomeClaim:
    """The buyer rejects the claim with a reason, which the supplier is emailed."""
    require(by, MANAGE, claim.outcome.contract, DENIED)
    claim = _locked_claim(claim)
    contract = claim.outcome.contract
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(REASON_REQUIRED, code="reason_required")
    claim.transition(ClaimStatus.REJECTED)
    claim.rejection_reason = reason[:5000]
    claim.decided_by = by
    claim.decided_at = clock.now()
    claim.save()
    audit.record(
        action="outcome.rejected",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary=f"Outcome claim rejected: {claim.outcome.name}",
        claim=claim.pk,
        reason=claim.rejection_reason,
    )
    email_on_commit(
        to=supplier_emails(contract),
        subject=f"{contract.reference}: outcome claim rejected",
        body=(
            f"{contract.buyer.name} has rejected your claim for "
            f"{claim.quantity.normalize():f} x {claim.outcome.name} on {contract.title} "
            f"({uk_date(claim.period_start)} to {uk_date(claim.period_end)}).\n\n"
            f"Reason: {claim.rejection_reason}"
        ),
    )
    return claim
