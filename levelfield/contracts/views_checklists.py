"""The buyer's stage checklist pages (its template; a contract's checklist and each item), its
people and their accreditation, and the platform admin's capability view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error, run_button_action
from levelfield.core.pagination import paginate
from levelfield.tenders.page_helpers import buyer_organisation, require_perm

from . import selectors_capability, selectors_checklists
from .actions import accreditation as accreditation_actions
from .actions import checklists as actions
from .forms_checklists import AccreditationForm, DoneForm, DueDateForm, OwnerForm, TemplateItemForm
from .models import ChecklistItem, Contract, Stage

TEMPLATE_PERM = "contracts.edit_checklist_template"

# -- the buyer's template ----------------------------------------------------------------------


def _template_buyer(request):
    buyer = buyer_organisation(request)
    require_perm(request, TEMPLATE_PERM, buyer)
    return buyer


def _template_row(buyer, stage: str, position: int) -> dict:
    for row in actions.template_rows(buyer, clock.today_uk()):
        if row["stage"] == stage and row["position"] == position:
            return row
    raise Http404("No such checklist item")


@login_required
def template(request):
    buyer = _template_buyer(request)
    return render(
        request,
        "contracts/checklists/template.html",
        {"stages": selectors_checklists.template_by_stage(buyer, clock.today_uk())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_add(request):
    buyer = _template_buyer(request)
    form = TemplateItemForm(request.POST or None, initial={"stage": request.GET.get("stage")})
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_template_item(buyer=buyer, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Item added. Contracts signed from now on will have it.")
            return redirect("contracts:checklist_template")
    return render(request, "contracts/checklists/template_item.html", {"form": form, "row": None})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request, stage: str, position: int):
    buyer = _template_buyer(request)
    row = _template_row(buyer, stage, position)
    form = TemplateItemForm(request.POST or None, initial=row)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.edit_template_item(
                buyer=buyer,
                by=request.user,
                stage=stage,
                position=position,
                new_stage=data["stage"],
                text=data["text"],
                anchor=data["anchor"],
                offset_days=data["offset_days"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Item changed. Contracts signed from now on will have it.")
            return redirect("contracts:checklist_template")
    return render(request, "contracts/checklists/template_item.html", {"form": form, "row": row})


@login_required
@require_POST
def template_remove(request, stage: str, position: int):
    buyer = _template_buyer(request)
    run_button_action(
        request,
        lambda: actions.remove_template_item(
            buyer=buyer, by=request.user, stage=stage, position=position
        ),
        success="Item removed. Contracts already signed keep theirs.",
    )
    return redirect("contracts:checklist_template")


@login_required
@require_POST
def template_move(request, stage: str, position: int, direction: str):
    buyer = _template_buyer(request)
    if direction not in ("up", "down"):
        raise Http404("Move an item up or down")
    run_button_action(
        request,
        lambda: actions.move_template_item(
            buyer=buyer, by=request.user, stage=stage, position=position, up=direction == "up"
        ),
        success=f"Item moved {direction}",
    )
    return redirect("contracts:checklist_template")


# -- a contract's checklist --------------------------------------------------------------------


def buyer_contract(request, pk: int) -> Contract:
    """One of the current buyer's contracts, or 404 (another buyer's included); 403 without
    `contracts.view_contract`."""
    contract = get_object_or_404(
        Contract.objects.for_buyer(buyer_organisation(request)).select_related(
            "buyer", "contract_manager"
        ),
        pk=pk,
    )
    require_perm(request, "contracts.view_contract", contract)
    return contract


@login_required
def checklist(request, pk: int):
    contract = buyer_contract(request, pk)
    today = clock.today_uk()
    return render(
        request,
        "contracts/checklists/checklist.html",
        {
            "contract": contract,
            "stages": selectors_checklists.checklist_by_stage(contract, today),
            "can_manage": request.user.has_perm("contracts.manage_contract", contract),
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item(request, pk: int, item_id: int):
    """One item: its owner, due date, and done or reopened. Each form posts `do`."""
    contract = buyer_contract(request, pk)
    item = get_object_or_404(
        ChecklistItem.objects.filter(contract=contract).select_related("owner", "done_by"),
        pk=item_id,
    )
    can_manage = request.user.has_perm("contracts.manage_contract", contract)
    people = selectors_checklists.buyer_people(contract.buyer)
    do = request.POST.get("do") if request.method == "POST" else None
    if do and not can_manage:
        require_perm(request, "contracts.manage_contract", contract)
    owner_form = OwnerForm(
        request.POST if do == "owner" else None,
        people=people,
        initial={"owner": people.filter(user_id=item.owner_id).first()},
    )
    due_form = DueDateForm(request.POST if do == "due" else None, initial={"due_on": item.due_on})
    done_form = DoneForm(request.POST if do == "done" else None)
    bound = {"owner": owner_form, "due": due_form, "done": done_form}.get(do) if do else None
    if do == "reopen":
        run_button_action(
            request,
            lambda: actions.reopen(item=item, by=request.user),
            success=f"Reopened: {item.text}",
        )
        return redirect("contracts:checklist", pk=contract.pk)
    if bound is not None and bound.is_valid():
        data = bound.cleaned_data
        try:
            if do == "owner":
                membership = data["owner"]
                actions.assign_owner(
                    item=item, by=request.user, owner=membership.user if membership else None
                )
            elif do == "due":
                actions.change_due_date(item=item, by=request.user, due_on=data["due_on"])
            else:
                actions.mark_done(item=item, by=request.user, note=data["note"])
        except DomainError as exc:
            add_domain_error(bound, exc)
        else:
            messages.success(request, f"Saved: {item.text}")
            return redirect("contracts:checklist", pk=contract.pk)
    return render(
        request,
        "contracts/checklists/item.html",
        {
            "contract": contract,
            "item": item,
            "overdue": item.is_overdue(clock.today_uk()),
            "can_manage": can_manage,
            "owner_form": owner_form,
            "due_form": due_form,
            "done_form": done_form,
            "stage_label": Stage(item.stage).label,
        },
    )


# -- people and accreditation ------------------------------------------------------------------


@login_required
def people(request):
    buyer = buyer_organisation(request)
    require_perm(request, "contracts.view_register", buyer)
    found = selectors_checklists.people_and_accreditation(buyer)
    return render(
        request,
        "contracts/checklists/people.html",
        {
            "rows": found.rows,
            "unmanaged": found.unmanaged,
            "mismatched": found.mismatched,
            "can_record": request.user.has_perm("contracts.record_accreditation", buyer),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def accreditation(request, user_id: int):
    buyer = buyer_organisation(request)
    require_perm(request, "contracts.record_accreditation", buyer)
    membership = get_object_or_404(selectors_checklists.buyer_people(buyer), user_id=user_id)
    person = membership.user
    current = getattr(person, "accreditation", None)
    initial = (
        {"level": current.level, "reference": current.reference, "awarded_on": current.awarded_on}
        if current
        else {}
    )
    form = AccreditationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            accreditation_actions.record_accreditation(
                organisation=buyer, person=person, by=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Accreditation recorded for {person}")
            return redirect("contracts:people")
    return render(
        request,
        "contracts/checklists/accreditation.html",
        {"form": form, "person": person, "current": current},
    )


# -- the platform admin's capability view ------------------------------------------------------


@login_required
def capability(request):
    require_perm(request, "contracts.view_capability", None)
    rows = selectors_capability.capability(clock.today_uk())
    return render(
        request,
        "contracts/checklists/capability.html",
        {
            "page": paginate(request, rows),
            "formula": selectors_capability.NEED_FORMULA,
            "weights": selectors_capability.NEED_WEIGHTS,
        },
    )
