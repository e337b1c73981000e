"""Saved opportunity searches and the record of which opportunities each person was sent."""

from django.conf import settings
from django.db import models

from levelfield.accounts.models import Organisation


class SavedSearch(models.Model):
    """A supplier user's search, kept as its query parameters (those of the opportunity search
    page and API), with a daily email of new matches."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=100)
    # {"q": "cleaning", "region": "UKK", "sme": "on", ...}: OpportunitySearchForm.params().
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    # Opportunities published after this moment are new to the next digest. It starts at the
    # moment the search was saved, so the first digest does not send the whole back catalogue.
    checked_until = models.DateTimeField()

    class Meta:
        ordering = ["user_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_search_name_per_user")
        ]

    def __str__(self) -> str:
        return self.name


class AlertSent(models.Model):
    """One opportunity emailed to one person. Unique, so nobody is sent the same opportunity
    twice, whichever of their searches it matches and however often the digest runs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts_sent"
    )
    tender = models.ForeignKey(
        "tenders.Tender", on_delete=models.CASCADE, related_name="alerts_sent"
    )
    saved_search = models.ForeignKey(
        SavedSearch, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts_sent"
    )
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "tender"], name="one_alert_per_user_tender")
        ]

    def __str__(self) -> str:
        return f"{self.tender_id} to {self.user_id}"


class ImportedAlertSent(models.Model):
    """One opportunity imported from another publisher (Find a Tender, Contracts Finder, ...),
    known by its OCID, emailed to one person. Unique, as AlertSent: each is sent once. The OCID
    is kept rather than a link to the imported row, which goes when the notice closes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imported_alerts_sent"
    )
    ocid = models.CharField(max_length=255)
    saved_search = models.ForeignKey(
        SavedSearch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imported_alerts_sent",
    )
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "ocid"], name="one_alert_per_user_ocid")
        ]

    def __str__(self) -> str:
        return f"{self.ocid} to {self.user_id}"
