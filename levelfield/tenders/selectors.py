"""Public reads of tenders: the opportunity search and the published opportunity page.

Everything here starts from `Tender.objects.public()`, so a draft can never be listed, found or
opened through a forgotten filter.

The keyword search is full-text on PostgreSQL: English stemming ("cleaning" finds "cleaners"),
the title weighted above the description, results ranked by relevance. The document is stored
in `Tender.search_vector` (written by the tender actions) under a GIN index. SQLite, used for
the demo and the quick test run, keeps a plain case-insensitive match, title matches first.

Two limits keep every search fast however many tenders match (bench/search/run.py):
- a search counts its results up to RESULT_LIMIT and then stops: a count above it means "more
  than RESULT_LIMIT", and the page says so and asks for a narrower search;
- a keyword search ranks the newest RESULT_LIMIT + 1 matches. A common word ("services")
  matches a third of all tenders; ranking them all would read the whole table every time.
"""

import contextvars
import hashlib
import json
import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.cache import cache
from django.db import connection, connections
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    When,
)
from django.db.models.expressions import CombinedExpression

from levelfield.core import clock
from levelfield.core.search_words import terms_condition
from levelfield.opendata import selectors_opportunities as opportunity_selectors

from .keywords import SEARCH_CONFIG, keyword_query
from .lifecycle import Status
from .models import (
    Clarification,
    Lot,
    SearchGeneration,
    Tender,
    TenderCPV,
    TenderDocument,
    TenderQuerySet,
)

logger = logging.getLogger(__name__)

OPEN = "open"
CLOSED = "closed"
# The reserved-participation filter: any tender, one reserved for a kind of organisation (a
# ReservedParticipation code), or NOT_RESERVED for those open to every supplier.
NOT_RESERVED = "none"

# The CPV codes of each tender as a document of their prefixes, from two digits (a division)
# to the whole code: 'simple' keeps the digits as they are. Used by the tender actions, the
# migration that added it and the benchmark's generator.
CPV_VECTOR_SQL = """
UPDATE tenders_tender AS tender SET cpv_vector = (
    SELECT to_tsvector('simple', coalesce(string_agg(left(digits, length), ' '), ''))
    FROM (SELECT split_part(code, '-', 1) AS digits FROM tenders_tendercpv
          WHERE tender_id = tender.id) AS codes,
         generate_series(2, 8) AS length
    WHERE length <= length(digits)
)
"""


def index_cpv_codes(*, tender_ids: list[int] | None = None) -> None:
    """Write cpv_vector (PostgreSQL only) for these tenders, or for every tender."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if tender_ids is None:
            cursor.execute(CPV_VECTOR_SQL)
        else:
            cursor.execute(CPV_VECTOR_SQL + " WHERE tender.id = ANY(%s)", [list(tender_ids)])


def search_document() -> CombinedExpression:
    """What the keyword search looks in: the title (weight A) and the description (weight B),
    stemmed in English. Stored in Tender.search_vector by the tender actions."""
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "description", weight="B", config=SEARCH_CONFIG
    )


def full_text_search() -> bool:
    """True when the database can rank by relevance (PostgreSQL)."""
    return connections[Tender.objects.db].vendor == "postgresql"


def _uk_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.UK)


RESULT_LIMIT = 1000


class OpportunityResults(TenderQuerySet):
    """Search results. Their count stops at RESULT_LIMIT + 1, so counting a broad search reads
    a thousand index entries rather than every tender; a count above RESULT_LIMIT means "more
    than RESULT_LIMIT"."""

    def count(self) -> int:
        if self._result_cache is not None or self.query.is_sliced:
            return super().count()
        # Newest first, like the list itself: PostgreSQL then counts along the publication
        # index and stops at the limit, where without an order it may read the whole table.
        return QuerySet.count(self.order_by("-published_at", "-id")[: RESULT_LIMIT + 1])


