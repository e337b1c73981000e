"""A buyer's own unit cost (e.g. £130 for a pothole repair), so a saving reads in its units:
"about 150 pothole repairs a year" (savings.py)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

_DIVISION = re.compile(r"^[0-9]{2}$")


class BuyerUnitCost(models.Model):
    """What one unit of a need costs a buyer. The buyer is its OCDS party id (as the snapshot
    gives buyer_id); the need is a CPV division ("45"), or words a contract's title contains
    ("pothole"), or both: a cost set for the words is taken before one for the division."""

    buyer_id = models.CharField(max_length=300, help_text="The buyer's OCDS party id.")
    cpv_division = models.CharField(
        max_length=2, blank=True, help_text="The first two digits of the CPV code."
    )
    label = models.CharField(
        max_length=200, blank=True, help_text="Words the contracts' titles contain."
    )
    unit = models.CharField(max_length=100, help_text='In the plural: "pothole repairs".')
    cost_per_unit = models.DecimalField(max_digits=14, decimal_places=2)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["buyer_id", "cpv_division", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer_id", "cpv_division", "label"], name="insights_unit_cost_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(cpv_division="", label=""), name="insights_unit_cost_need"
            ),
            models.CheckConstraint(
                condition=models.Q(cost_per_unit__gt=0), name="insights_unit_cost_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buyer_id}: £{self.cost_per_unit} per {self.unit}"

    def clean(self) -> None:
        errors = validate(
            buyer_id=self.buyer_id,
            cpv_division=self.cpv_division,
            label=self.label,
            unit=self.unit,
            cost_per_unit=self.cost_per_unit,
        )
        if errors:
            raise ValidationError(errors)


def validate(*, buyer_id, cpv_division, label, unit, cost_per_unit) -> dict[str, str]:
    """The rule, once: field name to message (empty when all is well)."""
    errors = {}
    if not (buyer_id or "").strip():
        errors["buyer_id"] = "Enter the buyer's OCDS party id"
    if cpv_division and not _DIVISION.match(cpv_division):
        errors["cpv_division"] = "Enter the CPV division as two digits, like 45"
    if not (cpv_division or "").strip() and not (label or "").strip():
        errors["label"] = "Enter a CPV division or words the contracts' titles contain"
    if not (unit or "").strip():
        errors["unit"] = "Enter the unit, like pothole repairs"
    if cost_per_unit is None or cost_per_unit <= 0:
        errors["cost_per_unit"] = "Enter a cost per unit greater than £0"
    return errors
