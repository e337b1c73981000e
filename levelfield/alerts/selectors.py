"""Reads for saved searches and their alerts. A saved search runs through the same opportunity
search as the page and the API (`tenders.selectors.search_opportunities`), with its stored
parameters read by the page's own form, so the three can never disagree."""

from datetime import datetime

from django.db.models import QuerySet

from levelfield.tenders.forms_public import OpportunitySearchForm
from levelfield.tenders.models import Tender
from levelfield.tenders.selectors import OPEN, search_opportunities

from .models import AlertSent, SavedSearch


def search_form(params: dict) -> OpportunitySearchForm:
    """The opportunity search form filled in with a saved search's parameters."""
    return OpportunitySearchForm(params)


def saved_searches_for(user) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user).order_by("created_at", "id")


def new_matches(saved_search: SavedSearch, *, until: datetime) -> QuerySet[Tender]:
    """Opportunities matching the search that were published since it was last checked (up to
    `until`), still open for bids, and never sent to its owner before."""
    filters = {**search_form(saved_search.params).filters(), "status": OPEN}
    return search_opportunities(
        **filters, published_after=saved_search.checked_until, published_before=until
    ).exclude(pk__in=AlertSent.objects.filter(user_id=saved_search.user_id).values("tender_id"))
