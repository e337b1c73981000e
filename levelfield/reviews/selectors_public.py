"""What the public reads: published outcomes (closed cases a review manager published), each
naming the authority and the procurement, never the raiser; and a yearly summary.

`PublicOutcome` is built field by field from the case, so nothing of the raiser (nor the
raiser's account of what happened, nor the team's findings, written for the parties) is in it:
only the summary written for the public at publication."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from levelfield.core import clock

from .lifecycle import CaseStatus
from .models import Case, CaseKind, Outcome


@dataclass(frozen=True)
class PublicOutcome:
    id: int
    reference: str
    kind: str
    kind_label: str
    authority: str
    procurement: str
    notice_reference: str
    accepted_on: date | None
    due_on: date | None
    closed_on: date
    within_target: bool
    outcome: str
    outcome_label: str
    summary: str
    amount_unblocked: Decimal | None
    published_at: datetime


def published():
    """Published cases: closed, with a publication (the database refuses any other)."""
    return Case.objects.filter(status=CaseStatus.CLOSED, published_at__isnull=False)


def _public(case: Case) -> PublicOutcome:
    assert case.closed_on is not None and case.published_at is not None
    return PublicOutcome(
        id=case.pk,
        reference=case.reference or "",
        kind=case.kind,
        kind_label=case.get_kind_display(),
        authority=case.authority_name,
        procurement=case.procurement,
        notice_reference=case.notice_reference,
        accepted_on=case.accepted_at.astimezone(clock.UK).date() if case.accepted_at else None,
        due_on=case.due_on,
        closed_on=case.closed_on,
        within_target=bool(case.due_on and case.closed_on <= case.due_on),
        outcome=case.outcome,
        outcome_label=case.get_outcome_display(),
        summary=case.public_summary,
        amount_unblocked=case.amount_unblocked,
        published_at=case.published_at,
    )


def published_outcomes(
    *, authority: str = "", kind: str = "", outcome: str = "", year: int | None = None
) -> list[PublicOutcome]:
    """Published outcomes, newest first, filtered by the authority's name (words it contains),
    the kind of case, the outcome and the year closed."""
    cases = published().select_related("tender", "contract")
    if authority:
        cases = cases.filter(authority_name__icontains=authority.strip())
    if kind in CaseKind.values:
        cases = cases.filter(kind=kind)
    if outcome in Outcome.values:
        cases = cases.filter(outcome=outcome)
    if year:
        cases = cases.filter(closed_on__year=year)
    return [_public(c) for c in cases.order_by("-published_at", "-id")]


def published_outcome(pk: int) -> PublicOutcome | None:
    case = published().select_related("tender", "contract").filter(pk=pk).first()
    return _public(case) if case else None


def published_authorities() -> list[str]:
    """The authorities named in published outcomes (for the page's filter)."""
    return sorted(set(published().values_list("authority_name", flat=True)))


@dataclass(frozen=True)
class YearSummary:
    year: int
    cases: int  # raised in the year
    accepted: int  # of those, accepted
    resolved_within_target: int  # closed in the year on or before their due date
    late_payments_unblocked: Decimal  # pounds, late-payment cases closed in the year


def yearly_summary() -> list[YearSummary]:
    """For each calendar year (UK) with a case, newest first: cases raised, accepted, resolved
    within target, late payments unblocked in pounds. Counts only: no case is named."""
    raised = {
        row["year"]: row
        for row in Case.objects.annotate(year=ExtractYear("raised_at", tzinfo=clock.UK))
        .values("year")
        .annotate(cases=Count("id"), accepted=Count("id", filter=Q(accepted_at__isnull=False)))
    }
    closed = {
        row["year"]: row
        for row in Case.objects.filter(status=CaseStatus.CLOSED, closed_on__isnull=False)
        .annotate(year=ExtractYear("closed_on"))
        .values("year")
        .annotate(
            within=Count("id", filter=Q(due_on__isnull=False, closed_on__lte=models.F("due_on"))),
            unblocked=Sum("amount_unblocked", filter=Q(kind=CaseKind.LATE_PAYMENT)),
        )
    }
    years = sorted(set(raised) | set(closed), reverse=True)
    return [
        YearSummary(
            year=year,
            cases=raised.get(year, {}).get("cases", 0),
            accepted=raised.get(year, {}).get("accepted", 0),
            resolved_within_target=closed.get(year, {}).get("within", 0),
            late_payments_unblocked=closed.get(year, {}).get("unblocked") or Decimal("0"),
        )
        for year in years
    ]
