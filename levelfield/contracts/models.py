from django.conf import settings
from django.db import models
from django.db.models import Q

from levelfield.accounts.models import Organisation
from levelfield.bids.models import Bid
from levelfield.core.errors import InvalidTransition
from levelfield.tenders.models import Lot


class AwardDecision(models.Model):
    """The buyer's confirmed decision for one lot: the winning bid, or no award."""

    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="award")
    winning_bid = models.ForeignKey(
        Bid, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()


class AssessmentSummary(models.Model):
    """What each bidder is told at award: their score per criterion beside the winner's.
    Frozen as data when the decision is confirmed so it never changes afterwards."""

    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="assessment_summary")
    successful = models.BooleanField()
    data = models.JSONField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)


class ContractStatus(models.TextChoices):
    RECORDED = "recorded", "Recorded, awaiting signature"
    SIGNED = "signed", "Signed"


# The contract lifecycle as a table; changes, termination and completion will extend it.
CONTRACT_ALLOWED: dict[str, set[str]] = {
    ContractStatus.RECORDED: {ContractStatus.SIGNED},
    ContractStatus.SIGNED: set(),
}


class Contract(models.Model):
    award = models.OneToOneField(AwardDecision, on_delete=models.PROTECT, related_name="contract")
    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="contract")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contracts")
    value = models.DecimalField(max_digits=14, decimal_places=2)
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(
        max_length=10, choices=ContractStatus.choices, default=ContractStatus.RECORDED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="contract_value_positive"),
            models.CheckConstraint(
                condition=Q(start_date__lte=models.F("end_date")), name="contract_dates_in_order"
            ),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(signed_at__isnull=False),
                name="signed_contract_has_date",
            ),
        ]

    def transition(self, target: str) -> None:
        """The one place a contract's status changes. Callers are action functions."""
        if target not in CONTRACT_ALLOWED[self.status]:
            raise InvalidTransition(
                f"A contract that is {ContractStatus(self.status).label.lower()} cannot become "
                f"{ContractStatus(target).label.lower()}"
            )
        self.status = target
