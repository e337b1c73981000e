"""The steps a buyer takes on a contract's page: sign a contract let elsewhere, start
mobilisation, go live, suspend, resume (each confirmed on a page of its own, since none can be
undone), assign the manager, add and remove options to extend and documents."""

from decimal import Decimal
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error, run_button_action

from . import selectors_records as selectors
from .actions import records
from .forms_contract import DocumentForm, ManagerForm, OptionForm, SuspendForm
from .templatetags.contract_rules import s52_threshold
from .views_contract import buyer_contract

# step: (action, permission, title of the confirm page, what it means, button, done message)
STEPS = {
    "sign": (
        records.sign_let_elsewhere,
        "contracts.sign_recorded_contract",
        "Confirm the contract is signed",
        "Both parties have signed the contract. Its stage checklist starts, and it appears on "
        "the public register. No contract details notice is published here: it was published "
        "where the contract was let.",
        "Confirm it is signed",
        "Contract signed",
    ),
    "mobilise": (
        records.start_mobilisation,
        "contracts.manage_contract",
        "Start mobilisation",
        "The supplier is getting ready to deliver. The contract goes live once delivery starts.",
        "Start mobilisation",
        "Mobilisation started",
    ),
    "go-live": (
        records.go_live,
        "contracts.manage_contract",
        "Make the contract live",
        "Delivery has started. A contract worth more than {s52_threshold} needs its KPIs set first "
        "(Procurement Act 2023 s.52).",
        "Go live",
        "The contract is live",
    ),
    "resume": (
        records.resume,
        "contracts.suspend_contract",
        "Resume the contract",
        "The contract is live again. The supplier's contact is told.",
        "Resume the contract",
        "Contract resumed; the supplier has been told",
    ),
}


STEP_URL_NAMES = {
    "sign": "sign_let_elsewhere",
    "mobilise": "mobilise",
    "go-live": "go_live",
    "resume": "resume",
}


@login_required
@require_http_methods(["GET", "POST"])
def step(request, pk: int, step: str):
    if step not in STEPS:
        raise Http404("No such step")
    action, perm, title, meaning, button, done = STEPS[step]
    contract = buyer_contract(request, pk, perm)
    if request.method == "POST":
        if run_button_action(
            request, lambda: action(contract=contract, by=request.user), success=done
        ):
            return redirect("contracts:detail", pk=contract.pk)
        return redirect(f"contracts:{STEP_URL_NAMES[step]}", pk=contract.pk)
    return render(
        request,
        "contracts/contract/confirm.html",
        {
            "contract": contract,
            "title": title,
            # The s.52 threshold from kpi_rules (the version the contract is judged by).
            "meaning": meaning.replace("{s52_threshold}", s52_threshold(contract)),
            "button": button,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def suspend(request, pk: int):
    contract = buyer_contract(request, pk, "contracts.suspend_contract")
    form = SuspendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            records.suspend(contract=contract, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Contract suspended; the supplier has been told")
            return redirect("contracts:detail", pk=contract.pk)
    return render(
        request,
        "contracts/contract/suspend.html",
        {
            "contract": contract,
            "form": form,
            "heading": "Suspend the contract",
            "button": "Suspend the contract",
            "warning": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def manager(request, pk: int):
    contract = buyer_contract(request, pk, "contracts.manage_contract")
    people = selectors.buyer_people(contract.buyer)
    current = people.filter(user_id=contract.contract_manager_id).first()
    form = ManagerForm(request.POST or None, people=people, initial={"manager": current})
    if request.method == "POST" and form.is_valid():
        try:
            contract = records.assign_manager(
                contract=contract, by=request.user, manager=form.manager()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            problem = selectors.manager_flag(contract)
            messages.success(
                request,
                f"Contract manager saved. {problem}." if problem else "Contract manager saved",
            )
            return redirect("contracts:detail", pk=contract.pk)
    return render(
        request,
        "contracts/contract/manager.html",
        {"contract": contract, "form": form, "heading": "Contract manager", "button": "Save"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_option(request, pk: int):
    contract = buyer_contract(request, pk, "contracts.manage_contract")
    form = OptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            records.add_option(
                contract=contract,
                by=request.user,
                description=data["description"],
                months=data["months"],
                value=data["value"] if data["value"] is not None else Decimal("0"),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Option to extend added")
            return redirect("contracts:detail", pk=contract.pk)
    return render(
        request,
        "contracts/contract/option.html",
        {
            "contract": contract,
            "form": form,
            "heading": "Add an option to extend",
            "button": "Add the option",
        },
    )


@login_required
@require_POST
def remove_option(request, pk: int, option_id: int):
    contract = buyer_contract(request, pk, "contracts.manage_contract")
    option = get_object_or_404(contract.options, pk=option_id)
    run_button_action(
        request,
        lambda: records.remove_option(option=option, by=request.user),
        success="Option to extend removed",
    )
    return redirect("contracts:detail", pk=contract.pk)


@login_required
@require_http_methods(["GET", "POST"])
def add_document(request, pk: int):
    contract = buyer_contract(request, pk, "contracts.manage_contract")
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            records.add_document(
                contract=contract,
                by=request.user,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Document added")
            return redirect("contracts:detail", pk=contract.pk)
    return render(
        request,
        "contracts/contract/document.html",
        {"contract": contract, "form": form, "heading": "Upload a document", "button": "Upload"},
    )


@login_required
@require_POST
def remove_document(request, pk: int, document_id: int):
    contract = buyer_contract(request, pk, "contracts.manage_contract")
    document = get_object_or_404(contract.documents, pk=document_id)
    run_button_action(
        request,
        lambda: records.remove_document(document=document, by=request.user),
        success="Document removed",
    )
    return redirect("contracts:detail", pk=contract.pk)


@login_required
@require_http_methods(["GET"])
def document(request, pk: int, document_id: int):
    """A document kept with the contract: for the buyer's people only."""
    contract = buyer_contract(request, pk)
    doc = get_object_or_404(contract.documents, pk=document_id)
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing") from exc
    return FileResponse(handle, as_attachment=True, filename=PurePath(doc.file.name).name)
