"""The review team's pages: every case, overdue first, with the time left and filters by status
and kind; a case's page (the raiser, their account and evidence, the requests and responses,
findings, follow-ups, the outcome and the history from the audit trail), and one page for each
step the team takes (accept, reject, ask for a response, findings and recommendations,
follow-up; a review manager also closes and publishes). Each step calls its action, which
decides; the page shows a refusal beside its field.

For the platform roles reviewer and review manager only; anyone else gets 404."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.core.pagination import paginate

from . import actions, history, rules, selectors
from .actions.investigation import askable
from .forms_common import show_domain_error
from .forms_team import (
    AcceptForm,
    CaseFilterForm,
    CloseForm,
    FindingsForm,
    FollowUpForm,
    PublishForm,
    RejectForm,
    RequestForm,
)
from .lifecycle import ALLOWED, MAY_ASK, CaseStatus
from .models import Case
from .views_raiser import serve


def _team(request) -> None:
    if not rules.is_review_team(request.user):
        raise Http404("No such page")


def _case(request, pk: int) -> Case:
    _team(request)
    found = selectors.team_case(request.user, pk)
    if found is None:
        raise Http404("No case has that number")
    return found


@login_required
def cases(request):
    """Every case: overdue first, then awaiting triage, then by due date, then ended."""
    _team(request)
    filters = CaseFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    found = selectors.team_cases(
        request.user, status=chosen.get("status", ""), kind=chosen.get("kind", "")
    )
    page = paginate(request, found)
    today = clock.today_uk()
    rows = [
        {
            "case": case,
            "time_left": selectors.time_left(case, today),
            "overdue": (selectors.days_left(case, today) or 0) < 0,
        }
        for case in page
    ]
    return render(
        request,
        "reviews/team/cases.html",
        {"page": page, "rows": rows, "filters": filters},
        status=400 if filters.errors else 200,
    )


# --- The steps ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    title: str
    button: str
    form: type
    run: Callable  # (case, by, cleaned_data) -> None
    available: Callable[[Case], bool]
    manager: bool = False
    text_field: str = ""
    done: str = ""


def _may_move(case: Case, target: str) -> bool:
    return target in ALLOWED[case.status]


def _run_request(case, by, data) -> None:
    organisation = next(o for o in askable(case) if str(o.pk) == data["organisation"])
    actions.request_response(
        case=case,
        by=by,
        organisation=organisation,
        question=data["question"],
        due_on=data["due_on"],
    )


STEPS: dict[str, Step] = {
    "accept": Step(
        "Accept the case",
        "Accept the case",
        AcceptForm,
        lambda case, by, d: actions.accept_case(case=case, by=by, sector=d["sector"]),
        lambda case: case.status == CaseStatus.RAISED,
        done="The case is accepted: its target clock has started",
    ),
    "reject": Step(
        "Reject the case",
        "Reject the case",
        RejectForm,
        lambda case, by, d: actions.reject_case(case=case, by=by, reason=d["reason"]),
        lambda case: case.status == CaseStatus.RAISED,
        text_field="reason",
        done="The case is rejected and the raiser has been sent the reason",
    ),
    "request": Step(
        "Ask for a response",
        "Send the request",
        RequestForm,
        _run_request,
        lambda case: case.status in MAY_ASK and bool(askable(case)),
        text_field="question",
        done="The request has been sent",
    ),
    "findings": Step(
        "Record findings and recommendations",
        "Record them",
        FindingsForm,
        lambda case, by, d: actions.record_findings(
            case=case, by=by, findings=d["findings"], recommendations=d["recommendations"]
        ),
        lambda case: _may_move(case, CaseStatus.FINDINGS),
        text_field="findings",
        done="The findings and recommendations are recorded",
    ),
    "follow_up": Step(
        "Record a follow-up",
        "Record the follow-up",
        FollowUpForm,
        lambda case, by, d: actions.record_follow_up(case=case, by=by, note=d["note"]),
        lambda case: case.status in (CaseStatus.FINDINGS, CaseStatus.FOLLOWING_UP),
        text_field="note",
        done="The follow-up is recorded",
    ),
    "close": Step(
        "Close the case",
        "Close the case",
        CloseForm,
        lambda case, by, d: actions.close_case(
            case=case,
            by=by,
            outcome=d["outcome"],
            summary=d["summary"],
            amount_unblocked=d["amount_unblocked"] or None,
        ),
        lambda case: _may_move(case, CaseStatus.CLOSED),
        manager=True,
        text_field="summary",
        done="The case is closed",
    ),
    "publish": Step(
        "Publish the outcome",
        "Publish the outcome",
        PublishForm,
        lambda case, by, d: actions.publish_outcome(case=case, by=by, public_summary=d["summary"]),
        lambda case: case.status == CaseStatus.CLOSED and case.published_at is None,
        manager=True,
        text_field="summary",
        done="The outcome is published",
    ),
}


def _steps_for(request, case: Case) -> list[dict]:
    manager = rules.is_review_manager(request.user)
    return [
        {"label": step.title, "url": reverse(f"reviews:team_{name}", args=[case.pk])}
        for name, step in STEPS.items()
        if step.available(case) and (manager or not step.manager)
    ]


def _form(step: Step, case: Case, data=None):
    if step.form is RequestForm:
        return RequestForm(data, organisations=askable(case), anonymous=case.anonymous)
    if step.form is FindingsForm:
        return FindingsForm(data, anonymous=case.anonymous)
    if step.form is AcceptForm:
        return AcceptForm(data, initial={"sector": case.sector})
    return step.form(data)


@login_required
@require_http_methods(["GET", "POST"])
def step(request, pk: int, name: str):
    """One step of a case: its form, then its action."""
    found = _case(request, pk)
    current = STEPS[name]
    if current.manager and not rules.is_review_manager(request.user):
        raise Http404("Only a review manager closes cases and publishes outcomes")
    form = _form(current, found, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            current.run(found, request.user, form.cleaned_data)
        except DomainError as exc:
            text_field = current.text_field
            if name == "findings" and "recommendations" in exc.message.split(" names ")[0]:
                text_field = "recommendations"
            show_domain_error(form, exc, text_field=text_field)
        else:
            messages.success(request, current.done)
            return redirect("reviews:team_case", pk=found.pk)
    return render(
        request,
        "reviews/team/step.html",
        {
            "case": found,
            "step": current,
            "form": form,
            "time_left": selectors.time_left(found),
            "available": current.available(found),
        },
        status=400 if form.errors else 200,
    )


@login_required
def case(request, pk: int):
    found = _case(request, pk)
    return render(
        request,
        "reviews/team/case.html",
        {
            "case": found,
            "time_left": selectors.time_left(found),
            "days_left": selectors.days_left(found),
            "evidence": selectors.evidence_of(found),
            "requests": selectors.requests_of(found),
            "invoices": selectors.case_invoices(found),
            "follow_ups": found.follow_ups.select_related("recorded_by").order_by(
                "recorded_at", "id"
            ),
            "history": history.team_history(found),
            "steps": _steps_for(request, found),
            "manager": rules.is_review_manager(request.user),
        },
    )


@login_required
def evidence(request, pk: int, number: int):
    _team(request)
    item = selectors.team_evidence(request.user, pk, number)
    if item is None:
        raise Http404("No such file")
    return serve(item.file, item.original_name or item.neutral_name)


@login_required
def document(request, request_id: int, number: int):
    _team(request)
    item = selectors.team_document(request.user, request_id, number)
    if item is None:
        raise Http404("No such file")
    return serve(item.file, item.original_name)
