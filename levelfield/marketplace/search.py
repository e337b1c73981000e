"""The catalogue search: live listings on live frameworks found by their words and narrowed by
facets (lot, category, price range, supplier size, VCSE, certifications), with the count of
each facet value, sorted by relevance or price, a page at a time.

The words are full text on PostgreSQL: the listing's stored search document (indexing.py; the
name weighted above the summary and category, those above the rest) matched with the same query
as the opportunity search (tenders.keywords: websearch syntax, English stemming, longer stems
as prefixes) under a GIN index (migration 0002), ranked by ts_rank. SQLite, for the demo and the
quick test run, finds listings whose folded text holds every word, name matches first, reading
the same syntax (core.search_words: a quoted phrase as it stands, "-" to leave out, "or").

A search's work is capped however many listings match, as the opportunity search's is
(tenders.selectors.RESULT_LIMIT):
- the results: the ids of the newest RESULT_LIMIT + 1 listings matching every filter, then put
  in the order asked (relevance, price); browsing without words by name reads the first
  RESULT_LIMIT + 1 along the name index. Their number is the count: above RESULT_LIMIT it means
  "more than RESULT_LIMIT", and the page asks for a narrower search;
- the facet counts: the facet columns of the newest RESULT_LIMIT + 1 listings matching the
  words and the price range (whatever facets are chosen), grouped in Python. A facet value's
  count is "how many would match if this value were chosen beside the other facets": a listing
  failing no chosen facet counts in every facet, failing one only in that facet. When more than
  RESULT_LIMIT match the words and price, the counts are of the newest RESULT_LIMIT and say so
  (`Results.facets_capped`).
With the live frameworks' lots (the lot facet's names; the listings are found on them without
joining the frameworks on every row) and the page's listings read by id, an uncached search is
four queries of at most about a thousand rows each. What it found (the facet columns, the
ordered ids) is kept in Django's cache under the catalogue's generation (search_cache.py); the
page's and the API's whole answers too (search_responses.py).
"""

import json
from dataclasses import dataclass, field, replace

from django.contrib.postgres.search import SearchRank
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.fields import IntegerField

from levelfield.core.search_words import terms_condition
from levelfield.suppliers.models import CertificateKind, Size
from levelfield.tenders.keywords import keyword_query
from levelfield.tenders.selectors import RESULT_LIMIT

from .lifecycle import FrameworkStatus, ListingStatus
from .models import FrameworkLot, Listing
from .search_cache import cached, catalogue_generation, search_cache_seconds
from .search_criteria import (  # noqa: F401 (the search's criteria, read as search.<name>)
    CHOICES_LIMIT,
    KEYWORDS_LIMIT,
    PRICE_HIGH,
    PRICE_LIMIT,
    PRICE_LOW,
    PRICE_ORDER,
    RELEVANCE,
    SORTS,
    Criteria,
    read_criteria,
)

PER_PAGE = 20

# --- Finding ------------------------------------------------------------------------------------


def _postgres(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def _has_certifications(kinds, *, postgres: bool) -> Q:
    """Listings holding every one of `kinds`: JSON containment on PostgreSQL; on SQLite, each
    kind quoted in the JSON text (a quoted code cannot match inside another code)."""
    if not kinds:
        return Q()
    if postgres:
        return Q(certifications__contains=list(kinds))
    condition = Q()
    for kind in kinds:
        condition &= Q(certifications__icontains=f'"{kind}"')
    return condition


def _matching_words(listings: QuerySet, keywords: str):
    """Listings matching the words, and the query to rank by (PostgreSQL) or None."""
    if not keywords:
        return listings, None
    if _postgres(listings):
        query = keyword_query(keywords, using=listings.db)
        return listings.filter(search_vector=query), query
    return listings.filter(terms_condition(keywords, ["search_text"], lookup="contains")), None


def _facet_conditions(criteria: Criteria, *, postgres: bool) -> dict[str, Q]:
    """Each chosen facet's condition, by facet name."""
    conditions = {}
    if criteria.lots:
        conditions["lot"] = Q(lot_id__in=criteria.lots)
    if criteria.categories:
        conditions["category"] = Q(category__in=criteria.categories)
    if criteria.sizes:
        conditions["size"] = Q(supplier_size__in=criteria.sizes)
    if criteria.vcse:
        conditions["vcse"] = Q(supplier_is_vcse=True)
    if criteria.certifications:
        conditions["certification"] = _has_certifications(
            criteria.certifications, postgres=postgres
        )
    return conditions


def _base(criteria: Criteria, lots: list[FrameworkLot]):
    """Live listings matching the words and the price range (what every count starts from), and
    the rank query. `lots` are the live frameworks' lots: a listing is found when it is live on
    one of them, as Listing.objects.live() says, without joining the frameworks on every row
    (so that PostgreSQL reads the listings' indexes alone)."""
    listings = Listing.objects.filter(
        status=ListingStatus.LIVE, lot_id__in=[lot.pk for lot in lots]
    )
    if criteria.price_min is not None:
        listings = listings.filter(price__gte=criteria.price_min)
    if criteria.price_max is not None:
        listings = listings.filter(price__lte=criteria.price_max)
    return _matching_words(listings, criteria.keywords)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    chosen: bool


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue] = field(default_factory=list)


