"""Reads for a contract's changes: the list with its notices, and the contract page's card."""

from django.db.models import Count, Max, Q

from .models import ContractChange
from .models.changes import ChangeStatus


def changes_for(contract):
    """The contract's changes, newest first, with the option used (one query)."""
    return (
        ContractChange.objects.filter(contract=contract)
        .select_related("option", "recorded_by")
        .order_by("-number")
    )


def hub_summary(contract) -> dict:
    """Counts for the contract page's card (one query)."""
    summary = ContractChange.objects.filter(contract=contract).aggregate(
        total=Count("pk"),
        notices=Count("pk", filter=Q(notice_required=True)),
        waiting=Count("pk", filter=Q(status=ChangeStatus.IN_STANDSTILL)),
        waiting_until=Max("standstill_ends_at", filter=Q(status=ChangeStatus.IN_STANDSTILL)),
    )
    return summary
