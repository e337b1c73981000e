"""The catalogue search: live listings on live frameworks found by their words and narrowed by
facets (lot, category, price range, supplier size, VCSE, certifications), with the count of
each facet value, sorted by relevance or price, a page at a time.

The words are full text on PostgreSQL: the listing's stored search document (indexing.py; the
name weighted above the summary and category, those above the rest) matched with the same query
as the opportunity search (tenders.keywords: websearch syntax, English stemming, longer stems
as prefixes) under a GIN index (migration 0002), ranked by ts_rank. SQLite, for the demo and the
quick test run, finds listings whose folded text holds every word, name matches first.

A search is three queries however many listings match:
- the live frameworks' lots (the lot facet's names; the listings are found on them without
  joining the frameworks on every row);
- the facet counts and the total, from one grouped query: the listings matching the words and
  the price range, grouped by lot, category, size, VCSE and the certifications they hold (on
  PostgreSQL an index-only scan of migration 0003's facet index when there are no words). A
  facet value's count is "how many would match if this value were chosen beside the other
  facets": a group failing no chosen facet counts in every facet, failing one only in that
  facet. A catalogue has a few hundred to a few thousand such groups, not one per listing;
- the page of results, with every filter (by name or price along an index).
What a search found (the groups, the counts, a page's ids) is kept in Django's cache under the
catalogue's generation (see "The result cache" below), so a search asked again is the lots, the
generation and the page's listings read afresh by id.
"""

import hashlib
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.postgres.search import SearchRank
from django.db import connections
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.db.models.fields import IntegerField

from levelfield.suppliers.models import CertificateKind, Size
from levelfield.tenders.keywords import keyword_query
from levelfield.tenders.selectors import cache_get, cache_set

from .lifecycle import FrameworkStatus, ListingStatus
from .models import FrameworkLot, Listing

PER_PAGE = 20
RELEVANCE = "relevance"
PRICE_LOW = "price"
PRICE_HIGH = "-price"
SORTS = {
    RELEVANCE: "Relevance",
    PRICE_LOW: "Price, lowest first",
    PRICE_HIGH: "Price, highest first",
}
KEYWORDS_LIMIT = 200
# The most a facet may choose at once (a long URL is not a search).
CHOICES_LIMIT = 50
PRICE_LIMIT = Decimal("9999999999.99")  # Listing.price: 12 digits, 2 after the point

PRICE_ORDER = "Enter a lowest price that is not more than the highest price"


@dataclass(frozen=True)
class Criteria:
    """What a buyer searched for: words and the facets chosen. Saved into a project as
    SavedSearch.keywords and SavedSearch.filters (`filters()`), read back by `from_saved`."""

    keywords: str = ""
    lots: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    sizes: tuple[str, ...] = ()
    vcse: bool = False
    certifications: tuple[str, ...] = ()
    sort: str = RELEVANCE

    def filters(self) -> dict:
        """The facets chosen, as JSON for SavedSearch.filters (only those chosen)."""
        data: dict = {
            "lot": list(self.lots),
            "category": list(self.categories),
            "price_min": None if self.price_min is None else str(self.price_min),
            "price_max": None if self.price_max is None else str(self.price_max),
            "size": list(self.sizes),
            "vcse": self.vcse,
            "certification": list(self.certifications),
        }
        if self.sort != RELEVANCE:
            data["sort"] = self.sort
        return {name: value for name, value in data.items() if value not in ([], None, False)}

    def query_items(self) -> list[tuple[str, str]]:
        """The search as the page's GET parameters (for links: a page, a facet removed)."""
        items = [("q", self.keywords)] if self.keywords else []
        items += [("lot", str(lot)) for lot in self.lots]
        items += [("category", category) for category in self.categories]
        if self.price_min is not None:
            items.append(("price_min", str(self.price_min)))
        if self.price_max is not None:
            items.append(("price_max", str(self.price_max)))
        items += [("size", size) for size in self.sizes]
        if self.vcse:
            items.append(("vcse", "1"))
        items += [("certification", kind) for kind in self.certifications]
        if self.sort != RELEVANCE:
            items.append(("sort", self.sort))
        return items

    @property
    def is_empty(self) -> bool:
        return not (self.keywords or self.filters())

    @classmethod
    def from_saved(cls, keywords: str, filters: dict) -> "Criteria":
        """The criteria of a saved search (as `filters()` wrote them)."""
        criteria, _ = read_criteria(
            {
                "q": keywords,
                "lot": filters.get("lot", []),
                "category": filters.get("category", []),
                "price_min": filters.get("price_min") or "",
                "price_max": filters.get("price_max") or "",
                "size": filters.get("size", []),
                "vcse": "1" if filters.get("vcse") else "",
                "certification": filters.get("certification", []),
                "sort": filters.get("sort", RELEVANCE),
            }
        )
        return criteria


