"""Supplier pages: the profile (with how its size was worked out), the exclusion declaration,
certificates, consortia and a bid's subcontractors. Each view parses, checks permission, calls
an action and renders; everything is found through the acting organisation, so another
organisation's objects give 404."""

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from levelfield.bids import selectors as bid_selectors
from levelfield.bids.models import Bid
from levelfield.bids.views import supplier_required
from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error, run_button_action
from levelfield.core.pagination import paginate

from . import actions, selectors
from .exclusions import ground_set_by_code, ground_set_for
from .forms import (
    CertificateForm,
    ConsortiumForm,
    DeclarationForm,
    GuaranteeForm,
    InviteMemberForm,
    ProfileForm,
    SubcontractorForm,
)
from .models import ConsortiumMember, Liability, MemberRole, MemberStatus
from .templatetags.suppliers import bid_page_url


def _profile_or_404(request):
    profile = selectors.profile_of(request.organisation)
    if profile is None:
        raise Http404("This organisation has no supplier profile")
    return profile


def _require(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied("Only your organisation's admin can do this")


# --- Profile ---------------------------------------------------------------------------------


@supplier_required
def profile(request):
    organisation = request.organisation
    record = _profile_or_404(request)
    latest = selectors.latest_declaration(organisation)
    return render(
        request,
        "suppliers/profile.html",
        {
            "profile": record,
            "size_result": record.size_result(),
            "declaration": latest,
            "declaration_current": latest is not None and latest.is_current(clock.now()),
            "grounds_changed": latest is not None and latest.answers_outdated_grounds(clock.now()),
            "certificates": list(selectors.certificates_of(organisation)[:10]),
            "consortia": list(selectors.consortia_for(organisation)),
            "invitations": list(selectors.pending_invitations(organisation)),
            "can_change": request.user.has_perm("suppliers.change_profile", organisation),
        },
    )


@supplier_required
def profile_edit(request):
    record = _profile_or_404(request)
    _require(request, "suppliers.change_profile", request.organisation)
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_for(record))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_profile(profile=record, by=request.user, **form.action_arguments())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Your supplier profile has been updated")
            return redirect("suppliers:profile")
    return render(request, "suppliers/profile_edit.html", {"form": form, "profile": record})


# --- Exclusion declaration -------------------------------------------------------------------


@supplier_required
def declaration(request):
    organisation = request.organisation
    _profile_or_404(request)
    latest = selectors.latest_declaration(organisation)
    can_declare = request.user.has_perm("suppliers.declare_exclusions", organisation)
    grounds = ground_set_for(clock.today_uk())
    form = None
    if can_declare:
        form = DeclarationForm(
            request.POST or None, grounds=grounds, initial=DeclarationForm.initial_from(latest)
        )
    elif request.method == "POST":
        raise PermissionDenied("Only your organisation's admin can make its declaration")
    if request.method == "POST" and form.is_valid():
        try:
            actions.declare_exclusions(
                organisation=organisation, by=request.user, answers=form.answers()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                "Your exclusion declaration has been made. It is attached to every bid you "
                "submit for the next year.",
            )
            return redirect("suppliers:declaration")
    answers = []
    if latest is not None:
        by_code = ground_set_by_code(latest.grounds_version).by_code()
        answers = [(by_code.get(code), answer) for code, answer in latest.answers.items() if answer]
    return render(
        request,
        "suppliers/declaration.html",
        {
            "form": form,
            "declaration": latest,
            "declaration_current": latest is not None and latest.is_current(clock.now()),
            "grounds_changed": latest is not None and latest.answers_outdated_grounds(clock.now()),
            "applies": [(g, a) for g, a in answers if a["applies"]],
            "grounds": grounds,
        },
    )


# --- Certificates ----------------------------------------------------------------------------


