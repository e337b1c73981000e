"""Reads of review cases, one entry per viewer. Every page and API operation starts here.

- The review team: `team_cases` (every case, overdue first), `team_case`.
- The raiser: `raiser_cases`, `raiser_case` (their own and their organisation's cases).
- A respondent (buyer or prime contractor asked for a response): `respondent_cases` and
  `respondent_case`, which give `RespondentCase` records built field by field, so that the
  raiser of an anonymous case is not in them at all (not merely hidden by a template).
- The public: `published_outcomes`, `published_outcome`, `yearly_summary` (selectors_public.py).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db import models
from django.db.models import Q

from levelfield.core import clock
from levelfield.core.errors import PermissionDenied

from . import targets
from .lifecycle import OPEN, CaseStatus
from .models import Case, Evidence, FollowUp, ResponseDocument, ResponseRequest
from .rules import is_review_team, raiser_organisations, respondent_organisations

CASE_RELATED = ("authority", "tender", "contract", "invoice", "prime_contractor")


def time_left(case: Case, today: date | None = None) -> str:
    """The time left to the case's target as every page shows it ("12 days left", "Due today",
    "3 days overdue"); for a case not accepted, "Not yet accepted"; for an ended one, how it
    ended against its target."""
    today = today or clock.today_uk()
    if case.status == CaseStatus.REJECTED:
        return "Rejected"
    if case.status == CaseStatus.CLOSED:
        if case.due_on is None or case.closed_on is None:
            return "Closed"
        return "Closed within target" if case.closed_on <= case.due_on else "Closed late"
    return targets.time_left_words(case.due_on, today)


def days_left(case: Case, today: date | None = None) -> int | None:
    """Days to the target for an open case (negative when overdue); None otherwise."""
    if case.status not in OPEN or case.due_on is None:
        return None
    return targets.days_left(case.due_on, today or clock.today_uk())


# --- The review team ----------------------------------------------------------------------------


def team_cases(user, *, status: str = "", kind: str = "", today: date | None = None):
    """Every case for the review team: overdue open cases first (most overdue first), then
    cases awaiting triage (oldest first), then open cases by due date, then ended ones (newest
    first). Refuses anyone else (PermissionDenied)."""
    if not is_review_team(user):
        raise PermissionDenied("This is for the review team")
    today = today or clock.today_uk()
    cases = Case.objects.select_related("raised_by", "raiser_organisation", *CASE_RELATED)
    if status:
        cases = cases.filter(status=status)
    if kind:
        cases = cases.filter(kind=kind)
    rank = models.Case(
        models.When(status__in=OPEN, due_on__lt=today, then=models.Value(0)),
        models.When(status=CaseStatus.RAISED, then=models.Value(1)),
        models.When(status__in=OPEN, then=models.Value(2)),
        default=models.Value(3),
        output_field=models.IntegerField(),
    )
    return cases.annotate(rank=rank).order_by("rank", "due_on", "raised_at", "id")


def team_case(user, pk: int) -> Case | None:
    if not is_review_team(user):
        return None
    return (
        Case.objects.select_related("raised_by", "raiser_organisation", *CASE_RELATED)
        .filter(pk=pk)
        .first()
    )


def requests_of(case: Case):
    """The case's requests with their documents, oldest first (team and respondent pages)."""
    return (
        ResponseRequest.objects.filter(case=case)
        .select_related("organisation")
        .prefetch_related("documents")
        .order_by("requested_at", "id")
    )


def evidence_of(case: Case):
    return Evidence.objects.filter(case=case).order_by("number")


def case_invoices(case: Case, today: date | None = None) -> list[dict]:
    """For a case about a contract on the platform, the contract's invoices (the team's and the
    raiser's pages): reference, amount, received, paid, days open and whether late (s.68)."""
    if case.contract_id is None:
        return []
    from levelfield.contracts.selectors_payments import days_open, invoices_for, is_late

    today = today or clock.today_uk()
    return [
        {
            "reference": invoice.reference,
            "amount": invoice.amount,
            "received_on": invoice.received_on,
            "paid_on": invoice.paid_on,
            "status": invoice.get_status_display(),
            "days_open": days_open(invoice, today),
            "late": is_late(invoice, today),
            "named_in_case": invoice.pk == case.invoice_id,
        }
        for invoice in invoices_for(case.contract)
    ]


def raiser_invoices(case: Case, today: date | None = None) -> list[dict]:
    """The invoices a raiser's page shows: those of the contract of a late invoice of theirs on
    levelfield (`raise_case` checked that it is their organisation's), never those of a
    contract of someone else's (a subcontractor reads nothing of its prime's invoices)."""
    return case_invoices(case, today) if case.invoice_id is not None else []


