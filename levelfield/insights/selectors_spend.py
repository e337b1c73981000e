"""Reads of the spend store for the pages and the API: files with their match rate, the
supplier names still unmatched (by total amount), organisations to choose from."""

from django.db.models import Count, Max, Q, Sum

from .matching import ch_number, name_key
from .models import KnownOrganisation, SpendFile, SpendLine


def files():
    """Imported files, newest first, each with `lines_count`, `matched`, `amount` and
    `amount_matched` (of its stored lines)."""
    matched = Q(lines__organisation__isnull=False)
    return SpendFile.objects.annotate(
        lines_count=Count("lines"),
        matched=Count("lines", filter=matched),
        amount=Sum("lines__amount"),
        amount_matched=Sum("lines__amount", filter=matched),
    ).order_by("-started", "-pk")


def unmatched():
    """One row per supplier name (normalised) of complete files that nothing matched and no
    person resolved: name_key, supplier_name (one spelling), lines, total; highest total first."""
    return (
        SpendLine.objects.filter(file__complete=True, organisation__isnull=True, match="")
        .values("supplier_key")
        .annotate(supplier_name=Max("supplier_name"), lines=Count("pk"), total=Sum("amount"))
        .order_by("-total", "supplier_key")
    )


def unmatched_name(name_key: str) -> str | None:
    """A spelling of an unmatched supplier name, None when no unmatched line has it."""
    return (
        SpendLine.objects.filter(organisation__isnull=True, match="", supplier_key=name_key)
        .values_list("supplier_name", flat=True)
        .first()
    )


def search_organisations(query: str, limit: int = 20):
    """Known organisations whose name (or Companies House number) contains the words of
    `query`; none for an empty query."""
    words = name_key(query).split()
    if not words:
        return KnownOrganisation.objects.none()
    condition = Q()
    for word in words:
        condition &= Q(name_key__contains=word)
    number = ch_number(query)
    if number:
        condition |= Q(ch=number)
    return KnownOrganisation.objects.filter(condition).order_by("name", "pk")[:limit]
