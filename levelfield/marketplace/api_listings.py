"""The marketplace's API for listings: a supplier's own service listings (its people read them,
its admins draft, submit, change, withdraw and add documents), and a live listing for anyone.
ROUTERS lists each router with its prefix (levelfield/api.py adds them)."""

from django.http import Http404
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from levelfield.accounts.api_auth import acting_supplier, api_auth
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, SIGNED_IN_ERRORS, Pages, errors

from . import selectors_listings as selectors
from .actions import listings as actions
from .models import Application, FrameworkLot, Listing
from .rules import require_supplier_member
from .schemas_listings import (
    ListingChangeIn,
    ListingCreateIn,
    ListingDocumentIn,
    ListingDocumentOut,
    ListingPatch,
    ListingVersionOut,
    ListingWithdrawIn,
    PublicListingOut,
    SupplierListingOut,
)

supplier_router = Router(auth=api_auth, tags=["Marketplace: a supplier's listings"])
public_router = Router(tags=["Marketplace: the catalogue"])
ROUTERS = (("/marketplace", supplier_router), ("/marketplace", public_router))

ADMINS = "Your supplier's admins only (403 `forbidden` for its members)."
REFUSED = (
    "400 `listing_refused` naming every problem in `details` (one line a field: too long, a "
    "category not the lot's, a price not to the penny, an unknown certification code, ...)."
)


def _own(request, listing_id: int) -> Listing:
    listing = selectors.listing_for(request.user, acting_supplier(request), listing_id)
    if listing is None:
        raise Http404("No listing of yours has that id")
    return listing


def _out(listing: Listing) -> Listing:
    return selectors.listings_of(listing.supplier).get(pk=listing.pk)


