"""The rule a service listing's content keeps, checked once here: the listing actions call it,
and the pages' forms and the API's schemas take their limits from it (a form shows each problem
beside its field, the API lists them in `details`).

A draft may be incomplete: while drafting, only what was typed is checked (a name is needed, no
field too long, a category of the lot's, a price that is a price, certification codes that
exist). Submitting a listing, and every change of a submitted or live one, checks everything
and names every problem at once: the price and its unit are needed, the category too where the
lot has categories, and each certification claimed must be one the supplier holds a current
certificate for on its profile (suppliers.Certificate, not expired), so that a buyer filtering
the catalogue by a certification finds only services whose supplier showed it. A draft may
name a certification not yet added to the profile: the supplier adds it before submitting."""

from collections.abc import Iterable
from decimal import Decimal

from levelfield.core.errors import DomainError
from levelfield.core.money import money_problem, parse_money
from levelfield.suppliers.models import Certificate, CertificateKind

NAME_MAX = 200
SUMMARY_MAX = 500
DESCRIPTION_MAX = 5000
LINES_MAX = 10  # features, and benefits, each
LINE_MAX = 120
CATEGORY_MAX = 100
PRICE_UNIT_MAX = 100
DISCOUNTS_MAX = 1000
CHANGE_NOTE_MAX = 500
DOCUMENT_TITLE_MAX = 200
DOCUMENTS_MAX = 20  # current service documents of a listing
# The price column: DecimalField(max_digits=12, decimal_places=2).
PRICE_LIMIT = Decimal("10000000000")

CONTENT_FIELDS = (
    "name",
    "summary",
    "description",
    "features",
    "benefits",
    "category",
    "price",
    "price_unit",
    "discounts",
    "certifications",
)
TEXT_FIELDS = ("name", "summary", "description", "category", "price_unit", "discounts")
LINE_FIELDS = ("features", "benefits")

LABELS = {
    "name": "Service name",
    "summary": "Summary",
    "description": "Description",
    "features": "Features",
    "benefits": "Benefits",
    "category": "Category",
    "price": "Price",
    "price_unit": "Price unit",
    "discounts": "Discounts",
    "certifications": "Certifications",
    "change_note": "What changed",
}

_TEXT_LIMITS = {
    "name": NAME_MAX,
    "summary": SUMMARY_MAX,
    "description": DESCRIPTION_MAX,
    "category": CATEGORY_MAX,
    "price_unit": PRICE_UNIT_MAX,
    "discounts": DISCOUNTS_MAX,
}
_NOUNS = {
    "name": "the service name",
    "summary": "the summary",
    "description": "the description",
    "category": "the category",
    "price_unit": "the price unit",
    "discounts": "the discounts",
}


class ListingRefused(DomainError):
    """The listing's content breaks the rule: `problems` maps each field to what is wrong with
    it (a page shows each beside its field); `details` lists them as "Label: message"."""

    code = "listing_refused"
    status = 400

    def __init__(self, problems: dict[str, str]):
        count = len(problems)
        super().__init__(
            f"The listing has {count} problem{'s' if count != 1 else ''} to put right",
            details=[f"{LABELS[field]}: {message}" for field, message in problems.items()],
        )
        self.problems = problems


