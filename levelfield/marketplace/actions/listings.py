"""A supplier's service listings: drafted on a lot of a framework it applied to, submitted
(checked, kept as version 1), live when the framework is (at once if it already is and the
supplier was admitted; else when the framework goes live, actions/frameworks.py), changed while
submitted or live (each change a new version with a note), withdrawn; and their service
documents (added, removed but kept, read).

Who: a supplier's admins draft, submit, change and withdraw its listings and their documents
(rules.require_supplier_admin); its members read them (the pages and the API). One person keeps
a listing the buyers compare, as with bids; a member who drafts would need an admin anyway to
submit.

Every action: permission, state (Listing.transition and the lifecycle table), one transaction
with its audit event. The supplier's name, size and VCSE status are copied from its profile on
every save, and the search documents are written whenever the content changes."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from levelfield.core import audit, clock
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.core.uploads import check_upload, files_removed_on_failure, store

from .. import indexing, listing_rules
from ..lifecycle import ApplicationStatus, FrameworkStatus, ListingStatus
from ..listing_rules import CONTENT_FIELDS, ListingRefused
from ..models import Application, FrameworkLot, Listing, ListingDocument, ListingVersion
from ..rules import require_supplier_admin

# Applications a supplier may list under: not refused nor withdrawn.
LISTING_APPLICATIONS = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.ADMITTED,
)
# ...and a refused one while the framework is pending: the refusal is sent at the standstill
# and until then the supplier lists as any applicant not yet decided (its listings are
# withdrawn when the refusal is sent).
LISTABLE = Q(status__in=LISTING_APPLICATIONS) | Q(
    status=ApplicationStatus.REFUSED, framework__status=FrameworkStatus.PENDING
)
CHANGEABLE = (ListingStatus.SUBMITTED, ListingStatus.LIVE)
WITH_DOCUMENTS = (ListingStatus.DRAFT, ListingStatus.SUBMITTED, ListingStatus.LIVE)
ADMINS_ONLY = "Only an admin of the supplier can change its listings"


def _require(by, supplier) -> None:
    require_supplier_admin(by, supplier, ADMINS_ONLY)


def _locked(listing: Listing) -> Listing:
    return (
        Listing.objects.select_for_update(of=("self",))
        .select_related("lot__framework", "application", "supplier__supplier_profile")
        .get(pk=listing.pk)
    )


def _record(listing: Listing, *, action: str, by, summary: str, **data) -> None:
    audit.record(
        action=action,
        obj=listing,
        actor=by,
        organisation=listing.supplier,
        summary=f"{listing.name}: {summary}",
        framework=listing.lot.framework.reference,
        lot=listing.lot.number,
        **data,
    )


def _copy_supplier(listing: Listing) -> None:
    """The supplier's name, size and VCSE status as its profile has them now (the facets)."""
    supplier = listing.supplier
    profile = getattr(supplier, "supplier_profile", None)
    listing.supplier_name = supplier.name
    listing.supplier_size = profile.size if profile else ""
    listing.supplier_is_vcse = profile.is_vcse if profile else False


def content_of(listing: Listing) -> dict:
    return {field: getattr(listing, field) for field in CONTENT_FIELDS}


def _apply(listing: Listing, content: dict) -> None:
    for field, value in content.items():
        setattr(listing, field, value)


def _checked(listing: Listing, changes: dict, *, submitting: bool) -> dict:
    """The listing's whole content with `changes` (cleaned), refused with every problem."""
    content = {**content_of(listing), **listing_rules.clean(changes)}
    held = (
        listing_rules.held_certifications(listing.supplier, clock.today_uk())
        if submitting
        else None
    )
    listing_rules.check(
        content, categories=listing.lot.categories, submitting=submitting, held=held
    )
    return content


def _save(listing: Listing, content: dict, *, at) -> None:
    _apply(listing, content)
    _copy_supplier(listing)
    listing.updated_at = at
    listing.save()
    indexing.index_listing(listing)


def may_list_under(application: Application) -> bool:
    """Whether the supplier may draft and submit listings under `application` (LISTABLE)."""
    if application.status in LISTING_APPLICATIONS:
        return True
    return (
        application.status == ApplicationStatus.REFUSED
        and application.framework.status == FrameworkStatus.PENDING
    )