# --- The raiser ---------------------------------------------------------------------------------


def raiser_cases(user):
    """The cases `user` raised, and those raised for an organisation they belong to as a
    supplier, newest first."""
    if not user or not user.is_authenticated:
        return Case.objects.none()
    return (
        Case.objects.filter(
            Q(raised_by=user) | Q(raiser_organisation__in=raiser_organisations(user))
        )
        .select_related(*CASE_RELATED)
        .order_by("-raised_at", "-id")
    )


def raiser_case(user, pk: int) -> Case | None:
    return raiser_cases(user).filter(pk=pk).first()


# --- A respondent (the buyer asked, or the prime contractor) ------------------------------------


@dataclass(frozen=True)
class EvidenceFile:
    """A file of the raiser's as a respondent may have it: a neutral name, never the raiser's."""

    number: int
    name: str
    size: int


@dataclass(frozen=True)
class RespondentRequest:
    id: int
    organisation: str
    question: str
    due_on: date
    requested_at: datetime
    response: str
    responded_at: datetime | None
    lapsed: bool
    open: bool
    documents: list[str]


@dataclass(frozen=True)
class RespondentCase:
    """A case as a respondent reads it. `raised_by` and `raiser_organisation` are filled only
    when the raiser let the buyer know; the raiser's own account of what happened is not here
    (the team's questions say what the respondent is asked)."""

    id: int
    reference: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    authority: str
    procurement: str
    tender_reference: str
    contract_reference: str
    notice_reference: str
    raised_on: date
    due_on: date | None
    time_left: str
    anonymous: bool
    raised_by: str
    raiser_organisation: str
    findings: str
    recommendations: str
    follow_ups: list[str]
    outcome: str
    outcome_summary: str
    published: bool
    requests: list[RespondentRequest] = field(default_factory=list)
    evidence: list[EvidenceFile] = field(default_factory=list)


def _respondent_cases_qs(user):
    if not user or not user.is_authenticated:
        return Case.objects.none()
    return (
        Case.objects.filter(requests__organisation__in=respondent_organisations(user))
        .distinct()
        .select_related(*CASE_RELATED)
    )


def _respondent_read_qs(user):
    """The respondent's cases with all `_as_respondent` reads, in a fixed number of queries."""
    return (
        _respondent_cases_qs(user)
        .select_related("raised_by", "raiser_organisation")
        .prefetch_related(
            models.Prefetch(
                "requests",
                queryset=ResponseRequest.objects.select_related("organisation")
                .prefetch_related("documents")
                .order_by("requested_at", "id"),
            ),
            models.Prefetch("follow_ups", queryset=FollowUp.objects.order_by("recorded_at", "id")),
            models.Prefetch("evidence", queryset=Evidence.objects.order_by("number")),
        )
    )


def _as_respondent(case: Case, organisation_ids: set[int], today: date) -> RespondentCase:
    """`case` read through `_respondent_read_qs` (its prefetched requests, follow-ups and
    evidence), as a respondent of `organisation_ids` may read it."""
    named = case.buyer_may_know
    requests = [
        RespondentRequest(
            id=r.pk,
            organisation=r.organisation.name,
            question=r.question,
            due_on=r.due_on,
            requested_at=r.requested_at,
            response=r.response,
            responded_at=r.responded_at,
            lapsed=r.lapsed_at is not None,
            open=r.is_open,
            documents=[d.original_name for d in r.documents.all()],
        )
        for r in case.requests.all()
        if r.organisation_id in organisation_ids
    ]
    evidence = (
        [EvidenceFile(e.number, e.neutral_name, e.size) for e in case.evidence.all()]
        if named
        else []
    )
    return RespondentCase(
        id=case.pk,
        reference=case.reference or "",
        kind=case.kind,
        kind_label=case.get_kind_display(),
        status=case.status,
        status_label=case.get_status_display(),
        authority=case.authority_name,
        procurement=case.procurement,
        tender_reference=case.tender.reference if case.tender is not None else "",
        contract_reference=case.contract.reference if case.contract is not None else "",
        notice_reference=case.notice_reference,
        raised_on=case.raised_at.astimezone(clock.UK).date(),
        due_on=case.due_on,
        time_left=time_left(case, today),
        anonymous=not named,
        raised_by=case.raised_by.full_name if named else "",
        raiser_organisation=(
            case.raiser_organisation.name if named and case.raiser_organisation is not None else ""
        ),
        findings=case.findings,
        recommendations=case.recommendations,
        follow_ups=[f.note for f in case.follow_ups.all()],
        outcome=case.get_outcome_display() if case.outcome else "",
        outcome_summary=case.outcome_summary,
        published=case.published_at is not None,
        requests=requests,
        evidence=evidence,
    )


