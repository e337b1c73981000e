"""The platform admin's pages for supplier resilience: who is on the resilience team (a
platform role, given by email and ended), and which suppliers are marked strategic (so keep a
living will), with the reason and who marked them.

For platform admins (superusers) only; anyone else, the resilience team included, gets 404."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from levelfield.core.errors import DomainError
from levelfield.core.forms import run_button_action
from levelfield.core.pagination import paginate

from . import actions
from . import selectors_standing as standing
from .forms_financial import SupplierSearchForm, show_refusal
from .forms_platform import GrantForm, ReasonForm
from .models import PlatformRoleKind

MANAGE_ROLES = "resilience.manage_platform_roles"
MARK = "resilience.mark_strategic"


def _holds(role: str, *, ended: bool = False) -> str:
    """What the person now is: "is now on the resilience team", "is no longer a reviewer"."""
    if role == PlatformRoleKind.RESILIENCE_TEAM:
        what = "on the resilience team"
    else:
        what = f"a {PlatformRoleKind(role).label.lower()}"
    return f"is no longer {what}" if ended else f"is now {what}"


def _admin(request, perm: str) -> None:
    if not rules.has_perm(perm, request.user):
        raise Http404("No such page")


@login_required
@require_http_methods(["GET", "POST"])
def team(request):
    """Who holds a platform role (the resilience team, reviewers, review managers), and giving
    a role to a person by email."""
    _admin(request, MANAGE_ROLES)
    form = GrantForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        person = standing.person_by_email(form.cleaned_data["email"])
        if person is None:
            form.add_error(
                "email",
                "No one has an account with that email address: they must register or be "
                "invited to an organisation first",
            )
        else:
            role = form.cleaned_data["role"] or PlatformRoleKind.RESILIENCE_TEAM
            try:
                actions.grant_platform_role(user=person, by=request.user, role=role)
            except DomainError as exc:
                form.add_error("email", exc.message)
            else:
                messages.success(request, f"{person} {_holds(role)}")
                return redirect("resilience:platform_team")
    return render(
        request,
        "resilience/platform/team.html",
        {"page": paginate(request, standing.team_grants()), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def team_end(request, pk: int):
    """End one person's grant of the role (kept as history)."""
    _admin(request, MANAGE_ROLES)
    grant = standing.team_grant(pk)
    if grant is None:
        raise Http404("No current member of the team has that number")
    run_button_action(
        request,
        lambda: actions.revoke_platform_role(grant=grant, by=request.user),
        success=f"{grant.user} {_holds(grant.role, ended=True)}",
    )
    return redirect("resilience:platform_team")


@login_required
def strategic(request):
    """The strategic suppliers, and finding a supplier by name to mark."""
    _admin(request, MARK)
    search = SupplierSearchForm(request.GET)
    found = None
    marks = standing.strategic_marks()
    if search.is_valid() and search.cleaned_data["q"]:
        found = standing.search_suppliers(
            search.cleaned_data["q"], exclude=marks.values("organisation")
        )
    return render(
        request,
        "resilience/platform/strategic.html",
        {"page": paginate(request, marks), "search": search, "found": found},
        status=400 if search.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def strategic_mark(request, pk: int):
    """Mark one supplier strategic, with the reason."""
    _admin(request, MARK)
    supplier = standing.supplier(pk)
    if supplier is None:
        raise Http404("No supplier has that number")
    current = standing.strategic_mark_of(supplier.pk)
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label="Why is it strategic?",
        hint="For example, it runs services that many authorities rely on. The supplier's "
        "buyers and the resilience team read it.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.mark_strategic(
                organisation=supplier, reason=form.cleaned_data["reason"], by=request.user
            )
        except DomainError as exc:
            show_refusal(form, exc, {"Enter why": "reason"})
        else:
            messages.success(request, f"{supplier.name} is marked a strategic supplier")
            return redirect("resilience:strategic")
    return render(
        request,
        "resilience/platform/mark.html",
        {"supplier": supplier, "current": current, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def strategic_end(request, pk: int):
    """End a supplier's strategic mark, with the reason."""
    _admin(request, MARK)
    mark = standing.strategic_mark_of(pk)
    if mark is None:
        raise Http404("No strategic supplier has that number")
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label="Why is it no longer strategic?",
        hint="For example, its contracts have ended.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.unmark_strategic(
                organisation=mark.organisation, reason=form.cleaned_data["reason"], by=request.user
            )
        except DomainError as exc:
            show_refusal(form, exc, {"Enter why": "reason"})
        else:
            messages.success(
                request, f"{mark.organisation.name} is no longer marked a strategic supplier"
            )
            return redirect("resilience:strategic")
    return render(
        request,
        "resilience/platform/end_mark.html",
        {"mark": mark, "form": form},
        status=400 if form.errors else 200,
    )
