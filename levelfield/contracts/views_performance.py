"""Performance pages: the buyer's assessments (s.71, each published as a contract performance
notice, UK9) and the performance failures recorded on a contract."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error
from levelfield.core.pagination import paginate

from . import selectors_kpis
from .actions import performance as actions
from .forms_kpis import AssessmentForm, FailureForm
from .models.notices import ContractNotice, NoticeType
from .views_contract import buyer_contract

MANAGE = "contracts.manage_contract"


@login_required
@require_http_methods(["GET"])
def performance(request, pk: int):
    contract = buyer_contract(request, pk)
    summary = selectors_kpis.assessment_summary(contract)
    notices = {
        n.key: n
        for n in ContractNotice.objects.filter(contract=contract, notice_type=NoticeType.UK9)
    }
    page = paginate(request, summary.assessments, 20)
    return render(
        request,
        "contracts/performance/performance.html",
        {
            "contract": contract,
            "summary": summary,
            "page": page,
            "rows": [(a, notices.get(f"assessment-{a.pk}")) for a in page],
            "can_manage": request.user.has_perm(MANAGE, contract),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assess(request, pk: int):
    contract = buyer_contract(request, pk, MANAGE)
    summary = selectors_kpis.assessment_summary(contract)
    last = summary.assessments[0] if summary.assessments else None
    start = last.period_end + timedelta(days=1) if last else contract.start_date
    end = min(clock.today_uk(), contract.end_date)
    form = AssessmentForm(
        request.POST or None,
        initial={
            "period_start": f"{start:%d/%m/%Y}",
            "period_end": f"{end:%d/%m/%Y}" if end >= start else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_assessment(contract=contract, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, "Performance assessed and published as a contract performance notice"
            )
            return redirect("contracts:performance", contract.pk)
    return render(
        request, "contracts/performance/assess.html", {"contract": contract, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def failure_add(request, pk: int):
    contract = buyer_contract(request, pk, MANAGE)
    form = FailureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_failure(contract=contract, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, "Failure recorded: it is published with the next performance notice"
            )
            return redirect("contracts:performance", contract.pk)
    return render(
        request, "contracts/performance/failure_form.html", {"contract": contract, "form": form}
    )