def _values(data, name: str) -> list[str]:
    """Every value of `name` in a QueryDict (getlist) or a dict of lists or strings."""
    if hasattr(data, "getlist"):
        values = data.getlist(name)
    else:
        values = data.get(name, [])
        if isinstance(values, str | int):
            values = [values]
    return [str(value).strip() for value in values if str(value).strip()][:CHOICES_LIMIT]


def _price(text: str, label: str, problems: dict) -> Decimal | None:
    if not text:
        return None
    try:
        price = Decimal(text.replace(",", "").replace("£", ""))
    except InvalidOperation:
        problems[label] = "Enter a price in pounds, like 150 or 99.50"
        return None
    if not price.is_finite() or price < 0 or price > PRICE_LIMIT:
        problems[label] = "Enter a price of £0 or more"
        return None
    if price.as_tuple().exponent < -2:  # type: ignore[operator]
        problems[label] = "Enter a price in pounds and pence, like 99.50"
        return None
    return price


def read_criteria(data) -> tuple[Criteria, dict[str, str]]:
    """The criteria in `data` (the page's GET parameters, the API's query, a saved search) and
    what is wrong with them, by parameter name: the one reading of a search, for every way in.
    Values a facet does not know (a size that is not a size) are dropped, not refused."""
    problems: dict[str, str] = {}
    keywords = " ".join(str(_first(data, "q")).split())
    if len(keywords) > KEYWORDS_LIMIT:
        problems["q"] = f"Enter {KEYWORDS_LIMIT} characters or fewer"
        keywords = keywords[:KEYWORDS_LIMIT]
    lots = tuple(dict.fromkeys(int(v) for v in _values(data, "lot") if v.isdigit() and len(v) < 10))
    price_min = _price(str(_first(data, "price_min")).strip(), "price_min", problems)
    price_max = _price(str(_first(data, "price_max")).strip(), "price_max", problems)
    if price_min is not None and price_max is not None and price_min > price_max:
        problems["price_min"] = PRICE_ORDER
    sort = str(_first(data, "sort")) or RELEVANCE
    criteria = Criteria(
        keywords=keywords,
        lots=lots,
        categories=tuple(dict.fromkeys(v[:100] for v in _values(data, "category"))),
        price_min=price_min,
        price_max=price_max,
        sizes=tuple(v for v in Size.values if v in _values(data, "size")),
        vcse=str(_first(data, "vcse")).lower() in ("1", "true", "on", "yes"),
        certifications=tuple(
            v for v in CertificateKind.values if v in _values(data, "certification")
        ),
        sort=sort if sort in SORTS else RELEVANCE,
    )
    return criteria, problems


def _first(data, name: str):
    values = _values(data, name)
    return values[0] if values else ""


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
    for word in keywords.casefold().split():
        listings = listings.filter(search_text__contains=word)
    return listings, None


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
    """A page of results with the facets: `listings` (the page), `total` (every match), the
    page number and count, and `facets` (name -> Facet, in the order the page shows them)."""

    criteria: Criteria
    listings: list[Listing]
    total: int
    page: int
    pages: int
    facets: dict[str, Facet]
    per_page: int = PER_PAGE

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * self.per_page, self.total)


def _groups(base: QuerySet) -> list[dict]:
    """The matching listings grouped by the facets' columns and their certifications, with the
    number in each group (one query). A catalogue has a few hundred such groups, however many
    listings: the certifications a service holds come in few combinations."""
    return list(
        base.values("lot_id", "category", "supplier_size", "supplier_is_vcse", "certifications")
        .annotate(n=Count("*"))
        .order_by()
    )


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


def _ordered(listings: QuerySet, criteria: Criteria, query) -> QuerySet[Listing]:
    listings = listings.defer("search_vector", "search_text", "description")
    if criteria.sort == PRICE_LOW:
        return listings.order_by(F("price").asc(nulls_last=True), "name", "pk")
    if criteria.sort == PRICE_HIGH:
        return listings.order_by(F("price").desc(nulls_last=True), "name", "pk")
    if query is not None:
        return listings.annotate(rank=SearchRank(F("search_vector"), query)).order_by(
            "-rank", "name", "pk"
        )
    if criteria.keywords:
        # SQLite: listings whose name holds every word first.
        in_name = Q()
        for word in criteria.keywords.split():
            in_name &= Q(name__icontains=word)
        return listings.annotate(
            rank=Case(When(in_name, then=Value(1)), default=Value(0), output_field=IntegerField())
        ).order_by("-rank", "name", "pk")
    return listings.order_by("name", "pk")