def _may_list_on(application: Application, lot: FrameworkLot) -> None:
    if lot.framework_id != application.framework_id:
        raise DomainError("That lot is not on the framework you applied to", code="wrong_lot")
    if not may_list_under(application):
        raise InvalidTransition(
            f"Your application to {application.framework.name} was "
            f"{ApplicationStatus(application.status).label.lower()}: you cannot list services "
            "on it"
        )
    if not application.lots.filter(pk=lot.pk).exists():
        raise DomainError(
            f"Your application does not include lot {lot.number} ({lot.title})",
            code="lot_not_applied",
        )
    if application.framework.status == FrameworkStatus.EXPIRED:
        raise InvalidTransition("The framework has expired: no new listings")


@transaction.atomic
def create_listing(*, application: Application, lot: FrameworkLot, by, **content) -> Listing:
    """A draft listing of `application`'s supplier on `lot`, with what content was given (a
    name at least)."""
    _require(by, application.supplier)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("framework", "supplier__supplier_profile")
        .get(pk=application.pk)
    )
    _may_list_on(application, lot)
    now = clock.now()
    listing = Listing(
        lot=lot,
        application=application,
        supplier=application.supplier,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    content = _checked(listing, content, submitting=False)
    _save(listing, content, at=now)
    _record(listing, action="marketplace.listing_created", by=by, summary="listing drafted")
    return listing


@transaction.atomic
def update_listing(*, listing: Listing, by, **changes) -> Listing:
    """Change a draft's content: only the fields given (a draft may stay incomplete)."""
    _require(by, listing.supplier)
    listing = _locked(listing)
    if listing.status not in (ListingStatus.DRAFT, *CHANGEABLE):
        raise InvalidTransition(
            f"A listing that is {ListingStatus(listing.status).label.lower()} cannot be changed"
        )
    if listing.status != ListingStatus.DRAFT:
        raise InvalidTransition(
            "Only a draft is changed like this: a submitted or live listing is changed with a "
            "note, as a new version"
        )
    content = _checked(listing, changes, submitting=False)
    _save(listing, content, at=clock.now())
    _record(
        listing,
        action="marketplace.listing_updated",
        by=by,
        summary="draft changed",
        fields=sorted(changes.keys()),
    )
    return listing


def _go_live(listing: Listing, *, at) -> bool:
    """Put a submitted listing live if its framework is live and its supplier admitted (the
    caller saves and audits). True when it went live."""
    if listing.lot.framework.status != FrameworkStatus.LIVE:
        return False
    if listing.application.status != ApplicationStatus.ADMITTED:
        return False
    listing.transition(ListingStatus.LIVE, at)
    return True


@transaction.atomic
def submit_listing(*, listing: Listing, by) -> Listing:
    """Check the whole listing (every problem named), keep it as version 1 and submit it: live
    at once on a live framework the supplier was admitted to, else when the framework goes
    live."""
    _require(by, listing.supplier)
    listing = _locked(listing)
    # Its state first: a withdrawn listing's content was checked and its problems named (400),
    # which no change could put right (a withdrawn listing is not changed).
    if listing.status != ListingStatus.DRAFT:
        status = ListingStatus(listing.status).label.lower()
        raise InvalidTransition(f"A listing that is {status} cannot be submitted: only a draft is")
    if not may_list_under(listing.application):
        raise InvalidTransition("Your application was refused or withdrawn: nothing to submit")
    if listing.lot.framework.status == FrameworkStatus.EXPIRED:
        raise InvalidTransition("The framework has expired: no new listings")
    now = clock.now()
    content = _checked(listing, {}, submitting=True)
    listing.transition(ListingStatus.SUBMITTED, now)
    listing.version = 1
    live = _go_live(listing, at=now)
    _save(listing, content, at=now)
    ListingVersion.objects.create(
        listing=listing,
        number=1,
        content=listing_rules.as_json(content),
        created_by=by,
        created_at=now,
    )
    _record(
        listing,
        action="marketplace.listing_submitted",
        by=by,
        summary="listing submitted as version 1",
    )
    if live:
        _record(
            listing,
            action="marketplace.listing_live",
            by=by,
            summary="listing live on the framework",
        )
    return listing


@transaction.atomic
def change_listing(*, listing: Listing, by, change_note: str, **changes) -> ListingVersion:
    """Change a submitted or live listing: the whole listing is checked again, kept as a new
    version with the supplier's note of what changed and why; the earlier versions stay as
    they were (a buyer's frozen shortlist points at one)."""
    _require(by, listing.supplier)
    listing = _locked(listing)
    if listing.status not in CHANGEABLE:
        raise InvalidTransition(
            f"A listing that is {ListingStatus(listing.status).label.lower()} cannot be changed"
        )
    note = (change_note or "").strip()
    refusals = {}
    if not note:
        refusals["change_note"] = "Say what changed and why, for buyers reading the history"
    elif len(note) > listing_rules.CHANGE_NOTE_MAX:
        refusals["change_note"] = (
            f"Keep the note to {listing_rules.CHANGE_NOTE_MAX} characters or fewer"
        )
    try:
        content = _checked(listing, changes, submitting=True)
    except ListingRefused as refused:
        refusals = {**refused.problems, **refusals}
    if refusals:
        raise ListingRefused(refusals)
    before = listing_rules.as_json(content_of(listing))
    after = listing_rules.as_json(content)
    changed = [field for field in CONTENT_FIELDS if before[field] != after[field]]
    if not changed:
        raise DomainError("Nothing has changed: change the listing before saving", code="unchanged")
    now = clock.now()
    listing.version += 1
    _save(listing, content, at=now)
    version = ListingVersion.objects.create(
        listing=listing,
        number=listing.version,
        content=after,
        change_note=note,
        created_by=by,
        created_at=now,
    )
    _record(
        listing,
        action="marketplace.listing_changed",
        by=by,
        summary=f"version {version.number}: {note}",
        version=version.number,
        fields=changed,
    )
    return version


@transaction.atomic
def withdraw_listing(*, listing: Listing, by, reason: str = "") -> Listing:
    """Take a listing off the catalogue (or a draft or submitted one out): kept, with its
    versions; buyers' frozen shortlists keep what they saw."""
    _require(by, listing.supplier)
    listing = _locked(listing)
    now = clock.now()
    listing.transition(ListingStatus.WITHDRAWN, now)
    listing.updated_at = now
    listing.save()
    _record(
        listing,
        action="marketplace.listing_withdrawn",
        by=by,
        summary="listing withdrawn",
        reason=reason[:500],
    )
    return listing


# --- Service documents -------------------------------------------------------------------------


@transaction.atomic
@files_removed_on_failure
def add_document(*, listing: Listing, by, title: str, upload) -> ListingDocument:
    """A service document (service definition, terms, pricing document) on the listing,
    checked as every upload is and stored under a neutral name."""
    _require(by, listing.supplier)
    listing = _locked(listing)
    if listing.status not in WITH_DOCUMENTS:
        raise InvalidTransition(
            f"A listing that is {ListingStatus(listing.status).label.lower()} takes no documents"
        )
    title = (title or "").strip()
    if not title:
        raise DomainError("Enter the document's title", code="validation_error")
    if len(title) > listing_rules.DOCUMENT_TITLE_MAX:
        raise DomainError(
            f"Keep the title to {listing_rules.DOCUMENT_TITLE_MAX} characters or fewer",
            code="validation_error",
        )
    if upload is None:
        raise DomainError("Choose a file to upload", code="validation_error")
    current = listing.documents.filter(removed_at__isnull=True).count()
    if current >= listing_rules.DOCUMENTS_MAX:
        raise DomainError(
            f"A listing has at most {listing_rules.DOCUMENTS_MAX} documents: remove one first",
            code="too_many_files",
        )
    document = ListingDocument(listing=listing, title=title, added_by=by, added_at=clock.now())
    try:
        document.sha256 = check_upload(upload)
    except ValidationError as error:
        raise DomainError(error.messages[0], code="validation_error") from error
    document.original_name = PurePath(upload.name).name[:255]
    document.size = upload.size
    store(document.file, upload)
    document.save()
    _record(
        listing,
        action="marketplace.listing_document_added",
        by=by,
        summary=f"document added: {title}",
        document=document.pk,
        sha256=document.sha256,
    )
    return document


@transaction.atomic
def remove_document(*, document: ListingDocument, by) -> ListingDocument:
    """Take a document off the listing: kept (its file and row), no longer shown to buyers."""
    listing = document.listing
    _require(by, listing.supplier)
    listing = _locked(listing)
    document = ListingDocument.objects.select_for_update().get(pk=document.pk)
    if document.removed_at is not None:
        raise InvalidTransition("That document has already been removed")
    if listing.status not in WITH_DOCUMENTS:
        raise InvalidTransition(
            f"A listing that is {ListingStatus(listing.status).label.lower()} cannot change"
        )
    document.removed_at = clock.now()
    document.save(update_fields=["removed_at"])
    _record(
        listing,
        action="marketplace.listing_document_removed",
        by=by,
        summary=f"document removed: {document.title}",
        document=document.pk,
    )
    return document
