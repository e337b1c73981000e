"""KPI pages: the buyer sets a contract's KPIs (s.52) or records why there are none; the
supplier reports on each period and corrects a report until it is due.

The buyer's contract comes from `Contract.objects.for_buyer` (another buyer's is a 404), the
supplier's from `Contract.objects.for_supplier` (another supplier's is a 404); a missing
permission is a 403, and the action checks it again."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error, run_button_action
from levelfield.tenders.page_helpers import require_perm

from . import kpi_rules, selectors_kpis, selectors_records
from .actions import kpis as actions
from .forms_kpis import ExemptionForm, KpiForm, ReportForm
from .models.performance import Kpi, KpiReport
from .views_contract import buyer_contract

MANAGE = "contracts.manage_contract"


def supplier_contract(request, pk: int, perm: str = "contracts.view_contract"):
    """One of the current supplier's contracts (once signed), or 404; 403 without `perm`."""
    organisation = request.organisation
    if organisation is None or not organisation.is_supplier:
        raise Http404("Only supplier organisations hold contracts")
    contract = get_object_or_404(
        selectors_records.supplier_contracts(organisation).select_related("supplier"), pk=pk
    )
    require_perm(request, perm, contract)
    return contract


def _kpi(contract, kpi_id: int) -> Kpi:
    kpi = get_object_or_404(Kpi.objects.filter(contract=contract), pk=kpi_id)
    kpi.contract = contract
    return kpi


def _context(contract, request, today: date) -> dict:
    rows = selectors_kpis.kpi_rows(contract, today=today)
    rules = kpi_rules.rules_for_contract(contract)
    return {
        "contract": contract,
        "rows": rows,
        "rules": rules,
        "s52_applies": kpi_rules.s52_applies(contract, rules),
        "s52_problems": kpi_rules.s52_problems(contract),
        "overdue": sum(r.overdue for r in rows),
        "assessments": list(contract.assessments.order_by("-period_end", "-id")[:20]),
    }


# --- The buyer's pages --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def kpis(request, pk: int):
    contract = buyer_contract(request, pk)
    context = _context(contract, request, clock.today_uk())
    context["can_manage"] = request.user.has_perm(MANAGE, contract)
    return render(request, "contracts/kpis/kpis.html", context)


def _kpi_form_page(request, contract, kpi: Kpi | None):
    initial = {}
    if kpi is not None:
        initial = {
            "name": kpi.name,
            "description": kpi.description,
            "target": f"{kpi.target.normalize():f}",
            "unit": kpi.unit,
            "direction": kpi.direction,
            "frequency": kpi.frequency,
            "material": kpi.material,
        }
    form = KpiForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if kpi is None:
                kpi = actions.add_kpi(contract=contract, by=request.user, **form.cleaned_data)
                messages.success(request, f"KPI {kpi.number} added: {kpi.name}")
            else:
                kpi = actions.edit_kpi(kpi=kpi, by=request.user, **form.cleaned_data)
                messages.success(request, f"KPI {kpi.number} saved")
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("contracts:kpis", contract.pk)
    return render(
        request, "contracts/kpis/kpi_form.html", {"contract": contract, "form": form, "kpi": kpi}
    )


@login_required
@require_http_methods(["GET", "POST"])
def kpi_add(request, pk: int):
    contract = buyer_contract(request, pk, MANAGE)
    return _kpi_form_page(request, contract, None)


@login_required
@require_http_methods(["GET", "POST"])
def kpi_edit(request, pk: int, kpi_id: int):
    contract = buyer_contract(request, pk, MANAGE)
    return _kpi_form_page(request, contract, _kpi(contract, kpi_id))


@login_required
@require_http_methods(["POST"])
def kpi_remove(request, pk: int, kpi_id: int):
    contract = buyer_contract(request, pk, MANAGE)
    kpi = _kpi(contract, kpi_id)
    run_button_action(
        request,
        lambda: actions.remove_kpi(kpi=kpi, by=request.user),
        success=f"KPI {kpi.number} removed: {kpi.name}",
    )
    return redirect("contracts:kpis", contract.pk)


@login_required
@require_http_methods(["GET", "POST"])
def kpi_exemption(request, pk: int):
    contract = buyer_contract(request, pk, MANAGE)
    form = ExemptionForm(request.POST or None, initial={"reason": contract.kpi_exemption_reason})
    if request.method == "POST" and form.is_valid():
        try:
            contract = actions.set_kpi_exemption(
                contract=contract, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                "Reason recorded" if contract.kpi_exemption_reason else "Reason cleared",
            )
            return redirect("contracts:kpis", contract.pk)
    return render(request, "contracts/kpis/exemption.html", {"contract": contract, "form": form})


# --- The supplier's pages -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def supplier_kpis(request, pk: int):
    contract = supplier_contract(request, pk)
    context = _context(contract, request, clock.today_uk())
    context["can_report"] = request.user.has_perm("contracts.report_kpi", contract)
    return render(request, "contracts/kpis/supplier_kpis.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def supplier_report(request, pk: int, kpi_id: int, number: int):
    """Report on one ended period, or correct the report while that is still open."""
    contract = supplier_contract(request, pk, "contracts.report_kpi")
    kpi = _kpi(contract, kpi_id)
    try:
        period = actions.period_of(kpi, number)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    report = KpiReport.objects.filter(kpi=kpi, period_end=period.end).first()
    initial = (
        {"value": f"{report.value.normalize():f}", "narrative": report.narrative} if report else {}
    )
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if report is None:
                actions.report_kpi(
                    kpi=kpi,
                    by=request.user,
                    period=number,
                    value=data["value"],
                    narrative=data["narrative"],
                )
            else:
                actions.correct_report(
                    report=report, by=request.user, value=data["value"], narrative=data["narrative"]
                )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Report on {kpi.name} saved")
            return redirect("contracts:supplier_kpis", contract.pk)
    return render(
        request,
        "contracts/kpis/report.html",
        {"contract": contract, "kpi": kpi, "period": period, "report": report, "form": form},
    )