@supplier_router.get(
    "/supplier/listings",
    response={200: list[SupplierListingOut], **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="marketplace_listings",
    summary="Your supplier's service listings",
    description="Every status (draft, submitted, live, withdrawn, expired), the most recently "
    "changed first, with their documents. Anyone at the supplier; 403 `forbidden` for an "
    "organisation that is not a supplier. Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def my_listings(request):
    supplier = acting_supplier(request)
    require_supplier_member(request.user, supplier)
    return selectors.listings_of(supplier).prefetch_related("documents")


@supplier_router.post(
    "/supplier/listings",
    response={201: SupplierListingOut, **errors(*SIGNED_IN_ERRORS, 400, 404, 409, 422)},
    operation_id="marketplace_listing_create",
    summary="Draft a service listing on a lot",
    description="A draft on `lot_id`, a lot of a framework your supplier applied to (an "
    "application not refused nor withdrawn, with that lot): 404 `not_found` for a lot that is "
    "nothing or on a framework you have not applied to, 400 `lot_not_applied` for a lot your "
    "application leaves out, 409 `invalid_state` once the application was refused or "
    f"withdrawn or the framework has expired. A draft may be incomplete; {REFUSED} {ADMINS}",
)
def create_listing(request, payload: ListingCreateIn):
    supplier = acting_supplier(request)
    lot = FrameworkLot.objects.select_related("framework").filter(pk=payload.lot_id).first()
    application = (
        Application.objects.filter(supplier=supplier, framework=lot.framework).first()
        if lot
        else None
    )
    if lot is None or application is None:
        raise Http404("No lot of a framework you applied to has that id")
    content = payload.model_dump(exclude={"lot_id"})
    listing = actions.create_listing(application=application, lot=lot, by=request.user, **content)
    return Status(201, _out(listing))


@supplier_router.get(
    "/supplier/listings/{listing_id}",
    response={200: SupplierListingOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="marketplace_listing",
    summary="One of your service listings",
    description="404 `not_found` for another supplier's listing.",
)
def my_listing(request, listing_id: int):
    return _own(request, listing_id)


@supplier_router.patch(
    "/supplier/listings/{listing_id}",
    response={200: SupplierListingOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="marketplace_listing_update",
    summary="Change a draft listing",
    description="Send only the fields that change. A draft only (409 `invalid_state` "
    f"otherwise: a submitted or live listing changes as a new version). {REFUSED} {ADMINS}",
)
def update_listing(request, listing_id: int, payload: ListingPatch):
    listing = _own(request, listing_id)
    changes = payload.model_dump(exclude_unset=True)
    listing = actions.update_listing(listing=listing, by=request.user, **changes)
    return _out(listing)


@supplier_router.post(
    "/supplier/listings/{listing_id}/submit",
    response={200: SupplierListingOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="marketplace_listing_submit",
    summary="Submit a draft listing: checked, kept as version 1",
    description="The whole listing is checked: besides the limits, the price, its unit and "
    "the category are needed, and each certification must be one your profile holds a "
    f"current certificate for. {REFUSED} Goes live at once when the framework is live and "
    "your application admitted; otherwise `submitted`, live when the framework goes live. "
    f"409 `invalid_state` for a listing that is not a draft. {ADMINS}",
)
def submit_listing(request, listing_id: int):
    listing = actions.submit_listing(listing=_own(request, listing_id), by=request.user)
    return _out(listing)


@supplier_router.post(
    "/supplier/listings/{listing_id}/versions",
    response={201: ListingVersionOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="marketplace_listing_change",
    summary="Change a submitted or live listing: a new version",
    description="Send the fields that change and `change_note`. The whole listing is checked "
    f"as on submission; {REFUSED} (a missing note is one of them). 400 `unchanged` when "
    "nothing differs. The earlier versions stay as they were. 409 `invalid_state` for a "
    f"draft, withdrawn or expired listing. {ADMINS}",
)
def change_listing(request, listing_id: int, payload: ListingChangeIn):
    listing = _own(request, listing_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"change_note"})
    version = actions.change_listing(
        listing=listing, by=request.user, change_note=payload.change_note, **changes
    )
    return Status(201, next(v for v in _versions(listing) if v["number"] == version.number))


def _versions(listing: Listing) -> list[dict]:
    return [
        {
            "number": item.version.number,
            "content": item.version.content,
            "change_note": item.version.change_note,
            "changed": item.changed,
            "created_at": item.version.created_at,
        }
        for item in selectors.history(listing)
    ]


@supplier_router.get(
    "/supplier/listings/{listing_id}/versions",
    response={200: list[ListingVersionOut], **errors(*OWN_OBJECT_ERRORS)},
    operation_id="marketplace_listing_versions",
    summary="A listing's versions: what each changed, and why",
    description="Newest first; none for a draft never submitted.",
)
def listing_versions(request, listing_id: int):
    return _versions(_own(request, listing_id))


@supplier_router.post(
    "/supplier/listings/{listing_id}/withdraw",
    response={200: SupplierListingOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="marketplace_listing_withdraw",
    summary="Withdraw a listing from the catalogue",
    description="A draft, submitted or live listing; kept with its versions (buyers' frozen "
    f"shortlists keep what they saw). 409 `invalid_state` once withdrawn or expired. {ADMINS}",
)
def withdraw_listing(request, listing_id: int, payload: ListingWithdrawIn):
    listing = actions.withdraw_listing(
        listing=_own(request, listing_id), by=request.user, reason=payload.reason
    )
    return _out(listing)


@supplier_router.post(
    "/supplier/listings/{listing_id}/documents",
    response={201: ListingDocumentOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="marketplace_listing_document_add",
    summary="Add a service document (multipart: `title` and the file `upload`)",
    description="Checked as every upload is (type, content, size, viruses: 400 "
    "`validation_error`), stored under a neutral name. 400 `too_many_files` past "
    "20 current documents; 409 `invalid_state` for a withdrawn or expired listing. " + ADMINS,
)
def add_document(
    request, listing_id: int, payload: Form[ListingDocumentIn], upload: File[UploadedFile]
):
    document = actions.add_document(
        listing=_own(request, listing_id), by=request.user, title=payload.title, upload=upload
    )
    return Status(201, document)


@supplier_router.delete(
    "/supplier/listings/{listing_id}/documents/{document_id}",
    response={200: ListingDocumentOut, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="marketplace_listing_document_remove",
    summary="Take a service document off a listing (kept, with when it was removed)",
    description=f"409 `invalid_state` for one already removed. {ADMINS}",
)
def remove_document(request, listing_id: int, document_id: int):
    listing = _own(request, listing_id)
    document = listing.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404("The listing has no document with that id")
    return actions.remove_document(document=document, by=request.user)


@public_router.get(
    "/services/{listing_id}",
    response={200: PublicListingOut, **errors(404)},
    operation_id="marketplace_service",
    summary="A live service in the catalogue",
    description="Anyone: its content, supplier (name, size, VCSE), price and current "
    "documents. 404 `not_found` for a listing that is not live on a live framework.",
)
def service(request, listing_id: int):
    listing = selectors.live_listing(listing_id)
    if listing is None:
        raise Http404("No live service has that id")
    return listing
