"""Raise a concern: a start page saying how anonymity works, then one question a page (what
kind of concern; its details, with a picker or described by hand; may the buyer know it was
you), a check of the answers with the evidence, and a confirmation with the case's reference.

The answers are kept in the session as they were typed (each form re-reads them), and nothing is
stored until the raiser sends the concern: `actions.raise_case` then decides, and a refusal
takes the raiser back to the page of the field it is about, shown beside it."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from levelfield.core.errors import DomainError
from levelfield.core.upload_limits import accepts_uploads

from . import actions, case_rules, selectors
from .forms_common import posted
from .forms_raise import AnonymityForm, DetailsForm, EvidenceForm, KindForm
from .models import CaseKind

SESSION_KEY = "reviews_raise"
# The details a buyer or the public reads, by the words raise_case names them with when one
# names the anonymous raiser ("The notice reference names the person ...").
NAMING_FIELDS = {
    "procurement's title": "procurement_title",
    "notice reference": "notice_reference",
    "prime contractor's name": "prime_contractor_name",
    "invoice reference": "invoice_reference",
}
# The step holding each field of the concern (a refusal sends the raiser back there).
STEP_OF_FIELD = {"kind": "reviews:raise_kind", "evidence": "reviews:raise_check"}
STEP_OF_FIELD.update(dict.fromkeys(("buyer_may_know", "raiser_organisation"), "reviews:raise_who"))


def _answers(request) -> dict:
    return request.session.get(SESSION_KEY) or {}


def _save(request, **changes) -> None:
    answers = {**_answers(request), **changes}
    request.session[SESSION_KEY] = answers


def _typed(request, form) -> dict[str, str]:
    """What was typed into `form`'s fields, as text, to keep in the session."""
    return {name: request.POST.get(name, "") for name in form.fields}


def _refusal_for(request, step: str, form) -> None:
    """Show beside its field the refusal that sent the raiser back to this step, once."""
    error = _answers(request).get("error")
    if error and error.get("step") == step and form.is_bound:
        field = error.get("field")
        form.add_error(field if field in form.fields else None, error["message"])
        _save(request, error=None)


