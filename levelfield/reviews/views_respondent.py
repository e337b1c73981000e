"""The pages of a buyer (or a prime contractor) the review team asked for a response: "Review
requests", a request's page (the question, the date it is due and the time left, the response
with its documents, then the findings and recommendations), and responding.

Everything here is read through `selectors.respondent_case`, which builds the case field by
field: the raiser of an anonymous case and the raiser's own account are not in what the page
gets, so no template can show them. Files of the raiser are offered only when the raiser let
the buyer know, under a neutral name."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.core.pagination import paginate
from levelfield.core.upload_limits import accepts_uploads

from . import actions, case_rules, exports, selectors, targets
from .forms_common import posted, show_domain_error
from .forms_team import RespondForm
from .views_public import csv_download
from .views_raiser import serve


@login_required
def cases(request):
    page = paginate(request, selectors.respondent_cases(request.user))
    today = clock.today_uk()
    rows = []
    for found in page:
        open_request = next((r for r in found.requests if r.open), None)
        rows.append(
            {
                "case": found,
                "open_request": open_request,
                "request_left": targets.time_left_words(open_request.due_on, today)
                if open_request
                else "",
            }
        )
    return render(request, "reviews/respondent/cases.html", {"page": page, "rows": rows})


@login_required
def cases_csv(request):
    """The cases the review team asked the user's organisations about, as CSV: the buyer's own
    record (exports.respondent_csv, built from what the respondent may read)."""
    return csv_download(exports.respondent_csv(request.user), "review-requests.csv")


@login_required
def case(request, pk: int):
    found = selectors.respondent_case(request.user, pk)
    if found is None:
        raise Http404("No request to your organisation has that number")
    today = clock.today_uk()
    requests = [
        {"request": r, "left": targets.time_left_words(r.due_on, today) if r.open else ""}
        for r in found.requests
    ]
    return render(
        request,
        "reviews/respondent/case.html",
        {
            "case": found,
            "requests": requests,
            "open_request": selectors.open_request_for(request.user, found.id),
            "history": selectors.respondent_history(request.user, found.id) or [],
        },
    )


@accepts_uploads(max_files=case_rules.MAX_DOCUMENTS)
@login_required
@require_http_methods(["GET", "POST"])
def respond(request, pk: int):
    found = selectors.respondent_case(request.user, pk)
    if found is None:
        raise Http404("No request to your organisation has that number")
    open_request = selectors.open_request_for(request.user, found.id)
    if open_request is None:
        messages.error(request, "There is no open request on this case for you to answer")
        return redirect("reviews:respondent_case", pk=found.id)
    form = RespondForm(*posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.respond(
                request=open_request,
                by=request.user,
                response=form.cleaned_data["response"],
                documents=form.cleaned_data["documents"],
            )
        except DomainError as exc:
            if exc.code in ("validation_error", "too_many_files"):
                form.add_error("documents", exc.message)
            else:
                show_domain_error(form, exc)
        else:
            messages.success(request, "Your response has been sent to the review team")
            return redirect("reviews:respondent_case", pk=found.id)
    return render(
        request,
        "reviews/respondent/respond.html",
        {
            "case": found,
            "open_request": open_request,
            "left": targets.time_left_words(open_request.due_on, clock.today_uk()),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
def evidence(request, pk: int, number: int):
    """A file of the raiser's, only when the raiser let the buyer know: by a neutral name."""
    item = selectors.respondent_evidence(request.user, pk, number)
    if item is None:
        raise Http404("No such file")
    return serve(item.file, item.neutral_name)


@login_required
def document(request, request_id: int, number: int):
    """A document the respondent's own organisation sent with its response."""
    item = selectors.respondent_document(request.user, request_id, number)
    if item is None:
        raise Http404("No such file")
    return serve(item.file, item.original_name)