def _lines(value) -> list[str]:
    """A list of short lines from a list (or text, one a line), blank lines left out."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.splitlines()
    return [" ".join(str(line).split()) for line in value if str(line).strip()]


def clean(content: dict) -> dict:
    """The content as it is kept: text stripped, features and benefits as lists of non-blank
    lines, the price a Decimal (or None when not given; a price that is no number is kept as
    typed for `problems` to name), certification codes without repeats. Only the fields given."""
    cleaned: dict = {}
    for field, value in content.items():
        if field in TEXT_FIELDS:
            cleaned[field] = (value or "").strip()
        elif field in LINE_FIELDS:
            cleaned[field] = _lines(value)
        elif field == "price":
            if value is None or (isinstance(value, str) and not value.strip()):
                cleaned[field] = None
            else:
                if money_problem(value, "price", zero_allowed=True) is None:
                    cleaned[field] = parse_money(value, "price", zero_allowed=True)
                else:
                    cleaned[field] = value
        elif field == "certifications":
            cleaned[field] = list(dict.fromkeys(str(code) for code in (value or [])))
        else:
            raise TypeError(f"{field} is not part of a listing's content")
    return cleaned


def held_certifications(supplier, today) -> set[str]:
    """The kinds of certificate `supplier` holds, current on `today`."""
    return set(
        Certificate.objects.filter(organisation=supplier, expires_on__gte=today).values_list(
            "kind", flat=True
        )
    )


def _price_problem(price) -> str | None:
    if price is None:
        return None
    if problem := money_problem(price, "price", zero_allowed=True):
        return problem
    if Decimal(price) >= PRICE_LIMIT:
        return "The price must be less than £10,000,000,000"
    return None


def _lines_problem(field: str, lines: list[str]) -> str | None:
    noun = field  # "features", "benefits"
    if len(lines) > LINES_MAX:
        return f"Give at most {LINES_MAX} {noun} (you gave {len(lines)})"
    long = [number for number, line in enumerate(lines, start=1) if len(line) > LINE_MAX]
    if long:
        which = ", ".join(str(n) for n in long)
        return f"Keep each of the {noun} to {LINE_MAX} characters or fewer (too long: {which})"
    return None


def problems(
    content: dict, *, categories: Iterable[str], submitting: bool, held: set[str] | None = None
) -> dict[str, str]:
    """What is wrong with a listing's whole content (cleaned), field -> message; empty when
    nothing is. `categories`: the lot's; `submitting`: check it as submitted (everything
    needed given); `held`: the certification kinds the supplier holds, checked when submitting."""
    found: dict[str, str] = {}
    for field, limit in _TEXT_LIMITS.items():
        if len(content.get(field) or "") > limit:
            found[field] = f"Keep {_NOUNS[field]} to {limit} characters or fewer"
    if not content.get("name"):
        found["name"] = "Enter the service name"
    for field in LINE_FIELDS:
        if problem := _lines_problem(field, content.get(field) or []):
            found[field] = problem
    categories = list(categories)
    category = content.get("category") or ""
    if category and category not in categories:
        found.setdefault("category", f"Choose one of the lot's categories: {', '.join(categories)}")
    elif not category and submitting and categories:
        found["category"] = "Choose the category of the service"
    price = content.get("price")
    if problem := _price_problem(price):
        found["price"] = problem
    elif price is None and submitting:
        found["price"] = "Enter the price, like 120.00 (0 for a free service)"
    if submitting and not content.get("price_unit"):
        found.setdefault("price_unit", "Enter what the price is for, like per user per month")
    codes = content.get("certifications") or []
    unknown = [code for code in codes if code not in CertificateKind.values]
    if unknown:
        found["certifications"] = f"Choose certifications from the list (not {', '.join(unknown)})"
    elif submitting and held is not None:
        missing = [CertificateKind(code).label for code in codes if code not in held]
        if missing:
            found["certifications"] = (
                "Add a current certificate to your supplier profile for each certification "
                f"claimed, or take it off the listing: {', '.join(missing)}"
            )
    return found


def check(
    content: dict, *, categories: Iterable[str], submitting: bool, held: set[str] | None = None
) -> None:
    """Refuse content with any problem (ListingRefused, every problem named)."""
    found = problems(content, categories=categories, submitting=submitting, held=held)
    if found:
        ordered = {field: found[field] for field in CONTENT_FIELDS if field in found}
        raise ListingRefused(ordered)


def certification_labels(codes) -> list[str]:
    """The certifications' names, for pages (codes that are no kind left out)."""
    return [CertificateKind(code).label for code in codes if code in CertificateKind.values]


def as_json(content: dict) -> dict:
    """Content as a version keeps it: JSON, the price a string with pence (or null)."""
    data = {field: content.get(field) for field in CONTENT_FIELDS}
    price = data["price"]
    data["price"] = None if price is None else str(Decimal(price).quantize(Decimal("0.01")))
    return data