class RankedResults:
    """A keyword search on PostgreSQL, most relevant first: a sequence that paginators (the
    page's and the API's) count and slice like a queryset.

    One query finds the newest RESULT_LIMIT + 1 matching tenders and ranks them (ts_rank of
    the stored search document, title weighted above description), returning only their ids,
    most relevant first; their number is the count. A second query reads the tenders of the
    page asked for. Ranking only the newest matches keeps a common word fast: "services"
    matches a third of all tenders, and ranking them all would read the whole table on every
    search. Finding the newest matches is either a walk down the publication index checking
    each tender's stored search document (a common word) or a lookup in the GIN index of the
    search document with the CPV prefixes, region and status (a rarer word, or a word with a
    CPV code or a region); PostgreSQL picks whichever costs less (bench/search/run.py prints
    the plans). A tender whose reference is the keyword is added to those matches by a UNION
    in the same query, and listed first."""

    def __init__(
        self,
        matching: QuerySet[Tender],
        query: SearchQuery,
        by_reference: QuerySet[Tender],
        reading: "Reading | None" = None,
    ):
        self._matching = matching
        self._query = query
        self._by_reference = by_reference
        self._reading = reading or Reading()
        self._ids: list[int] | None = None

    def _ranked_ids(self) -> list[int]:
        if self._ids is None:
            self._ids = [row[0] for row in self.ranked_rows()]
        return self._ids

    def ranked_rows(self) -> list[tuple]:
        """(id, whether it is the tender meant, rank, published_at), most relevant first."""
        return _rank_rows(self._matching, self._query, self._by_reference)

    @property
    def words(self) -> SearchQuery:
        return self._query

    def all(self) -> "RankedResults":
        return self

    def prefetch_related(self, *lookups) -> "RankedResults":
        return self._read(self._reading.prefetching(lookups))

    def only(self, *fields) -> "RankedResults":
        return self._read(self._reading.only(fields))

    def _read(self, reading: "Reading") -> "RankedResults":
        results = RankedResults(self._matching, self._query, self._by_reference, reading)
        results._ids = self._ids
        return results

    def count(self) -> int:
        return len(self._ranked_ids())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0] if index >= 0 else self[:][index]
        return _tenders_in_order(self._ranked_ids()[index], self._reading)

    def __iter__(self):
        return iter(self[:])


def _rank_rows(matching: QuerySet[Tender], query: SearchQuery, meant: QuerySet[Tender]) -> list:
    """The newest RESULT_LIMIT + 1 `matching` tenders, most relevant first, after
    the tender `meant` (the one whose reference is the keyword), if there is one: one query.

    The newest matches are found first, with their search documents, and only those are
    ranked: PostgreSQL may find the matches in the GIN index and then read them all (a pair of
    common words matches ten thousand tenders), and ranking in that same step would rank every
    one of them. Django cannot select from a subquery, so the statement wraps the SQL Django
    makes for the matches, with all their filters.

    Each row is (id, whether it is the tender meant, rank, published_at): the search beside
    imported opportunities (search_mixed.py) orders both by the same keys."""
    newest = (
        matching.annotate(search_query=query)
        .order_by("-published_at", "-id")
        .values_list("pk", "published_at", "search_vector", "search_query")
    )
    newest_sql, newest_params = newest[: RESULT_LIMIT + 1].query.sql_with_params()
    meant_sql, meant_params = meant.values_list("pk")[:1].query.sql_with_params()
    statement = f"""
        SELECT id, first, rank, published_at FROM (
            SELECT id, true AS first, NULL::real AS rank, NULL::timestamptz AS published_at
            FROM ({meant_sql}) AS meant (id)
            UNION ALL
            SELECT id, false, ts_rank(document, search_query), published_at
            FROM ({newest_sql}) AS newest (id, published_at, document, search_query)
        ) AS found
        ORDER BY first DESC, rank DESC, published_at DESC, id DESC
    """
    with connections[matching.db].cursor() as cursor:
        cursor.execute(statement, (*meant_params, *newest_params))
        # The tender meant may be among the newest matches too: listed once, first.
        rows: dict[int, tuple] = {}
        for row in cursor.fetchall():
            rows.setdefault(row[0], row)
    return list(rows.values())[: RESULT_LIMIT + 1]


