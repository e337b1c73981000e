"""Outcome pages: the contract's outcome measure and what was delivered (cost per outcome), the
buyer's comparison of contracts by measure, and payment by results (priced outcomes, the
supplier's claims with evidence, the buyer's validation or rejection)."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error, run_button_action
from levelfield.core.pagination import paginate
from levelfield.tenders.page_helpers import buyer_organisation, require_perm

from . import selectors_kpis
from .actions import outcomes as actions
from .forms_kpis import ClaimForm, MeasureForm, OutcomeRecordForm, PricedOutcomeForm, RejectForm
from .models.performance import ClaimStatus, OutcomeClaim, OutcomeRecord, PricedOutcome
from .views_contract import buyer_contract
from .views_kpis import supplier_contract

MANAGE = "contracts.manage_contract"


def _claim(contract, claim_id: int) -> OutcomeClaim:
    return get_object_or_404(
        selectors_kpis.claims_for(contract).select_related("outcome__contract"), pk=claim_id
    )


def _evidence(claim: OutcomeClaim):
    if not claim.evidence:
        raise Http404("No evidence was uploaded")
    try:
        handle = claim.evidence.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing") from exc
    return FileResponse(handle, as_attachment=True, filename=PurePath(claim.evidence.name).name)


# --- The buyer's pages --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def outcomes(request, pk: int):
    contract = buyer_contract(request, pk)
    return render(
        request,
        "contracts/outcomes/outcomes.html",
        {
            "contract": contract,
            "summary": selectors_kpis.outcome_summary(contract),
            "priced": selectors_kpis.priced_outcomes(contract),
            # Every claim reachable, a page at a time (cut at 50, the oldest waiting ones could
            # be neither seen nor decided).
            "claims": paginate(request, selectors_kpis.claims_for(contract)),
            "can_manage": request.user.has_perm(MANAGE, contract),
        },
    )


@login_required
@require_http_methods(["GET"])
def cost_per_outcome(request):
    """The buyer's contracts compared by outcome measure: cost per outcome, cheapest first."""
    buyer = buyer_organisation(request)
    require_perm(request, "contracts.view_register", buyer)
    measure = (request.GET.get("measure") or "").strip()[:100]
    return render(
        request,
        "contracts/outcomes/compare.html",
        {
            "buyer": buyer,
            "measure": measure,
            "groups": selectors_kpis.compare_by_measure(buyer, measure=measure),
        },
    )


def _simple_form(request, contract, form, action, success: str, template: str, **context):
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("contracts:outcomes", contract.pk)
    return render(request, template, {"contract": contract, "form": form, **context})


