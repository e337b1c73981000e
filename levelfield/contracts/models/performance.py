"""KPIs and their periodic reports (s.52), performance assessments (s.71, UK9), performance
failures, outcomes counted, and payment by results."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from .contract import Contract


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SIX_MONTHLY = "six_monthly", "Every six months"
    ANNUALLY = "annually", "Annually"


MONTHS_PER_PERIOD: dict[str, int] = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.SIX_MONTHLY: 6,
    Frequency.ANNUALLY: 12,
}


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Kpi(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    target = models.DecimalField(max_digits=14, decimal_places=2)
    unit = models.CharField(max_length=50)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    # s.52: the (at most three) most material KPIs, published in the UK7 and UK9 notices.
    material = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="kpi_number_unique"),
        ]


class KpiReport(models.Model):
    """The supplier's figure for one KPI and one period."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="reports")
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    narrative = models.TextField(blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["kpi", "period_end"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period_end"], name="kpi_report_per_period"),
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")), name="kpi_report_period_in_order"
            ),
        ]


class Rating(models.TextChoices):
    """s.71 and the UK9 notice's ratings."""

    GOOD = "good", "Good"
    APPROACHING = "approaching_target", "Approaching target"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    OTHER = "other", "Other"


class PerformanceAssessment(models.Model):
    """s.71: at least every 12 months, and at termination; published as a UK9 notice."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="assessments")
    period_start = models.DateField()
    period_end = models.DateField()
    rating = models.CharField(max_length=25, choices=Rating.choices)
    narrative = models.TextField()
    at_termination = models.BooleanField(default=False)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField()

    class Meta:
        ordering = ["contract", "period_end", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")), name="assessment_period_in_order"
            ),
        ]


class FailureKind(models.TextChoices):
    """Breaches the Act asks to be recorded (s.71(2)): those leading to termination, damages or
    a settlement."""

    TERMINATION = "termination", "Breach leading to termination"
    DAMAGES = "damages", "Breach leading to damages"
    SETTLEMENT = "settlement", "Breach leading to a settlement agreement"


class PerformanceFailure(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="failures")
    kind = models.CharField(max_length=20, choices=FailureKind.choices)
    description = models.TextField()
    occurred_on = models.DateField()
    penalty = models.CharField(max_length=300, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["contract", "occurred_on", "id"]


class OutcomeRecord(models.Model):
    """How many of the contract's outcome measure were delivered in a period."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="outcomes")
    period_start = models.DateField()
    period_end = models.DateField()
    quantity = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["contract", "period_end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="outcome_quantity_positive"),
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")), name="outcome_period_in_order"
            ),
        ]


class PricedOutcome(models.Model):
    """Payment by results: an outcome the contract pays for, its price and its budget."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="priced_outcomes")
    name = models.CharField(max_length=200)
    unit_price = models.DecimalField(max_digits=14, decimal_places=2)
    budget = models.DecimalField(max_digits=14, decimal_places=2)
    evidence_required = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["contract", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="outcome_price_positive"),
            models.CheckConstraint(condition=Q(budget__gt=0), name="outcome_budget_positive"),
        ]

    if TYPE_CHECKING:
        # In pounds, on the outcomes contracts.selectors_kpis.priced_outcomes reads: claims
        # waiting, claims validated, and the budget left after both.
        claimed: Decimal
        validated: Decimal
        remaining: Decimal


class ClaimStatus(models.TextChoices):
    CLAIMED = "claimed", "Claimed"
    VALIDATED = "validated", "Validated"
    REJECTED = "rejected", "Rejected"


CLAIM_ALLOWED: dict[str, set[str]] = {
    ClaimStatus.CLAIMED: {ClaimStatus.VALIDATED, ClaimStatus.REJECTED},
    ClaimStatus.VALIDATED: set(),
    ClaimStatus.REJECTED: set(),
}


class OutcomeClaim(models.Model):
    """The supplier claims outcomes with evidence; the buyer validates (an invoice is made, to
    be paid like any other) or rejects with a reason."""

    outcome = models.ForeignKey(PricedOutcome, on_delete=models.CASCADE, related_name="claims")
    period_start = models.DateField()
    period_end = models.DateField()
    quantity = models.DecimalField(max_digits=14, decimal_places=2)
    evidence = models.FileField(upload_to="contracts/outcomes/%Y/%m/", blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    narrative = models.TextField()
    status = models.CharField(
        max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.CLAIMED
    )
    rejection_reason = models.TextField(blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    claimed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    invoice = models.OneToOneField(
        "contracts.Invoice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcome_claim",
    )

    class Meta:
        ordering = ["outcome", "-claimed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="claim_quantity_positive"),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="rejected_claim_has_reason",
            ),
        ]

    def transition(self, target: str) -> None:
        if target not in CLAIM_ALLOWED[self.status]:
            from levelfield.core.errors import InvalidTransition

            raise InvalidTransition(
                f"A claim that is {ClaimStatus(self.status).label.lower()} cannot be "
                f"{ClaimStatus(target).label.lower()}"
            )
        self.status = target
