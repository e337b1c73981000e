"""The end of a contract (Procurement Act 2023 s.71, s.80): termination, expiry, completion.

s.80(1): a contracting authority publishes a contract termination notice (UK11) within 30 days
of a public contract's termination; the Act and the Cabinet Office's guidance count every way a
contract comes to an end as its termination, and the UK extension's contractTerminationNotice
covers "the successful completion of the contract" as well as an early termination. So:
- `terminate` (early, by a buyer admin) publishes UK11 with the reason's classification, after
  the performance assessment at termination that s.71 requires (UK9), in one transaction;
- `expire_ended` (the daily job) marks a live contract past its end date expired and asks its
  manager to complete it: the close-out needs the final value, which only the buyer knows;
- `complete` (a live or expired contract) publishes UK11 with the contract completion
  extension's final value and end date, after the assessment that s.71 requires at every
  ending (UK9), unless an assessment already covers the period up to the final end date.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models, transaction

from levelfield.core import audit, clock
from levelfield.core.display import uk_date
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.core.money import money_problem, parse_money
from levelfield.core.notify import email_on_commit
from levelfield.core.permissions import require

from .. import ocds_changes, reminders
from ..lifecycle import IN_FORCE, ContractStatus
from ..models import Contract, PerformanceAssessment
from ..recipients import manager_emails, supplier_emails


class TerminationReason(models.TextChoices):
    """Why a contract ended early, for the UK11 notice's terminationRationaleClassifications
    (s.80(3) asks whether the implied termination grounds of s.78 were relied on; reg 41 asks
    whether the supplier's breach was the cause)."""

    BREACH = "breach", "The supplier breached the contract or did not perform it well enough"
    S78_MODIFICATION = "s78_modification", "s.78: the contract was modified unlawfully"
    S78_EXCLUSION = "s78_exclusion", "s.78: the supplier is or has become an excluded supplier"
    S78_AWARD = "s78_award", "s.78: the contract should not have been awarded to the supplier"
    AGREEMENT = "agreement", "The buyer and the supplier agreed to end it"
    CONVENIENCE = "convenience", "The buyer ended it under the contract's own terms"
    INSOLVENCY = "insolvency", "The supplier became insolvent"
    OTHER = "other", "Another reason"


@dataclass(frozen=True)
class AssessmentAtTermination:
    """s.71(2): the supplier's performance assessed at termination (published as UK9)."""

    rating: str
    narrative: str


TERMINATE_DENIED = "Only the buyer's admins can terminate a contract"
COMPLETE_DENIED = "Only the buyer's staff running this contract can complete it"
REASON_REQUIRED = "Say why the contract is being terminated: the reason is published"
CLASSIFICATION_UNKNOWN = "Choose the kind of reason for the termination"
TERMINATED_ON_REQUIRED = "Enter the date the contract terminated"
TERMINATED_ON_FUTURE = "The contract cannot be terminated on a date after today"
TERMINATED_ON_BEFORE_SIGNED = "The contract cannot be terminated before it was signed ({signed})"
ASSESSMENT_REQUIRED = (
    "Assess the supplier's performance: s.71 requires an assessment at termination"
)
ASSESSMENT_AT_COMPLETION_REQUIRED = (
    "Assess the supplier's performance up to the date delivery ended: s.71 requires an "
    "assessment when a contract ends, and none covers the period up to {end}"
)
ASSESSMENT_NOT_NEEDED = (
    "The supplier's performance is already assessed up to {assessed}: leave the assessment "
    "empty, or record it from the contract's performance page"
)
FINAL_VALUE_LABEL = "final value paid"
FINAL_END_DATE_REQUIRED = "Enter the date delivery ended"
FINAL_END_DATE_FUTURE = "Delivery cannot have ended after today"
FINAL_END_DATE_BEFORE_START = "Delivery cannot have ended before the contract started ({start})"


def _locked(contract) -> Contract:
    return (
        Contract.objects.select_for_update().select_related("buyer", "supplier").get(pk=contract.pk)
    )


def termination_problems(*, contract, reason, classification, terminated_on, assessment):
    """Every problem with a termination, in the order a form shows them."""
    problems = []
    if not (reason or "").strip():
        problems.append(REASON_REQUIRED)
    if classification not in TerminationReason.values:
        problems.append(CLASSIFICATION_UNKNOWN)
    if terminated_on is None:
        problems.append(TERMINATED_ON_REQUIRED)
    elif terminated_on > clock.today_uk():
        problems.append(TERMINATED_ON_FUTURE)
    elif contract.signed_at and terminated_on < contract.signed_at.astimezone(clock.UK).date():
        problems.append(
            TERMINATED_ON_BEFORE_SIGNED.format(
                signed=uk_date(contract.signed_at.astimezone(clock.UK).date())
            )
        )
    if not _assessment_complete(assessment):
        problems.append(ASSESSMENT_REQUIRED)
    return problems


def assessed_up_to(contract) -> date | None:
    """The end of the latest period assessed, if any."""
    return (
        PerformanceAssessment.objects.filter(contract=contract)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )


def _assessment_given(assessment) -> bool:
    return assessment is not None and bool(
        (assessment.rating or "").strip() or (assessment.narrative or "").strip()
    )


def _assessment_complete(assessment) -> bool:
    return (
        assessment is not None
        and bool((assessment.narrative or "").strip())
        and bool(assessment.rating)
    )


def _assessed_period(contract, terminated_on: date) -> tuple[date, date]:
    """From the day after the last assessed period (or the contract's start) to termination."""
    last = assessed_up_to(contract)
    start = last + timedelta(days=1) if last else contract.start_date
    return (min(start, terminated_on), terminated_on)


@transaction.atomic
def terminate(
    *,
    contract,
    by,
    reason: str,
    classification: str,
    terminated_on: date,
    assessment: AssessmentAtTermination | None = None,
) -> Contract:
    """End a contract early: the assessment at termination (s.71, UK9), then the contract
    termination notice (s.80, UK11); the supplier is told."""
    from .performance import record_assessment

    require(by, "contracts.terminate_contract", contract, TERMINATE_DENIED)
    contract = _locked(contract)
    if contract.status not in IN_FORCE:
        raise InvalidTransition(
            f"A contract that is {contract.get_status_display().lower()} cannot be terminated"
        )
    problems = termination_problems(
        contract=contract,
        reason=reason,
        classification=classification,
        terminated_on=terminated_on,
        assessment=assessment,
    )
    if problems:
        raise DomainError(problems[0], code="invalid_termination", details=problems)
    contract.transition(ContractStatus.TERMINATED, clock.now())
    contract.termination_reason = reason.strip()
    contract.termination_classification = classification
    contract.final_end_date = terminated_on
    contract.save()
    period_start, period_end = _assessed_period(contract, terminated_on)
    assert assessment is not None  # termination_problems asks for a complete one
    record_assessment(
        contract=contract,
        by=by,
        period_start=period_start,
        period_end=period_end,
        rating=assessment.rating,
        narrative=assessment.narrative,
        at_termination=True,
    )
    label = TerminationReason(classification).label
    notice = ocds_changes.publish_termination_notice(
        contract, code=classification, label=label, reason=contract.termination_reason
    )
    audit.record(
        action="contract.terminated",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary=f"Terminated on {uk_date(terminated_on)}: {label}",
        classification=classification,
        terminated_on=terminated_on.isoformat(),
        release_id=notice.release_id,
    )
    email_on_commit(
        to=supplier_emails(contract),
        subject=f"{contract.reference}: contract terminated",
        body=(
            f"{contract.buyer.name} has terminated {contract.title} ({contract.reference}) "
            f"on {uk_date(terminated_on)}.\n\nReason: {label}.\n{contract.termination_reason}\n\n"
            "A contract termination notice has been published, with the assessment of your "
            "performance at termination."
        ),
    )
    return contract


def expire_ended(*, today: date) -> int:
    """The daily job: every live contract whose end date has passed becomes expired (audited
    with no actor), and its manager is asked to complete it so that the UK11 notice goes out
    within s.80's 30 days. Returns how many expired."""
    expired = 0
    due = Contract.objects.filter(status=ContractStatus.LIVE, end_date__lt=today)
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            contract = _locked(Contract(pk=pk))
            if contract.status != ContractStatus.LIVE or contract.end_date >= today:
                continue
            contract.transition(ContractStatus.EXPIRED, clock.now())
            contract.save()
            audit.record(
                action="contract.expired",
                obj=contract,
                actor=None,
                organisation=contract.buyer,
                summary=f"Expired: its end date, {uk_date(contract.end_date)}, has passed",
                end_date=contract.end_date.isoformat(),
            )
            reminders.send_once(
                kind="contract_expired",
                key=str(contract.pk),
                contract=contract,
                to=manager_emails(contract),
                subject=f"{contract.reference}: contract expired, complete it",
                body=(
                    f"{contract.title} ({contract.reference}) ended on "
                    f"{uk_date(contract.end_date)}. Record its final value and complete it, "
                    "with the assessment of the supplier's performance up to its end that is "
                    "due with completion (Procurement Act 2023 s.71), unless one already "
                    "covers it: the contract termination notice (UK11) must be published "
                    "within 30 days of its end (s.80)."
                ),
            )
            expired += 1
    return expired


def assessment_due_at_completion(contract, final_end_date: date) -> bool:
    """s.71: an assessment is due when a contract ends, unless one covers up to its end."""
    last = assessed_up_to(contract)
    return last is None or last < final_end_date


def completion_problems(*, contract, final_value, final_end_date, assessment=None) -> list[str]:
    """Every problem with a completion, in the order a form shows them."""
    problems = []
    if problem := money_problem(final_value, FINAL_VALUE_LABEL):
        problems.append(problem)
    if final_end_date is None:
        problems.append(FINAL_END_DATE_REQUIRED)
    elif final_end_date > clock.today_uk():
        problems.append(FINAL_END_DATE_FUTURE)
    elif final_end_date < contract.start_date:
        problems.append(FINAL_END_DATE_BEFORE_START.format(start=uk_date(contract.start_date)))
    if final_end_date is not None:
        if assessment_due_at_completion(contract, final_end_date):
            if not _assessment_complete(assessment):
                problems.append(
                    ASSESSMENT_AT_COMPLETION_REQUIRED.format(end=uk_date(final_end_date))
                )
        elif _assessment_given(assessment):
            assessed = uk_date(assessed_up_to(contract))
            problems.append(ASSESSMENT_NOT_NEEDED.format(assessed=assessed))
    return problems


@transaction.atomic
def complete(
    *,
    contract,
    by,
    final_value,
    final_end_date: date,
    assessment: AssessmentAtTermination | None = None,
) -> Contract:
    """Close out a live or expired contract: the assessment of the supplier's performance up to
    the end (s.71, UK9) unless one already covers it, then its final value and the date
    delivery ended, published in the contract termination notice (UK11) as a completion."""
    from .performance import record_assessment

    require(by, "contracts.manage_contract", contract, COMPLETE_DENIED)
    contract = _locked(contract)
    if contract.status not in (ContractStatus.LIVE, ContractStatus.EXPIRED):
        raise InvalidTransition(
            f"A contract that is {contract.get_status_display().lower()} cannot be completed; "
            "a contract is completed once live or expired"
        )
    problems = completion_problems(
        contract=contract,
        final_value=final_value,
        final_end_date=final_end_date,
        assessment=assessment,
    )
    if problems:
        raise DomainError(problems[0], code="invalid_completion", details=problems)
    assess = assessment_due_at_completion(contract, final_end_date)
    contract.transition(ContractStatus.COMPLETED, clock.now())
    contract.final_value = parse_money(final_value, FINAL_VALUE_LABEL, code="invalid_completion")
    contract.final_end_date = final_end_date
    contract.save()
    if assess:
        assert assessment is not None  # completion_problems asks for a complete one
        period_start, period_end = _assessed_period(contract, final_end_date)
        record_assessment(
            contract=contract,
            by=by,
            period_start=period_start,
            period_end=period_end,
            rating=assessment.rating,
            narrative=assessment.narrative,
            at_termination=True,
        )
    notice = ocds_changes.publish_completion_notice(contract)
    audit.record(
        action="contract.completed",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary=f"Completed: £{contract.final_value:,.2f} paid, delivery ended "
        f"{uk_date(final_end_date)}",
        final_value=str(contract.final_value),
        final_end_date=final_end_date.isoformat(),
        release_id=notice.release_id,
    )
    email_on_commit(
        to=supplier_emails(contract),
        subject=f"{contract.reference}: contract completed",
        body=(
            f"{contract.buyer.name} has recorded {contract.title} ({contract.reference}) as "
            f"completed: delivery ended on {uk_date(final_end_date)}, with £"
            f"{contract.final_value:,.2f} paid in all. A contract termination notice recording "
            "the completion has been published"
            + (", with the assessment of your performance up to its end." if assess else ".")
        ),
    )
    return contract
