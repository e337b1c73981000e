"""Reads for saved searches and their alerts. A saved search runs through the same opportunity
search as the page and the API (`tenders.selectors.search_opportunities`), with its stored
parameters read by the page's own form, so the three can never disagree."""

from datetime import datetime, timedelta

from django.db.models import QuerySet

from levelfield.tenders.forms_public import OpportunitySearchForm
from levelfield.tenders.search_mixed import imported_matches
from levelfield.tenders.selectors import OPEN, search_opportunities

from .models import AlertSent, ImportedAlertSent, SavedSearch


def search_form(params: dict) -> OpportunitySearchForm:
    """The opportunity search form filled in with a saved search's parameters."""
    return OpportunitySearchForm(params)


def saved_searches_for(user) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user).order_by("created_at", "id")


# How far before its last check a digest looks again. A tender's publication moment is taken
# inside the transaction that publishes it, so a tender published just before one digest ran
# may become visible only after it: looking back this far finds it next time, and the record
# of what was sent (AlertSent) keeps anything from being sent twice.
LOOKBACK = timedelta(hours=1)


def new_matches(saved_search: SavedSearch, *, until: datetime):
    """Opportunities matching the search that were published since it was last checked (up to
    `until`, and never before the search was saved), still open for bids, and never sent to
    its owner before."""
    filters = {**search_form(saved_search.params).filters(), "status": OPEN}
    since = max(saved_search.created_at, saved_search.checked_until - LOOKBACK)
    return search_opportunities(
        **filters,
        published_after=since,
        published_before=until,
        excluding=AlertSent.objects.filter(user_id=saved_search.user_id).values("tender_id"),
    )


def new_imported_matches(saved_search: SavedSearch, *, until: datetime):
    """Opportunities imported from other publishers (Find a Tender, Contracts Finder, ...) that
    match the search, were first found open by the import since it was last checked (up to
    `until`, never before the search was saved), are still open, and were never sent to its
    owner: newest first. As new_matches, through the same search."""
    filters = {**search_form(saved_search.params).filters(), "status": OPEN}
    since = max(saved_search.created_at, saved_search.checked_until - LOOKBACK)
    found = imported_matches(
        filters,
        first_seen_after=since,
        first_seen_before=until,
        excluding_ocids=ImportedAlertSent.objects.filter(user_id=saved_search.user_id).values(
            "ocid"
        ),
    )
    if found is None:
        return []
    return found.order_by("-published", "ocid")
