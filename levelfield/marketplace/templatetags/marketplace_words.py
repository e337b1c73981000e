"""A saved search in words, as the buyer chose it on the search page: its lots by number and
title, sizes and certifications by name, prices in pounds (SavedSearch.filters keeps ids and
codes, which the project page showed as they are, like "lot: [1]")."""

from django import template

from levelfield.core.money import format_gbp
from levelfield.suppliers.models import CertificateKind, Size

from ..models import FrameworkLot
from ..search import SORTS

register = template.Library()


def _names(choices, codes) -> str:
    labels = dict(choices)
    return " or ".join(str(labels.get(code, code)) for code in codes)


@register.filter
def search_in_words(saved) -> str:
    """`saved`'s words and filters, like '"hosting"; lot 1: Cloud hosting; price up to £500'."""
    filters = saved.filters or {}
    parts = [f"\u201c{saved.keywords}\u201d" if saved.keywords else "No words"]
    if filters.get("lot"):
        lots = FrameworkLot.objects.filter(pk__in=filters["lot"]).order_by("number")
        parts.append("; ".join(f"lot {lot.number}: {lot.title}" for lot in lots))
    if filters.get("category"):
        parts.append("category " + " or ".join(filters["category"]))
    if filters.get("price_min") is not None:
        parts.append(f"price from {format_gbp(filters['price_min'])}")
    if filters.get("price_max") is not None:
        parts.append(f"price up to {format_gbp(filters['price_max'])}")
    if filters.get("size"):
        parts.append("supplier size " + _names(Size.choices, filters["size"]).lower())
    if filters.get("vcse"):
        parts.append("VCSE suppliers only")
    if filters.get("certification"):
        kinds = dict(CertificateKind.choices)
        parts.append("holding " + " and ".join(kinds.get(c, c) for c in filters["certification"]))
    if filters.get("sort") in SORTS:
        parts.append(f"sorted by {SORTS[filters['sort']].lower()}")
    return "; ".join(part for part in parts if part)