@dataclass
class Results:
    """A page of results with the facets: `listings` (the page), `total` (every match, at most
    RESULT_LIMIT), the page number and count, and `facets` (name -> Facet, in the order the page
    shows them). `more_than` is RESULT_LIMIT when more than that many match (only the newest
    RESULT_LIMIT are listed), else None; `facets_capped` says the facet counts are of the newest
    RESULT_LIMIT listings matching the words and price range, more of them matching."""

    criteria: Criteria
    listings: list[Listing]
    total: int
    page: int
    pages: int
    facets: dict[str, Facet]
    per_page: int = PER_PAGE
    more_than: int | None = None
    facets_capped: bool = False

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * self.per_page, self.total)


SAMPLE_COLUMNS = ("lot_id", "category", "supplier_size", "supplier_is_vcse", "certifications")
# A sampled row: (id, *SAMPLE_COLUMNS, price, rank, place by name among the sampled rows).
PK, PRICE, RANK, BY_NAME = 0, 6, 7, 8


def _sample(base: QuerySet, criteria: Criteria, query) -> tuple[list[tuple], bool]:
    """The newest RESULT_LIMIT + 1 listings matching the words and price range (read backwards
    along the primary key), as rows of what the facets and the orders need, and whether more
    than RESULT_LIMIT match. One query; the place by name is numbered among these rows by the
    database (its collation, as ORDER BY name)."""
    ranked = _ranked(base.order_by("-pk"), criteria, query)
    if "rank" not in ranked.query.annotations:
        ranked = ranked.annotate(rank=Value(0, output_field=IntegerField()))
    inner = ranked.values_list("pk", *SAMPLE_COLUMNS, "price", "rank", "name")[: RESULT_LIMIT + 1]
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # no live lot: nothing can match
        return [], False
    columns = ", ".join(f"s.col{n}" for n in range(8))
    names = ", ".join(f"col{n}" for n in range(9))
    outer = (
        f"WITH s ({names}) AS ({sql}) "
        f"SELECT {columns}, row_number() OVER (ORDER BY s.col8, s.col0) FROM s"
    )
    connection = connections[base.db]
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        found = cursor.fetchall()
    # The certifications come as JSON text (as Django's own reading of a JSONField has them).
    rows = [
        (*row[:5], tuple(json.loads(row[5]) if isinstance(row[5], str) else row[5] or ()), *row[6:])
        for row in found
    ]
    return rows, len(rows) > RESULT_LIMIT


def _groups(rows: list[tuple]) -> list[dict]:
    """The sampled rows grouped by the facets' columns, with the number in each group."""
    groups: dict[tuple, int] = {}
    for row in rows[:RESULT_LIMIT]:
        groups[row[1:6]] = groups.get(row[1:6], 0) + 1
    return [{**dict(zip(SAMPLE_COLUMNS, key, strict=True)), "n": n} for key, n in groups.items()]


def _ordered_rows(rows: list[tuple], criteria: Criteria) -> list[int]:
    """The ids of the sampled rows passing every chosen facet, in the order asked: as
    `_ordered` orders in the database (rank, then name and id, by their place by name)."""
    kept = [
        row
        for row in rows
        if not _failing(dict(zip(SAMPLE_COLUMNS, row[1:6], strict=True)), criteria)
    ]
    if criteria.sort == PRICE_LOW:
        kept.sort(key=lambda row: (row[PRICE] is None, row[PRICE] or 0, row[BY_NAME]))
    elif criteria.sort == PRICE_HIGH:
        kept.sort(key=lambda row: (row[PRICE] is None, -(row[PRICE] or 0), row[BY_NAME]))
    else:
        kept.sort(key=lambda row: (-(row[RANK] or 0), row[BY_NAME]))
    return [row[PK] for row in kept]


