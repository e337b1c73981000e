"""A contract's changes and its end, for the buyer: the changes page (each with its s.75
answer), recording a modification or using an option with the s.75 answer shown before it is
confirmed, making a change whose standstill has ended, terminating, completing.

Contracts are found through `views_contract.buyer_contract` (the buyer's own, else 404; a
missing permission 403); the actions check permission and state again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error, run_button_action
from levelfield.core.pagination import paginate

from . import change_rules
from . import selectors_changes as selectors
from .actions import changes, ending
from .forms_changes import (
    CompleteForm,
    ModificationForm,
    OptionUseForm,
    StandstillForm,
    TerminateForm,
)
from .lifecycle import IN_FORCE, ContractStatus
from .models import ContractChange
from .models.changes import ChangeKind, ChangeStatus
from .views_contract import buyer_contract

MANAGE = "contracts.manage_contract"


@login_required
def change_list(request, pk: int):
    contract = buyer_contract(request, pk)
    page = paginate(request, selectors.changes_for(contract))
    can_manage = request.user.has_perm(MANAGE, contract)
    rules = change_rules.rules_for_contract(contract)
    return render(
        request,
        "contracts/changes/list.html",
        {
            "contract": contract,
            "rules": rules,
            "value_limit_percent": change_rules.value_limit_for(rules, contract.category),
            "page": page,
            "options": contract.options.filter(used_by__isnull=True),
            "can_record": can_manage and changes.contract_problem(contract) is None,
            "can_manage": can_manage,
            "in_force": contract.status in IN_FORCE,
            "now": clock.now(),
            "can_terminate": contract.status in IN_FORCE
            and request.user.has_perm("contracts.terminate_contract", contract),
            "can_complete": can_manage
            and contract.status in (ContractStatus.LIVE, ContractStatus.EXPIRED),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_change(request, pk: int, option_id: int | None = None):
    """Step one: the change; step two (same address): its s.75 answer, and confirm."""
    contract = buyer_contract(request, pk, MANAGE)
    option = get_object_or_404(contract.options, pk=option_id) if option_id else None
    kind = ChangeKind.EXTENSION if option else ChangeKind.MODIFICATION
    data = request.POST if request.method == "POST" else None
    form: OptionUseForm | ModificationForm
    if option:
        form = OptionUseForm(data)
    else:
        form = ModificationForm(
            data, initial={"value_after": contract.value, "end_date_after": contract.end_date}
        )
    standstill = StandstillForm(
        data, working_days=change_rules.rules_for_contract(contract).standstill_working_days
    )
    proposal = None
    if request.method == "GET":
        problem = changes.contract_problem(contract)
        if problem:
            messages.error(request, problem)
            return redirect("contracts:changes", pk=contract.pk)
    elif form.is_valid():
        values = form.cleaned_data
        try:
            proposal = changes.check_change(
                contract=contract,
                by=request.user,
                kind=kind,
                value_after=values.get("value_after"),
                end_date_after=values.get("end_date_after"),
                option=option,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        if proposal and "confirm" in request.POST and standstill.is_valid():
            try:
                change = changes.record_change(
                    contract=contract,
                    by=request.user,
                    kind=kind,
                    description=values["description"],
                    value_after=proposal.value_after,
                    end_date_after=proposal.end_date_after,
                    option=option,
                    voluntary_standstill=standstill.cleaned_data["voluntary_standstill"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                proposal = None
            else:
                messages.success(request, _done(change))
                return redirect("contracts:changes", pk=contract.pk)
        if "edit" in request.POST:
            proposal = None
    context: dict[str, object] = {
        "contract": contract,
        "form": form,
        "option": option,
        "heading": f"Use the option: {option.description}" if option else "Record a change",
        "button": "Continue",
    }
    if proposal is not None:
        context.update(proposal=proposal, answer=proposal.answer, standstill=standstill)
        return render(request, "contracts/changes/confirm.html", context)
    return render(request, "contracts/changes/record.html", context)


def _done(change: ContractChange) -> str:
    if change.status == ChangeStatus.IN_STANDSTILL:
        return (
            f"Change {change.number} recorded and its contract change notice published; it will "
            "be made when the voluntary standstill ends"
        )
    if change.notice_required:
        return f"Change {change.number} made and its contract change notice published"
    return f"Change {change.number} made; no contract change notice was required"


@login_required
@require_POST
def make_change(request, pk: int, number: int):
    contract = buyer_contract(request, pk, MANAGE)
    change = get_object_or_404(ContractChange, contract=contract, number=number)
    run_button_action(
        request,
        lambda: changes.make_change(change=change, by=request.user),
        success=f"Change {number} made",
    )
    return redirect("contracts:changes", pk=contract.pk)


@login_required
@require_http_methods(["GET", "POST"])
def terminate(request, pk: int):
    contract = buyer_contract(request, pk, "contracts.terminate_contract")
    form = TerminateForm(request.POST or None, initial={"terminated_on": clock.today_uk()})
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            ending.terminate(
                contract=contract,
                by=request.user,
                reason=values["reason"],
                classification=values["classification"],
                terminated_on=values["terminated_on"],
                assessment=ending.AssessmentAtTermination(values["rating"], values["narrative"]),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                "Contract terminated: the contract termination notice and the assessment at "
                "termination are published, and the supplier has been told",
            )
            return redirect("contracts:detail", pk=contract.pk)
    return render(
        request,
        "contracts/changes/terminate.html",
        {
            "contract": contract,
            "form": form,
            "heading": "Terminate the contract",
            "button": "Terminate the contract",
            "warning": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def complete(request, pk: int):
    contract = buyer_contract(request, pk, MANAGE)
    form = CompleteForm(
        request.POST or None,
        initial={"final_value": contract.value, "final_end_date": contract.end_date},
    )
    if request.method == "POST" and form.is_valid():
        try:
            ending.complete(
                contract=contract,
                by=request.user,
                final_value=form.cleaned_data["final_value"],
                final_end_date=form.cleaned_data["final_end_date"],
                assessment=ending.AssessmentAtTermination(
                    form.cleaned_data["rating"], form.cleaned_data["narrative"]
                ),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                "Contract completed: the contract termination notice is published, with the "
                "assessment at the end where one was due",
            )
            return redirect("contracts:detail", pk=contract.pk)
    return render(
        request,
        "contracts/changes/complete.html",
        {
            "contract": contract,
            "form": form,
            "heading": "Complete the contract",
            "assessed_up_to": ending.assessed_up_to(contract),
            "button": "Complete the contract",
        },
    )
