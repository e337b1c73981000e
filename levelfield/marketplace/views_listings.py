"""A supplier's listing pages (its people read them; its admins draft, check and submit, change,
withdraw and add documents) and a live listing's public page, which buyers open from the
catalogue search. Each view finds the listing through the supplier the person acts for (another
supplier's: 404), calls an action and renders."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error, run_button_action
from levelfield.core.pagination import paginate
from levelfield.suppliers.models import Size

from . import listing_rules, rules
from . import selectors_listings as selectors
from .actions import listings as actions
from .forms_listings import DocumentForm, ListingForm, WithdrawForm
from .lifecycle import ApplicationStatus, ListingStatus
from .listing_rules import ListingRefused, certification_labels
from .models import Listing, ListingDocument
from .selectors_frameworks import supplier_status_code
from .views_buying import search_back


def _supplier(request):
    """The supplier the signed-in person acts for (anyone else: 404)."""
    organisation = getattr(request, "organisation", None)
    if not rules.is_supplier_member(request.user, organisation):
        raise Http404("These pages are for suppliers")
    return organisation


def _own(request, pk: int, *, admin: bool = False) -> Listing:
    listing = selectors.listing_for(request.user, _supplier(request), pk)
    if listing is None:
        raise Http404("No listing of yours has that number")
    if admin and not rules.is_supplier_admin(request.user, listing.supplier):
        raise PermissionDenied("Only an admin of the supplier changes its listings")
    return listing


def _is_admin(request) -> bool:
    return rules.is_supplier_admin(request.user, request.organisation)


@login_required
def supplier_listings(request):
    supplier = _supplier(request)
    return render(
        request,
        "marketplace/listings/list.html",
        {
            "page": paginate(request, selectors.listings_of(supplier)),
            "is_admin": _is_admin(request),
            "can_list": bool(selectors.lots_to_list_on(supplier)),
        },
    )


@login_required
def listing_create(request):
    supplier = _supplier(request)
    if not _is_admin(request):
        raise PermissionDenied("Only an admin of the supplier lists its services")
    choices = selectors.lots_to_list_on(supplier)
    chosen = next(
        ((a, lot) for a, lot in choices if str(lot.pk) == request.GET.get("lot", "")), None
    )
    if chosen is None:
        return render(request, "marketplace/listings/choose_lot.html", {"choices": choices})
    application, lot = chosen
    form = ListingForm(request.POST or None, categories=lot.categories)
    if request.method == "POST" and form.is_valid():
        try:
            listing = actions.create_listing(
                application=application, lot=lot, by=request.user, **form.content()
            )
        except ListingRefused as refused:
            form.show_problems(refused)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{listing.name} has been saved as a draft")
            return redirect("marketplace:listing_detail", listing.pk)
    return render(
        request,
        "marketplace/listings/form.html",
        {"form": form, "lot": lot, "application": application, "listing": None},
    )


@login_required
def listing_detail(request, pk: int):
    listing = _own(request, pk)
    return render(
        request,
        "marketplace/listings/detail.html",
        {
            "listing": listing,
            "is_admin": _is_admin(request),
            "documents": selectors.documents_of(listing, removed=False),
            "certifications": certification_labels(listing.certifications),
            # as the supplier reads its application: a decision not yet sent is not shown
            "admitted": supplier_status_code(listing.application) == ApplicationStatus.ADMITTED,
        },
    )


@login_required
def listing_edit(request, pk: int):
    listing = _own(request, pk, admin=True)
    changing = listing.status in actions.CHANGEABLE
    if listing.status not in (ListingStatus.DRAFT, *actions.CHANGEABLE):
        messages.error(request, "A withdrawn or expired listing cannot be changed")
        return redirect("marketplace:listing_detail", listing.pk)
    form = ListingForm(
        request.POST or None,
        initial=ListingForm.initial_from(listing),
        categories=listing.lot.categories,
        change=changing,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if changing:
                version = actions.change_listing(
                    listing=listing,
                    by=request.user,
                    change_note=form.cleaned_data["change_note"],
                    **form.content(),
                )
                saved = f"Version {version.number} of {listing.name} has been saved"
            else:
                actions.update_listing(listing=listing, by=request.user, **form.content())
                saved = "Your draft has been saved"
        except ListingRefused as refused:
            form.show_problems(refused)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, saved)
            return redirect("marketplace:listing_detail", listing.pk)
    return render(
        request,
        "marketplace/listings/form.html",
        {"form": form, "lot": listing.lot, "listing": listing, "changing": changing},
    )


@login_required
def listing_check(request, pk: int):
    """Check a draft as submission will and submit it."""
    listing = _own(request, pk, admin=True)
    if listing.status != ListingStatus.DRAFT:
        messages.error(request, "This listing has already been submitted")
        return redirect("marketplace:listing_detail", listing.pk)
    problems = listing_rules.problems(
        listing_rules.clean(actions.content_of(listing)),
        categories=listing.lot.categories,
        submitting=True,
        held=selectors.certificate_kinds_held(listing.supplier),
    )
    if request.method == "POST":
        try:
            actions.submit_listing(listing=listing, by=request.user)
        except ListingRefused as refused:
            problems = refused.problems
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("marketplace:listing_detail", listing.pk)
        else:
            listing.refresh_from_db()
            if listing.status == ListingStatus.LIVE:
                messages.success(request, f"{listing.name} is live in the catalogue")
            else:
                messages.success(
                    request, f"{listing.name} has been submitted: it goes live with the framework"
                )
            return redirect("marketplace:listing_detail", listing.pk)
    labelled = [(listing_rules.LABELS[field], message) for field, message in problems.items()]
    return render(
        request,
        "marketplace/listings/check.html",
        {
            "listing": listing,
            "problems": labelled,
            "certifications": certification_labels(listing.certifications),
        },
    )


@login_required
def listing_withdraw(request, pk: int):
    listing = _own(request, pk, admin=True)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.withdraw_listing(
                listing=listing, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{listing.name} has been withdrawn")
            return redirect("marketplace:listing_detail", listing.pk)
    return render(request, "marketplace/listings/withdraw.html", {"listing": listing, "form": form})


@login_required
def listing_versions(request, pk: int):
    listing = _own(request, pk)
    return render(
        request,
        "marketplace/listings/versions.html",
        {
            "listing": listing,
            "history": [
                {
                    "version": item.version,
                    "changed": item.changed,
                    "certifications": certification_labels(
                        item.version.content.get("certifications") or []
                    ),
                }
                for item in selectors.history(listing)
            ],
        },
    )


@login_required
def listing_documents(request, pk: int):
    listing = _own(request, pk)
    is_admin = _is_admin(request)
    form = DocumentForm(request.POST or None, request.FILES or None) if is_admin else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only an admin of the supplier adds documents")
        if form.is_valid():
            try:
                document = actions.add_document(
                    listing=listing,
                    by=request.user,
                    title=form.cleaned_data["title"],
                    upload=form.cleaned_data["upload"],
                )
            except DomainError as exc:
                add_domain_error(form, exc, "upload" if exc.code == "validation_error" else None)
            else:
                messages.success(request, f"{document.title} has been added")
                return redirect("marketplace:listing_documents", listing.pk)
    return render(
        request,
        "marketplace/listings/documents.html",
        {
            "listing": listing,
            "documents": selectors.documents_of(listing),
            "form": form,
            "is_admin": is_admin,
        },
    )


def _document(listing: Listing, document_id: int) -> ListingDocument:
    document = listing.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404("The listing has no document with that number")
    return document


@login_required
@require_POST
def listing_document_remove(request, pk: int, document_id: int):
    listing = _own(request, pk, admin=True)
    document = _document(listing, document_id)
    run_button_action(
        request,
        lambda: actions.remove_document(document=document, by=request.user),
        success=f"{document.title} has been removed from the listing (it is kept)",
    )
    return redirect("marketplace:listing_documents", listing.pk)


def _file(document: ListingDocument) -> FileResponse:
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing") from exc
    name = document.original_name or PurePath(document.file.name).name
    return FileResponse(handle, as_attachment=True, filename=name)


@login_required
def listing_document(request, pk: int, document_id: int):
    return _file(_document(_own(request, pk), document_id))


# --- Anyone ------------------------------------------------------------------------------------


def _live(pk: int) -> Listing:
    listing = selectors.live_listing(pk)
    if listing is None:
        raise Http404("No live service has that number")
    return listing


def service(request, pk: int):
    """A live service as buyers and anyone see it. A buyer's staff, who search the catalogue,
    are led back to the search they opened it from (`back`, checked to be the search's own
    address) or to the search page."""
    listing = _live(pk)
    organisation = getattr(request, "organisation", None)
    searcher = rules.is_buyer_reader(request.user, organisation)
    return render(
        request,
        "marketplace/listings/service.html",
        {
            "listing": listing,
            "back": search_back(request.GET.get("back", "")) if searcher else "",
            "documents": list(listing.documents.all()),
            "certifications": certification_labels(listing.certifications),
            "size": Size(listing.supplier_size).label if listing.supplier_size else "",
        },
    )


def service_document(request, pk: int, document_id: int):
    listing = _live(pk)
    document = next((d for d in listing.documents.all() if d.pk == document_id), None)
    if document is None:
        raise Http404("The service has no current document with that number")
    return _file(document)
