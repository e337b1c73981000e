"""Invoices and their payment (s.68-s.70): paid within 30 days of a valid, undisputed invoice."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from levelfield.core.errors import InvalidTransition

from .contract import Contract


class InvoiceStatus(models.TextChoices):
    VALID = "valid", "Valid and undisputed"
    DISPUTED = "disputed", "Disputed"


# An unpaid valid invoice may be disputed (s.68: the 30 days do not run while it is); the buyer
# may withdraw its dispute, leaving it valid. A paid invoice is not disputed (checked in the
# action: paid is a date, not a status).
INVOICE_ALLOWED: dict[str, set[str]] = {
    InvoiceStatus.VALID: {InvoiceStatus.DISPUTED},
    InvoiceStatus.DISPUTED: {InvoiceStatus.VALID},
}


class InvoiceSource(models.TextChoices):
    PAGE = "page", "Entered on the page"
    API = "api", "Sent through the API"
    IMPORT = "import", "Imported from a CSV file"
    OUTCOME = "outcome", "A validated outcome claim"


class Invoice(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="invoices")
    reference = models.CharField(max_length=100)
    received_on = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    status = models.CharField(
        max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.VALID
    )
    dispute_reason = models.TextField(blank=True)
    paid_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=InvoiceSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["contract", "received_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "reference"], name="invoice_reference_unique_per_contract"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(paid_on__gte=F("received_on")),
                name="invoice_paid_after_received",
            ),
            models.CheckConstraint(
                condition=~Q(status="disputed") | ~Q(dispute_reason=""),
                name="disputed_invoice_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["paid_on"]), models.Index(fields=["received_on"])]

    def transition(self, target: str) -> None:
        """The one place an invoice's status moves (INVOICE_ALLOWED). Callers are the actions
        in actions/payments.py, which save it with its dispute reason."""
        if target == self.status == InvoiceStatus.DISPUTED:
            raise InvalidTransition(f"Invoice {self.reference} is already disputed")
        if target == self.status:
            raise InvalidTransition(f"Invoice {self.reference} is not disputed")
        if target not in INVOICE_ALLOWED[self.status]:  # pragma: no cover - two statuses today
            raise InvalidTransition(
                f"Invoice {self.reference} is {InvoiceStatus(self.status).label.lower()}: it "
                f"cannot become {InvoiceStatus(target).label.lower()}"
            )
        self.status = target
