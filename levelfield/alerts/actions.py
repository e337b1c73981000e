"""Saving and deleting searches, and the daily digest of new matching opportunities."""

from datetime import datetime
from typing import Any, TypedDict

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from levelfield.core import audit, clock
from levelfield.core.errors import DomainError
from levelfield.core.notify import email_on_commit
from levelfield.core.permissions import require
from levelfield.tenders.models import Tender

from .models import AlertSent, ImportedAlertSent, SavedSearch
from .selectors import new_imported_matches, new_matches, search_form

# At most this many saved searches a person, and this many opportunities a search in one email
# (the email links to the rest).
MAX_SAVED_SEARCHES = 25
DIGEST_LIMIT = 20


@transaction.atomic
def save_search(*, user, organisation, name: str, params: dict) -> SavedSearch:
    """A supplier user keeps a search, to be emailed the opportunities that match it from now
    on. `params` are the opportunity search's query parameters; only valid filters are kept."""
    require(
        user,
        "alerts.save_search",
        organisation,
        "Only people from a supplier organisation can save searches",
    )
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("Enter a name for the search", code="validation_error")
    if len(name) > 100:
        raise DomainError("The name must be 100 characters or fewer", code="validation_error")
    form = search_form(params)
    if not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        raise DomainError(problems[0], code="validation_error", details=problems)
    existing = SavedSearch.objects.select_for_update().filter(user=user)
    if existing.filter(name__iexact=name).exists():
        raise DomainError(
            f"You already have a saved search called {name}; choose another name",
            code="validation_error",
        )
    if existing.count() >= MAX_SAVED_SEARCHES:
        raise DomainError(
            f"You can keep up to {MAX_SAVED_SEARCHES} saved searches; delete one first",
            code="validation_error",
        )
    now = clock.now()
    saved = SavedSearch.objects.create(
        user=user,
        organisation=organisation,
        name=name,
        params=form.params(),
        created_at=now,
        checked_until=now,
    )
    audit.record(
        action="alerts.search_saved",
        obj=saved,
        actor=user,
        organisation=organisation,
        summary=f"Saved the search {name}",
        params=saved.params,
    )
    return saved


@transaction.atomic
def delete_search(*, saved_search: SavedSearch, by) -> None:
    require(by, "alerts.delete_search", saved_search, "This is not one of your saved searches")
    audit.record(
        action="alerts.search_deleted",
        obj=saved_search,
        actor=by,
        organisation=saved_search.organisation,
        summary=f"Deleted the saved search {saved_search.name}",
    )
    saved_search.delete()


def search_url(params: dict) -> str:
    """The opportunity search page with these filters, as a full link for an email."""
    path = reverse("public:opportunities")
    return f"{settings.SITE_URL}{path}?{urlencode(params)}" if params else settings.SITE_URL + path


class _TenderLink(TypedDict):
    tender: Tender
    url: str


class _DigestSection(TypedDict):
    """One saved search's part of the digest email."""

    search: SavedSearch
    url: str  # the search's page, with its filters
    tenders: list[_TenderLink]
    imported: list[Any]  # the notices imported from other publishers (opendata rows)
    more: int  # how many more matched than the email lists


@transaction.atomic
def send_digest(*, user, at: datetime | None = None) -> list:
    """Email `user` the opportunities published since each of their searches was last checked
    that match it and that they have never been sent: one email for all their searches, none
    when nothing is new. Each opportunity is recorded as sent (at most once per person, which
    the database enforces), and each search is marked as checked up to `at`. Open notices
    imported from other publishers are included the same way (new since the import first found
    them), each marked with where it was published and linking there.

    The user's searches are locked for the run, so two digests for one person cannot send the
    same opportunity twice. Returns the opportunities sent."""
    at = at or clock.now()
    searches = list(
        SavedSearch.objects.select_for_update().filter(user=user).order_by("created_at", "id")
    )
    sections: list[_DigestSection] = []
    sent = []
    imported_sent = []
    for search in searches:
        if search.checked_until >= at:
            continue
        # What this run sent for an earlier search is already recorded in AlertSent, which
        # new_matches leaves out.
        matches = new_matches(search, until=at)
        shown = list(matches[: DIGEST_LIMIT + 1])
        more = 0
        if len(shown) > DIGEST_LIMIT:
            shown = shown[:DIGEST_LIMIT]
            more = matches.count() - DIGEST_LIMIT
        # Opportunities imported from Find a Tender, Contracts Finder, ...: each sent once too.
        imported_matches = new_imported_matches(search, until=at)
        imported = list(imported_matches[: DIGEST_LIMIT + 1])
        if len(imported) > DIGEST_LIMIT:
            imported = imported[:DIGEST_LIMIT]
            more += imported_matches.count() - DIGEST_LIMIT
        if shown or imported:
            sections.append(
                {
                    "search": search,
                    "url": search_url(search.params),
                    "tenders": [
                        {
                            "tender": t,
                            "url": settings.SITE_URL
                            + reverse("public:opportunity", args=[t.reference]),
                        }
                        for t in shown
                    ],
                    "imported": imported,
                    "more": more,
                }
            )
            AlertSent.objects.bulk_create(
                [AlertSent(user=user, tender=t, saved_search=search, sent_at=at) for t in shown]
            )
            ImportedAlertSent.objects.bulk_create(
                [
                    ImportedAlertSent(user=user, ocid=o.ocid, saved_search=search, sent_at=at)
                    for o in imported
                ]
            )
            sent.extend(shown)
            imported_sent.extend(imported)
        search.checked_until = at
        search.save(update_fields=["checked_until"])
    if not sent and not imported_sent:
        return []
    count = len(sent) + len(imported_sent)
    email_on_commit(
        to=user.email,
        subject=f"{count} new opportunit{'y' if count == 1 else 'ies'} for your saved searches",
        body=render_to_string(
            "alerts/digest_email.txt",
            {
                "user": user,
                "sections": sections,
                "manage_url": settings.SITE_URL + reverse("alerts:list"),
            },
        ),
    )
    audit.record(
        action="alerts.digest_sent",
        obj=user,
        summary=f"Emailed {count} new opportunit{'y' if count == 1 else 'ies'}",
        tenders=[t.reference for t in sent],
        imported=[o.ocid for o in imported_sent],
    )
    return sent + imported_sent
