"""Reads about living wills: who needs one, and critical contracts whose supplier has none."""

from django.db.models import OuterRef, Q, Subquery

from levelfield.contracts.lifecycle import IN_FORCE
from levelfield.contracts.models import Contract
from levelfield.core import clock

from .models import LivingWillVersion, StrategicMark


def needs_living_will(organisation) -> bool:
    """A supplier with a critical contract in force, or one the platform admin marked strategic."""
    return (
        Contract.objects.filter(supplier=organisation, critical=True, status__in=IN_FORCE).exists()
        or StrategicMark.objects.active().filter(organisation=organisation).exists()
    )


def is_strategic(organisation) -> bool:
    return StrategicMark.objects.active().filter(organisation=organisation).exists()


def critical_contracts_without_current_will(*, buyer=None, supplier=None, today=None):
    """Critical contracts in force whose supplier has no current living will: none submitted,
    or the latest submitted version's review date has passed. Narrowed to one buyer's or one
    supplier's contracts when given."""
    today = today or clock.today_uk()
    latest_review = Subquery(
        LivingWillVersion.objects.filter(will__supplier=OuterRef("supplier"))
        .order_by("-number")
        .values("review_date")[:1]
    )
    contracts = Contract.objects.filter(critical=True, status__in=IN_FORCE)
    if buyer is not None:
        contracts = contracts.filter(buyer=buyer)
    if supplier is not None:
        contracts = contracts.filter(supplier=supplier)
    return (
        contracts.annotate(will_review_date=latest_review)
        .filter(Q(will_review_date__isnull=True) | Q(will_review_date__lt=today))
        .select_related("buyer", "supplier")
        .order_by("pk")
    )
