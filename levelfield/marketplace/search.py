"""The catalogue search: live listings on live frameworks found by their words and narrowed by
facets (lot, category, price range, supplier size, VCSE, certifications), with the count of
each facet value, sorted by relevance or price, a page at a time.

The words are full text on PostgreSQL: the listing's stored search document (indexing.py; the
name weighted above the summary and category, those above the rest) matched with the same query
as the opportunity search (tenders.keywords: websearch syntax, English stemming, longer stems
as prefixes) under a GIN index (migration 0002), ranked by ts_rank. SQLite, for the demo and the
quick test run, finds listings whose folded text holds every word, name matches first.

A search is two queries however many facets it shows (three with the lots' names):
- the facet counts and the total, in one grouped query: the listings matching the words and the
  price range, grouped by lot, category, size, VCSE and whether they hold every certification
  chosen, with a count per certification in each group. A facet value's count is "how many
  would match if this value were chosen beside the other facets": the sum over the groups that
  pass every other facet. A catalogue has a few hundred such groups, not one per listing.
- the page of results, with every filter.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from django.contrib.postgres.search import SearchRank
from django.db import connections
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.db.models.fields import BooleanField, IntegerField

from levelfield.suppliers.models import CertificateKind, Size
from levelfield.tenders.keywords import keyword_query

from .lifecycle import FrameworkStatus
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


def _base(criteria: Criteria):
    """Live listings matching the words and the price range (what every count starts from), and
    the rank query."""
    listings = Listing.objects.live()
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


def _groups(base: QuerySet, criteria: Criteria, postgres: bool) -> list[dict]:
    """The matching listings grouped by the facets' columns, with counts (one query)."""
    chosen = criteria.certifications
    counts = {
        f"cert_{kind}": Count("pk", filter=_has_certifications([kind], postgres=postgres))
        for kind in CertificateKind.values
    }
    has_certs = (
        Case(
            When(_has_certifications(chosen, postgres=postgres), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        if chosen
        else Value(True, output_field=BooleanField())
    )
    return list(
        base.annotate(has_certs=has_certs)
        .values("lot_id", "category", "supplier_size", "supplier_is_vcse", "has_certs")
        .annotate(n=Count("pk"), **counts)
        .order_by()
    )


def _passes(group: dict, criteria: Criteria, leaving_out: str = "") -> bool:
    """Whether a group passes every chosen facet but `leaving_out`."""
    checks = {
        "lot": not criteria.lots or group["lot_id"] in criteria.lots,
        "category": not criteria.categories or group["category"] in criteria.categories,
        "size": not criteria.sizes or group["supplier_size"] in criteria.sizes,
        "vcse": not criteria.vcse or group["supplier_is_vcse"],
        "certification": not criteria.certifications or group["has_certs"],
    }
    return all(ok for name, ok in checks.items() if name != leaving_out)


def facet_counts(groups: list[dict], criteria: Criteria) -> dict[str, dict]:
    """For each facet, value -> how many listings match it under every other facet chosen;
    and the total under all of them (key "total")."""
    counts: dict[str, dict] = {
        "lot": {},
        "category": {},
        "size": {},
        "vcse": {},
        "certification": {},
    }
    columns = {
        "lot": "lot_id",
        "category": "category",
        "size": "supplier_size",
        "vcse": "supplier_is_vcse",
    }
    total = 0
    for group in groups:
        if _passes(group, criteria):
            total += group["n"]
        for name, column in columns.items():
            if _passes(group, criteria, leaving_out=name):
                value = group[column]
                counts[name][value] = counts[name].get(value, 0) + group["n"]
        if _passes(group, criteria, leaving_out="certification"):
            for kind in CertificateKind.values:
                counts["certification"][kind] = (
                    counts["certification"].get(kind, 0) + group[f"cert_{kind}"]
                )
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
    base, query = _base(criteria)
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
    """A page of the listings matching `criteria`, with the facets and their counts: two
    queries, and one for the lots' names."""
    base, query = _base(criteria)
    postgres = _postgres(base)
    counts = facet_counts(_groups(base, criteria, postgres), criteria)
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
        listings = list(ordered[start : start + per_page])
    return Results(
        criteria=criteria,
        listings=listings,
        total=total,
        page=page,
        pages=pages,
        facets=_facets(counts, criteria, live_lots()),
        per_page=per_page,
    )


def without(criteria: Criteria, **changes) -> Criteria:
    """The criteria with some fields changed (a facet value removed, another page's sort)."""
    return replace(criteria, **changes)
