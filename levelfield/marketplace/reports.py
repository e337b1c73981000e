"""The marketplace's public figures, like the Digital Marketplace's own: call-off spend by
framework and lot (value and count), the share of it won by SMEs (micro, small and medium
suppliers) and by VCSEs, by value and by count, against the target; and what the catalogue
holds (live services, suppliers listed, by size).

What counts:
- A call-off is an awarded outcome whose contract is public (signed, in force or ended: what
  the contract register shows); its value is the value awarded (`Outcome.value`), its
  framework and lot those of the service awarded.
- A supplier's size and VCSE status are its supplier profile's (micro, small, medium, large as
  in the Digital Marketplace's supplier records; SME = not large, PPN 001).
- A share is the kind's value (or count) over all call-offs' (per cent, to one decimal place,
  halves up, as insights shows shares; None when there is nothing to divide). The target is
  insights' (settings LEVELFIELD_INSIGHTS_TARGETS, 33% for SMEs: "1 in every 3 pounds" of
  central government procurement spend, direct and indirect, DOMAIN.md; none for VCSEs unless
  set), met when the share by value, unrounded, is at least it.
- Suppliers listed: those with at least one live service on a live framework."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum

from levelfield.contracts.lifecycle import PUBLIC
from levelfield.core.money import PENNY
from levelfield.insights import measures
from levelfield.suppliers.models import Size

from .lifecycle import FrameworkStatus
from .models import Framework, Listing, Outcome

TENTH = Decimal("0.1")
KINDS = (("sme", "SME"), ("vcse", "VCSE"))


def percent(part, whole) -> Decimal | None:
    """`part` of `whole` in per cent, to one place (halves up); None when `whole` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass
class Spend:
    """Call-offs' value and count, with the SMEs' and VCSEs' part of each."""

    value: Decimal = Decimal(0)
    count: int = 0
    sme_value: Decimal = Decimal(0)
    sme_count: int = 0
    vcse_value: Decimal = Decimal(0)
    vcse_count: int = 0

    def add(self, *, value: Decimal, count: int, sme: bool, vcse: bool) -> None:
        self.value += value
        self.count += count
        if sme:
            self.sme_value += value
            self.sme_count += count
        if vcse:
            self.vcse_value += value
            self.vcse_count += count

    @property
    def sme_share_by_value(self) -> Decimal | None:
        return percent(self.sme_value, self.value)

    @property
    def sme_share_by_count(self) -> Decimal | None:
        return percent(self.sme_count, self.count)

    @property
    def vcse_share_by_value(self) -> Decimal | None:
        return percent(self.vcse_value, self.value)

    @property
    def vcse_share_by_count(self) -> Decimal | None:
        return percent(self.vcse_count, self.count)


@dataclass
class LotSpend(Spend):
    framework_reference: str = ""
    framework_name: str = ""
    lot_number: int = 0
    lot_title: str = ""


@dataclass
class SizeSpend(Spend):
    size: str = ""
    label: str = ""
    suppliers_listed: int = 0
    services_live: int = 0


@dataclass(frozen=True)
class Share:
    """A kind's share of call-off spend, against its target."""

    kind: str
    label: str
    value: Decimal
    count: int
    share_by_value: Decimal | None
    share_by_count: Decimal | None
    target: Decimal | None
    exact_share: Decimal | None  # unrounded, for the target

    @property
    def meets_target(self) -> bool | None:
        if self.target is None or self.exact_share is None:
            return None
        return self.exact_share >= self.target


@dataclass
class Report:
    framework: Framework | None
    total: Spend = field(default_factory=Spend)
    by_lot: list[LotSpend] = field(default_factory=list)
    by_size: list[SizeSpend] = field(default_factory=list)
    services_live: int = 0
    suppliers_listed: int = 0

    @property
    def shares(self) -> list[Share]:
        total = self.total
        out = []
        for kind, label in KINDS:
            value, count = getattr(total, f"{kind}_value"), getattr(total, f"{kind}_count")
            target = measures.target(kind)
            out.append(
                Share(
                    kind=kind,
                    label=label,
                    value=value,
                    count=count,
                    share_by_value=percent(value, total.value),
                    share_by_count=percent(count, total.count),
                    target=None if target is None else Decimal(str(target)),
                    exact_share=value * 100 / total.value if total.value else None,
                )
            )
        return out


