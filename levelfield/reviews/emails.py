"""The emails of the review service, one function per step, each queued after the action's
commit (`core.notify.email_on_commit`).

What a respondent (the buyer, or the prime contractor) is sent names the raiser only when the
raiser let the buyer know (`Case.buyer_may_know`): its text is built from `respondent_lines`,
which is the only place that may name them, and the anonymity tests read every email a
respondent gets."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from levelfield.accounts.models import Membership
from levelfield.core.display import uk_date
from levelfield.core.money import format_gbp
from levelfield.core.notify import email_on_commit, email_once
from levelfield.resilience.models import PlatformRole

from .models import Case, ResponseRequest
from .rules import RESPONDENT_ROLES, TEAM_ROLES
from .targets import time_left_words

# Page names the pages helper gives (reviews/urls*.py), and the path each falls back to while
# a page is not there.
PAGES = {
    "raiser": ("reviews:raiser_case", "/reviews/my-cases/{pk}/"),
    "team": ("reviews:team_case", "/reviews/team/cases/{pk}/"),
    "respondent": ("reviews:respondent_case", "/reviews/requests/{pk}/"),
    "published": ("reviews:published_case", "/reviews/outcomes/{pk}/"),
}


def link(page: str, pk: int) -> str:
    name, fallback = PAGES[page]
    try:
        path = reverse(name, args=[pk])
    except NoReverseMatch:
        path = fallback.format(pk=pk)
    return settings.SITE_URL.rstrip("/") + path


def team_emails() -> list[str]:
    return sorted(
        set(
            PlatformRole.objects.active()
            .filter(role__in=TEAM_ROLES, user__is_active=True)
            .values_list("user__email", flat=True)
        )
    )


def respondent_emails(organisation_id: int) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(
                organisation_id=organisation_id, role__in=RESPONDENT_ROLES, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )


def asked_organisations(case: Case) -> list[int]:
    return sorted(set(case.requests.values_list("organisation_id", flat=True)))


def subject_of(case: Case) -> str:
    """What the case is about, as a respondent may read it (never the raiser)."""
    return case.procurement or case.get_kind_display().lower()


def respondent_lines(case: Case) -> str:
    """Who raised the case, as a respondent reads it."""
    if not case.buyer_may_know:
        return "The supplier who raised this case asked to stay anonymous."
    org = f" of {case.raiser_organisation.name}" if case.raiser_organisation is not None else ""
    return f"Raised by {case.raised_by.full_name}{org}, who agreed that you may know."


def _to_raiser(case: Case, subject: str, body: str) -> None:
    email_on_commit(
        to=[case.raised_by.email],
        subject=f"Review case {case.reference}: {subject}",
        body=f"{body}\n\nSee your case: {link('raiser', case.pk)}",
    )


def _to_team(case: Case, subject: str, body: str) -> None:
    email_on_commit(
        to=team_emails(),
        subject=f"Review case {case.reference}: {subject}",
        body=f"{body}\n\nSee the case: {link('team', case.pk)}",
    )


def _to_respondents(case: Case, organisation_ids: list[int], subject: str, body: str) -> None:
    for organisation_id in organisation_ids:
        email_on_commit(
            to=respondent_emails(organisation_id),
            subject=f"Procurement review {case.reference}: {subject}",
            body=f"{body}\n\n{respondent_lines(case)}\n\nSee the case: "
            f"{link('respondent', case.pk)}",
        )


def case_raised(case: Case) -> None:
    _to_raiser(
        case,
        "we have your concern",
        f"Thank you: the review team has your concern about {subject_of(case)} "
        f"({case.authority_name}). "
        + (
            "The buyer will not be told who raised it."
            if not case.buyer_may_know
            else "You agreed that the buyer may know you raised it."
        ),
    )
    _to_team(
        case,
        "a new case to triage",
        f"A new {case.get_kind_display().lower()} case about {subject_of(case)} "
        f"({case.authority_name}) is waiting for triage.",
    )


def case_accepted(case: Case) -> None:
    how = "accepted automatically" if case.accepted_automatically else "accepted"
    _to_raiser(
        case,
        "accepted",
        f"Your case about {subject_of(case)} has been {how}. The team aims to resolve it by "
        f"{uk_date(case.due_on)}.",
    )
    if case.accepted_automatically:
        _to_team(
            case,
            "accepted automatically",
            "A late payment case was accepted automatically: the invoice is valid and unpaid "
            f"over 30 days. It is due by {uk_date(case.due_on)}.",
        )


def case_rejected(case: Case) -> None:
    _to_raiser(
        case,
        "not accepted",
        f"The review team cannot take on your case about {subject_of(case)}.\n\n"
        f"Why: {case.rejection_reason}",
    )


def response_requested(request: ResponseRequest) -> None:
    case = request.case
    _to_respondents(
        case,
        [request.organisation_id],
        f"a response is needed by {uk_date(request.due_on)}",
        f"The Procurement Review Service has a concern about {subject_of(case)} and asks "
        f"{request.organisation.name} for a response by {uk_date(request.due_on)}.\n\n"
        f"{request.question}",
    )


def response_received(request: ResponseRequest) -> None:
    case = request.case
    _to_team(
        case,
        "the response has arrived",
        f"{request.organisation.name} responded to the request of {uk_date(request.requested_at)}.",
    )
    _to_raiser(case, "the buyer has responded", "The review team has the response it asked for.")


def findings_recorded(case: Case) -> None:
    text = f"Findings:\n{case.findings}\n\nRecommendations:\n{case.recommendations}"
    _to_raiser(case, "findings and recommendations", text)
    _to_respondents(
        case, asked_organisations(case), "the review team's findings and recommendations", text
    )


def follow_up_recorded(case: Case, note: str) -> None:
    _to_respondents(
        case, asked_organisations(case), "the review team followed up", f"Follow-up:\n{note}"
    )


def case_closed(case: Case) -> None:
    unblocked = (
        f"\n\nPayments unblocked: {format_gbp(case.amount_unblocked)}."
        if case.amount_unblocked
        else ""
    )
    text = (
        f"Outcome: {case.get_outcome_display()}.\n\n{case.outcome_summary}{unblocked}"
        if case.outcome_summary
        else f"Outcome: {case.get_outcome_display()}.{unblocked}"
    )
    _to_raiser(case, "closed", text)
    _to_respondents(case, asked_organisations(case), "closed", text)


def outcome_published(case: Case) -> None:
    text = (
        f"The outcome of case {case.reference} is now published, naming "
        f"{case.authority_name} and the procurement, never who raised it.\n\n"
        f"{link('published', case.pk)}"
    )
    _to_raiser(case, "outcome published", text)
    _to_respondents(case, asked_organisations(case), "outcome published", text)


def response_reminder(request: ResponseRequest, *, days_before: int, today) -> bool:
    """Remind the respondent once, `days_before` its due date; whether it went now."""
    case = request.case
    return email_once(
        kind="review_response_due",
        key=f"request-{request.pk}-{request.due_on.isoformat()}-{days_before}",
        to=respondent_emails(request.organisation_id),
        subject=f"Procurement review {case.reference}: your response is due on "
        f"{uk_date(request.due_on)}",
        body=(
            f"The Procurement Review Service asked {request.organisation.name} on "
            f"{uk_date(request.requested_at)} for a response about {subject_of(case)}, due on "
            f"{uk_date(request.due_on)} ({time_left_words(request.due_on, today).lower()}).\n\n"
            f"{request.question}\n\n{respondent_lines(case)}\n\n"
            f"Respond: {link('respondent', case.pk)}"
        ),
    )
