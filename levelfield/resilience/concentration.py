"""Concentration risk: how much of an authority's spend in one market rests on one supplier.

A market is an authority (the contract's buyer) and a CPV division (the first two digits of a
CPV code of the tender the contract was let through, lot then tender). A contract whose tender
names codes in two divisions counts in full in each: each division is a market the authority
would have to replace the supplier in. A contract with no CPV code (let elsewhere and entered
by hand) is in the authority's "No CPV" market. A supplier's share is the annual value of its
contracts in force on the date over the annual value of every contract in force in that market
(a contract's annual value as failure scenarios count it: `scenarios.annual_value`)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from levelfield.contracts.models import Contract
from levelfield.tenders.models import TenderCPV

from .scenarios import annual_value

DEFAULT_THRESHOLD = Decimal("25")
NO_CPV = ""
NO_CPV_LABEL = "No CPV"
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Holding:
    """One supplier's part of one market (an authority's contracts in one CPV division)."""

    authority_id: int
    authority: str
    division: str  # two digits, or NO_CPV
    supplier_id: int
    supplier: str
    contracts: int
    value: Decimal  # the annual value of the supplier's contracts in force in the market
    market_value: Decimal  # the annual value of every contract in force in the market
    share: Decimal  # percent, to two places

    @property
    def division_label(self) -> str:
        return division_label(self.division)


def division_label(division: str) -> str:
    return f"Division {division}" if division else NO_CPV_LABEL


def threshold_problem(threshold) -> str | None:
    """Why a share cannot be a threshold, or None: a percentage from 0 up to (not including)
    100, with at most two decimal places. The pages' form and the API both ask this."""
    if not isinstance(threshold, Decimal) or not threshold.is_finite():
        return "Enter the share as a number, like 25"
    if threshold < 0 or threshold >= 100:
        return "The share must be 0 or more and less than 100"
    if threshold != threshold.quantize(HUNDREDTH, rounding=ROUND_HALF_UP):
        return "The share can have at most 2 decimal places"
    return None


def contracts_in_force_on(as_of: date):
    """Contracts in force on `as_of` (`Contract.objects.in_force_on`, as failure scenarios
    count them)."""
    return Contract.objects.in_force_on(as_of)


def _divisions_by_tender(tender_ids) -> dict[int, set[str]]:
    divisions: dict[int, set[str]] = defaultdict(set)
    for tender_id, code in TenderCPV.objects.filter(tender_id__in=tender_ids).values_list(
        "tender_id", "code"
    ):
        divisions[tender_id].add(code[:2])
    return divisions


def holdings(*, as_of: date) -> list[Holding]:
    """Every supplier's share of every market on `as_of` (two queries, whatever the number of
    contracts)."""
    rows = list(
        contracts_in_force_on(as_of).values_list(
            "buyer_id",
            "buyer__name",
            "supplier_id",
            "supplier__name",
            "value",
            "lot__tender_id",
            "start_date",
            "end_date",
        )
    )
    divisions = _divisions_by_tender({row[5] for row in rows if row[5] is not None})
    markets: dict[tuple[int, str], Decimal] = defaultdict(lambda: Decimal("0.00"))
    held: dict[tuple[int, str, int], list] = {}
    names: dict[int, str] = {}
    for buyer_id, buyer_name, supplier_id, supplier_name, whole, tender_id, start, end in rows:
        value = annual_value(whole, start, end)
        names[buyer_id] = buyer_name
        for division in sorted(divisions.get(tender_id) or {NO_CPV}):
            markets[(buyer_id, division)] += value
            entry = held.setdefault(
                (buyer_id, division, supplier_id), [supplier_name, 0, Decimal("0.00")]
            )
            entry[1] += 1
            entry[2] += value
    result = []
    for (buyer_id, division, supplier_id), (supplier_name, count, value) in held.items():
        market = markets[(buyer_id, division)]
        result.append(
            Holding(
                authority_id=buyer_id,
                authority=names[buyer_id],
                division=division,
                supplier_id=supplier_id,
                supplier=supplier_name,
                contracts=count,
                value=value,
                market_value=market,
                share=(value * 100 / market).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
                if market
                else Decimal("0.00"),
            )
        )
    return result


def concentrated(*, as_of: date, threshold: Decimal = DEFAULT_THRESHOLD) -> list[Holding]:
    """The suppliers holding more than `threshold` percent of a market on `as_of`, the highest
    share first (then by authority, division and supplier). The share is compared unrounded,
    so 25.004% is above 25 although shown as 25.00%."""
    found = [h for h in holdings(as_of=as_of) if h.value * 100 > threshold * h.market_value]
    return sorted(
        found,
        key=lambda h: (-h.value / h.market_value, h.authority, h.division or "~", h.supplier),
    )
