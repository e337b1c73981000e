"""A saved failure scenario: which suppliers fail, on which date. Its report is worked out
afresh each time it is read (`resilience.scenarios.build_report`), from the data as it then is.
Made only by `actions_scenarios.create_scenario`, audited."""

from django.conf import settings
from django.db import models

from levelfield.accounts.models import Organisation


class Scenario(models.Model):
    name = models.CharField(max_length=200)
    suppliers = models.ManyToManyField(Organisation, related_name="+")
    as_of = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name