@dataclass(frozen=True)
class Reading:
    """How the tenders of a page of search results are read, as the page or the API asked
    (QuerySet.prefetch_related and QuerySet.only on the results): what is prefetched, and which
    fields are read; without `fields`, all but the search documents."""

    prefetch: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()

    def prefetching(self, lookups) -> "Reading":
        return replace(self, prefetch=(*self.prefetch, *lookups))

    def only(self, fields) -> "Reading":
        return replace(self, fields=tuple(fields))

    def apply(self, tenders: QuerySet[Tender]) -> QuerySet[Tender]:
        tenders = tenders.prefetch_related(*self.prefetch)
        if self.fields:
            return tenders.only(*self.fields)
        return tenders.defer("search_vector", "cpv_vector")


def _tenders_in_order(ids: list[int], reading: Reading) -> list[Tender]:
    """The tenders with those ids, in that order, with what a result shows: one query (and one
    per prefetch)."""
    if not ids:
        return []
    tenders = reading.apply(Tender.objects.filter(pk__in=ids).select_related("buyer"))
    by_id = {tender.pk: tender for tender in tenders}
    return _shown([by_id[pk] for pk in ids if pk in by_id])


def _keyword(tenders: QuerySet[Tender], keyword: str):
    """Tenders whose title or description match the words, or whose reference is the keyword,
    most relevant first."""
    if full_text_search():
        query = keyword_query(keyword, using=tenders.db)
        # The reference apart from the words (RankedResults joins them with a UNION), not an
        # OR: with OR, PostgreSQL cannot use the GIN index of the words with the filters beside
        # them (migrations 0006 and 0007).
        return RankedResults(
            tenders.filter(search_vector=query),
            query,
            by_reference=tenders.filter(reference=keyword.upper()),
        )
    # SQLite: the words read as PostgreSQL's websearch syntax reads them (core.search_words):
    # each word anywhere in the title or description, a quoted phrase as it stands, "-" to
    # leave out, "or".
    title = terms_condition(keyword, ["title"], wanted_only=True)
    words = terms_condition(keyword, ["title", "description"])
    return (
        tenders.filter(words | Q(reference__icontains=keyword))
        .annotate(
            rank=Case(
                When(reference__iexact=keyword, then=2),  # the tender meant, as on PostgreSQL
                When(title, then=1),
                default=0,
                output_field=IntegerField(),
            )
        )
        .order_by("-rank", "-published_at", "-id")
    )


def cpv_prefix(code: str) -> str:
    """The prefix a CPV code stands for. A full 8-digit code ending in zeros names a whole
    division, group or class (85000000 is all of health and social work), so its trailing zeros
    are dropped; a shorter code typed by a person is already a prefix."""
    digits = code.strip().split("-")[0]
    if len(digits) == 8:
        digits = digits.rstrip("0").ljust(2, "0")
    return digits


def _open_for_bids() -> Q:
    return Q(status=Status.PUBLISHED, submission_deadline__gt=clock.now())


