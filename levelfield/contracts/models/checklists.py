"""Stage checklists: each buyer's template (a copy of the platform's default until it edits
it), and each contract's items made from it at signature, with owners and due dates."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from levelfield.accounts.models import Organisation

from .contract import Contract


class Stage(models.TextChoices):
    MOBILISATION = "mobilisation", "Mobilisation"
    DELIVERY = "delivery", "Delivery"
    REVIEW = "review", "Review"
    EXIT = "exit", "Exit"


class Anchor(models.TextChoices):
    """What an item's due date counts from."""

    START = "start", "Contract start date"
    END = "end", "Contract end date"


class ChecklistTemplateItem(models.Model):
    buyer = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    position = models.PositiveIntegerField()
    text = models.CharField(max_length=300)
    anchor = models.CharField(max_length=10, choices=Anchor.choices, default=Anchor.START)
    # Days after the anchor (negative: before it).
    offset_days = models.IntegerField(default=0)

    class Meta:
        ordering = ["buyer", "stage", "position", "id"]


class ChecklistItem(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="checklist")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    position = models.PositiveIntegerField()
    text = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["contract", "due_on", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(done_by__isnull=False),
                name="checklist_item_done_by_someone",
            )
        ]
        indexes = [models.Index(fields=["due_on", "done_at"])]

    def is_overdue(self, today: date) -> bool:
        """Past its due date and not done."""
        return self.done_at is None and self.due_on < today
