"""Reads for the living will pages and API: the wills a person may read with their latest
submitted version (one query for a page of them), a will's versions, and the platform contracts
a will may link (the supplier's own)."""

from django.db.models import OuterRef, Subquery

from levelfield.accounts.models import Membership, User
from levelfield.contracts.models import Contract

from .models import LivingWill, LivingWillVersion


def readable_wills(user):
    """`LivingWill.objects.visible_to(user)` with the supplier and the latest submitted
    version's number, date, score and review date (None before the first submission)."""
    latest = LivingWillVersion.objects.filter(will=OuterRef("pk")).order_by("-number")
    return (
        LivingWill.objects.visible_to(user)
        .select_related("supplier")
        .annotate(
            latest_number=Subquery(latest.values("number")[:1]),
            latest_submitted_at=Subquery(latest.values("submitted_at")[:1]),
            latest_score=Subquery(latest.values("score")[:1]),
            latest_review_date=Subquery(latest.values("review_date")[:1]),
        )
        .order_by("supplier__name", "pk")
    )


def versions_of(will):
    """Newest first, with who submitted each and its owner."""
    return will.versions.select_related("submitted_by", "owner").order_by("-number")


def version_of(will, number: int):
    return versions_of(will).filter(number=number).first()


def own_will(supplier):
    return LivingWill.objects.filter(supplier=supplier).select_related("owner", "supplier").first()


def linkable_contracts(supplier):
    """The supplier's own platform contracts, the only ones its will may link: those it holds,
    not a record still awaiting signature (its title is not yet the supplier's to share)."""
    return Contract.objects.for_supplier(supplier).select_related("buyer").order_by("title", "pk")


def linked_contracts(ids):
    """The platform contracts a will links, in the order given (a contract since gone is left
    out)."""
    found = Contract.objects.filter(pk__in=ids).select_related("buyer").in_bulk()
    return [found[i] for i in ids if i in found]


def people_of(supplier):
    """Who may own the supplier's living will: its people."""
    return User.objects.filter(
        pk__in=Membership.objects.filter(organisation=supplier).values("user")
    ).order_by("full_name", "pk")
