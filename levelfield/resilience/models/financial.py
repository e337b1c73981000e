"""Financial standing: the indicators the resilience team watches, each supplier's readings of
them, and the breach each reading past its threshold raises (to be notified within 2 working
days, England and Wales bank holidays excepted)."""

from django.conf import settings
from django.db import models

from levelfield.accounts.models import Organisation

# A breach must be notified within this many working days of being raised (issue 15).
BREACH_NOTICE_WORKING_DAYS = 2


class Direction(models.TextChoices):
    """Which side of the threshold is a breach."""

    BELOW = "below", "Breach when below the threshold"
    ABOVE = "above", "Breach when above the threshold"


class ReadingSource(models.TextChoices):
    ENTERED = "entered", "Entered"
    IMPORTED = "imported", "Imported"


class Indicator(models.Model):
    """One measure of a supplier's financial standing; the four defaults are seeded by a data
    migration, the resilience team adds its own."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    unit = models.CharField(max_length=20, blank=True)
    direction = models.CharField(max_length=5, choices=Direction.choices)
    threshold = models.DecimalField(max_digits=18, decimal_places=4)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def breached_by(self, value) -> bool:
        if self.direction == Direction.BELOW:
            return value < self.threshold
        return value > self.threshold


class Reading(models.Model):
    supplier = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="financial_readings"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="readings")
    value = models.DecimalField(max_digits=18, decimal_places=4)
    as_of = models.DateField()
    source = models.CharField(max_length=10, choices=ReadingSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-as_of", "-recorded_at"]
        indexes = [models.Index(fields=["supplier", "indicator", "-as_of"])]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} on {self.as_of}"


class BreachEvent(models.Model):
    """A reading past its indicator's threshold. `due_at` is the end (midnight, UK time) of the
    second working day after the day it was raised; `notified_at` is when it was notified."""

    supplier = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="financial_breaches"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="breaches")
    reading = models.OneToOneField(Reading, on_delete=models.CASCADE, related_name="breach")
    raised_at = models.DateTimeField()
    due_at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(notified_at__isnull=True)
                | models.Q(notified_at__gte=models.F("raised_at")),
                name="breach_notified_after_raised",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} breach for {self.supplier}"
