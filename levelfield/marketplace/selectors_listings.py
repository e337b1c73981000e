"""Reads of listings for each viewer: a supplier's own (its people), the live catalogue's
(anyone), and what a listing's history shows (each version and what it changed)."""

from dataclasses import dataclass

from django.db.models import Prefetch

from levelfield.core import clock

from .actions.listings import LISTABLE
from .lifecycle import FrameworkStatus
from .listing_rules import CONTENT_FIELDS, LABELS, held_certifications
from .models import Application, FrameworkLot, Listing, ListingDocument, ListingVersion
from .rules import is_supplier_member


def listings_of(supplier):
    """The supplier's listings, every status, newest change first."""
    return (
        Listing.objects.for_supplier(supplier)
        .select_related("lot__framework")
        .order_by("-updated_at", "-id")
    )


def listing_for(user, supplier, listing_id) -> Listing | None:
    """The supplier's listing `listing_id` if `user` is one of its people, else None."""
    if supplier is None or not is_supplier_member(user, supplier):
        return None
    return (
        listings_of(supplier)
        .select_related("application", "supplier__supplier_profile")
        .filter(pk=listing_id)
        .first()
    )


def live_listing(listing_id) -> Listing | None:
    """A live listing on a live framework (what anyone may read), with its current documents."""
    return (
        Listing.objects.live()
        .select_related("lot__framework")
        .prefetch_related(Prefetch("documents", queryset=current_documents()))
        .filter(pk=listing_id)
        .first()
    )


def current_documents():
    return ListingDocument.objects.filter(removed_at__isnull=True).order_by("id")


def documents_of(listing: Listing, *, removed: bool = True):
    """The listing's documents (the removed ones too, for its supplier, unless `removed` is
    False)."""
    documents = listing.documents.select_related("added_by").order_by("id")
    return documents if removed else documents.filter(removed_at__isnull=True)


def lots_to_list_on(supplier):
    """The lots the supplier may draft a listing on, with the application each goes with: each
    lot of an application not withdrawn nor refused (as its supplier reads it: a refusal not yet
    sent does not count), on a framework not expired."""
    applications = (
        Application.objects.filter(LISTABLE, supplier=supplier)
        .exclude(framework__status=FrameworkStatus.EXPIRED)
        .select_related("framework")
        .prefetch_related(Prefetch("lots", queryset=FrameworkLot.objects.order_by("number")))
        .order_by("framework__name", "id")
    )
    return [(application, lot) for application in applications for lot in application.lots.all()]


@dataclass(frozen=True)
class VersionChange:
    version: ListingVersion
    changed: list[str]  # the labels of the fields that changed since the version before


def history(listing: Listing) -> list[VersionChange]:
    """The listing's versions, newest first, each with what it changed."""
    versions = list(
        ListingVersion.objects.filter(listing=listing)
        .select_related("created_by")
        .order_by("number")
    )
    found = [VersionChange(versions[0], [])] if versions else []
    for before, version in zip(versions, versions[1:], strict=False):
        changed = [
            LABELS[field]
            for field in CONTENT_FIELDS
            if before.content.get(field) != version.content.get(field)
        ]
        found.append(VersionChange(version, changed))
    return list(reversed(found))


def certificate_kinds_held(supplier) -> set[str]:
    return held_certifications(supplier, clock.today_uk())
