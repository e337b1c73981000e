"""The dashboards' tables (a helper of the pages): each table's columns and rows built once
from the figures, then shown on the page (money as £, shares as per cent to one place) and
written to its CSV download (pounds and per cent as numbers, to two places), so the page, the
table and the CSV say the same."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from levelfield.core.display import uk_date
from levelfield.core.money import format_gbp

TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Link:
    text: str
    href: str | None


@dataclass(frozen=True)
class Column:
    label: str  # on the page
    csv_label: str  # in the CSV's header, with its unit
    kind: str = "text"  # text, money, percent, number, link
    page: bool = True  # shown on the page (else in the CSV only: identifiers, long text)


@dataclass
class Table:
    name: str  # its download's name
    caption: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)

    @property
    def header(self) -> list[dict]:
        return [{"label": c.label, "numeric": _numeric(c)} for c in self.columns if c.page]

    def cells(self, rows=None) -> list[list[dict]]:
        """Each row's cells for the page: text, whether numeric, and a link where there is one."""
        return [
            [
                {"text": display(value, column.kind), "numeric": _numeric(column), **_href(value)}
                for column, value in zip(self.columns, row, strict=True)
                if column.page
            ]
            for row in (self.rows if rows is None else rows)
        ]

    def csv_rows(self):
        yield [column.csv_label for column in self.columns]
        for row in self.rows:
            yield [spreadsheet(value) for value in row]


def _numeric(column: Column) -> bool:
    return column.kind in ("money", "percent", "number")


def _href(value) -> dict:
    return {"href": value.href} if isinstance(value, Link) and value.href else {}


def display(value, kind: str) -> str:
    """A value as the page shows it."""
    if isinstance(value, Link):
        return value.text
    if value is None:
        return "No data" if kind in ("percent", "number") else ""
    if kind == "money":
        return format_gbp(value)
    if kind == "percent":
        return f"{Decimal(value).quantize(TENTH, rounding=ROUND_HALF_UP)}%"
    if kind == "number":
        return f"{value:,}"
    if kind == "date":
        return uk_date(value)
    return str(value)


def spreadsheet(value):
    """A value as the CSV holds it: numbers as numbers, a link as its text."""
    if isinstance(value, Link):
        return value.text
    return value


# ---------------------------------------------------------------------------------------------


def share_table(shares, *, caption: str) -> Table:
    return Table(
        name="shares",
        caption=caption,
        columns=[
            Column("Suppliers", "Suppliers"),
            Column("All spend", "All spend (GBP)", "money"),
            Column("Paid to them", "Paid to them directly (GBP)", "money"),
            Column("Through subcontracts", "Through subcontracts (GBP)", "money"),
            Column("Share, direct", "Share direct (%)", "percent"),
            Column("Share, direct and indirect", "Share direct and indirect (%)", "percent"),
            Column("Target", "Target (%)", "percent"),
            Column("Spend with suppliers of unknown size", "Size unknown (GBP)", "money"),
        ],
        rows=[
            [
                f"{s.label}s",
                s.spend,
                s.spend_kind,
                s.indirect_kind,
                s.share_direct,
                s.share_total,
                s.target,
                s.spend_unknown,
            ]
            for s in shares
        ],
    )


def _group_columns(first: Column) -> list[Column]:
    return [
        first,
        Column("All spend", "All spend (GBP)", "money"),
        Column("SMEs, direct", "SME share direct (%)", "percent"),
        Column("SMEs, direct and indirect", "SME share direct and indirect (%)", "percent"),
        Column("VCSEs, direct", "VCSE share direct (%)", "percent"),
        Column("VCSEs, direct and indirect", "VCSE share direct and indirect (%)", "percent"),
    ]


def _group_row(first, group) -> list:
    return [
        first,
        group.sme.spend,
        group.sme.share_direct,
        group.sme.share_total,
        group.vcse.share_direct,
        group.vcse.share_total,
    ]


def quarter_table(groups, *, caption: str) -> Table:
    return Table(
        name="quarters",
        caption=caption,
        columns=_group_columns(Column("Quarter", "Quarter")),
        rows=[_group_row(g.key, g) for g in groups],
    )


def authority_table(groups, *, caption: str, link) -> Table:
    """`link(group)` is the address of the dashboard for that authority alone."""
    return Table(
        name="authorities",
        caption=caption,
        columns=[
            Column("Authority", "Authority"),
            Column("Identifier", "Authority identifier"),
            *_group_columns(Column("", ""))[1:],
        ],
        rows=[[Link(g.name, link(g)), *_group_row(g.key, g)] for g in groups],
    )


