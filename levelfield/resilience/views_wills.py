"""Pages of the supplier's own living will: the overview (start it, how complete it is and what
is missing, each section with a Change link, owner and review date, submit, the versions), the
owner and review date, the linked contracts, the draft in full and each submitted version.

The supplier's admins edit and submit; its members read, draft included; anyone else gets 404.
The sections' item pages are in views_wills_sections.py, the readers' pages in
views_wills_read.py."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from levelfield.accounts.models import Role
from levelfield.accounts.rules import has_role
from levelfield.core.errors import DomainError
from levelfield.core.forms import run_button_action

from . import actions, selectors, selectors_wills
from . import content as will_content
from . import views_wills_display as display
from .forms_wills import LinkedContractsForm, OwnerForm
from .models.living_wills import SUPPLIER_READ_ROLES
from .views_wills_read import will_context

EDIT = "resilience.edit_will"


def own_supplier(request):
    """The supplier the person acts for, if they are one of its people; 404 for anyone else."""
    organisation = request.organisation
    if (
        organisation is None
        or not organisation.is_supplier
        or not has_role(request.user, organisation, *SUPPLIER_READ_ROLES)
    ):
        raise Http404("This page is for suppliers")
    return organisation


def own_will(request):
    """The supplier's living will (404 before it is started)."""
    will = selectors_wills.own_will(own_supplier(request))
    if will is None:
        raise Http404("The living will has not been started")
    return will


def editable_will(request):
    """The supplier's living will, for its admins only (its members: 403)."""
    will = own_will(request)
    if not request.user.has_perm(EDIT, will):
        raise PermissionDenied("Only the supplier's admins change its living will")
    return will


def seen_of(request):
    """The draft's `updated_at` when the editor opened the form (its hidden `seen` field), for
    `actions.edit_living_will` to refuse a save made over someone else's; None without one."""
    try:
        seen = datetime.fromisoformat(request.POST.get("seen", ""))
    except ValueError:
        return None
    return seen if seen.tzinfo is not None else None


def seen_field(request, will, refused: bool = False) -> str:
    """What the form's hidden `seen` field carries: the stamp it was opened with, until a save
    is refused because the draft changed (then the draft's stamp now, so saving again is a
    choice made knowingly)."""
    if request.method == "POST" and not refused and request.POST.get("seen"):
        return request.POST["seen"]
    return will.updated_at.isoformat()


def _sections(will) -> list[dict]:
    """Each section of the draft summarised for the overview, with where to change it."""
    draft = {**will_content.empty(), **will.draft}
    services = [s["name"] for s in draft["services"]]
    planned = {p["service"] for p in draft["plans"]}
    linked = selectors_wills.linked_contracts(draft["contracts"])

    def names(items, key="name"):
        return ", ".join(i.get(key) or "(unnamed)" for i in items)

    return [
        {
            "title": "Group structure",
            "summary": f"{len(draft['entities'])} entities: {names(draft['entities'])}"
            if draft["entities"]
            else "No entities yet",
            "url": reverse("resilience:will_section", args=["group-structure"]),
        },
        {
            "title": "Public contracts",
            "summary": (
                f"{len(linked)} on the platform, {len(draft['other_contracts'])} entered by hand"
            ),
            "url": reverse("resilience:will_contracts"),
        },
        {
            "title": "Critical services and who relies on them",
            "summary": f"{len(services)}: {'; '.join(services)}" if services else "None yet",
            "url": reverse("resilience:will_section", args=["services"]),
        },
        {
            "title": "Key subcontractors and intra-group dependencies",
            "summary": f"{len(draft['dependencies'])}: {names(draft['dependencies'])}"
            if draft["dependencies"]
            else "None yet",
            "url": reverse("resilience:will_section", args=["dependencies"]),
        },
        {
            "title": "Continuity plans",
            "summary": f"{len(planned & set(services))} of {len(services)} services have a plan"
            if services
            else "Add the critical services first",
            "url": reverse("resilience:will_section", args=["continuity-plans"]),
        },
    ]


