"""A listing's search documents, written by the listing actions in their transaction whenever a
listing's content changes: `search_text`, the folded words of everything a buyer searches
(SQLite matches in it), and on PostgreSQL `search_vector`, the same words stemmed in English with
the name weighted above the summary and category, and those above the rest."""

from django.contrib.postgres.search import SearchVector
from django.db import connection

from levelfield.tenders.keywords import SEARCH_CONFIG

from .models import Listing


def listing_text(listing: Listing) -> str:
    """Every word a buyer may search a listing by, case-folded, one space between parts."""
    parts = [
        listing.name,
        listing.summary,
        listing.category,
        listing.description,
        *listing.features,
        *listing.benefits,
        listing.supplier_name,
    ]
    return " ".join(" ".join(str(part).split()) for part in parts if part).casefold()


def search_document():
    return (
        SearchVector("name", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", "category", weight="B", config=SEARCH_CONFIG)
        + SearchVector("search_text", weight="C", config=SEARCH_CONFIG)
    )


def index_listing(listing: Listing) -> None:
    """Write `listing`'s search documents (its row already saved with its new content)."""
    listing.search_text = listing_text(listing)
    Listing.objects.filter(pk=listing.pk).update(search_text=listing.search_text)
    if connection.vendor == "postgresql":
        Listing.objects.filter(pk=listing.pk).update(search_vector=search_document())
