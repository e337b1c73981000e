"""The API shapes of buying from the catalogue: the search (its criteria, results and facet
counts), projects with their saved searches, the frozen shortlist and the outcome. Money is a
string with two decimal places; a search's criteria are read by search.read_criteria, the one
reading every way in shares."""

from datetime import date
from typing import Annotated, Literal

from ninja import Field, Schema

from levelfield.core.api_helpers import (
    MAX_POSITION,
    DecimalString,
    InputSchema,
    MoneyIn,
    UtcDateTime,
)
from levelfield.suppliers.models import CertificateKind, Size

from .actions import projects
from .search import CHOICES_LIMIT, KEYWORDS_LIMIT, SORTS

SizeCode = Literal[tuple(Size.values)]  # type: ignore[valid-type]
CertificationCode = Literal[tuple(CertificateKind.values)]  # type: ignore[valid-type]
SortCode = Literal[tuple(SORTS)]  # type: ignore[valid-type]
PRICE_PATTERN = r"^([0-9]{1,10}(\.[0-9]{1,2})?)?$"
# A lot's id as documented and as enforced (it was only documented: -1 was taken, dropped and
# the search widened to every lot)
LotId = Annotated[int, Field(ge=1, le=MAX_POSITION)]


class MpCriteriaFields(Schema):
    """What a catalogue search asks: every filter given must match."""

    q: str = Field(
        "",
        max_length=KEYWORDS_LIMIT,
        description="Words in a service's name, description, features, category or supplier "
        "(websearch syntax on PostgreSQL: quotes for a phrase, - to leave a word out)",
    )
    lot: list[LotId] = Field(
        [],
        max_length=CHOICES_LIMIT,
        description="Lot ids (any of them); the facet `lot` lists them. A lot that is not "
        "one finds nothing",
    )
    category: list[str] = Field(
        [], max_length=CHOICES_LIMIT, description="Categories (any of them)"
    )
    price_min: str = Field(
        "", pattern=PRICE_PATTERN, description="Price per unit at least (£), like 99.50"
    )
    price_max: str = Field("", pattern=PRICE_PATTERN, description="Price per unit at most (£)")
    size: list[SizeCode] = Field(  # type: ignore[valid-type]
        [], max_length=4, description="Supplier sizes (any of them)"
    )
    vcse: bool = Field(False, description="Only services of VCSE suppliers")
    certification: list[CertificationCode] = Field(  # type: ignore[valid-type]
        [], max_length=CHOICES_LIMIT, description="Certifications the service holds (every one)"
    )
    sort: SortCode = Field(  # type: ignore[valid-type]
        "relevance", description="relevance (with `q`; else by name), price, or -price"
    )


class MpSearchQueryIn(MpCriteriaFields):
    page: int = Field(1, ge=1, le=100000, description="The page of results (20 a page)")


class MpSearchIn(InputSchema):
    """A search saved into a project: the same fields as the search's query."""

    q: str = Field("", max_length=KEYWORDS_LIMIT)
    lot: list[LotId] = Field([], max_length=CHOICES_LIMIT)
    category: list[str] = Field([], max_length=CHOICES_LIMIT)
    price_min: str = Field("", pattern=PRICE_PATTERN)
    price_max: str = Field("", pattern=PRICE_PATTERN)
    size: list[SizeCode] = Field([], max_length=4)  # type: ignore[valid-type]
    vcse: bool = False
    certification: list[CertificationCode] = Field(  # type: ignore[valid-type]
        [], max_length=CHOICES_LIMIT
    )
    sort: SortCode = "relevance"  # type: ignore[valid-type]


class MpFacetValueOut(Schema):
    value: str
    label: str
    count: int = Field(description="Services it would leave, beside the other facets chosen")
    chosen: bool


class MpFacetOut(Schema):
    name: str = Field(description="lot, category, size, vcse or certification")
    label: str
    values: list[MpFacetValueOut]


class MpListingResultOut(Schema):
    id: int
    name: str
    summary: str
    supplier_name: str
    supplier_size: str
    supplier_is_vcse: bool
    lot_id: int
    lot_number: int
    lot_title: str
    category: str
    price: DecimalString | None
    price_unit: str
    certifications: list[str]
    version: int

    @staticmethod
    def resolve_lot_number(listing) -> int:
        return listing.lot.number

    @staticmethod
    def resolve_lot_title(listing) -> str:
        return listing.lot.title


class MpSearchOut(Schema):
    total: int = Field(description="Every service matching, counted up to 1,000 (see `more_than`)")
    more_than: int | None = Field(
        None,
        description="1000 when more than 1,000 services match: only the newest 1,000 matches "
        "are listed (in the order asked); narrow the search to see others. Else null.",
    )
    facets_capped: bool = Field(
        False,
        description="True when more than 1,000 services match the words and price range: the "
        "facet counts are then of the newest 1,000 of them.",
    )
    page: int
    pages: int
    per_page: int
    results: list[MpListingResultOut]
    facets: list[MpFacetOut]


class MpProjectIn(InputSchema):
    name: str = Field(max_length=projects.NAME_LIMIT, description="What you are buying")
    need: str = Field("", max_length=projects.NEED_LIMIT)


class MpSavedSearchOut(Schema):
    number: int
    keywords: str
    filters: dict = Field(description="The facets chosen, as the search's fields")
    result_count: int = Field(description="Services it found when saved")
    saved_at: UtcDateTime


class MpShortlistEntryOut(Schema):
    id: int
    position: int
    listing_id: int
    listing_version: int = Field(description="The listing's version number shortlisted")
    snapshot: dict = Field(
        description="The service as it stood when the search ended: name, summary, supplier, "
        "supplier_id, supplier_size, supplier_is_vcse, price (string), price_unit, lot, "
        "lot_title, framework, category, certifications"
    )

    @staticmethod
    def resolve_listing_version(entry) -> int:
        return entry.listing_version.number


class MpOutcomeOut(Schema):
    awarded: bool
    entry_id: int | None
    value: DecimalString | None
    start_date: date | None
    end_date: date | None
    reason: str
    contract_id: int | None = Field(description="The call-off contract (an award)")
    contract_reference: str | None
    previous_cost: DecimalString | None
    previous_supplier: str
    saving: DecimalString | None = Field(description="Previous cost less the value; null unknown")
    recorded_at: UtcDateTime


class MpProjectOut(Schema):
    id: int
    reference: str
    name: str
    need: str
    status: str = Field(description="searching, ended, awarded or not_awarded")
    framework: str | None = Field(description="The framework's reference, once ended")
    created_at: UtcDateTime
    ended_at: UtcDateTime | None


class MpProjectDetailOut(MpProjectOut):
    searches: list[MpSavedSearchOut] = Field(description="Newest first: the first is the latest")
    shortlist: list[MpShortlistEntryOut]
    outcome: MpOutcomeOut | None


class MpOutcomeIn(InputSchema):
    """An award (a shortlisted service, value, dates, why) or not (why)."""

    awarded: bool
    entry_id: int | None = Field(
        None, ge=1, le=MAX_POSITION, description="The shortlist entry awarded (an award)"
    )
    value: MoneyIn | None = Field(None, description="Pounds, more than 0 (an award)")
    start_date: date | None = None
    end_date: date | None = Field(None, description="On or after the start date")
    reason: str = Field(max_length=5000, description="Why: kept with the outcome for audit")
    previous_cost: MoneyIn | None = Field(
        None, description="What you paid before for the same need, over as long a term"
    )
    previous_supplier: str = Field("", max_length=200)
