"""The award decision and what each bidder is told."""

from django.conf import settings
from django.db import models

from levelfield.bids.models import Bid
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


class ExclusionDecision(models.Model):
    """The buyer's decision on one organisation a bid relies on whose exclusion check needs
    attention (a ground applies, it declared again, or it joined later): excluded or not, with
    reasons. Procurement Act 2023 s.57: the authority considers whether a supplier is excluded or
    excludable; s.26: an excluded supplier's tender is disregarded, an excludable one's may be."""

    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    exclude = models.BooleanField()
    reasons = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "organisation"], name="one_exclusion_decision_per_bid_organisation"
            )
        ]
