"""One search for every UK opportunity: the platform's own published tenders and the open
notices imported from Find a Tender, Contracts Finder and other publishers (the OCDS import,
opendata.opportunities), side by side in one list.

Both are filtered by the same filters, read the same way (words, CPV prefix, value, closing
dates, region where a notice names one, SME and VCSE where it says). Filters that only the
platform's tenders can answer leave the imported notices out: "closed" (an imported notice is
listed only while open) and reserved participation (which the notices do not give in a form we
read).

One order for both, the platform's own: without words, newest first (an imported notice by its
tender's publication date); with words, the tender whose reference is the words first, then the
most relevant (PostgreSQL: ts_rank of the same title-over-description document; SQLite: a match
in the title first), newest first among equals. Each side gives its first RESULT_LIMIT + 1 in
that order, and the two are merged: the count stops at RESULT_LIMIT + 1 as before.

What a search finds (kinds and ids in order) is kept in the cache under the search generation,
which holds the imported notices' own generation and next deadline (selectors.search_generation),
so a cached search never shows a notice that has gone or hides one just imported.
"""

import hashlib
from datetime import UTC, datetime, timedelta

from django.db.models import QuerySet

from levelfield.opendata import selectors_opportunities as opportunity_selectors

from . import selectors
from .keywords import keyword_query
from .models import Tender
from .selectors import CLOSED, RankedResults, Reading

OWN = "t"
IMPORTED = "x"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _timestamp(moment) -> float:
    if moment is None:
        return 0.0
    if isinstance(moment, str):  # SQLite's text, in raw SQL
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH).total_seconds()


def imported_filters(filters: dict) -> dict | None:
    """The search filters as the imported opportunities are filtered; None when the search
    cannot find any (closed ones, reserved participation)."""
    if filters.get("status") == CLOSED or filters.get("reserved"):
        return None
    after, before = filters.get("closing_after"), filters.get("closing_before")
    return {
        "cpv_prefix": selectors.cpv_prefix(filters["cpv"]) if filters.get("cpv") else "",
        "min_value": filters.get("min_value"),
        "max_value": filters.get("max_value"),
        "region": filters.get("region") or "",
        "sme": bool(filters.get("sme")),
        "vcse": bool(filters.get("vcse")),
        "closing_from": selectors._uk_midnight(after) if after else None,
        "closing_before": (
            selectors._uk_midnight(before + timedelta(days=1))
            if before and before < before.max
            else None
        ),
    }


def imported_matches(filters: dict, *, words=None, **more) -> QuerySet | None:
    """The imported opportunities open now that match the search's filters."""
    wanted = imported_filters(filters)
    if wanted is None:
        return None
    keyword = (filters.get("keyword") or "").strip()
    if keyword and words is None and selectors.full_text_search():
        words = keyword_query(keyword, using=Tender.objects.db)
    return opportunity_selectors.open_opportunities(
        words=words if keyword else None, keyword=keyword, **wanted, **more
    )


def _own_keys(results) -> list[tuple]:
    """(sort key, kind, id) of the platform's own results, in their order."""
    if isinstance(results, RankedResults):
        rows = results.ranked_rows()
        return [
            ((first, rank or 0.0, _timestamp(published), pk), OWN, pk)
            for pk, first, rank, published in rows
        ]
    names = results.query.annotations
    fields = ("pk", "published_at", "rank") if "rank" in names else ("pk", "published_at")
    rows = results.values_list(*fields)[: selectors.RESULT_LIMIT + 1]
    keys = []
    for row in rows:
        pk, published = row[0], row[1]
        rank = float(row[2]) if len(row) > 2 else 0.0
        # The tender whose reference is the keyword (rank 2 on SQLite) comes first.
        first = rank >= 2
        keys.append(((first, rank if not first else 0.0, _timestamp(published), pk), OWN, pk))
    return keys


def _imported_keys(found: QuerySet | None) -> list[tuple]:
    if found is None:
        return []
    rows = found.order_by("-published", "ocid").values_list("ocid", "published", "rank")
    return [
        ((False, float(rank or 0.0), _timestamp(published), 0), IMPORTED, ocid)
        for ocid, published, rank in rows[: selectors.RESULT_LIMIT + 1]
    ]


def find(**filters) -> list[tuple[str, object]]:
    """(kind, id) of every result, in order, at most selectors.RESULT_LIMIT + 1."""
    own = selectors.search_opportunities(**filters)
    words = own.words if isinstance(own, RankedResults) else None
    keys = _own_keys(own) + _imported_keys(imported_matches(filters, words=words))
    keys.sort(key=lambda item: item[0], reverse=True)
    return [(kind, pk) for _, kind, pk in keys[: selectors.RESULT_LIMIT + 1]]


class MixedResults:
    """Search results of both kinds, counted and sliced like a queryset (Django's paginator,
    the API's pagination): a page reads the tenders it shows in one query and the imported
    notices in another."""

    def __init__(self, found: list[tuple[str, object]], reading: Reading | None = None):
        self._found = found
        self._reading = reading or Reading()

    def all(self) -> "MixedResults":
        return self

    def only(self, *fields) -> "MixedResults":
        return MixedResults(self._found, self._reading.only(fields))

    def prefetch_related(self, *lookups) -> "MixedResults":
        return MixedResults(self._found, self._reading.prefetching(lookups))

    def count(self) -> int:
        return len(self._found)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0] if index >= 0 else self[:][index]
        chosen = self._found[index]
        tender_ids = [pk for kind, pk in chosen if kind == OWN]
        ocids = [pk for kind, pk in chosen if kind == IMPORTED]
        tenders = {t.pk: t for t in selectors._tenders_in_order(tender_ids, self._reading)}
        imported = opportunity_selectors.opportunities_by_ocid(ocids)
        selectors._shown(list(imported.values()))
        shown = []
        for kind, pk in chosen:
            item = tenders.get(pk) if kind == OWN else imported.get(pk)
            if item is not None:
                shown.append(item)
        return shown

    def __iter__(self):
        return iter(self[:])


def _key(generation: str, filters: dict) -> str:
    inner = selectors._search_key(generation, filters)
    return "tenders:mixed-search:" + hashlib.sha256(inner.encode()).hexdigest()


def cached_search(**filters) -> MixedResults:
    """Every UK opportunity matching the filters, through the result cache as
    selectors.cached_search."""
    seconds = selectors.search_cache_seconds()
    generation = None
    if seconds > 0:
        making = selectors.MAKING.get()
        by_status = filters.get("status") in (selectors.OPEN, CLOSED)
        if making is not None and making.by_status == by_status:
            generation = making.generation
        else:
            generation = selectors.search_generation(with_deadline=by_status)
    if generation is None:
        return MixedResults(find(**filters))
    key = _key(generation, filters)
    found = selectors.cache_get(key)
    if found is not None:
        selectors.CACHE_STATS["hit"] += 1
        return MixedResults([tuple(item) for item in found])
    selectors.CACHE_STATS["miss"] += 1
    found = find(**filters)
    selectors.cache_set(key, found, seconds)
    return MixedResults(found)
