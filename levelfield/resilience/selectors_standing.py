"""Reads for the resilience team's financial standing pages and API, and for the platform
admin's pages (the team role, strategic marks): lists ordered and annotated in the database,
so a page of them costs a fixed number of queries.

Whether a breach was notified in time is `selectors_financial.notice_status`; here the same
rule orders breaches in SQL (overdue first)."""

from datetime import datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)

from levelfield.accounts.models import Organisation, User
from levelfield.core import clock

from .models import BreachEvent, Indicator, PlatformRole, Reading, StrategicMark
from .selectors_financial import notice_status

# The order of the notice statuses on a list: what needs doing first.
OVERDUE, DUE, NOTIFIED = 0, 1, 2
SEARCH_RESULTS = 20


def suppliers():
    """Supplier organisations (consortia included: they are organisations that bid)."""
    return Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER)


def supplier(pk: int) -> Organisation | None:
    return suppliers().filter(pk=pk).first()


def search_suppliers(text: str, *, exclude=None):
    """Suppliers whose name contains `text` (no JavaScript needed: a GET form), by name; at
    most SEARCH_RESULTS. Empty for an empty search."""
    text = " ".join((text or "").split())
    if not text:
        return []
    found = suppliers().filter(name__icontains=text)
    if exclude is not None:
        found = found.exclude(pk__in=exclude)
    return list(found.order_by("name", "pk")[:SEARCH_RESULTS])


def _urgency(now: datetime):
    return Case(
        When(notified_at__isnull=True, due_at__lte=now, then=Value(OVERDUE)),
        When(notified_at__isnull=True, then=Value(DUE)),
        default=Value(NOTIFIED),
        output_field=IntegerField(),
    )


def breaches_by_urgency(*, now: datetime | None = None, supplier=None):
    """Breaches, overdue first (oldest due first), then those still due (soonest first), then
    those notified (newest first)."""
    now = now or clock.now()
    breaches = BreachEvent.objects.select_related("supplier", "indicator", "reading__indicator")
    if supplier is not None:
        breaches = breaches.filter(supplier=supplier)
    return breaches.annotate(urgency=_urgency(now)).order_by(
        "urgency",
        Case(When(notified_at__isnull=True, then=F("due_at"))).asc(nulls_last=True),
        "-raised_at",
        "-pk",
    )


def with_status(breaches, *, now: datetime | None = None) -> list[tuple[BreachEvent, str]]:
    """Each breach of a page with its notice status (`selectors_financial.notice_status`)."""
    now = now or clock.now()
    return [(breach, notice_status(breach, now=now)) for breach in breaches]


def suppliers_with_readings(*, now: datetime | None = None):
    """Suppliers with at least one reading, those with breaches overdue first, then by name;
    each with `overdue` and `unnotified` counts of its breaches."""
    now = now or clock.now()
    unnotified = Q(financial_breaches__notified_at__isnull=True)
    return (
        suppliers()
        .filter(Exists(Reading.objects.filter(supplier=OuterRef("pk"))))
        .annotate(
            overdue=Count(
                "financial_breaches",
                filter=unnotified & Q(financial_breaches__due_at__lte=now),
            ),
            unnotified=Count("financial_breaches", filter=unnotified),
        )
        .order_by("-overdue", "name", "pk")
    )


def latest_readings(supplier_ids) -> dict[int, list[Reading]]:
    """For each supplier, its latest reading of each indicator (by the date it is as of, then
    when recorded), by indicator name."""
    latest = (
        Reading.objects.filter(supplier=OuterRef("supplier"), indicator=OuterRef("indicator"))
        .order_by("-as_of", "-recorded_at", "-pk")
        .values("pk")[:1]
    )
    readings = (
        Reading.objects.filter(supplier__in=list(supplier_ids))
        .annotate(latest=Subquery(latest))
        .filter(pk=F("latest"))
        .select_related("indicator", "breach")
        .order_by("supplier", "indicator__name", "indicator__pk")
    )
    found: dict[int, list[Reading]] = {}
    for reading in readings:
        found.setdefault(reading.supplier_id, []).append(reading)
    return found


def readings_of(supplier):
    """A supplier's readings, by indicator name and then newest first, with the breach each
    raised."""
    return (
        Reading.objects.filter(supplier=supplier)
        .select_related("indicator", "breach", "recorded_by")
        .order_by("indicator__name", "indicator__pk", "-as_of", "-recorded_at", "-pk")
    )


def indicators():
    return Indicator.objects.order_by("name", "pk")


# --- The platform admin's ----------------------------------------------------------------------


def team_grants():
    """The platform roles as they are now (the resilience team, the review service's reviewers
    and review managers): each active grant with who gave it, by name."""
    return (
        PlatformRole.objects.active()
        .select_related("user", "granted_by")
        .order_by("user__full_name", "user__email", "role", "pk")
    )


def team_grant(pk: int) -> PlatformRole | None:
    return team_grants().filter(pk=pk).first()


def person_by_email(email: str) -> User | None:
    email = (email or "").strip()
    return User.objects.filter(email__iexact=email).first() if email else None


def strategic_marks():
    """The strategic suppliers now: each active mark, its reason and who marked, by name."""
    return (
        StrategicMark.objects.active()
        .select_related("organisation", "marked_by")
        .order_by("organisation__name", "pk")
    )


def strategic_mark_of(organisation_pk: int) -> StrategicMark | None:
    return strategic_marks().filter(organisation_id=organisation_pk).first()