def _holds(group: dict, kinds) -> bool:
    held = group["certifications"] or []
    return all(kind in held for kind in kinds)


FACETS = ("lot", "category", "size", "vcse", "certification")
COLUMNS = {
    "lot": "lot_id",
    "category": "category",
    "size": "supplier_size",
    "vcse": "supplier_is_vcse",
}


def _failing(group: dict, criteria: Criteria) -> list[str]:
    """The chosen facets a group does not pass."""
    checks = (
        not criteria.lots or group["lot_id"] in criteria.lots,
        not criteria.categories or group["category"] in criteria.categories,
        not criteria.sizes or group["supplier_size"] in criteria.sizes,
        not criteria.vcse or group["supplier_is_vcse"],
        _holds(group, criteria.certifications),
    )
    return [name for name, ok in zip(FACETS, checks, strict=True) if not ok]


def facet_counts(groups: list[dict], criteria: Criteria) -> dict[str, dict]:
    """For each facet, value -> how many listings match it under every other facet chosen;
    and the total under all of them (key "total"). A group failing no facet counts everywhere;
    failing one, only in that facet's values (its own choice left out); failing more, nowhere."""
    counts: dict[str, dict] = {name: {} for name in FACETS}
    total = 0
    for group in groups:
        failing = _failing(group, criteria)
        if len(failing) > 1:
            continue
        n = group["n"]
        if not failing:
            total += n
        for name in failing or FACETS:
            if name == "certification":
                values = set(group["certifications"] or [])
            else:
                values = {group[COLUMNS[name]]}
            facet = counts[name]
            for value in values:
                facet[value] = facet.get(value, 0) + n
    counts["total"] = {"": total}
    return counts


def live_lots() -> list[FrameworkLot]:
    """The lots of live frameworks, with their framework (the lot facet's labels)."""
    return list(
        FrameworkLot.objects.filter(framework__status=FrameworkStatus.LIVE)
        .select_related("framework")
        .order_by("framework__name", "framework_id", "number")
    )


def _facets(counts: dict[str, dict], criteria: Criteria, lots: list[FrameworkLot]):
    many_frameworks = len({lot.framework_id for lot in lots}) > 1
    lot_values = [
        FacetValue(
            str(lot.pk),
            f"{lot.framework.name}: lot {lot.number}, {lot.title}"
            if many_frameworks
            else f"Lot {lot.number}: {lot.title}",
            counts["lot"].get(lot.pk, 0),
            lot.pk in criteria.lots,
        )
        for lot in lots
    ]
    categories = dict.fromkeys(c for lot in lots for c in lot.categories)
    categories.update(dict.fromkeys(c for c in counts["category"] if c))
    category_values = [
        FacetValue(c, c, counts["category"].get(c, 0), c in criteria.categories) for c in categories
    ]
    return {
        "lot": Facet("lot", "Lot", lot_values),
        "category": Facet("category", "Category", category_values),
        "size": Facet(
            "size",
            "Supplier size",
            [
                FacetValue(v, label, counts["size"].get(v, 0), v in criteria.sizes)
                for v, label in Size.choices
            ],
        ),
        "vcse": Facet(
            "vcse",
            "Voluntary, community and social enterprise (VCSE)",
            [FacetValue("1", "VCSE suppliers only", counts["vcse"].get(True, 0), criteria.vcse)],
        ),
        "certification": Facet(
            "certification",
            "Certifications (every one chosen)",
            [
                FacetValue(
                    v, label, counts["certification"].get(v, 0), v in criteria.certifications
                )
                for v, label in CertificateKind.choices
            ],
        ),
    }


def matching(criteria: Criteria) -> QuerySet[Listing]:
    """Every listing matching `criteria`, in the order asked (relevance or price)."""
    base, query = _base(criteria, live_lots())
    postgres = _postgres(base)
    for condition in _facet_conditions(criteria, postgres=postgres).values():
        base = base.filter(condition)
    return _ordered(base, criteria, query)