def search(criteria: Criteria, *, page: int = 1, per_page: int = PER_PAGE) -> Results:
    """A page of the listings matching `criteria`, with the facets and their counts.

    Uncached: the lots' names, the grouped counts, the page (three queries). Through the cache
    (SEARCH_CACHE_SECONDS, as the opportunity search): the lots and the catalogue's generation
    (two queries), the counts and the page's ids from the cache, and the page's listings read
    afresh by id (one query)."""
    lots = live_lots()
    base, query = _base(criteria, lots)
    postgres = _postgres(base)
    generation = catalogue_generation() if search_cache_seconds() > 0 else None
    facets_chosen = {k: v for k, v in criteria.filters().items() if k != "sort"}
    counts = _cached(
        generation,
        "counts",
        [*_groups_key(criteria), facets_chosen],
        lambda: facet_counts(
            _cached(generation, "groups", _groups_key(criteria), lambda: _groups(base)), criteria
        ),
    )
    total = counts["total"][""]
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    listings: list[Listing] = []
    if total:
        filtered = base
        for condition in _facet_conditions(criteria, postgres=postgres).values():
            filtered = filtered.filter(condition)
        ordered = _ordered(filtered, criteria, query).select_related("lot")
        start = (page - 1) * per_page
        if generation is None:
            listings = list(ordered[start : start + per_page])
        else:
            ids = _cached(
                generation,
                "page",
                [*_groups_key(criteria), criteria.filters(), page, per_page],
                lambda: list(ordered.values_list("pk", flat=True)[start : start + per_page]),
            )
            by_id = {row.pk: row for row in _readable(Listing.objects.filter(pk__in=ids))}
            listings = [by_id[pk] for pk in ids if pk in by_id]
    return Results(
        criteria=criteria,
        listings=listings,
        total=total,
        page=page,
        pages=pages,
        facets=_facets(counts, criteria, lots),
        per_page=per_page,
    )


def _readable(listings: QuerySet) -> QuerySet[Listing]:
    return listings.defer("search_vector", "search_text", "description").select_related("lot")


# --- The result cache ---------------------------------------------------------------------------
#
# What a search found (the grouped counts, under its words and price range; a page's ids) is kept
# in Django's cache under the catalogue's generation: the latest moment any listing changed,
# went live, was withdrawn or expired, and any framework went live or expired (every action sets
# one of these through the lifecycle's milestones or Listing.updated_at). So a cached search
# never shows a listing withdrawn since, nor misses one gone live; the listings of a page are
# read afresh. Ending a project runs its search uncached (`matching`).

GENERATION_SQL = """
SELECT (SELECT max(updated_at) FROM marketplace_listing),
       (SELECT max(live_at) FROM marketplace_listing),
       (SELECT max(withdrawn_at) FROM marketplace_listing),
       (SELECT max(expired_at) FROM marketplace_listing),
       (SELECT max(live_at) FROM marketplace_framework),
       (SELECT max(expired_at) FROM marketplace_framework)
"""


def search_cache_seconds() -> int:
    return int(getattr(settings, "SEARCH_CACHE_SECONDS", 600))


def catalogue_generation() -> str:
    """The catalogue's generation: one query of six index look-ups (migration 0003)."""
    with connections[Listing.objects.db].cursor() as cursor:
        cursor.execute(GENERATION_SQL)
        row = cursor.fetchone()
    return ":".join("none" if value is None else str(value).replace(" ", "T") for value in row)


def _groups_key(criteria: Criteria) -> list:
    words = criteria.keywords.casefold()
    prices = [str(criteria.price_min), str(criteria.price_max)]
    return [words, *prices]


def _cached(generation: str | None, kind: str, parts: list, compute):
    if generation is None:
        return compute()
    text = json.dumps([generation, parts], sort_keys=True, default=str)
    key = f"marketplace:search:{kind}:{hashlib.sha256(text.encode()).hexdigest()}"
    found = cache_get(key)
    if found is not None:
        return found
    value = compute()
    cache_set(key, value, search_cache_seconds())
    return value


def without(criteria: Criteria, **changes) -> Criteria:
    """The criteria with some fields changed (a facet value removed, another page's sort)."""
    return replace(criteria, **changes)
