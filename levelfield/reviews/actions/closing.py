"""Closing a case with its outcome, and publishing the outcome (closed cases only: a rejected or
open case is never published; the database refuses it too)."""

from django.db import transaction

from levelfield.core import clock
from levelfield.core.errors import DomainError, InvalidTransition

from .. import case_rules, emails
from ..lifecycle import CaseStatus
from ..models import Case, Outcome
from ..rules import require_manager
from .common import locked, record
from .investigation import lapse_open_request


@transaction.atomic
def close_case(*, case: Case, by, outcome: str, summary: str, amount_unblocked=None) -> Case:
    """A review manager closes an accepted case with its outcome and a summary the raiser and
    respondents read; `amount_unblocked`: the late payments the case got paid, in pounds."""
    require_manager(by)
    case = locked(case)
    if outcome not in Outcome.values:
        raise DomainError("Choose the outcome", code="outcome_unknown")
    summary = case_rules.required_text(
        summary, code="summary_required", message="Summarise how the case ended"
    )
    case_rules.check_no_raiser(case, summary, field="summary")
    amount = None
    if amount_unblocked not in (None, ""):
        amount = case_rules.clean_amount(
            amount_unblocked,
            code="amount_invalid",
            message="Enter the payments unblocked in pounds, like 1250.00, or leave it empty",
            allow_zero=True,
        )
    now = clock.now()
    case.transition(CaseStatus.CLOSED, now)
    lapse_open_request(case, now)
    case.closed_by = by
    case.closed_on = clock.today_uk()
    case.outcome = outcome
    case.outcome_summary = summary
    case.amount_unblocked = amount
    case.save()
    record(
        case,
        "review.closed",
        actor=by,
        summary=f"Closed: {case.get_outcome_display()}",
        outcome=outcome,
        amount_unblocked=str(amount) if amount is not None else None,
        within_target=bool(case.due_on and case.closed_on <= case.due_on),
    )
    emails.case_closed(case)
    return case


@transaction.atomic
def publish_outcome(*, case: Case, by, public_summary: str) -> Case:
    """A review manager publishes a closed case's outcome with a summary for the public, which
    names the authority and the procurement, never the raiser."""
    require_manager(by)
    case = locked(case)
    if case.status != CaseStatus.CLOSED:
        raise InvalidTransition("Only a closed case's outcome can be published")
    if case.published_at is not None:
        raise InvalidTransition("This outcome is already published")
    text = case_rules.required_text(
        public_summary, code="summary_required", message="Write the summary the public will read"
    )
    # Published for everyone: never the raiser, whether or not the buyer may know.
    case_rules.check_no_raiser(_as_anonymous(case), text, field="summary")
    case.public_summary = text
    case.published_at = clock.now()
    case.published_by = by
    case.save(update_fields=["public_summary", "published_at", "published_by"])
    record(case, "review.published", actor=by, summary="Outcome published")
    emails.outcome_published(case)
    return case


def _as_anonymous(case: Case) -> Case:
    copy = Case(raised_by=case.raised_by, raiser_organisation=case.raiser_organisation)
    copy.buyer_may_know = False
    return copy