def search_opportunities(
    *,
    keyword: str = "",
    cpv: str = "",
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    region: str = "",
    sme: bool = False,
    vcse: bool = False,
    status: str = "",
    reserved: str = "",
    closing_after: date | None = None,
    closing_before: date | None = None,
    published_after: datetime | None = None,
    published_before: datetime | None = None,
    excluding: QuerySet | None = None,
) -> "QuerySet[Tender] | RankedResults":
    """Published opportunities matching every filter given: with a keyword, the most relevant
    first; without one, newest first.

    Open means published with the submission deadline still ahead; closed is every other public
    tender (past the deadline, in evaluation, awarded, cancelled, ...). `closing_after` and
    `closing_before` are UK dates and include the day itself. `published_after` (exclusive) and
    `published_before` (inclusive) are moments: the alerts digest asks for what is new.
    `excluding` is a query of tender ids to leave out (those already sent to someone).

    What comes back is counted and sliced like a queryset (by Django's paginator, the API's
    pagination, the digest); its count stops at RESULT_LIMIT + 1 (OpportunityResults,
    RankedResults)."""
    tenders = OpportunityResults(model=Tender).public().select_related("buyer")
    tenders = tenders.defer("search_vector", "cpv_vector")
    if cpv and full_text_search():
        # One of the prefixes of its codes (a lexeme of cpv_vector): found in the GIN index
        # beside the words, region and status (migration 0007)
        tenders = tenders.filter(
            cpv_vector=SearchQuery(cpv_prefix(cpv), config="simple", search_type="plain")
        )
    elif cpv:
        tenders = tenders.filter(
            Exists(
                TenderCPV.objects.filter(tender=OuterRef("pk"), code__startswith=cpv_prefix(cpv))
            )
        )
    if min_value is not None:
        tenders = tenders.filter(estimated_value__gte=min_value)
    if max_value is not None:
        tenders = tenders.filter(estimated_value__lte=max_value)
    if region:
        tenders = tenders.filter(region=region)
    if sme:
        tenders = tenders.filter(suitable_for_sme=True)
    if vcse:
        tenders = tenders.filter(suitable_for_vcse=True)
    if status == OPEN:
        tenders = tenders.filter(_open_for_bids())
    elif status == CLOSED:
        tenders = tenders.exclude(_open_for_bids())
    if reserved == NOT_RESERVED:
        tenders = tenders.filter(reserved_participation="")
    elif reserved:
        tenders = tenders.filter(reserved_participation=reserved)
    if closing_after is not None:
        tenders = tenders.filter(submission_deadline__gte=_uk_midnight(closing_after))
    # The last day there is (31 December 9999) bounds nothing, and has no day after it.
    if closing_before is not None and closing_before < date.max:
        tenders = tenders.filter(
            submission_deadline__lt=_uk_midnight(closing_before + timedelta(days=1))
        )
    if published_after is not None:
        tenders = tenders.filter(published_at__gt=published_after)
    if published_before is not None:
        tenders = tenders.filter(published_at__lte=published_before)
    if excluding is not None:
        tenders = tenders.exclude(pk__in=excluding)
    keyword = keyword.strip()
    if keyword:
        return _keyword(tenders, keyword)
    return tenders.order_by("-published_at", "-id")


# --- The search result cache -------------------------------------------------------------------
#
# What a search finds (the ids of its results, in order, and so their count) is kept in Django's
# cache (the CACHES setting: the local-memory cache of each server process by default), never
# the page itself nor anything about who asked. An entry is found only under the current
# search generation (models.SearchGeneration, changed in the same transaction as every publish
# and every cancellation of a published tender), so whichever process cached it, a hit never
# hides a tender just published or shows one just cancelled as open. A search that filters on
# open or closed also depends on the time: its generation includes the next submission
# deadline of any open tender, so once that passes (a tender moves from open to closed) the
# search is made again. The generation is read before the search runs: results found meanwhile
# can only be newer than their key. The tenders shown are always read afresh, so their status
# and days left are too.

# Cache hits and misses in this process, for the benchmark (bench/search).
CACHE_STATS: Counter = Counter()


def cache_get(key: str):
    """Django's cache.get, or None when the cache cannot be reached (a shared Redis that is
    down): the search then runs as if nothing were cached, rather than failing."""
    try:
        return cache.get(key)
    except Exception:  # the backend's own connection errors: Redis, memcached, ...
        logger.warning("search cache unavailable; answering without it", exc_info=True)
        return None


def cache_set(key: str, value, seconds: int) -> None:
    """Django's cache.set; nothing is kept when the cache cannot be reached."""
    try:
        cache.set(key, value, seconds)
    except Exception:
        logger.warning("search cache unavailable; nothing kept", exc_info=True)