@login_required
def overview(request):
    supplier = own_supplier(request)
    will = selectors_wills.own_will(supplier)
    context = {
        "supplier": supplier,
        "will": will,
        "needs_will": selectors.needs_living_will(supplier),
        "is_admin": has_role(request.user, supplier, Role.SUPPLIER_ADMIN),
    }
    if will is not None:
        score, missing = will_content.completeness(
            will.draft, owner=will.owner, review_date=will.review_date
        )
        context.update(
            score=score,
            missing=missing,
            sections=_sections(will),
            can_edit=request.user.has_perm(EDIT, will),
            current=will.current_version(),
            versions=list(selectors_wills.versions_of(will)),
        )
    return render(request, "resilience/wills/overview.html", context)


@login_required
@require_POST
def start(request):
    supplier = own_supplier(request)
    run_button_action(
        request,
        lambda: actions.start_living_will(supplier=supplier, by=request.user),
        success="Your living will has been started: fill in each section, then submit it",
    )
    return redirect("resilience:will")


@login_required
@require_POST
def submit(request):
    will = own_will(request)
    try:
        version = actions.submit_living_will(will=will, by=request.user)
    except DomainError as exc:
        messages.error(request, " ".join([exc.message, *exc.details]))
    else:
        messages.success(
            request,
            f"Version {version.number} submitted ({version.score}% complete): the buyers of "
            "your critical contracts and the resilience team can now read it",
        )
    return redirect("resilience:will")


@login_required
@require_http_methods(["GET", "POST"])
def owner(request):
    will = editable_will(request)
    refused = False
    people = list(selectors_wills.people_of(will.supplier))
    initial = {"owner": str(will.owner_id or ""), "review_date": will.review_date}
    form = OwnerForm(
        request.POST if request.method == "POST" else None, initial=initial, people=people
    )
    if request.method == "POST" and form.is_valid():
        chosen = next((p for p in people if str(p.pk) == form.cleaned_data["owner"]), None)
        try:
            actions.edit_living_will(
                will=will,
                by=request.user,
                content=will.draft,
                owner=chosen,
                review_date=form.cleaned_data["review_date"],
                seen=seen_of(request),
            )
        except DomainError as exc:
            form.show_refusal(exc)
            refused = isinstance(exc, actions.ChangedSince)
        else:
            messages.success(request, "The owner and review date have been saved")
            return redirect("resilience:will")
    return render(
        request,
        "resilience/wills/owner.html",
        {"will": will, "form": form, "seen": seen_field(request, will, refused)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def contracts(request):
    """The public contracts: the supplier's own platform contracts chosen, others by hand."""
    will = own_will(request)
    can_edit = request.user.has_perm(EDIT, will)
    draft = {**will_content.empty(), **will.draft}
    own = list(selectors_wills.linkable_contracts(will.supplier))
    form, refused = None, False
    if can_edit:
        form = LinkedContractsForm(
            request.POST if request.method == "POST" else None,
            initial={"contracts": [str(i) for i in draft["contracts"]]},
            contracts=own,
        )
    elif request.method == "POST":
        raise PermissionDenied("Only the supplier's admins change its living will")
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_living_will(
                will=will,
                by=request.user,
                content={**draft, "contracts": form.ids()},
                owner=will.owner,
                review_date=will.review_date,
                seen=seen_of(request),
            )
        except DomainError as exc:
            refused = isinstance(exc, actions.ChangedSince)
            for detail in exc.details or [exc.message]:
                form.add_error(None if refused else "contracts", detail)
        else:
            messages.success(request, "The linked contracts have been saved")
            return redirect("resilience:will_contracts")
    return render(
        request,
        "resilience/wills/contracts.html",
        {
            "will": will,
            "form": form,
            "can_edit": can_edit,
            "own": own,
            "linked": selectors_wills.linked_contracts(draft["contracts"]),
            "others": draft["other_contracts"],
            "other_items": display.items_of("other_contracts", draft),
            "seen": seen_field(request, will, refused),
        },
    )


@login_required
def draft(request):
    """The draft in full, as a reader would see it once submitted."""
    will = own_will(request)
    score, missing = will_content.completeness(
        will.draft, owner=will.owner, review_date=will.review_date
    )
    context = will_context(will, will.draft)
    context.update(score=score, missing=missing, owner=will.owner, review_date=will.review_date)
    return render(request, "resilience/wills/draft.html", context)


@login_required
def version(request, number: int):
    will = own_will(request)
    found = selectors_wills.version_of(will, number)
    if found is None:
        raise Http404("No version of that number")
    context = will_context(will, found.content, version=found)
    context["supplier_side"] = True
    return render(request, "resilience/wills/version.html", context)
