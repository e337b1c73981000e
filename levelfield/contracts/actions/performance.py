"""Performance assessments (s.71), published as contract performance notices (UK9), and the
performance failures the Act asks to be recorded (breaches leading to termination, damages or a
settlement)."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from levelfield.core import audit, clock
from levelfield.core.display import uk_date
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.core.money import parse_money
from levelfield.core.notify import email_on_commit
from levelfield.core.permissions import require
from levelfield.tenders.dates import out_of_range

from .. import kpi_rules, ocds, ocds_performance, reminders
from ..lifecycle import ENDED, IN_FORCE
from ..models import Contract
from ..models.performance import FailureKind, PerformanceAssessment, PerformanceFailure, Rating
from ..recipients import manager_emails, supplier_emails

NARRATIVE_REQUIRED = "Say how the supplier performed: the narrative is published with the rating"
RATING_UNKNOWN = (
    "Choose a rating: good, approaching target, requires improvement, inadequate or other"
)
PERIOD_ORDER = "The assessed period must end on or after the day it starts"
PERIOD_FUTURE = "The assessed period cannot end after today"
PERIOD_BEFORE_START = "The assessed period cannot start before the contract does ({start})"
NOT_ASSESSABLE = "A contract is assessed once it is signed"
AT_TERMINATION_ONLY_AT_THE_END = (
    "The assessment at termination is made when the contract is terminated or completed"
)
FAILURE_KIND_UNKNOWN = (
    "Choose what the breach led to: termination, damages or a settlement agreement"
)
FAILURE_DESCRIPTION_REQUIRED = "Describe the breach"
FAILURE_DATE_FUTURE = "The breach cannot have happened after today"

# Assessable: in force, or ended (the assessment at termination, or a last one at expiry).
ASSESSABLE = IN_FORCE | ENDED


def _locked(contract) -> Contract:
    return (
        Contract.objects.select_for_update().select_related("buyer", "supplier").get(pk=contract.pk)
    )


@transaction.atomic
def record_assessment(
    *,
    contract,
    by,
    period_start: date,
    period_end: date,
    rating: str,
    narrative: str,
    at_termination: bool = False,
) -> PerformanceAssessment:
    """Assess the supplier's performance over a period (s.71: at least every 12 months, and at
    termination) and publish it as a contract performance notice (UK9)."""
    require(
        by,
        "contracts.manage_contract",
        contract,
        "Only the buyer's admins, officers and the contract manager can assess performance",
    )
    contract = _locked(contract)
    if contract.status not in ASSESSABLE:
        raise InvalidTransition(NOT_ASSESSABLE)
    narrative = (narrative or "").strip()
    if rating not in Rating.values:
        raise DomainError(RATING_UNKNOWN, code="rating_unknown")
    if not narrative:
        raise DomainError(NARRATIVE_REQUIRED, code="narrative_required")
    for day, label in ((period_start, "period's start"), (period_end, "period's end")):
        if problem := out_of_range(day, label):
            raise DomainError(problem, code="period_order")
    if period_end < period_start:
        raise DomainError(PERIOD_ORDER, code="period_order")
    if period_end > clock.today_uk():
        raise DomainError(PERIOD_FUTURE, code="period_future")
    if at_termination and contract.status not in ENDED:
        # Only terminate() and complete() (actions/ending.py) make it, once the contract ended.
        raise InvalidTransition(AT_TERMINATION_ONLY_AT_THE_END)
    if not at_termination and period_start < contract.start_date:
        raise DomainError(
            PERIOD_BEFORE_START.format(start=uk_date(contract.start_date)), code="period_order"
        )
    assessment = PerformanceAssessment.objects.create(
        contract=contract,
        period_start=period_start,
        period_end=period_end,
        rating=rating,
        narrative=narrative,
        at_termination=at_termination,
        assessed_by=by,
        assessed_at=clock.now(),
    )
    assessment.contract = contract
    notice = ocds.publish_contract_notice(
        contract,
        tags=["implementation"],
        notice_type="UK9",
        document_type="implementationNotice",
        title="Contract performance notice",
        key=f"assessment-{assessment.pk}",
        contract_extra=ocds_performance.performance_fragment(assessment),
        period_start=period_start,
        period_end=period_end,
    )
    audit.record(
        action="contract.assessed",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary=f"Performance assessed: {Rating(rating).label}",
        assessment=assessment.pk,
        rating=rating,
        period_start=period_start.isoformat(),
        period_end=period_end.isoformat(),
        at_termination=at_termination,
        release_id=notice.release_id,
    )
    email_on_commit(
        to=supplier_emails(contract),
        subject=f"{contract.reference}: performance assessed as {Rating(rating).label.lower()}",
        body=(
            f"{contract.buyer.name} has assessed your performance on {contract.title} from "
            f"{uk_date(period_start)} to {uk_date(period_end)} as "
            f"{Rating(rating).label.lower()}.\n\n{narrative}\n\n"
            "The assessment is published in a contract performance notice."
        ),
    )
    return assessment


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    return parse_money(value, "amount", zero_allowed=True, code="amount_invalid")


@transaction.atomic
def record_failure(
    *,
    contract,
    by,
    kind: str,
    description: str,
    occurred_on: date,
    penalty: str = "",
    amount=None,
) -> PerformanceFailure:
    """Record a breach of the contract that led to termination, damages or a settlement
    (s.71(2)); it is published with the next performance notice."""
    require(
        by,
        "contracts.manage_contract",
        contract,
        "Only the buyer's admins, officers and the contract manager can record a failure",
    )
    contract = _locked(contract)
    if contract.status not in ASSESSABLE:
        raise InvalidTransition(NOT_ASSESSABLE)
    if kind not in FailureKind.values:
        raise DomainError(FAILURE_KIND_UNKNOWN, code="failure_kind_unknown")
    description = (description or "").strip()
    if not description:
        raise DomainError(FAILURE_DESCRIPTION_REQUIRED, code="description_required")
    if problem := out_of_range(occurred_on, "date it happened"):
        raise DomainError(problem, code="date_future")
    if occurred_on > clock.today_uk():
        raise DomainError(FAILURE_DATE_FUTURE, code="date_future")
    failure = PerformanceFailure.objects.create(
        contract=contract,
        kind=kind,
        description=description,
        occurred_on=occurred_on,
        penalty=(penalty or "").strip()[:300],
        amount=_amount(amount),
        recorded_by=by,
        recorded_at=clock.now(),
    )
    audit.record(
        action="contract.failure_recorded",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary=f"Performance failure: {FailureKind(kind).label}",
        failure=failure.pk,
        kind=kind,
        occurred_on=occurred_on.isoformat(),
    )
    return failure


def next_assessment_due(contract, last_period_end: date | None = None) -> date | None:
    """When the next s.71 assessment falls due: 12 months after the last assessed period
    ended, or after signature. None for a contract not signed."""
    if contract.signed_at is None:
        return None
    if last_period_end is None:
        last = contract.assessments.order_by("-period_end").first()
        last_period_end = last.period_end if last else None
    return kpi_rules.next_assessment_due(
        last_period_end=last_period_end,
        signed_on=contract.signed_at.astimezone(clock.UK).date(),
        rules=kpi_rules.rules_for_contract(contract),
    )


def remind_assessments_due(*, today: date) -> int:
    """Remind the contract manager (or the buyer's admins) once, 30 days before an assessment
    falls due, for every contract in force. A new assessment moves the due date, and so the
    next reminder. Returns how many were sent."""
    sent = 0
    contracts = (
        Contract.objects.filter(status__in=IN_FORCE, signed_at__isnull=False)
        .select_related("contract_manager", "buyer", "supplier")
        .annotate(last_assessed=Max("assessments__period_end"))
        .order_by("pk")
    )
    for contract in contracts:
        rules = kpi_rules.rules_for_contract(contract)
        due = next_assessment_due(contract, contract.last_assessed)
        if due is None:  # not signed: the query asks for signed contracts
            continue
        if today < due - timedelta(days=rules.assessment_reminder_days_before):
            continue
        if reminders.send_once(
            kind="assessment_due",
            key=f"{contract.pk}:{due.isoformat()}",
            contract=contract,
            to=manager_emails(contract),
            subject=f"{contract.reference}: performance assessment due by {uk_date(due)}",
            body=(
                f"The performance of {contract.supplier.name} on {contract.title} must be "
                f"assessed by {uk_date(due)} (Procurement Act 2023 s.71: at least every 12 "
                "months). The assessment is published as a contract performance notice."
            ),
        ):
            sent += 1
    return sent
