"""What each call-off saved: in pounds, the buyer's previous cost for the same need less the
call-off's value (`Outcome.saving`, over a term as long as the call-off's; negative when it
costs more), and, where the buyer has set a unit cost of that need (insights' BuyerUnitCost,
kept under the buyer's OCDS party id), in those units: "about 150 pothole repairs", the way
Derby reported its switch to a local SME.

The unit cost is matched as insights matches a re-let's (levelfield/insights/units.py): a cost
for words the call-off contract's title (the service's name) or the project's name (the buyer's
need, in its words) contains, else one for the CPV division of the lot the service was listed
on. The number of
units is the saving divided by the cost of one, rounded as people say it (units.about: to the
nearest 10 from 100 units up, else whole; halves away from zero). Pounds are shown as
core.money.format_gbp shows them (whole pounds without pence)."""

from dataclasses import dataclass
from decimal import Decimal

from levelfield.core.money import format_gbp
from levelfield.core.ocds import platform_party_id
from levelfield.insights.models_unit_costs import BuyerUnitCost
from levelfield.insights.units import about, unit_cost_for

from .models import Outcome


@dataclass(frozen=True)
class CallOffSaving:
    """One awarded call-off and what it saved."""

    outcome: Outcome
    previous_cost: Decimal | None
    value: Decimal
    saving: Decimal | None  # None when the buyer recorded no previous cost
    unit: str  # the buyer's unit ("pothole repairs"), "" when none prices this need
    cost_per_unit: Decimal | None
    units: Decimal | None  # the saving in those units, rounded (see the module's doc)

    @property
    def project(self):
        return self.outcome.project

    @property
    def contract(self):
        return self.outcome.contract

    @property
    def title(self) -> str:
        return call_off_title(self.outcome)

    @property
    def saving_text(self) -> str:
        """The saving as the table shows it: "£2,000", "-£2,000" (costs more), "Not known"."""
        if self.saving is None:
            return "Not known"
        return ("-" if self.saving < 0 else "") + format_gbp(abs(self.saving))

    @property
    def in_words(self) -> str:
        """ "£12,000 less than before: about 90 pothole repairs" (or "more": "fewer")."""
        if self.saving is None:
            return "No previous cost recorded"
        words = against_before(self.saving)
        if self.units:
            count = f"{abs(self.units):,.0f}"
            words += f": about {count} {self.unit}" + ("" if self.units > 0 else " fewer")
        return words


def against_before(saving: Decimal) -> str:
    """ "£12,000 less than before", "£2,000 more than before", "The same as before"."""
    if saving == 0:
        return "The same as before"
    return f"{format_gbp(abs(saving))} {'less' if saving > 0 else 'more'} than before"


def call_off_title(outcome: Outcome) -> str:
    """What the call-off is called: its contract's title, else its project's name."""
    return outcome.contract.title if outcome.contract is not None else outcome.project.name


def cpv_division(outcome: Outcome) -> str:
    """The CPV division (two digits) of the lot the awarded service was listed on, or ""."""
    code = outcome.entry.listing.lot.cpv_code if outcome.entry is not None else ""
    return code[:2] if len(code) >= 2 else ""


def in_units(saving: Decimal | None, cost) -> Decimal | None:
    """`saving` in units of `cost` (a BuyerUnitCost or None), rounded; None without either."""
    if saving is None or cost is None:
        return None
    return about(saving / cost.cost_per_unit)


def saving_of(outcome: Outcome, costs) -> CallOffSaving:
    """`outcome`'s saving, priced in the first of `costs` (the buyer's) that matches it."""
    words = f"{call_off_title(outcome)} {outcome.project.name}"
    cost = unit_cost_for(costs, title=words, cpv_division=cpv_division(outcome))
    saving = outcome.saving
    return CallOffSaving(
        outcome=outcome,
        previous_cost=outcome.previous_cost,
        value=outcome.value or Decimal(0),
        saving=saving,
        unit=cost.unit if cost else "",
        cost_per_unit=cost.cost_per_unit if cost else None,
        units=in_units(saving, cost),
    )


def awarded_call_offs(buyer):
    """The buyer's awarded call-offs, newest first, with what the pages show (no N+1)."""
    return (
        Outcome.objects.filter(project__buyer=buyer, awarded=True)
        .select_related(
            "project",
            "contract",
            "contract__supplier",
            "entry__listing__lot__framework",
        )
        .order_by("-recorded_at", "-pk")
    )


def buyer_savings(buyer) -> list[CallOffSaving]:
    """Each of the buyer's awarded call-offs with its saving in pounds and in its units (the
    buyer's unit costs read once)."""
    costs = list(BuyerUnitCost.objects.filter(buyer_id=platform_party_id(buyer)))
    return [saving_of(outcome, costs) for outcome in awarded_call_offs(buyer)]


@dataclass(frozen=True)
class SavingsTotal:
    call_offs: int
    with_previous_cost: int
    value: Decimal
    saving: Decimal  # over the call-offs with a previous cost

    @property
    def in_words(self) -> str:
        return against_before(self.saving)


def total(savings: list[CallOffSaving]) -> SavingsTotal:
    known = [s for s in savings if s.saving is not None]
    return SavingsTotal(
        call_offs=len(savings),
        with_previous_cost=len(known),
        value=sum((s.value for s in savings), Decimal(0)),
        saving=sum((s.saving for s in known if s.saving is not None), Decimal(0)),
    )
