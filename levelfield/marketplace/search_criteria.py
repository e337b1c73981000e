"""What a buyer searches the catalogue for (search.py): the words and facets chosen, read once
for every way in (the page's GET parameters, the API's query, a saved search)."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from levelfield.core.numbers import read_id
from levelfield.suppliers.models import CertificateKind, Size

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
    # Any id a lot may have is kept, so an unknown one finds nothing, as lot 999 does, rather
    # than being dropped (a 10-digit id was, and the search widened to every lot).
    lots = tuple(
        dict.fromkeys(lot for v in _values(data, "lot") if (lot := read_id(v)) is not None)
    )
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
