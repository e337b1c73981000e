"""The dashboards' tables (a helper of the pages): each table's columns and rows built once
from the figures, then shown on the page (money as £, shares as per cent to one place) and
written to its CSV download (pounds and per cent as numbers, to two places), so the page, the
table and the CSV say the same."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

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


@dataclass
class Table:
    name: str  # its download's name
    caption: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)

    @property
    def header(self) -> list[dict]:
        return [{"label": c.label, "numeric": _numeric(c)} for c in self.columns]

    def cells(self, rows=None) -> list[list[dict]]:
        """Each row's cells for the page: text, whether numeric, and a link where there is one."""
        return [
            [
                {"text": display(value, column.kind), "numeric": _numeric(column), **_href(value)}
                for column, value in zip(self.columns, row, strict=True)
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
