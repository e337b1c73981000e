"""What the platform published about contracts, and the reminders it sent (each once)."""

from django.db import models

from levelfield.accounts.models import Organisation

from .contract import Contract


class NoticeType(models.TextChoices):
    UK7 = "UK7", "Contract details notice"
    UK8 = "UK8", "Payments notice"
    UK9 = "UK9", "Contract performance notice"
    UK10 = "UK10", "Contract change notice"
    UK11 = "UK11", "Contract termination notice"
    UK17 = "UK17", "Payments compliance notice"


class ContractNotice(models.Model):
    """One notice published as an OCDS release. UK17 is the buyer's, for a six-month period;
    UK8 is per contract and quarter; the rest are per contract and event (`key`)."""

    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    notice_type = models.CharField(max_length=5, choices=NoticeType.choices)
    # What the notice is about, unique per buyer and type: a period ('2026-Q1', '2026-03-31'),
    # a change number, an assessment id.
    key = models.CharField(max_length=60)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    release_id = models.CharField(max_length=200)
    data = models.JSONField(default=dict)
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "notice_type", "contract", "key"],
                name="contract_notice_once",
            ),
            models.UniqueConstraint(
                fields=["buyer", "notice_type", "key"],
                condition=models.Q(contract__isnull=True),
                name="buyer_notice_once",
            ),
        ]


class Reminder(models.Model):
    """A reminder sent: `kind` and `key` name what it was about (a KPI report due for a period,
    an invoice reaching day 25), so each goes once."""

    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=100)
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="reminder_sent_once"),
        ]