def start(request):
    """What the service does, who may raise what, and how the raiser's name is kept."""
    return render(
        request,
        "reviews/raise/start.html",
        {"lookback": case_rules.LOOKBACK_YEARS, "kinds": CaseKind.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def kind(request):
    if request.method == "POST":
        form = KindForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["kind"] != _answers(request).get("kind"):
                _save(request, details={})
            _save(request, kind=form.cleaned_data["kind"])
            return redirect("reviews:raise_details")
    else:
        chosen = _answers(request).get("kind")
        form = KindForm({"kind": chosen} if chosen else None)
        if chosen:
            form.is_valid()
        _refusal_for(request, "reviews:raise_kind", form)
    return _step(request, "reviews/raise/kind.html", form)


@login_required
@require_http_methods(["GET", "POST"])
def details(request):
    answers = _answers(request)
    if answers.get("kind") not in CaseKind.values:
        return redirect("reviews:raise_kind")
    if request.method == "POST":
        form = DetailsForm(request.POST, kind=answers["kind"], user=request.user)
        if form.is_valid():
            _save(request, details=_typed(request, form))
            return redirect("reviews:raise_who")
    else:
        typed = answers.get("details") or None
        form = DetailsForm(typed, kind=answers["kind"], user=request.user)
        if typed:
            form.is_valid()
        _refusal_for(request, "reviews:raise_details", form)
    return _step(
        request,
        "reviews/raise/details.html",
        form,
        kind_label=CaseKind(answers["kind"]).label,
    )


@login_required
@require_http_methods(["GET", "POST"])
def who(request):
    answers = _answers(request)
    if not answers.get("details") or not answers.get("kind"):
        return redirect("reviews:raise_kind")
    if request.method == "POST":
        form = AnonymityForm(request.POST, user=request.user)
        if form.is_valid():
            _save(request, who=_typed(request, form))
            return redirect("reviews:raise_check")
    else:
        typed = answers.get("who") or None
        form = AnonymityForm(typed, user=request.user)
        if typed:
            form.is_valid()
        _refusal_for(request, "reviews:raise_who", form)
    return _step(request, "reviews/raise/who.html", form)


def _bound(request, answers: dict):
    """The details and anonymity forms bound to the answers kept, each checked."""
    details_form = DetailsForm(answers["details"], kind=answers["kind"], user=request.user)
    who_form = AnonymityForm(answers["who"], user=request.user)
    return details_form, who_form


def _rows(details_form, who_form, kind_value: str) -> list[dict]:
    """The check-answers summary: each answer given, with a link to change it."""
    change_kind = reverse("reviews:raise_kind")
    change_details = reverse("reviews:raise_details")
    change_who = reverse("reviews:raise_who")
    rows = [{"key": "Concern about", "value": CaseKind(kind_value).label, "change": change_kind}]
    for name, field in details_form.fields.items():
        value = details_form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        shown = field.label_from_instance(value) if hasattr(field, "label_from_instance") else value
        if hasattr(value, "strftime"):
            shown = f"{value.day} {value:%B} {value.year}"
        rows.append({"key": field.label, "value": shown, "change": change_details})
    may_know = who_form.cleaned_data.get("buyer_may_know") == "yes"
    rows.append(
        {
            "key": "May the buyer know it was you?",
            "value": "Yes" if may_know else "No, keep it from the buyer",
            "change": change_who,
        }
    )
    organisation = who_form.cleaned_data.get("raiser_organisation")
    rows.append(
        {
            "key": "Raised for",
            "value": organisation.name if organisation else "Yourself",
            "change": change_who,
        }
    )
    return rows


@accepts_uploads(max_files=case_rules.MAX_EVIDENCE_FILES)
@login_required
@require_http_methods(["GET", "POST"])
def check(request):
    """Check the answers, add evidence, and send the concern."""
    answers = _answers(request)
    if not answers.get("kind") or not answers.get("details") or not answers.get("who"):
        return redirect("reviews:raise_kind")
    details_form, who_form = _bound(request, answers)
    if not (details_form.is_valid() and who_form.is_valid()):
        return redirect("reviews:raise_details" if details_form.errors else "reviews:raise_who")
    form = EvidenceForm(*posted(request))
    if request.method == "POST" and form.is_valid():
        given = {**details_form.cleaned_data}
        try:
            case = actions.raise_case(
                by=request.user,
                kind=answers["kind"],
                buyer_may_know=who_form.cleaned_data["buyer_may_know"] == "yes",
                raiser_organisation=who_form.cleaned_data.get("raiser_organisation"),
                evidence=form.cleaned_data["evidence"],
                **{k: v for k, v in given.items() if v not in (None, "")},
            )
        except DomainError as exc:
            field = case_rules.FIELD_FOR_CODE.get(exc.code)
            if field == "text":  # a detail the buyer would read names the anonymous raiser
                field = next((f for w, f in NAMING_FIELDS.items() if w in exc.message), None)
            step = STEP_OF_FIELD.get(field, "reviews:raise_details") if field else None
            if step and step != "reviews:raise_check":
                _save(request, error={"step": step, "field": field, "message": exc.message})
                return redirect(step)
            form.add_error("evidence" if field == "evidence" else None, exc.message)
        else:
            request.session.pop(SESSION_KEY, None)
            return redirect("reviews:raise_done", pk=case.pk)
    return render(
        request,
        "reviews/raise/check.html",
        {"form": form, "rows": _rows(details_form, who_form, answers["kind"])},
        status=400 if form.errors else 200,
    )


@login_required
def done(request, pk: int):
    """The confirmation, with the case's reference."""
    case = selectors.raiser_case(request.user, pk)
    if case is None:
        raise Http404("No case of yours has that number")
    return render(
        request,
        "reviews/raise/done.html",
        {"case": case, "time_left": selectors.time_left(case)},
    )


def _step(request, template: str, form, **context):
    return render(
        request,
        template,
        {"form": form, **context},
        status=400 if request.method == "POST" and form.errors else 200,
    )
