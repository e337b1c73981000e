"""The investigation: the team asks the authority (or the prime contractor) for a response by a
date, the respondent answers with documents, the team records findings and recommendations and
follows them up. What a respondent reads (the question, findings, follow-ups) may not name the
raiser of an anonymous case (case_rules.check_no_raiser)."""

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from levelfield.accounts.models import Organisation
from levelfield.core import clock
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.core.permissions import require
from levelfield.core.uploads import files_removed_on_failure

from .. import case_rules, emails
from ..lifecycle import MAY_ASK, CaseStatus
from ..models import Case, FollowUp, ResponseDocument, ResponseRequest
from ..rules import require_team
from .common import locked, record, store_checked


def lapse_open_request(case: Case, now) -> None:
    """The team moves on without the response it asked for: the open request lapses."""
    for request in case.requests.select_for_update().filter(
        responded_at__isnull=True, lapsed_at__isnull=True
    ):
        request.lapsed_at = now
        request.save(update_fields=["lapsed_at"])


def askable(case: Case) -> list[Organisation]:
    """The organisations the team may ask about `case`: its authority and its prime contractor,
    where they are on the platform."""
    ids = [i for i in (case.authority_id, case.prime_contractor_id) if i]
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


@transaction.atomic
def request_response(
    *, case: Case, by, organisation: Organisation, question: str, due_on: date
) -> ResponseRequest:
    """Ask `organisation` (the case's authority or prime contractor) for a response by
    `due_on`; one request is open at a time. Reminders go before the date (reminders.py)."""
    require_team(by)
    case = locked(case)
    if case.status not in MAY_ASK:
        raise InvalidTransition(
            f"A case that is {case.get_status_display().lower()} cannot ask for a response"
        )
    if organisation.pk not in {o.pk for o in askable(case)}:
        raise DomainError(
            "Ask the authority or the prime contractor the case is about",
            code="not_asked_about_case",
        )
    question = case_rules.required_text(
        question, code="question_required", message="Write what you ask the buyer"
    )
    case_rules.check_no_raiser(case, question, field="question")
    case_rules.check_due_on(due_on, clock.today_uk())
    now = clock.now()
    case.transition(CaseStatus.AWAITING_RESPONSE, now)
    case.save()
    request = ResponseRequest.objects.create(
        case=case,
        organisation=organisation,
        question=question,
        due_on=due_on,
        requested_by=by,
        requested_at=now,
    )
    record(
        case,
        "review.response_requested",
        actor=by,
        organisation=organisation,
        summary=f"Response asked of {organisation.name} by {due_on.isoformat()}",
        request=request.pk,
        due_on=due_on.isoformat(),
    )
    emails.response_requested(request)
    return request


@files_removed_on_failure
@transaction.atomic
def respond(
    *, request: ResponseRequest, by, response: str, documents: Sequence = ()
) -> ResponseRequest:
    """The respondent's admin or officer answers its organisation's open request, with
    documents (each checked as every upload is, stored under a random name)."""
    require(by, "reviews.respond", request, "Only the organisation asked can respond")
    case = locked(request.case)
    request = ResponseRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open or case.status != CaseStatus.AWAITING_RESPONSE:
        raise InvalidTransition("This request is no longer open for a response")
    text = case_rules.required_text(
        response, code="response_required", message="Write your response"
    )
    if len(documents) > case_rules.MAX_DOCUMENTS:
        raise DomainError(
            f"Upload {case_rules.MAX_DOCUMENTS} files or fewer", code="too_many_files"
        )
    now = clock.now()
    for number, upload in enumerate(documents, start=1):
        document = ResponseDocument(request=request, number=number, uploaded_by=by, uploaded_at=now)
        store_checked(document, document.file, upload)
        document.save()
    request.response = text
    request.responded_by = by
    request.responded_at = now
    request.save(update_fields=["response", "responded_by", "responded_at"])
    case.transition(CaseStatus.RESPONDED, now)
    case.save()
    record(
        case,
        "review.responded",
        actor=by,
        organisation=request.organisation,
        summary=f"{request.organisation.name} responded",
        request=request.pk,
        documents=len(documents),
    )
    request.case = case
    emails.response_received(request)
    return request


@transaction.atomic
def record_findings(*, case: Case, by, findings: str, recommendations: str) -> Case:
    """The team records its findings and recommendations, which the raiser and the respondents
    read. An open request lapses."""
    require_team(by)
    case = locked(case)
    findings = case_rules.required_text(
        findings, code="findings_required", message="Write what the review found"
    )
    recommendations = case_rules.required_text(
        recommendations,
        code="recommendations_required",
        message="Write what the review recommends",
    )
    case_rules.check_no_raiser(case, findings, field="findings")
    case_rules.check_no_raiser(case, recommendations, field="recommendations")
    now = clock.now()
    case.transition(CaseStatus.FINDINGS, now)
    lapse_open_request(case, now)
    case.findings = findings
    case.recommendations = recommendations
    case.findings_at = now
    case.findings_by = by
    case.save()
    record(case, "review.findings_recorded", actor=by, summary="Findings and recommendations")
    emails.findings_recorded(case)
    return case


@transaction.atomic
def record_follow_up(*, case: Case, by, note: str) -> FollowUp:
    """The team notes a check on its recommendations (the first moves the case to following
    up); the respondents are told."""
    require_team(by)
    case = locked(case)
    if case.status not in (CaseStatus.FINDINGS, CaseStatus.FOLLOWING_UP):
        raise InvalidTransition("Follow up once findings and recommendations are recorded")
    note = case_rules.required_text(
        note, code="note_required", message="Write what the follow-up found"
    )
    case_rules.check_no_raiser(case, note, field="follow-up")
    now = clock.now()
    if case.status == CaseStatus.FINDINGS:
        case.transition(CaseStatus.FOLLOWING_UP, now)
        case.save()
    follow_up = FollowUp.objects.create(case=case, note=note, recorded_by=by, recorded_at=now)
    record(case, "review.followed_up", actor=by, summary="Followed up", follow_up=follow_up.pk)
    emails.follow_up_recorded(case, note)
    return follow_up
