"""The figures the insights' pages, CSV downloads and API show: the measures (measures.py and
its siblings) run on the snapshot (engine.py), filtered, as plain rows of Decimals and text.

One place for what a page, its table, its CSV and the API say, so they cannot disagree: money
in pounds as Decimal (two places), shares in per cent as Decimal (two places), None where the
data gives nothing to divide by. Everything read here comes from the Parquet snapshot, never
from a live table: a page cannot show what was not published."""

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from . import engine, measures

PENNY = Decimal("0.01")
QUARTER = re.compile(r"[0-9]{4}-Q[1-4]")
CPV_DIVISION = re.compile(r"[0-9]{2}")
# What the snapshot's buyer, region and other identifiers may hold: no control characters.
IDENTIFIER = re.compile(r"[^\x00-\x1f\x7f]{1,200}")
KIND_LABELS = {"sme": "SME", "vcse": "VCSE"}


@dataclass(frozen=True)
class Filters:
    """What the dashboards and the API narrow the measures to; None is everything. `authority`
    is the OCDS buyer party id (buyer.id); quarters are "2026-Q1", the range inclusive."""

    authority: str | None = None
    cpv_division: str | None = None
    region: str | None = None
    quarter_from: str | None = None
    quarter_to: str | None = None

    def problems(self) -> dict[str, str]:
        """What is wrong with these filters, by field, in words for a person: the one rule the
        page's form and the API's parameters both apply."""
        found = {}
        if self.authority is not None and not IDENTIFIER.fullmatch(self.authority):
            found["authority"] = "Enter an authority's identifier of at most 200 characters"
        if self.cpv_division is not None and not CPV_DIVISION.fullmatch(self.cpv_division):
            found["cpv_division"] = "Enter a CPV division as two digits, like 45"
        if self.region is not None and not IDENTIFIER.fullmatch(self.region):
            found["region"] = "Enter a region's code of at most 200 characters, like UKK"
        for name in ("quarter_from", "quarter_to"):
            value = getattr(self, name)
            if value is not None and not QUARTER.fullmatch(value):
                found[name] = "Enter a quarter like 2026-Q1"
        if (
            not found.keys() & {"quarter_from", "quarter_to"}
            and self.quarter_from
            and self.quarter_to
            and self.quarter_from > self.quarter_to
        ):
            found["quarter_to"] = "The last quarter must be the same as or after the first"
        return found

    def as_query(self) -> dict[str, str]:
        """The filters given, for a link's query string."""
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name)) is not None}


@dataclass
class Snapshot:
    """The snapshot's tables on an engine's connection, its manifest (None for a snapshot in
    an object store, whose manifest is not read here) and when it was last written."""

    tables: dict
    manifest: dict | None
    written_at: datetime | None = None


def open_snapshot() -> Snapshot | None:
    """The snapshot, or None while none has been written (the pages say so)."""
    directory = engine.snapshot_dir()
    manifest = engine.read_manifest()
    if manifest is None and not engine.is_remote(directory):
        return None
    written_at = None
    if manifest is not None:  # the manifest is replaced whole at the end of every write
        path = Path(directory.removeprefix("file://")) / engine.MANIFEST
        written_at = datetime.fromtimestamp(path.stat().st_mtime_ns / 1e9, tz=UTC)
    return Snapshot(
        tables=engine.tables(engine.connect()), manifest=manifest, written_at=written_at
    )


_KEPT: "OrderedDict[tuple, object]" = OrderedDict()
_KEPT_LOCK = threading.Lock()
KEPT_MOST = 256


def kept(snapshot: Snapshot, key: tuple, build):
    """`build()`, worked out once for this snapshot and `key` and kept in this process (the
    most recent KEPT_MOST), so a dashboard asked for again is not worked out again; what was
    kept for an earlier snapshot is dropped when a new one is written. Ibis takes a good part
    of a second to compile each measure whatever the data, so this is most of a page's time."""
    version = (engine.snapshot_dir(), snapshot.written_at or date.today())
    full = (version, key)
    with _KEPT_LOCK:
        if full in _KEPT:
            _KEPT.move_to_end(full)
            return _KEPT[full]
    found = build()
    with _KEPT_LOCK:
        for old in [k for k in _KEPT if k[0] != version]:
            del _KEPT[old]
        _KEPT[full] = found
        while len(_KEPT) > KEPT_MOST:
            _KEPT.popitem(last=False)
    return found


def narrowed(tables: dict, filters: Filters, *, authority: str | None = None) -> dict:
    """The snapshot tables with only the rows the filters keep (`authority` overrides the
    filters' own: a buyer's dashboard is always its own authority's)."""
    authority = authority or filters.authority
    out = {}
    for name, table in tables.items():
        columns = set(table.columns)
        conditions = []
        if authority is not None and "buyer_id" in columns:
            conditions.append(table.buyer_id == authority)
        if filters.cpv_division is not None:
            conditions.append(table.cpv_division == filters.cpv_division)
        if filters.region is not None:
            if "region" in columns:
                conditions.append(table.region == filters.region)
            else:  # bids: the region of the process's awards
                awards = tables["awards"]
                in_region = awards.filter(awards.region == filters.region).ocid
                conditions.append(table.ocid.isin(in_region))
        if filters.quarter_from is not None and "quarter" in columns:
            conditions.append(table.quarter >= filters.quarter_from)
        if filters.quarter_to is not None and "quarter" in columns:
            conditions.append(table.quarter <= filters.quarter_to)
        out[name] = _filter(table, conditions)
    return out


def _filter(table, conditions):
    return table.filter(conditions) if conditions else table


def pounds(value) -> Decimal:
    """A sum of money from the measures (a float, or None for nothing) in pounds and pence."""
    if value is None:
        return Decimal("0.00")
    return Decimal(repr(float(value))).quantize(PENNY, rounding=ROUND_HALF_UP)