def _ranked(listings: QuerySet, criteria: Criteria, query) -> QuerySet[Listing]:
    """`listings` with their relevance to the words as `rank` (none without words): ts_rank on
    PostgreSQL; on SQLite 1 when the name holds every word (and phrase) of one of the words'
    groups (core.search_words), else 0."""
    if query is not None:
        return listings.annotate(rank=SearchRank(F("search_vector"), query))
    if criteria.keywords:
        in_name = terms_condition(criteria.keywords, ["name"], wanted_only=True)
        return listings.annotate(
            rank=Case(When(in_name, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
    return listings


def _ordered(listings: QuerySet, criteria: Criteria, query) -> QuerySet[Listing]:
    listings = listings.defer("search_vector", "search_text", "description")
    if criteria.sort == PRICE_LOW:
        return listings.order_by(F("price").asc(nulls_last=True), "name", "pk")
    if criteria.sort == PRICE_HIGH:
        return listings.order_by(F("price").desc(nulls_last=True), "name", "pk")
    if criteria.keywords:
        return _ranked(listings, criteria, query).order_by("-rank", "name", "pk")
    return listings.order_by("name", "pk")


def _found_ids(filtered: QuerySet, criteria: Criteria, query) -> list[int]:
    """The ids of the listings matching every filter, in the order asked, at most
    RESULT_LIMIT + 1: the newest RESULT_LIMIT + 1 matches put in order (ranked by relevance or
    by price), or without words by name the first RESULT_LIMIT + 1 along the name index."""
    if criteria.keywords or criteria.sort != RELEVANCE:
        newest = filtered.order_by("-pk").values("pk")[: RESULT_LIMIT + 1]
        filtered = Listing.objects.filter(pk__in=newest)
    ordered = _ordered(filtered, criteria, query)
    return list(ordered.values_list("pk", flat=True)[: RESULT_LIMIT + 1])


def search(criteria: Criteria, *, page: int = 1, per_page: int = PER_PAGE) -> Results:
    """A page of the listings matching `criteria`, with the facets and their counts.

    Uncached: the lots' names, the facet columns of the newest matches, the ordered ids of the
    newest matches, the page's listings (four queries, each of at most RESULT_LIMIT + 1 rows).
    Through the cache (SEARCH_CACHE_SECONDS, as the opportunity search): the lots and the
    catalogue's generation, the facet columns and the ids from the cache, and the page's
    listings read afresh by id."""
    lots = live_lots()
    base, query = _base(criteria, lots)
    postgres = _postgres(base)
    generation = catalogue_generation() if search_cache_seconds() > 0 else None
    rows, capped = cached(
        generation, "sample", _groups_key(criteria), lambda: _sample(base, criteria, query)
    )
    counts = facet_counts(_groups(rows), criteria)
    conditions = _facet_conditions(criteria, postgres=postgres)
    if not capped or not (conditions or (not criteria.keywords and criteria.sort == RELEVANCE)):
        # Every match is sampled, or (no facet chosen) the newest RESULT_LIMIT + 1 matches are.
        ids = _ordered_rows(rows, criteria)
    else:
        filtered = base
        for condition in conditions.values():
            filtered = filtered.filter(condition)
        ids = cached(
            generation,
            "ids",
            [*_groups_key(criteria), criteria.filters()],
            lambda: _found_ids(filtered, criteria, query),
        )
    total = min(len(ids), RESULT_LIMIT)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    start = (page - 1) * per_page
    shown = ids[start : min(start + per_page, total)]
    by_id = (
        {row.pk: row for row in _readable(Listing.objects.filter(pk__in=shown))} if shown else {}
    )
    return Results(
        criteria=criteria,
        listings=[by_id[pk] for pk in shown if pk in by_id],
        total=total,
        page=page,
        pages=pages,
        facets=_facets(counts, criteria, lots),
        per_page=per_page,
        more_than=RESULT_LIMIT if len(ids) > RESULT_LIMIT else None,
        facets_capped=capped,
    )


def _readable(listings: QuerySet) -> QuerySet[Listing]:
    return listings.defer("search_vector", "search_text", "description").select_related("lot")


def _groups_key(criteria: Criteria) -> list:
    words = criteria.keywords.casefold()
    prices = [str(criteria.price_min), str(criteria.price_max)]
    return [words, *prices]


def without(criteria: Criteria, **changes) -> Criteria:
    """The criteria with some fields changed (a facet value removed, another page's sort)."""
    return replace(criteria, **changes)
