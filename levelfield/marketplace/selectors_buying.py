"""Reads for buying from the catalogue, scoped to who asks: a buyer's staff (admins, officers and
evaluators) read their organisation's projects, with their saved searches, frozen shortlist and
outcome; nobody else finds them (a project of another buyer is as if it did not exist)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet

from .lifecycle import ProjectStatus
from .models import Project, ShortlistEntry
from .rules import buyer_organisations


def projects_for(user) -> QuerySet[Project]:
    """The projects of the buyers whose staff `user` is, newest first, with their counts."""
    return (
        Project.objects.filter(buyer__in=buyer_organisations(user))
        .select_related("buyer", "framework")
        .annotate(search_count=Count("searches", distinct=True))
        .order_by("-created_at", "-id")
    )


def project_for(user, pk) -> Project | None:
    """The project `pk` if `user` is on its buyer's staff, else None."""
    return (
        Project.objects.filter(buyer__in=buyer_organisations(user), pk=pk)
        .select_related("buyer", "framework", "created_by", "ended_by")
        .first()
    )


def searching_projects(user) -> QuerySet[Project]:
    """The projects `user` may save a search into: its buyers' (as admin or officer) still
    searching."""
    return Project.objects.filter(
        buyer__in=buyer_organisations(user, staff=True), status=ProjectStatus.SEARCHING
    ).order_by("-created_at", "-id")


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
