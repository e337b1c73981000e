"""The raiser's pages: "Your concerns" (the cases they raised, and those raised for their
organisation), a case's page (its status, time left, evidence, the team's findings and the
outcome; never the respondent's documents), adding evidence, and downloading one's own files."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.core.pagination import paginate
from levelfield.core.upload_limits import accepts_uploads

from . import actions, selectors
from .forms_common import posted, show_domain_error
from .forms_raise import AddEvidenceForm
from .lifecycle import ACTIVE


def serve(stored, name: str) -> FileResponse:
    """A stored file as a download named `name` (a neutral name: never the uploader's)."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing") from exc
    return FileResponse(handle, as_attachment=True, filename=PurePath(name).name)


@login_required
def cases(request):
    page = paginate(request, selectors.raiser_cases(request.user))
    today = clock.today_uk()
    rows = [{"case": case, "time_left": selectors.time_left(case, today)} for case in page]
    return render(request, "reviews/raiser/cases.html", {"page": page, "rows": rows})


@login_required
def case(request, pk: int):
    found = selectors.raiser_case(request.user, pk)
    if found is None:
        raise Http404("No case of yours has that number")
    return render(
        request,
        "reviews/raiser/case.html",
        {
            "case": found,
            "time_left": selectors.time_left(found),
            "evidence": selectors.evidence_of(found),
            "invoices": selectors.raiser_invoices(found),
            "follow_ups": found.follow_ups.order_by("recorded_at", "id"),
            "may_add": found.status in ACTIVE,
        },
    )


@accepts_uploads(max_files=1)
@login_required
@require_http_methods(["GET", "POST"])
def add_evidence(request, pk: int):
    found = selectors.raiser_case(request.user, pk)
    if found is None:
        raise Http404("No case of yours has that number")
    form = AddEvidenceForm(*posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_evidence(case=found, by=request.user, upload=form.cleaned_data["evidence"])
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(request, "Your evidence has been added to the case")
            return redirect("reviews:raiser_case", pk=found.pk)
    return render(
        request,
        "reviews/raiser/add_evidence.html",
        {"case": found, "form": form, "time_left": selectors.time_left(found)},
        status=400 if form.errors else 200,
    )


@login_required
def evidence(request, pk: int, number: int):
    item = selectors.raiser_evidence(request.user, pk, number)
    if item is None:
        raise Http404("No such file")
    return serve(item.file, item.neutral_name)