def percent(value) -> Decimal | None:
    """A share from the measures (per cent, a float) to two places; None stays None."""
    if value is None:
        return None
    return Decimal(repr(float(value))).quantize(PENNY, rounding=ROUND_HALF_UP)


def target(kind: str) -> Decimal | None:
    return percent(measures.target(kind))


# ---------------------------------------------------------------------------------------------
# Share of spend


@dataclass(frozen=True)
class Share:
    """A kind's share of spend (SME or VCSE) for a group: direct, and direct with indirect."""

    kind: str
    spend: Decimal
    spend_kind: Decimal
    indirect_kind: Decimal
    spend_unknown: Decimal
    share_direct: Decimal | None
    share_total: Decimal | None
    awarded: Decimal
    awarded_kind: Decimal
    share_awarded: Decimal | None
    target: Decimal | None

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def meets_target(self) -> bool | None:
        if self.target is None or self.share_total is None:
            return None
        return self.share_total >= self.target


def _share(row: dict, kind: str) -> Share:
    return Share(
        kind=kind,
        spend=pounds(row.get("spend")),
        spend_kind=pounds(row.get("spend_kind")),
        indirect_kind=pounds(row.get("indirect_kind")),
        spend_unknown=pounds(row.get("spend_unknown")),
        share_direct=percent(row.get("share_direct")),
        share_total=percent(row.get("share_total")),
        awarded=pounds(row.get("awarded")),
        awarded_kind=pounds(row.get("awarded_kind")),
        share_awarded=percent(row.get("share_awarded")),
        target=percent(row.get("target", measures.target(kind))),
    )


def shares(tables: dict) -> list[Share]:
    """The SME share and the VCSE share of all the spend in `tables` (narrowed already)."""
    found = []
    for kind in measures.KINDS:
        [row] = measures.rows(measures.spend_share(tables, kind=kind)) or [{}]
        found.append(_share(row, kind))
    return found


@dataclass(frozen=True)
class GroupShares:
    """One group's (a quarter's, an authority's) SME and VCSE shares."""

    key: str
    name: str
    sme: Share
    vcse: Share


def shares_by(tables: dict, dimension: str) -> list[GroupShares]:
    """The SME and VCSE shares of spend for each quarter ("quarter") or authority ("buyer"),
    in order of the key (quarters in time order, authorities by their identifier)."""
    column = measures.DIMENSIONS[dimension][0]
    by_kind = {
        kind: {
            row[column]: row
            for row in measures.rows(measures.spend_share(tables, by=[dimension], kind=kind))
        }
        for kind in measures.KINDS
    }
    # Only groups with spend: a quarter or authority with awards alone has no share of spend.
    keys = sorted(
        key
        for key, row in by_kind["sme"].items()
        if key is not None and (row.get("spend") or row.get("indirect_kind"))
    )
    groups = []
    for key in keys:
        sme, vcse = by_kind["sme"].get(key, {}), by_kind["vcse"].get(key, {})
        name = sme.get("buyer_name") or vcse.get("buyer_name") or key
        groups.append(
            GroupShares(key=key, name=name, sme=_share(sme, "sme"), vcse=_share(vcse, "vcse"))
        )
    if dimension == "buyer":
        groups.sort(key=lambda g: (g.name.casefold(), g.key))
    return groups


# ---------------------------------------------------------------------------------------------
# What the filters offer


@dataclass(frozen=True)
class Choices:
    authorities: list[tuple[str, str]]  # (buyer id, name), by name
    cpv_divisions: list[str]
    regions: list[str]
    quarters: list[str]


def choices(tables: dict) -> Choices:
    """The authorities, CPV divisions, regions and quarters the snapshot has, for the filters."""
    import ibis

    def distinct(column: str, names=("payments", "awards", "subcontracts")) -> list:
        parts = [
            tables[name].select(value=tables[name][column].cast("string"))
            for name in names
            if column in tables[name].columns
        ]
        union = ibis.union(*parts, distinct=True) if len(parts) > 1 else parts[0].distinct()
        values = union.filter(union.value.notnull()).to_pyarrow().column("value").to_pylist()
        return sorted(values)

    named = [
        tables[name].select(
            buyer_id=tables[name].buyer_id.cast("string"),
            buyer_name=tables[name].buyer_name.cast("string"),
        )
        for name in ("payments", "awards", "subcontracts")
    ]
    union = ibis.union(*named, distinct=False)
    buyers = (
        union.filter(union.buyer_id.notnull())
        .group_by("buyer_id")
        .aggregate(buyer_name=union.buyer_name.max())
        .to_pyarrow()
        .to_pylist()
    )
    authorities = sorted(
        ((b["buyer_id"], b["buyer_name"] or b["buyer_id"]) for b in buyers),
        key=lambda pair: (pair[1].casefold(), pair[0]),
    )
    return Choices(
        authorities=authorities,
        cpv_divisions=distinct("cpv_division", ("payments", "awards", "subcontracts", "bids")),
        regions=distinct("region"),
        quarters=every_quarter(distinct("quarter", ("payments", "awards", "subcontracts", "bids"))),
    )


def every_quarter(found: list[str]) -> list[str]:
    """Every quarter from the first to the last of those found (a gap is still a quarter to
    choose: a range may start or end in it)."""
    found = [q for q in found if QUARTER.fullmatch(q)]
    if not found:
        return []
    (year, number), (last_year, last_number) = (
        (int(q[:4]), int(q[-1])) for q in (min(found), max(found))
    )
    quarters = []
    while (year, number) <= (last_year, last_number):
        quarters.append(f"{year}-Q{number}")
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)
    return quarters
