"""The buyer's "Amend" page for a published tender, open until the submission deadline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error

from . import actions_amend
from .forms_amend import AmendForm
from .page_helpers import buyer_tender
from .views_periods import period_assessment

CHANGE = "tenders.change_tender"


@login_required
def amend(request, pk: int):
    tender = buyer_tender(request, pk, CHANGE)
    if not tender.is_open_for_bids:
        messages.error(
            request, "Only a published tender can be amended, and only before its deadline"
        )
        return redirect("tenders:detail", pk=tender.pk)
    form = AmendForm(request.POST or None, request.FILES or None, tender=tender)
    if request.method == "POST" and form.is_valid():
        try:
            item = actions_amend.amend_tender(
                tender=tender, by=request.user, amendment=form.amendment()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"Amendment {item.number} is published and interested suppliers are being emailed",
            )
            return redirect("tenders:detail", pk=tender.pk)
    # The s.54 period for the deadline typed (after a refusal), else the current one.
    typed = getattr(form, "cleaned_data", {}).get("submission_deadline")
    return render(
        request,
        "tenders/buyer/amend.html",
        {
            "form": form,
            "tender": tender,
            "period": period_assessment(tender, deadline=typed),
            "period_deadline": typed or tender.submission_deadline,
            "period_deadline_label": "New submission deadline" if typed else "Submission deadline",
        },
    )