def reported_frameworks():
    """The frameworks the report offers: those announced (a coming one has no call-offs)."""
    return Framework.objects.exclude(status=FrameworkStatus.COMING).order_by("reference")


def call_offs(framework: Framework | None = None):
    """The call-offs the report counts (see the module's doc)."""
    found = Outcome.objects.filter(
        awarded=True, contract__isnull=False, contract__status__in=PUBLIC
    )
    if framework is not None:
        found = found.filter(entry__listing__lot__framework=framework)
    return found


def report(framework: Framework | None = None) -> Report:
    """The figures, for every framework or one (three queries)."""
    result = Report(framework=framework)
    sizes = {size: SizeSpend(size=size, label=label) for size, label in Size.choices}
    lots: dict[int, LotSpend] = {}
    rows = (
        call_offs(framework)
        .values(
            "entry__listing__lot",
            "entry__listing__lot__number",
            "entry__listing__lot__title",
            "entry__listing__lot__framework__reference",
            "entry__listing__lot__framework__name",
            "contract__supplier__supplier_profile__size",
            "contract__supplier__supplier_profile__is_vcse",
        )
        .annotate(value=Sum("value"), count=Count("pk"))
        .order_by()
    )
    for row in rows:
        size = row["contract__supplier__supplier_profile__size"] or ""
        figures = {
            # Pence always (SQLite's sum of decimals drops them).
            "value": Decimal(row["value"] or 0).quantize(PENNY),
            "count": row["count"],
            "sme": bool(size) and size != Size.LARGE,
            "vcse": bool(row["contract__supplier__supplier_profile__is_vcse"]),
        }
        result.total.add(**figures)
        lot = lots.setdefault(
            row["entry__listing__lot"],
            LotSpend(
                framework_reference=row["entry__listing__lot__framework__reference"],
                framework_name=row["entry__listing__lot__framework__name"],
                lot_number=row["entry__listing__lot__number"],
                lot_title=row["entry__listing__lot__title"],
            ),
        )
        lot.add(**figures)
        if size in sizes:
            sizes[size].add(**figures)
    result.by_lot = sorted(lots.values(), key=lambda lot: (lot.framework_reference, lot.lot_number))
    live = Listing.objects.live()
    if framework is not None:
        live = live.filter(lot__framework=framework)
    listed: dict[str, set[int]] = defaultdict(set)
    for row in live.values("supplier_size", "supplier").annotate(services=Count("pk")).order_by():
        result.services_live += row["services"]
        listed[row["supplier_size"]].add(row["supplier"])
        if row["supplier_size"] in sizes:
            sizes[row["supplier_size"]].services_live += row["services"]
    for size, suppliers in listed.items():
        if size in sizes:
            sizes[size].suppliers_listed = len(suppliers)
    result.suppliers_listed = len(set().union(*listed.values()))
    result.by_size = list(sizes.values())
    return result


def csv_rows(found: Report) -> list[list]:
    """The report as rows for a CSV: one per framework lot, then one per supplier size, then
    the totals (numbers as numbers; shares in per cent, blank where there is nothing)."""
    header = [
        "Group",
        "Framework",
        "Lot",
        "Call-off value (GBP)",
        "Call-offs",
        "SME value (GBP)",
        "SME share by value (%)",
        "SME call-offs",
        "SME share by count (%)",
        "VCSE value (GBP)",
        "VCSE share by value (%)",
        "VCSE call-offs",
        "VCSE share by count (%)",
        "Suppliers listed",
        "Services live",
    ]

    def figures(spend: Spend) -> list:
        return [
            spend.value,
            spend.count,
            spend.sme_value,
            spend.sme_share_by_value,
            spend.sme_count,
            spend.sme_share_by_count,
            spend.vcse_value,
            spend.vcse_share_by_value,
            spend.vcse_count,
            spend.vcse_share_by_count,
        ]

    rows: list[list] = [header]
    for lot in found.by_lot:
        rows.append(
            [
                "Lot",
                f"{lot.framework_reference}: {lot.framework_name}",
                f"Lot {lot.lot_number}: {lot.lot_title}",
                *figures(lot),
                "",
                "",
            ]
        )
    for size in found.by_size:
        rows.append(
            [f"Supplier size: {size.label}", "", "", *figures(size)]
            + [size.suppliers_listed, size.services_live]
        )
    rows.append(
        ["All call-offs", "", "", *figures(found.total)]
        + [found.suppliers_listed, found.services_live]
    )
    return [["" if cell is None else cell for cell in row] for row in rows]
