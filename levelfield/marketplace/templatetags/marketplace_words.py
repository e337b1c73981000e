"""A search's filters in words, as the buyer chose them on the search page: lots by number and
title, sizes and certifications by name, prices in pounds. SavedSearch.filters and the search's
parameters keep ids and codes, which the project page showed as they are ("lot: [1]") and the
search page's links to remove a filter too ("Remove certification: iso_27001")."""

from django import template

from levelfield.core.money import format_gbp
from levelfield.suppliers.models import CertificateKind, Size

from ..models import FrameworkLot
from ..search_criteria import SORTS, Criteria

register = template.Library()

SIZES = dict(Size.choices)
CERTIFICATIONS = dict(CertificateKind.choices)


def lots_chosen(criteria: Criteria) -> dict[str, FrameworkLot]:
    """The lots `criteria` chooses, by their id as the parameters carry it."""
    if not criteria.lots:
        return {}
    return {str(lot.pk): lot for lot in FrameworkLot.objects.filter(pk__in=criteria.lots)}


# Each parameter but the lot (named from the database) in words, from its value.
WORDS = {
    "q": lambda value: f"\u201c{value}\u201d",
    "price_min": lambda value: f"price from {format_gbp(value)}",
    "price_max": lambda value: f"price up to {format_gbp(value)}",
    "size": lambda value: f"supplier size {str(SIZES.get(value, value)).lower()}",
    "vcse": lambda value: "VCSE suppliers only",
    "certification": lambda value: f"holding {CERTIFICATIONS.get(value, value)}",
    "sort": lambda value: f"sorted by {str(SORTS.get(value, value)).lower()}",
}


def filter_in_words(name: str, value: str, lots: dict[str, FrameworkLot]) -> str:
    """One of the search's parameters (`Criteria.query_items`) in words."""
    if name == "lot":
        lot = lots.get(value)
        return f"lot {lot.number}: {lot.title}" if lot else f"lot {value}"
    words = WORDS.get(name)
    return words(value) if words else f"{name} {value}"


@register.filter
def search_in_words(saved) -> str:
    """`saved`'s words and filters, like '"hosting"; lot 1: Cloud hosting; price up to £500'."""
    criteria = Criteria.from_saved(saved.keywords, saved.filters or {})
    lots = lots_chosen(criteria)
    items = criteria.query_items()
    parts = [] if criteria.keywords else ["No words"]
    return "; ".join(parts + [filter_in_words(name, value, lots) for name, value in items])
