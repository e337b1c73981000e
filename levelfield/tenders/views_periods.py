"""The buyer's "Tendering period" page: the Procurement Act 2023 s.54 details of a draft, with
the minimum period they give, the earliest lawful submission deadline and the deadline's
warnings. A published tender's page shows them as they were published, without the form.

As the buyer changes an answer, htmx posts the form to `tendering_period_preview`, which
answers the summary for the details as chosen, saving nothing; without JavaScript the summary
follows on "Save and check the period". The Amend page does the same for a new submission
deadline as it is typed (`amend_period_preview`)."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error

from . import actions, periods
from .forms_amend import AmendForm
from .forms_periods import TenderingPeriodForm
from .lifecycle import Status
from .page_helpers import buyer_tender

VIEW = "tenders.view_tender_admin"
CHANGE = "tenders.change_tender"


def period_assessment(tender, deadline=None) -> periods.Assessment:
    """What s.54 asks of `tender`, counted from its publication (from now for a draft), for
    `deadline` (its submission deadline unless another is given, like one typed to amend it)."""
    return periods.assess(
        tender,
        published_at=tender.published_at or clock.now(),
        deadline=deadline or tender.submission_deadline,
    )


@login_required
@require_http_methods(["GET", "POST"])
def tendering_period(request, pk: int):
    tender = buyer_tender(request, pk, VIEW)
    is_draft = tender.status == Status.DRAFT
    can_edit = is_draft and request.user.has_perm(CHANGE, tender)
    if request.method == "POST" and not can_edit:
        if not is_draft:
            messages.error(request, "Only a draft tender can be changed like this")
            return redirect("tenders:tendering_period", pk=tender.pk)
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None  # an empty POST is still one
    form = TenderingPeriodForm(data, tender=tender) if can_edit else None
    if request.method == "POST" and form is not None and form.is_valid():
        # Only what changed, so the tender's history names it.
        changed = {
            name: value
            for name, value in form.action_fields().items()
            if getattr(tender, name) != value
        }
        try:
            if changed:
                actions.update_tender(tender=tender, by=request.user, **changed)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, "Tendering period details saved" if changed else "Nothing was changed"
            )
            return redirect("tenders:tendering_period", pk=tender.pk)
    return render(
        request,
        "tenders/buyer/tendering_period.html",
        {
            "tender": tender,
            "form": form,
            "is_draft": is_draft,
            "period": period_assessment(tender),
        },
    )


@login_required
@require_POST
def tendering_period_preview(request, pk: int):
    """The summary for the details being chosen (not saved): a fragment for htmx. Details the
    form refuses leave the saved ones in the summary; the errors come on saving."""
    tender = buyer_tender(request, pk, CHANGE)
    if tender.status != Status.DRAFT:
        raise PermissionDenied
    form = TenderingPeriodForm(request.POST, tender=tender)
    trial = tender
    if form.is_valid():
        trial = copy.copy(tender)
        for name, value in form.action_fields().items():
            setattr(trial, name, value)
    return render(
        request,
        "tenders/buyer/_period_summary.html",
        {
            "tender": trial,
            "period": period_assessment(trial),
            "deadline": trial.submission_deadline,
        },
    )


@login_required
@require_POST
def amend_period_preview(request, pk: int):
    """The Amend page's summary for the submission deadline being typed (not saved): a
    fragment for htmx. A date or time not yet complete leaves the current deadline."""
    tender = buyer_tender(request, pk, CHANGE)
    if not tender.is_open_for_bids:
        raise PermissionDenied
    form = AmendForm(request.POST, tender=tender)
    form.is_valid()  # the reason and confirmation are asked on publishing, not here
    typed = form.cleaned_data.get("submission_deadline")
    return render(
        request,
        "tenders/buyer/_period_summary.html",
        {
            "tender": tender,
            "period": period_assessment(tender, deadline=typed),
            "deadline": typed or tender.submission_deadline,
            "deadline_label": "New submission deadline" if typed else "Submission deadline",
        },
    )
