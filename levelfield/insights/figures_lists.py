"""The figures about procurements (figures.py's sibling): access (the SME and VCSE share of
bids and wins), red flags and re-lets, from access.py, flags.py and savings.py on the
snapshot, filtered as the dashboards and the API ask.

A procurement is kept whole: the filters choose procurements (by their awards' or bids'
authority, CPV division, region and quarter) and then every award and bid of those counts, so
a bid made in March on a procurement awarded in April is not lost to a filter on April. Re-lets
are chosen by the later contract's start; the earlier one may be older than the range."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import ibis
from django.conf import settings

from . import access, flags, savings
from .figures import KIND_LABELS, Filters, kept, narrowed, percent, pounds

KEY = ["source", "ocid"]


def procurements(tables: dict, filters: Filters, *, authority: str | None = None) -> dict:
    """The tables with only the awards and bids of the procurements the filters choose."""
    chosen = narrowed(tables, filters, authority=authority)
    keys = ibis.union(chosen["awards"].select(*KEY), chosen["bids"].select(*KEY), distinct=True)
    out = dict(tables)
    for name in ("awards", "bids"):
        table = tables[name]
        out[name] = table.semi_join(keys, KEY)
    return out


def _ratio(value) -> Decimal | None:
    return None if value is None else Decimal(repr(float(value))).quantize(Decimal("0.01"))


# ---------------------------------------------------------------------------------------------
# Access


@dataclass(frozen=True)
class Access:
    """A kind's (SMEs', VCSEs') share of bids and of wins, and its win rate against all."""

    kind: str
    bids: int
    bids_kind: int
    wins: int
    wins_kind: int
    bid_share: Decimal | None
    win_share: Decimal | None
    win_rate: Decimal | None  # of the kind's bids, per cent
    win_rate_all: Decimal | None  # of all bids, per cent
    win_to_bid: Decimal | None  # win share / bid share: below 1, they win less than they bid

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def _access(row: dict, kind: str) -> Access:
    return Access(
        kind=kind,
        bids=int(row.get("bids") or 0),
        bids_kind=int(row.get(f"{kind}_bids") or 0),
        wins=int(row.get("wins") or 0),
        wins_kind=int(row.get(f"{kind}_wins") or 0),
        bid_share=percent(row.get(f"{kind}_bid_share")),
        win_share=percent(row.get(f"{kind}_win_share")),
        win_rate=percent(row.get(f"{kind}_win_rate")),
        win_rate_all=percent(row.get("win_rate")),
        win_to_bid=_ratio(row.get(f"{kind}_win_to_bid")),
    )


def access_overall(tables: dict) -> list[Access]:
    """The SMEs' and the VCSEs' access over all the procurements in `tables`."""
    [row] = flags.execute(access.access_overall(tables)) or [{}]
    return [_access(row, kind) for kind in ("sme", "vcse")]


@dataclass(frozen=True)
class CategoryAccess:
    main_category: str | None
    cpv_division: str | None
    tenders: int
    sme: Access
    vcse: Access


def access_by_category(tables: dict) -> list[CategoryAccess]:
    """Access per main category (goods, works, services) and CPV division."""
    return [
        CategoryAccess(
            main_category=row["main_category"],
            cpv_division=row["cpv_division"],
            tenders=int(row["tenders"] or 0),
            sme=_access(row, "sme"),
            vcse=_access(row, "vcse"),
        )
        for row in flags.execute(access.access_by_category(tables))
    ]


# ---------------------------------------------------------------------------------------------
# Red flags and re-lets: worked out once per snapshot, then chosen by the filters
#
# Their expressions (nine indicators; re-lets' windows and fuzzy titles) take Ibis seconds to
# compile, whatever the data, so each is run once over the whole snapshot and kept (figures.kept)
# until the snapshot is written again; the filters then choose procurements from it. Worked out
# over the whole snapshot, a buyer-wide flag (R038) sees all the buyer's bids.


def _keys(table) -> set[tuple]:
    return {
        (r["source"], r["ocid"]) for r in table.select(*KEY).distinct().to_pyarrow().to_pylist()
    }


@dataclass(frozen=True)
class Flag:
    source: str
    ocid: str
    buyer_id: str | None
    buyer_name: str | None
    procurement: str | None
    code: str
    title: str
    why: str
    link: str | None
    version: str