@login_required
@require_http_methods(["GET", "POST"])
def outcome_measure(request, pk: int):
    contract = buyer_contract(request, pk, MANAGE)
    form = MeasureForm(request.POST or None, initial={"measure": contract.outcome_measure})
    return _simple_form(
        request,
        contract,
        form,
        lambda data: actions.set_outcome_measure(
            contract=contract, by=request.user, measure=data["measure"]
        ),
        "Outcome measure saved",
        "contracts/outcomes/measure.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_record(request, pk: int):
    contract = buyer_contract(request, pk, MANAGE)
    form = OutcomeRecordForm(request.POST or None)
    return _simple_form(
        request,
        contract,
        form,
        lambda data: actions.record_outcomes(contract=contract, by=request.user, **data),
        "Outcomes recorded",
        "contracts/outcomes/record.html",
    )


@login_required
@require_http_methods(["POST"])
def outcome_record_remove(request, pk: int, record_id: int):
    contract = buyer_contract(request, pk, MANAGE)
    record = get_object_or_404(OutcomeRecord.objects.filter(contract=contract), pk=record_id)
    run_button_action(
        request,
        lambda: actions.remove_outcome_record(record=record, by=request.user),
        success="Outcome record removed",
    )
    return redirect("contracts:outcomes", contract.pk)


@login_required
@require_http_methods(["GET", "POST"])
def priced_outcome_add(request, pk: int):
    contract = buyer_contract(request, pk, MANAGE)
    form = PricedOutcomeForm(request.POST or None)
    return _simple_form(
        request,
        contract,
        form,
        lambda data: actions.add_priced_outcome(contract=contract, by=request.user, **data),
        "Outcome priced",
        "contracts/outcomes/priced_form.html",
    )


@login_required
@require_http_methods(["POST"])
def priced_outcome_remove(request, pk: int, outcome_id: int):
    contract = buyer_contract(request, pk, MANAGE)
    outcome = get_object_or_404(PricedOutcome.objects.filter(contract=contract), pk=outcome_id)
    run_button_action(
        request,
        lambda: actions.remove_priced_outcome(outcome=outcome, by=request.user),
        success=f"{outcome.name} removed",
    )
    return redirect("contracts:outcomes", contract.pk)


@login_required
@require_http_methods(["GET", "POST"])
def claim(request, pk: int, claim_id: int):
    """A claim, with the buyer's choice: validate it (an invoice is made) or reject it."""
    contract = buyer_contract(request, pk)
    found = _claim(contract, claim_id)
    can_decide = request.user.has_perm(MANAGE, contract) and found.status == ClaimStatus.CLAIMED
    form = RejectForm(request.POST or None) if can_decide else None
    if request.method == "POST":
        require_perm(request, MANAGE, contract)
        if request.POST.get("decision") == "validate":
            if run_button_action(
                request,
                lambda: actions.validate_claim(claim=found, by=request.user),
                success="Claim validated: an invoice is recorded, to be paid within 30 days",
            ):
                return redirect("contracts:outcomes", contract.pk)
            return redirect("contracts:claim", contract.pk, found.pk)
        if form is not None and form.is_valid():
            try:
                actions.reject_claim(
                    claim=found, by=request.user, reason=form.cleaned_data["reason"]
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "Claim rejected: the supplier has been told why")
                return redirect("contracts:outcomes", contract.pk)
        elif form is None:
            messages.error(request, "This claim has been decided already")
            return redirect("contracts:claim", contract.pk, found.pk)
    return render(
        request,
        "contracts/outcomes/claim.html",
        {
            "contract": contract,
            "claim": found,
            "amount": actions.claim_amount(found),
            "form": form,
            "can_decide": can_decide,
        },
    )


@login_required
@require_http_methods(["GET"])
def claim_evidence(request, pk: int, claim_id: int):
    contract = buyer_contract(request, pk)
    return _evidence(_claim(contract, claim_id))


# --- The supplier's pages -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def supplier_outcomes(request, pk: int):
    contract = supplier_contract(request, pk)
    return render(
        request,
        "contracts/outcomes/supplier_outcomes.html",
        {
            "contract": contract,
            "priced": selectors_kpis.priced_outcomes(contract),
            # Every claim reachable, a page at a time (cut at 50, the oldest waiting ones could
            # be neither seen nor decided).
            "claims": paginate(request, selectors_kpis.claims_for(contract)),
            "can_claim": request.user.has_perm("contracts.claim_outcome", contract),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def supplier_claim(request, pk: int, outcome_id: int):
    contract = supplier_contract(request, pk, "contracts.claim_outcome")
    outcome = get_object_or_404(PricedOutcome.objects.filter(contract=contract), pk=outcome_id)
    outcome.contract = contract
    form = ClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.claim_outcome(outcome=outcome, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Claim for {outcome.name} sent to {contract.buyer.name}")
            return redirect("contracts:supplier_outcomes", contract.pk)
    return render(
        request,
        "contracts/outcomes/claim_form.html",
        {"contract": contract, "outcome": outcome, "form": form, "supplier_side": True},
    )


@login_required
@require_http_methods(["GET"])
def supplier_claim_evidence(request, pk: int, claim_id: int):
    contract = supplier_contract(request, pk)
    return _evidence(_claim(contract, claim_id))