def access_table(rows, *, caption: str) -> Table:
    return Table(
        name="access",
        caption=caption,
        columns=[
            Column("Suppliers", "Suppliers"),
            Column("All bids", "All bids", "number"),
            Column("Their bids", "Their bids", "number"),
            Column("Share of bids", "Share of bids (%)", "percent"),
            Column("All wins", "All wins", "number"),
            Column("Their wins", "Their wins", "number"),
            Column("Share of wins", "Share of wins (%)", "percent"),
            Column("Their win rate", "Their win rate (%)", "percent"),
            Column("Everyone's win rate", "Win rate of all bids (%)", "percent"),
        ],
        rows=[
            [
                f"{a.label}s",
                a.bids,
                a.bids_kind,
                a.bid_share,
                a.wins,
                a.wins_kind,
                a.win_share,
                a.win_rate,
                a.win_rate_all,
            ]
            for a in rows
        ],
    )


def category_table(rows, *, caption: str) -> Table:
    return Table(
        name="categories",
        caption=caption,
        columns=[
            Column("Category", "Main category"),
            Column("CPV division", "CPV division"),
            Column("Procurements", "Procurements", "number"),
            Column("SMEs' share of bids", "SME share of bids (%)", "percent"),
            Column("SMEs' share of wins", "SME share of wins (%)", "percent"),
            Column("VCSEs' share of bids", "VCSE share of bids (%)", "percent"),
            Column("VCSEs' share of wins", "VCSE share of wins (%)", "percent"),
        ],
        rows=[
            [
                (c.main_category or "Not given").capitalize(),
                c.cpv_division or "Not given",
                c.tenders,
                c.sme.bid_share,
                c.sme.win_share,
                c.vcse.bid_share,
                c.vcse.win_share,
            ]
            for c in rows
        ],
    )


SOURCES = {"platform": "levelfield", "imported": "Imported", "spend": "Spend file"}


def flag_rows(flags) -> list[list]:
    return [
        [
            Link(f.procurement or f.ocid, f.link),
            f.ocid,
            f.link or "",
            SOURCES.get(f.source, f.source),
            f.buyer_name or f.buyer_id or "",
            f.buyer_id or "",
            f.code,
            f"{f.code}: {f.title}",
            f.why,
            f.version,
        ]
        for f in flags
    ]


def flags_table(flags, *, caption: str) -> Table:
    """`flags` is a page of them, or all of them for the CSV."""
    return Table(
        name="red-flags",
        caption=caption,
        columns=[
            Column("Procurement", "Procurement", "link"),
            Column("OCID", "OCID", page=False),
            Column("Link", "Link", page=False),
            Column("From", "From"),
            Column("Authority", "Authority"),
            Column("Authority identifier", "Authority identifier", page=False),
            Column("Code", "Code", page=False),
            Column("Red flag", "Red flag"),
            Column("Why", "Why"),
            Column("Thresholds", "Thresholds version", page=False),
        ],
        rows=flag_rows(flags),
    )


def relet_rows(relets) -> list[list]:
    return [
        [
            r.after_title or r.after_ocid,
            r.buyer_name or r.buyer_id,
            r.buyer_id,
            r.before_ocid,
            r.after_ocid,
            r.before_supplier or "",
            r.after_supplier or "",
            r.after_start,
            r.before_annual,
            r.after_annual,
            r.annual_saving,
            _in_units(r),
            r.why,
        ]
        for r in relets
    ]


def _in_units(relet) -> str:
    if relet.units_a_year is None:
        return ""
    words = f"about {abs(relet.units_a_year):,} {relet.unit} a year"
    return words + " fewer" if relet.units_a_year < 0 else words


def relets_table(relets, *, caption: str) -> Table:
    return Table(
        name="relets",
        caption=caption,
        columns=[
            Column("Contract", "Contract"),
            Column("Authority", "Authority"),
            Column("Authority identifier", "Authority identifier", page=False),
            Column("Earlier OCID", "Earlier OCID", page=False),
            Column("Later OCID", "Later OCID", page=False),
            Column("Supplier before", "Supplier before"),
            Column("Supplier after", "Supplier after"),
            Column("Starts", "Later contract starts", "date"),
            Column("A year before", "Annual cost before (GBP)", "money"),
            Column("A year after", "Annual cost after (GBP)", "money"),
            Column("Saving a year", "Saving a year (GBP)", "money"),
            Column("In the buyer's units", "Saving a year in the buyer's units"),
            Column("Why", "Why", page=False),
        ],
        rows=relet_rows(relets),
    )