def search_cache_seconds() -> int:
    """How long a search result stays in the cache; 0 turns the cache off (the
    SEARCH_CACHE_SECONDS setting, 600 seconds unless set)."""
    return int(getattr(settings, "SEARCH_CACHE_SECONDS", 600))


def search_generation(*, with_deadline: bool = False) -> str | None:
    """The current search generation: one read of one row by primary key. With
    `with_deadline`, in the same query, the first submission deadline of an open tender still
    to come (one step along the index on status and deadline): a search that filters on open
    or closed is the same only until then, so it is part of that search's generation.

    The opportunities imported from other publishers are part of every search (the page's) and
    always open, so their own generation (renewed by the import) and their first deadline still
    to come are always part of it, read in the same query.

    Every search request, a cached one too, asks this first, so it is plain SQL: the ORM took
    longer to build the query than the database to answer it (0.47 against 0.16 ms)."""
    generation = SearchGeneration._meta.db_table
    external_token, external_deadline = opportunity_selectors.generation_sql()
    now = connection.ops.adapt_datetimefield_value(clock.now())
    columns, params = f"token, {external_token}, {external_deadline}", [now]
    if with_deadline:
        columns += f""", (
                SELECT submission_deadline FROM {Tender._meta.db_table}
                WHERE status = %s AND submission_deadline > %s
                ORDER BY submission_deadline LIMIT 1
            )"""
        params += [Status.PUBLISHED, now]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {generation} WHERE id = 1", params)
        row = cursor.fetchone()
    if row is None:
        return None
    # Deadlines as the database gives them (a datetime, or text on SQLite): they only have to
    # name the same moment the same way in every server process. No spaces, in a cache key.
    token, *rest = row
    moments = ["none" if value is None else str(value).replace(" ", "T") for value in rest]
    return ":".join([token, *moments])


def _search_key(generation: str, filters: dict) -> str:
    """The cache key of a search: its filters, normalised as the search itself reads them (a
    keyword's case and surrounding spaces do not matter on PostgreSQL, a CPV code is its
    prefix, 100000 and 100000.00 are one value), with the generation and the result limit."""
    keyword = (filters.get("keyword") or "").strip()
    if full_text_search():
        keyword = keyword.lower()
    normalised = {"keyword": keyword, "limit": RESULT_LIMIT}
    for name, value in sorted(filters.items()):
        # Only what the search ignores is left out: a minimum value of 0 is a filter.
        if name == "keyword" or value is None or value == "" or value is False:
            continue
        if name == "cpv":
            value = cpv_prefix(value)
        elif isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        elif isinstance(value, date):
            value = value.isoformat()
        normalised[name] = value
    digest = hashlib.sha256(json.dumps(normalised, sort_keys=True).encode()).hexdigest()
    return f"tenders:search:{generation}:{digest}"


class CachedResults:
    """Search results whose ids (in order, at most RESULT_LIMIT + 1) came from the cache or
    were just put there: counted without a query, a page read by id. A list without a keyword
    can be paged beyond the ids kept (the API's offset); those pages come from the search
    itself."""

    def __init__(self, ids: list[int], search, reading: Reading | None = None):
        self._ids = ids
        self._search = search  # makes the search itself, only for pages beyond the ids
        self._reading = reading or Reading()

    def all(self) -> "CachedResults":
        return self

    def prefetch_related(self, *lookups) -> "CachedResults":
        return CachedResults(self._ids, self._search, self._reading.prefetching(lookups))

    def only(self, *fields) -> "CachedResults":
        return CachedResults(self._ids, self._search, self._reading.only(fields))

    def count(self) -> int:
        return len(self._ids)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0] if index >= 0 else self[:][index]
        # Iterating (an open slice) gives the results counted, like RankedResults.
        beyond = index.stop is not None and index.stop > len(self._ids)
        if beyond and len(self._ids) > RESULT_LIMIT:
            results = self._search()
            if isinstance(results, QuerySet):
                return _shown(list(self._reading.apply(results)[index]))
        return _tenders_in_order(self._ids[index], self._reading)

    def __iter__(self):
        return iter(self[:])