def _flag(row: dict) -> Flag:
    return Flag(
        source=row["source"],
        ocid=row["ocid"],
        buyer_id=row.get("buyer_id"),
        buyer_name=row.get("buyer_name"),
        procurement=row.get("procurement"),
        code=row["code"],
        title=row["title"],
        why=row["why"],
        link=row.get("link"),
        version=row["version"],
    )


def red_flags(snapshot, filters: Filters, *, authority: str | None = None) -> list[Flag]:
    """The red flags fired on the procurements the filters choose, by source, ocid and code,
    each with why and a link to the procurement (our tender page, or the notice's own)."""

    def build():
        expr = flags.red_flags(
            snapshot.tables,
            ocid_prefix=settings.LEVELFIELD_OCID_PREFIX,
            tender_url=flags.tender_url(),
        )
        return [_flag(row) for row in flags.execute(expr)]

    every = kept(snapshot, ("flags",), build)
    if not every or (filters == Filters() and authority is None):
        return every
    chosen = procurements(snapshot.tables, filters, authority=authority)
    keys = _keys(chosen["awards"]) | _keys(chosen["bids"])
    return [f for f in every if (f.source, f.ocid) in keys]


@dataclass(frozen=True)
class Relet:
    buyer_id: str
    buyer_name: str | None
    cpv_division: str | None
    before_ocid: str
    before_title: str | None
    before_supplier: str | None
    after_source: str
    after_ocid: str
    after_title: str | None
    after_supplier: str | None
    after_start: date | None
    supplier_changed: bool
    before_annual: Decimal
    after_annual: Decimal
    annual_saving: Decimal
    units_a_year: Decimal | None
    unit: str | None
    why: str


def _relet(row: dict) -> Relet:
    units = row.get("units_a_year")
    return Relet(
        buyer_id=row["buyer_id"],
        buyer_name=row.get("buyer_name"),
        cpv_division=row.get("cpv_division"),
        before_ocid=row["before_ocid"],
        before_title=row.get("before_title"),
        before_supplier=row.get("before_supplier"),
        after_source=row["after_source"],
        after_ocid=row["after_ocid"],
        after_title=row.get("after_title"),
        after_supplier=row.get("after_supplier"),
        after_start=row.get("after_start"),
        supplier_changed=bool(row.get("supplier_changed")),
        before_annual=pounds(row.get("before_annual")),
        after_annual=pounds(row.get("after_annual")),
        annual_saving=pounds(row.get("annual_saving")),
        units_a_year=None if units is None else Decimal(repr(float(units))).quantize(Decimal(1)),
        unit=row.get("unit") if units is not None else None,
        why=row["why"],
    )


def _quarter_start(quarter: str) -> date:
    year, number = quarter.split("-Q")
    return date(int(year), 3 * int(number) - 2, 1)


def _quarter_end(quarter: str) -> date:
    start = _quarter_start(quarter)
    return date(start.year + 1, 1, 1) if start.month == 10 else date(start.year, start.month + 3, 1)


def relets(snapshot, filters: Filters, *, authority: str | None = None) -> list[Relet]:
    """The re-lets whose later contract starts in the filters' quarters and is of the
    filters' authority, CPV division and region; in the buyers' own units where they have set
    them."""
    costs = _unit_costs()
    fingerprint = tuple(sorted(tuple(sorted((k, str(v)) for k, v in c.items())) for c in costs))

    def build():
        expr = savings.relets(snapshot.tables, savings.unit_costs_table(costs))
        return [_relet(row) for row in flags.execute(expr)]

    every = kept(snapshot, ("relets", fingerprint), build)
    if filters.quarter_from:
        every = [
            r
            for r in every
            if r.after_start and r.after_start >= _quarter_start(filters.quarter_from)
        ]
    if filters.quarter_to:
        every = [
            r for r in every if r.after_start and r.after_start < _quarter_end(filters.quarter_to)
        ]
    everywhen = Filters(**{**filters.as_query(), "quarter_from": None, "quarter_to": None})
    if not every or (everywhen == Filters() and authority is None):
        return every
    keys = _keys(narrowed(snapshot.tables, everywhen, authority=authority)["awards"])
    return [r for r in every if (r.after_source, r.after_ocid) in keys]


def _unit_costs() -> list[dict]:
    """The unit costs buyers have set; none while the store for them is not there yet."""
    try:
        return savings.stored_unit_costs()
    except ImportError:
        return []
