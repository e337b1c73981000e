"""Contract changes (s.74-s.75): a modification or the use of an extension option, with the
s.75 test's answer kept as it was given."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from levelfield.core.errors import InvalidTransition

from .contract import Contract, ExtensionOption


class ChangeKind(models.TextChoices):
    MODIFICATION = "modification", "Modification"
    EXTENSION = "extension", "Extension option used"


class ChangeStatus(models.TextChoices):
    # A change needing a notice, with the optional standstill: made once it ends.
    IN_STANDSTILL = "in_standstill", "In voluntary standstill"
    MADE = "made", "Made"


# A change is recorded in standstill or made at once; one in standstill is made once it ends.
CHANGE_ALLOWED: dict[str, set[str]] = {
    ChangeStatus.IN_STANDSTILL: {ChangeStatus.MADE},
    ChangeStatus.MADE: set(),
}


class ContractChange(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="changes")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=15, choices=ChangeKind.choices)
    option = models.OneToOneField(
        ExtensionOption, null=True, blank=True, on_delete=models.PROTECT, related_name="used_by"
    )
    description = models.TextField()
    value_before = models.DecimalField(max_digits=14, decimal_places=2)
    value_after = models.DecimalField(max_digits=14, decimal_places=2)
    end_date_before = models.DateField()
    end_date_after = models.DateField()
    # The s.75 test as applied: aggregated changes as a percentage of the original value and
    # term, the limit that applied, whether a UK10 notice was required, and why not.
    value_change_percent = models.DecimalField(max_digits=9, decimal_places=2)
    term_change_percent = models.DecimalField(max_digits=9, decimal_places=2)
    value_limit_percent = models.DecimalField(max_digits=5, decimal_places=2)
    notice_required = models.BooleanField()
    assessment = models.TextField()
    standstill_ends_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=15, choices=ChangeStatus.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    made_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="change_number_unique"),
            models.CheckConstraint(
                condition=Q(value_after__gt=0), name="change_value_after_positive"
            ),
            models.CheckConstraint(
                condition=Q(kind="modification", option__isnull=True)
                | Q(kind="extension", option__isnull=False),
                name="extension_change_names_option",
            ),
            models.CheckConstraint(
                condition=~Q(status="made") | Q(made_at__isnull=False),
                name="made_change_has_date",
            ),
        ]

    def transition(self, target: str, at) -> None:
        """The one place a change's status moves (CHANGE_ALLOWED), with its milestone. Callers
        are the actions in actions/changes.py."""
        if target not in CHANGE_ALLOWED[self.status]:
            raise InvalidTransition(
                f"A change that is {ChangeStatus(self.status).label.lower()} cannot become "
                f"{ChangeStatus(target).label.lower()}"
            )
        self.status = target
        if target == ChangeStatus.MADE:
            self.made_at = at
