"""Reads for buying from the catalogue, scoped to the buyer acted for: a buyer's staff (admins,
officers and evaluators) read the projects of the organisation they act for, with their saved
searches, frozen shortlist and outcome; nobody else finds them (a project of another buyer, or of
the person's other organisation while acting for this one, is as if it did not exist). The
lists' callers check that the person is on that buyer's staff (rules.is_buyer_reader);
project_for checks it itself."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet

from .lifecycle import ProjectStatus
from .models import Project, ShortlistEntry
from .rules import is_buyer_reader


def projects_for(buyer) -> QuerySet[Project]:
    """The projects of `buyer`, newest first, with their counts."""
    return (
        Project.objects.filter(buyer=buyer)
        .select_related("buyer", "framework")
        .annotate(search_count=Count("searches", distinct=True))
        .order_by("-created_at", "-id")
    )


def project_for(user, buyer, pk) -> Project | None:
    """The project `pk` if it is `buyer`'s, the organisation `user` acts for and is on the staff
    of, else None."""
    if not is_buyer_reader(user, buyer):
        return None
    return (
        Project.objects.filter(buyer=buyer, pk=pk)
        .select_related("buyer", "framework", "created_by", "ended_by")
        .first()
    )


def searching_projects(buyer) -> QuerySet[Project]:
    """The projects of `buyer` a search may be saved into (its admins and officers save): those
    still searching."""
    return Project.objects.filter(buyer=buyer, status=ProjectStatus.SEARCHING).order_by(
        "-created_at", "-id"
    )


def shortlist(project: Project) -> list[ShortlistEntry]:
    return list(
        ShortlistEntry.objects.filter(project=project)
        .select_related("listing_version")
        .order_by("position")
    )


def outcome_of(project: Project):
    """The project's outcome with its contract, or None."""
    from .models import Outcome

    return (
        Outcome.objects.filter(project=project)
        .select_related("entry", "contract", "recorded_by")
        .first()
    )


@dataclass
class Compared:
    """A shortlisted service beside the others: its price, and for a quantity the buyer gives,
    what that many units cost; `cheapest` marks the lowest price."""

    entry: ShortlistEntry
    price: Decimal | None
    total: Decimal | None
    cheapest: bool


def compare(entries: list[ShortlistEntry], quantity: Decimal | None) -> list[Compared]:
    """The shortlist by price, lowest first (services without a price last)."""
    rows = []
    for entry in entries:
        price = entry.snapshot.get("price")
        value = Decimal(price) if price not in (None, "") else None
        total = value * quantity if value is not None and quantity is not None else None
        rows.append(Compared(entry, value, total, False))
    rows.sort(key=lambda row: (row.price is None, row.price or 0, row.entry.position))
    lowest = rows[0].price if rows and rows[0].price is not None else None
    for row in rows:
        row.cheapest = lowest is not None and row.price == lowest
    return rows