# --- What a cached search response shows, and until when ----------------------------------------
#
# The search page and the API keep whole responses too (search_responses.py), under the same
# generation. What such a response shows of each tender can change with time alone: whether it
# is open, and on the page its days left. So while a response is made, the tenders it reads
# are noted here, and the response is kept only until the first of them changes.


@dataclass
class ResponseInMaking:
    """A search response being made to be kept: the generation it will be kept under (read once
    for the request: the search reuses it) and the tenders it shows."""

    generation: str
    by_status: bool
    shown: list = field(default_factory=list)


MAKING: contextvars.ContextVar[ResponseInMaking | None] = contextvars.ContextVar(
    "search_response_in_making", default=None
)


def _shown(tenders: list[Tender]) -> list[Tender]:
    making = MAKING.get()
    if making is not None:
        making.shown.extend(tenders)
    return tenders


def shown_until(tenders, now: datetime) -> datetime | None:
    """The first moment after `now` at which anything shown of these tenders changes with time
    alone (Tender.display_changes_at); None when nothing shown depends on the time."""
    moments = (tender.display_changes_at(now) for tender in tenders)
    return min((moment for moment in moments if moment is not None), default=None)


def cached_search(**filters) -> "QuerySet[Tender] | RankedResults | CachedResults":
    """search_opportunities(**filters) for the search page and the API, through the result
    cache: the same search from either, in any server process, reads what one of them found,
    as long as nothing searchable has changed since. Takes the filters people can give (not
    `published_after`, `published_before` or `excluding`, which the alerts digest uses
    uncached)."""
    seconds = search_cache_seconds()
    if seconds <= 0:
        return search_opportunities(**filters)
    by_status = filters.get("status") in (OPEN, CLOSED)
    making = MAKING.get()
    generation: str | None
    if making is not None and making.by_status == by_status:
        generation = making.generation
    else:
        generation = search_generation(with_deadline=by_status)
    if generation is None:
        return search_opportunities(**filters)

    def search():
        return search_opportunities(**filters)

    key = _search_key(generation, filters)
    ids = cache_get(key)
    if ids is not None:
        CACHE_STATS["hit"] += 1
        return CachedResults(ids, search)
    CACHE_STATS["miss"] += 1
    results = search()
    if isinstance(results, RankedResults):
        ids = results._ranked_ids()
    else:
        ids = list(results.values_list("pk", flat=True)[: RESULT_LIMIT + 1])
    cache_set(key, ids, seconds)
    return CachedResults(ids, search)


def latest_open_opportunities(limit: int = 5) -> list[Tender]:
    return list(search_opportunities(status=OPEN)[:limit])


def public_opportunity(reference: str) -> QuerySet[Tender]:
    """The published tender with that reference, with everything its page shows."""
    return (
        Tender.objects.public()
        .filter(reference=reference)
        .select_related("buyer")
        .defer("search_vector", "cpv_vector")
        .prefetch_related(
            "cpv_codes",
            Prefetch("lots", queryset=Lot.objects.prefetch_related("questions")),
            "documents",
            Prefetch(
                "clarifications",
                # Never the original question (nor who asked): only what was published.
                queryset=Clarification.objects.published().only(
                    "id", "tender_id", "published_question", "published_as", "answer", "answered_at"
                ),
                to_attr="published_clarifications",
            ),
        )
    )


def public_document(*, reference: str, document_id: int) -> TenderDocument | None:
    return (
        TenderDocument.objects.filter(
            tender__in=Tender.objects.public(), tender__reference=reference, pk=document_id
        )
        .select_related("tender")
        .first()
    )


def clarifications_asked_by(organisation) -> QuerySet[Clarification]:
    """The clarification questions a supplier organisation asked, newest first."""
    return (
        Clarification.objects.filter(asked_by_organisation=organisation)
        .select_related("tender")
        .order_by("-asked_at", "-id")
    )