@supplier_required
def certificates(request):
    organisation = request.organisation
    can_manage = request.user.has_perm("suppliers.manage_certificates", organisation)
    form = CertificateForm(request.POST or None, request.FILES or None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only your organisation's admin can add certificates")
        if form.is_valid():
            data = form.cleaned_data
            try:
                certificate = actions.add_certificate(
                    organisation=organisation,
                    by=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    number=data["number"],
                    issuer=data["issuer"],
                    expires_on=data["expires_on"],
                    upload=data["document"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"{certificate.name} has been added to your profile")
                return redirect("suppliers:certificates")
    return render(
        request,
        "suppliers/certificates.html",
        {
            "form": form,
            "certificates": paginate(request, selectors.certificates_of(organisation)),
            "today": clock.today_uk(),
            "can_manage": can_manage,
        },
    )


def _own_certificate(request, certificate_id: int):
    return get_object_or_404(selectors.certificates_of(request.organisation), pk=certificate_id)


@supplier_required
@require_POST
def certificate_remove(request, certificate_id: int):
    certificate = _own_certificate(request, certificate_id)
    name = certificate.name
    run_button_action(
        request,
        lambda: actions.remove_certificate(certificate=certificate, by=request.user),
        success=f"{name} has been removed from your profile",
    )
    return redirect("suppliers:certificates")


@supplier_required
def certificate_document(request, certificate_id: int):
    certificate = _own_certificate(request, certificate_id)
    try:
        handle = certificate.document.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing") from exc
    return FileResponse(
        handle, as_attachment=True, filename=PurePath(certificate.document.name).name
    )


# --- Consortia -------------------------------------------------------------------------------


@supplier_required
def consortia(request):
    organisation = request.organisation
    statuses = selectors.membership_statuses(organisation)
    consortia_list = list(selectors.consortia_for(organisation))
    for item in consortia_list:
        item.my_status = statuses.get(item.pk)
    return render(
        request,
        "suppliers/consortia.html",
        {
            "consortia": consortia_list,
            "invitations": list(selectors.pending_invitations(organisation)),
            "can_create": request.user.has_perm("suppliers.create_consortium", organisation),
            "can_answer": request.user.has_perm("suppliers.create_consortium", organisation),
        },
    )


@supplier_required
def consortium_create(request):
    organisation = request.organisation
    _require(request, "suppliers.create_consortium", organisation)
    form = ConsortiumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consortium = actions.create_consortium(
                lead=organisation,
                by=request.user,
                name=form.cleaned_data["name"],
                liability=form.cleaned_data["liability"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, f"{consortium.name} has been formed. Now invite its other members."
            )
            return redirect("suppliers:consortium", pk=consortium.pk)
    return render(request, "suppliers/consortium_create.html", {"form": form})


def _consortium_or_404(request, pk: int):
    consortium = selectors.consortium_for_member(request.organisation, pk)
    if consortium is None:
        raise Http404("Your organisation is not part of that consortium")
    return consortium


def _render_consortium(request, consortium, *, invite_form=None):
    organisation = request.organisation
    mine = _mine(request, consortium)
    can_manage = request.user.has_perm("suppliers.manage_consortium", consortium)
    if invite_form is None and can_manage:
        invite_form = InviteMemberForm()
    accepted = mine.status == MemberStatus.ACCEPTED
    bids = (
        Bid.objects.for_supplier(organisation)
        .filter(supplier=consortium.organisation)
        .select_related("lot__tender")
        .order_by("-updated_at", "-id")
        if accepted
        else Bid.objects.none()
    )
    return render(
        request,
        "suppliers/consortium.html",
        {
            "consortium": consortium,
            "mine": mine,
            "members": list(consortium.members.all()),
            "invite_form": invite_form,
            "can_manage": can_manage,
            "can_leave": accepted
            and mine.role != MemberRole.LEAD
            and request.user.has_perm("suppliers.leave_consortium", mine),
            "guarantees": consortium.liability == Liability.LEAD_WITH_GUARANTEES,
            "accepted": accepted,
            "bids": paginate(request, bids),
        },
    )


@supplier_required
def consortium(request, pk: int):
    return _render_consortium(request, _consortium_or_404(request, pk))


@supplier_required
@require_POST
def consortium_invite(request, pk: int):
    consortium = _consortium_or_404(request, pk)
    _require(request, "suppliers.manage_consortium", consortium)
    form = InviteMemberForm(request.POST)
    if form.is_valid():
        invited = selectors.find_supplier(form.cleaned_data["identifier"])
        try:
            member = actions.invite_to_consortium(
                consortium=consortium,
                by=request.user,
                organisation=invited,
                role=form.cleaned_data["role"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"{member.organisation} has been invited. Its admin must accept before it "
                "sees the consortium's bids.",
            )
            return redirect("suppliers:consortium", pk=consortium.pk)
    return _render_consortium(request, consortium, invite_form=form)


@supplier_required
@require_POST
def consortium_respond(request, member_id: int, answer: str):
    if answer not in {"accept", "decline"}:
        raise Http404
    member = get_object_or_404(
        ConsortiumMember.objects.filter(organisation=request.organisation).select_related(
            "consortium__organisation"
        ),
        pk=member_id,
    )
    accept = answer == "accept"
    name = member.consortium.name
    done = run_button_action(
        request,
        lambda: actions.respond_to_consortium(member=member, by=request.user, accept=accept),
        success=f"You have joined {name}: you can now see its bids"
        if accept
        else f"You have declined to join {name}",
    )
    if done and accept:
        return redirect("suppliers:consortium", pk=member.consortium_id)
    return redirect("suppliers:consortia")


# What the lead's admin can do to another member, each confirmed on a page of its own first:
# (status it needs, action, page heading, button, what it means, done message).
MEMBER_CHANGES = {
    "withdraw": (
        MemberStatus.INVITED,
        actions.withdraw_invitation,
        "Withdraw the invitation to {member}?",
        "Withdraw the invitation",
        "{member} will no longer be able to accept it. You can invite it again later.",
        "You have withdrawn the invitation to {member}",
    ),
    "remove": (
        MemberStatus.ACCEPTED,
        actions.remove_member,
        "Remove {member} from {consortium}?",
        "Remove the member",
        "Its people will no longer see the consortium's bids, and the consortium's bids will no "
        "longer go in with its exclusion declaration. You can invite it again later.",
        "{member} has been removed from {consortium}",
    ),
}


def _mine(request, consortium) -> ConsortiumMember:
    return next(m for m in consortium.members.all() if m.organisation_id == request.organisation.pk)


@supplier_required
def consortium_member_change(request, pk: int, member_id: int, change: str):
    """Confirm, then withdraw an invitation or remove a member (the lead's admins)."""
    consortium = _consortium_or_404(request, pk)
    _require(request, "suppliers.manage_consortium", consortium)
    member = selectors.consortium_member(consortium, member_id)
    if member is None or member.role == MemberRole.LEAD or change not in MEMBER_CHANGES:
        raise Http404("No member of this consortium has that number")
    needs, action, heading, button, meaning, done = MEMBER_CHANGES[change]
    names = {"member": member.organisation.name, "consortium": consortium.name}
    if request.method == "POST":
        run_button_action(
            request,
            lambda: action(member=member, by=request.user),
            success=done.format(**names),
        )
        return redirect("suppliers:consortium", pk=consortium.pk)
    if member.status != needs:
        messages.error(
            request,
            f"{member.organisation} is {member.get_status_display().lower()}: there is nothing "
            "to " + ("withdraw" if change == "withdraw" else "remove"),
        )
        return redirect("suppliers:consortium", pk=consortium.pk)
    return render(
        request,
        "suppliers/consortium_confirm.html",
        {
            "consortium": consortium,
            "heading": heading.format(**names),
            "meaning": meaning.format(**names),
            "button": button,
            "blocking": selectors.submitted_consortium_bid(consortium)
            if change == "remove"
            else None,
            "subject": member.organisation.name,
        },
    )


@supplier_required
def consortium_leave(request, pk: int):
    """Confirm, then take the acting organisation out of a consortium it joined (its admins)."""
    consortium = _consortium_or_404(request, pk)
    mine = _mine(request, consortium)
    _require(request, "suppliers.leave_consortium", mine)
    if request.method == "POST":
        done = run_button_action(
            request,
            lambda: actions.leave_consortium(member=mine, by=request.user),
            success=f"You have left {consortium.name}: your people no longer see its bids",
        )
        if done:
            return redirect("suppliers:consortia")
        return redirect("suppliers:consortium", pk=consortium.pk)
    if mine.role == MemberRole.LEAD or mine.status != MemberStatus.ACCEPTED:
        messages.error(
            request,
            "The lead cannot leave its own consortium"
            if mine.role == MemberRole.LEAD
            else f"Your organisation is not a member of {consortium.name}",
        )
        return redirect("suppliers:consortium", pk=consortium.pk)
    return render(
        request,
        "suppliers/consortium_confirm.html",
        {
            "consortium": consortium,
            "heading": f"Leave {consortium.name}?",
            "meaning": "Your people will no longer see the consortium's bids, and its lead will "
            "no longer bid for your organisation. The lead can invite you again later.",
            "button": "Leave the consortium",
            "blocking": selectors.submitted_consortium_bid(consortium),
            "subject": request.organisation.name,
        },
    )


@supplier_required
def consortium_guarantee(request, pk: int, member_id: int):
    """The lead's admin records a member's guarantee (liability: lead only, with guarantees)."""
    consortium = _consortium_or_404(request, pk)
    _require(request, "suppliers.manage_consortium", consortium)
    member = selectors.consortium_member(consortium, member_id)
    if (
        member is None
        or member.role == MemberRole.LEAD
        or consortium.liability != Liability.LEAD_WITH_GUARANTEES
    ):
        raise Http404("No member of this consortium gives a guarantee with that number")
    initial = {}
    if member.guarantee_given is not None:
        initial = {"given": "yes" if member.guarantee_given else "no"}
    form = GuaranteeForm(request.POST or None, initial={**initial, "note": member.guarantee_note})
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_guarantee(
                member=member,
                by=request.user,
                given=form.cleaned_data["given"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"The guarantee from {member.organisation} is recorded")
            return redirect("suppliers:consortium", pk=consortium.pk)
    return render(
        request,
        "suppliers/consortium_guarantee.html",
        {"consortium": consortium, "member": member, "form": form},
    )


# --- Subcontractors --------------------------------------------------------------------------


def _bid_or_404(request, bid_id: int, perm: str = "bids.view_bid"):
    bid = bid_selectors.bid_of(request.organisation, bid_id)
    if bid is None or not request.user.has_perm(perm, bid):
        raise Http404("No bid of yours has that number")
    return bid


def _render_subcontractors(request, bid, *, form=None):
    editable = (
        bid.is_editable
        and bid.lot.tender.is_open_for_bids
        and request.user.has_perm("bids.change_bid", bid)
    )
    if form is None and editable:
        form = SubcontractorForm()
    return render(
        request,
        "suppliers/subcontractors.html",
        {
            "bid": bid,
            "tender": bid.lot.tender,
            "subcontractors": list(selectors.subcontractors_of(bid)),
            "form": form if editable else None,
            "editable": editable,
            "bid_url": bid_page_url(bid, request.organisation),
        },
    )


@supplier_required
def subcontractors(request, bid_id: int):
    bid = _bid_or_404(request, bid_id)
    if request.method != "POST":
        return _render_subcontractors(request, bid)
    bid = _bid_or_404(request, bid_id, "bids.change_bid")
    form = SubcontractorForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        registered = None
        if data["identifier"].strip():
            registered = selectors.find_supplier(data["identifier"])
            if registered is None:
                form.add_error(
                    "identifier",
                    "No registered supplier has that levelfield identifier or Companies House "
                    "number. Leave it empty and give the subcontractor's details instead.",
                )
        if not form.errors:
            try:
                added = actions.add_subcontractor(
                    bid=bid,
                    by=request.user,
                    organisation=registered,
                    name=data["name"],
                    companies_house_number=data["companies_house_number"],
                    size=data["size"],
                    is_vcse=data["is_vcse"],
                    share_percent=data["share_percent"],
                    description=data["description"],
                    relied_on=data["relied_on"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"{added.name} has been added to your bid")
                return redirect("suppliers:subcontractors", bid_id=bid.pk)
    return _render_subcontractors(request, bid, form=form)


@supplier_required
@require_POST
def subcontractor_remove(request, bid_id: int, subcontractor_id: int):
    bid = _bid_or_404(request, bid_id, "bids.change_bid")
    subcontractor = get_object_or_404(selectors.subcontractors_of(bid), pk=subcontractor_id)
    name = subcontractor.name
    run_button_action(
        request,
        lambda: actions.remove_subcontractor(subcontractor=subcontractor, by=request.user),
        success=f"{name} has been removed from your bid",
    )
    return redirect("suppliers:subcontractors", bid_id=bid.pk)
