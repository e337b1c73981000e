"""A saving in a buyer's own units (BuyerUnitCost), in plain Python for one contract at a time
(the marketplace's call-offs); `savings.py` applies the same rules to a whole snapshot in Ibis,
reading its constants from here so the two cannot drift apart.

- Matching: a cost matches when the contract's title contains its words or the contract is in
  its CPV division; a cost set for words is taken before one set only for a division, and
  among those alike the first by unit name. Titles and the cost's words are compared
  normalised: lower case, letters only (every run of anything else one space), so "Pothole
  repairs 2025-28" contains "pothole repairs".
- Rounding ("about"): a number of units from ABOUT_TENS_FROM up is rounded to the nearest 10,
  a smaller one to a whole unit; halves away from zero (152.5 -> 150, 155 -> 160, 2.5 -> 3),
  as DuckDB rounds the snapshot's."""

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

#: What a title keeps when normalised (everything else is a space).
NOT_LETTERS = r"[^a-z]+"
#: From this many units up, "about" means to the nearest 10.
ABOUT_TENS_FROM = 100

_NOT_LETTERS = re.compile(NOT_LETTERS)


def normalised(text: str | None) -> str:
    """Lower case, letters only, one space between words."""
    return _NOT_LETTERS.sub(" ", (text or "").lower()).strip()


def about(units: Decimal) -> Decimal:
    """`units` rounded as people say it (see the module's doc)."""
    if abs(units) >= ABOUT_TENS_FROM:
        return (units / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 10
    return units.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def unit_cost_for(costs: Iterable, *, title: str, cpv_division: str):
    """The buyer's cost (any object with label, cpv_division, unit and cost_per_unit, such as
    a BuyerUnitCost) that prices a contract titled `title` in CPV division `cpv_division`, or
    None. `costs` are the buyer's own."""
    title_words = normalised(title)
    matching = [
        cost
        for cost in costs
        if (normalised(cost.label) and normalised(cost.label) in title_words)
        or (cost.cpv_division and cost.cpv_division == cpv_division)
    ]
    # Those set for words first (savings._in_units orders the same way).
    return min(matching, key=lambda cost: (not normalised(cost.label), cost.unit), default=None)
