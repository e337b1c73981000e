"""The insights API's shapes: the filters (query parameters) and each measure's answer. Money
and shares travel as strings with two decimal places (pounds; per cent), counts as integers, a
share with nothing to divide by as null."""

from ninja import Field, Schema
from pydantic import model_validator

from levelfield.core.api_helpers import DecimalString, InputSchema, MoneyIn

from .figures import Filters


class InsightsBuyerFiltersIn(Schema):
    """The filters of a buyer's own figures (its authority is the caller's)."""

    cpv_division: str | None = Field(
        None, pattern=r"^[0-9]{2}$", description="Only this CPV division: two digits, like 45"
    )
    region: str | None = Field(
        None, max_length=200, description="Only this region: the ITL/NUTS code, like UKK"
    )
    quarter_from: str | None = Field(
        None, pattern=r"^[0-9]{4}-Q[1-4]$", description="From this quarter, like 2026-Q1"
    )
    quarter_to: str | None = Field(
        None,
        pattern=r"^[0-9]{4}-Q[1-4]$",
        description="To this quarter (included), like 2026-Q4; not before quarter_from",
    )

    @model_validator(mode="after")
    def _the_rule(self):
        problems = self.filters().problems()
        if problems:
            raise ValueError("; ".join(f"{name}: {p}" for name, p in problems.items()))
        return self

    def filters(self) -> Filters:
        return Filters(
            authority=getattr(self, "authority", None),
            cpv_division=self.cpv_division,
            region=self.region,
            quarter_from=self.quarter_from,
            quarter_to=self.quarter_to,
        )


class InsightsFiltersIn(InsightsBuyerFiltersIn):
    authority: str | None = Field(
        None,
        max_length=200,
        description="Only this authority: its OCDS buyer party id (`buyer.id`), like "
        "GB-LEVELFIELD-12",
    )


class SpendShareOut(Schema):
    kind: str = Field(description="sme or vcse")
    spend: DecimalString = Field(description="All spend (pounds)")
    spend_kind: DecimalString = Field(description="Paid to SMEs (VCSEs) directly (pounds)")
    indirect_kind: DecimalString = Field(
        description="Passed to SME (VCSE) subcontractors by larger primes (pounds)"
    )
    spend_unknown: DecimalString = Field(
        description="Paid to suppliers whose size is not published (pounds): in `spend`, "
        "not in `spend_kind`"
    )
    share_direct: DecimalString | None = Field(description="spend_kind / spend (per cent)")
    share_total: DecimalString | None = Field(
        description="(spend_kind + indirect_kind) / spend (per cent)"
    )
    awarded: DecimalString = Field(description="Value of contracts awarded (pounds), not spend")
    awarded_kind: DecimalString = Field(description="Of which to SMEs (VCSEs) (pounds)")
    share_awarded: DecimalString | None = Field(description="awarded_kind / awarded (per cent)")
    target: DecimalString | None = Field(description="The target share (per cent); null: none")
    meets_target: bool | None = Field(description="share_total >= target; null without both")


class SpendSharesOut(Schema):
    sme: SpendShareOut
    vcse: SpendShareOut
    snapshot_written_at: str | None = Field(
        description="When the snapshot the figures come from was written (ISO 8601, UTC); "
        "null before the first, when every figure is empty"
    )


class SpendShareGroupOut(Schema):
    key: str = Field(description="The quarter (2026-Q1), or the authority's OCDS party id")
    name: str = Field(description="The quarter, or the authority's name")
    sme: SpendShareOut
    vcse: SpendShareOut


class AccessShareOut(Schema):
    kind: str = Field(description="sme or vcse")
    bids: int = Field(description="Bids made on procurements whose bids are published")
    bids_kind: int = Field(description="Of which by SMEs (VCSEs)")
    wins: int = Field(description="Winning bids, and active awards' suppliers elsewhere")
    wins_kind: int = Field(description="Of which SMEs (VCSEs)")
    bid_share: DecimalString | None = Field(description="bids_kind / bids (per cent)")
    win_share: DecimalString | None = Field(description="wins_kind / wins (per cent)")
    win_rate: DecimalString | None = Field(description="Of their bids, how many won (per cent)")
    win_rate_all: DecimalString | None = Field(description="Of all bids, how many won (per cent)")
    win_to_bid: DecimalString | None = Field(
        description="win_share / bid_share: below 1.00 they win less than they bid"
    )


class AccessSharesOut(Schema):
    sme: AccessShareOut
    vcse: AccessShareOut


class AccessCategoryOut(Schema):
    main_category: str | None = Field(description="goods, works or services")
    cpv_division: str | None
    tenders: int = Field(description="Procurements")
    sme: AccessShareOut
    vcse: AccessShareOut


class RedFlagOut(Schema):
    source: str = Field(description="platform (ours) or imported")
    ocid: str
    buyer_id: str | None
    buyer_name: str | None
    procurement: str | None = Field(description="The procurement's title")
    code: str = Field(description="Cardinal's indicator code, like R018")
    title: str = Field(description="The indicator's title, like Single bid received")
    why: str = Field(description="Why it fired, with its numbers")
    link: str | None = Field(
        description="The procurement: our tender page (a path), or the notice's own page; "
        "null when the data gives none"
    )
    version: str = Field(description="The version of the thresholds that fired it")


class ReletOut(Schema):
    buyer_id: str
    buyer_name: str | None
    cpv_division: str | None
    before_ocid: str
    before_title: str | None
    before_supplier: str | None
    after_ocid: str
    after_title: str | None
    after_supplier: str | None
    after_start: str | None = Field(description="When the later contract starts (YYYY-MM-DD)")
    supplier_changed: bool
    before_annual: DecimalString = Field(description="A year of the earlier contract (pounds)")
    after_annual: DecimalString = Field(description="A year of the later contract (pounds)")
    annual_saving: DecimalString = Field(description="before - after (pounds; negative: more)")
    units_a_year: int | None = Field(
        description="The saving in the buyer's own units a year, where it has set their cost"
    )
    unit: str | None
    why: str

    @staticmethod
    def resolve_after_start(relet) -> str | None:
        return relet.after_start.isoformat() if relet.after_start else None

    @staticmethod
    def resolve_units_a_year(relet) -> int | None:
        return None if relet.units_a_year is None else int(relet.units_a_year)


class BuyerUnitCostOut(Schema):
    id: int
    cpv_division: str = Field(description="Two digits, or empty")
    label: str = Field(description="Words in the contracts' titles, or empty")
    unit: str
    cost_per_unit: DecimalString = Field(description="Pounds")


class BuyerUnitCostIn(InputSchema):
    cpv_division: str = Field(
        "", max_length=2, description="The CPV division (two digits), or empty"
    )
    label: str = Field(
        "", max_length=200, description="Words the contracts' titles contain, or empty"
    )
    unit: str = Field(max_length=100, description="In the plural, like pothole repairs")
    cost_per_unit: MoneyIn
