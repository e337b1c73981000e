"""Triage: the team accepts a case (starting its target clock) or rejects it with a reason sent
to the raiser. A late invoice on the platform is accepted by the system (`accept` with no one)."""

from django.db import transaction

from levelfield.core import clock

from .. import case_rules, emails, targets
from ..lifecycle import CaseStatus
from ..models import Case
from ..rules import require_team
from .common import locked, record


def accept(case: Case, *, by, automatic: bool = False, sector: str | None = None) -> Case:
    """Accept `case` (locked, in the caller's transaction): the target clock starts today (UK)."""
    now = clock.now()
    case.transition(CaseStatus.ACCEPTED, now)
    if sector is not None:
        case.sector = targets.Sector(sector)
    case.accepted_by = by
    case.accepted_automatically = automatic
    case.target_months = targets.target_months(case.sector)
    case.due_on = targets.due_on(clock.today_uk(), case.sector)
    case.save()
    record(
        case,
        "review.accepted",
        actor=by,
        summary=(
            "Accepted automatically: the invoice is valid and unpaid over 30 days"
            if automatic
            else "Accepted"
        ),
        automatic=automatic,
        sector=case.sector,
        due_on=case.due_on.isoformat(),
    )
    emails.case_accepted(case)
    return case


@transaction.atomic
def accept_case(*, case: Case, by, sector: str | None = None) -> Case:
    """A reviewer accepts a raised case; `sector` (central or wider) corrects the authority's
    sector, which sets the target (2 or 3 months)."""
    require_team(by)
    case = locked(case)
    return accept(case, by=by, sector=sector)


@transaction.atomic
def reject_case(*, case: Case, by, reason: str) -> Case:
    """A reviewer rejects a raised case; the reason is emailed to the raiser. A rejected case is
    never published."""
    require_team(by)
    reason = case_rules.required_text(
        reason, code="reason_required", message="Say why the case is not accepted"
    )
    case = locked(case)
    case.transition(CaseStatus.REJECTED, clock.now())
    case.rejected_by = by
    case.rejection_reason = reason
    case.save()
    record(case, "review.rejected", actor=by, summary="Rejected", reason=reason)
    emails.case_rejected(case)
    return case