def respondent_cases(user, today: date | None = None) -> list[RespondentCase]:
    """The cases about which `user`'s organisations were asked for a response, those with an
    open request first (soonest due first), then the rest newest first."""
    today = today or clock.today_uk()
    ids = set(respondent_organisations(user).values_list("organisation", flat=True))
    cases = [_as_respondent(c, ids, today) for c in _respondent_read_qs(user)]

    def order(c: RespondentCase):
        due = min((r.due_on for r in c.requests if r.open), default=None)
        return (due is None, due or date.max, -c.id)

    return sorted(cases, key=order)


def respondent_case(user, pk: int, today: date | None = None) -> RespondentCase | None:
    case = _respondent_read_qs(user).filter(pk=pk).first()
    if case is None:
        return None
    ids = set(respondent_organisations(user).values_list("organisation", flat=True))
    return _as_respondent(case, ids, today or clock.today_uk())


def open_request_for(user, case_id: int) -> ResponseRequest | None:
    """The open request on case `case_id` that `user`'s organisation is to answer."""
    return (
        ResponseRequest.objects.filter(
            case_id=case_id,
            organisation__in=respondent_organisations(user),
            responded_at__isnull=True,
            lapsed_at__isnull=True,
            case__status=CaseStatus.AWAITING_RESPONSE,
        )
        .select_related("case", "organisation")
        .first()
    )


def respondent_evidence(user, case_id: int, number: int) -> Evidence | None:
    """A raiser's file a respondent may download: only when the raiser let the buyer know.
    Serve it with `Evidence.neutral_name` as its name, never `original_name`."""
    case = _respondent_cases_qs(user).filter(pk=case_id, buyer_may_know=True).first()
    if case is None:
        return None
    return Evidence.objects.filter(case=case, number=number).select_related("case").first()


def respondent_document(user, request_id: int, number: int) -> ResponseDocument | None:
    """A document the respondent's own organisation sent."""
    return (
        ResponseDocument.objects.filter(
            request_id=request_id,
            number=number,
            request__organisation__in=respondent_organisations(user),
        )
        .select_related("request")
        .first()
    )


# --- Evidence and documents for the team and the raiser -----------------------------------------


def team_evidence(user, case_id: int, number: int) -> Evidence | None:
    if not is_review_team(user):
        return None
    return Evidence.objects.filter(case_id=case_id, number=number).select_related("case").first()


def team_document(user, request_id: int, number: int) -> ResponseDocument | None:
    if not is_review_team(user):
        return None
    return ResponseDocument.objects.filter(request_id=request_id, number=number).first()


def raiser_evidence(user, case_id: int, number: int) -> Evidence | None:
    case = raiser_case(user, case_id)
    if case is None:
        return None
    return Evidence.objects.filter(case=case, number=number).select_related("case").first()


def unblocked_total(cases) -> Decimal:
    return cases.aggregate(total=models.Sum("amount_unblocked"))["total"] or Decimal("0")


def respondent_history(user, pk: int):
    """The history of case `pk` as `user`'s organisation reads it (history.respondent_history:
    the raiser of an anonymous case never named); None when `user` may not read the case."""
    from .history import respondent_history as history

    case = _respondent_cases_qs(user).filter(pk=pk).first()
    if case is None:
        return None
    ids = set(respondent_organisations(user).values_list("organisation", flat=True))
    return history(case, ids)


@dataclass(frozen=True)
class RaiserChoices:
    """What the raise form offers `user` to pick from (querysets): tenders published in the
    last 2 years, signed contracts, and the invoices of their organisations' contracts."""

    tenders: models.QuerySet
    contracts: models.QuerySet
    invoices: models.QuerySet


def raiser_choices(user, today: date | None = None) -> RaiserChoices:
    from levelfield.accounts.models import Membership
    from levelfield.contracts.lifecycle import PUBLIC
    from levelfield.contracts.models import Contract, Invoice
    from levelfield.tenders.models import Tender

    from .case_rules import earliest_procurement_date

    today = today or clock.today_uk()
    since = datetime.combine(earliest_procurement_date(today), time(0), tzinfo=clock.UK)
    own = Membership.objects.filter(user=user).values("organisation")
    return RaiserChoices(
        tenders=Tender.objects.public()
        .filter(published_at__gte=since)
        .select_related("buyer")
        .order_by("-published_at", "-id"),
        contracts=Contract.objects.public().select_related("buyer", "supplier").order_by("title"),
        invoices=Invoice.objects.filter(contract__supplier__in=own, contract__status__in=PUBLIC)
        .select_related("contract__buyer")
        .order_by("-received_on", "-id"),
    )
