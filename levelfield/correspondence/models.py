"""Private correspondence between a tender's buyer and one bidder, kept in the procurement's
record: after the submission deadline a buyer may need a bid clarified, and during standstill
it writes to (and hears from) a bidder about the award. Before the deadline bidders use the
public clarification questions, and nothing shows who has bid.

A thread belongs to one tender and one bidding organisation (for a consortium's bid, the
consortium's organisation). Its messages are never changed or deleted: a correction is a new
message. Each side's first reading of each message is kept as a receipt."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from levelfield.accounts.models import Organisation
from levelfield.core.errors import InvalidTransition
from levelfield.tenders.models import Tender


class Purpose(models.TextChoices):
    BID_CLARIFICATION = "bid_clarification", "Clarification of a bid"
    STANDSTILL = "standstill", "Standstill correspondence"
    OTHER = "other", "Other"


class Side(models.TextChoices):
    BUYER = "buyer", "Buyer"
    BIDDER = "bidder", "Bidder"

    @property
    def other(self) -> "Side":
        return Side.BIDDER if self == Side.BUYER else Side.BUYER


class ThreadQuerySet(models.QuerySet):
    def for_buyer(self, organisation):
        """The threads of a buyer's own tenders (the view still checks who may read them)."""
        return self.filter(tender__buyer=organisation)

    def for_supplier(self, organisation):
        """The threads with a supplier, and with every consortium it has accepted membership
        of (as `Bid.objects.for_supplier`)."""
        from levelfield.suppliers.selectors import joined_consortium_organisations

        return self.filter(
            Q(supplier=organisation) | Q(supplier__in=joined_consortium_organisations(organisation))
        )


class Thread(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="correspondence")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    subject = models.CharField(max_length=150)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    last_message_at = models.DateTimeField()

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at", "-id"]
        indexes = [models.Index(fields=["tender", "-last_message_at"], name="thread_tender_newest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_message_at__gte=models.F("started_at")),
                name="thread_last_message_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.tender.reference}, {self.supplier})"


class Message(models.Model):
    """One message, as sent. Immutable: saving an existing message or deleting one is refused
    (and the database's PROTECT keeps a thread's messages with it)."""

    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    side = models.CharField(max_length=10, choices=Side.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    body = models.TextField()

    class Meta:
        ordering = ["sent_at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise InvalidTransition("A sent message cannot be changed: send another message")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise InvalidTransition("A sent message cannot be deleted: it is part of the record")


class MessageAttachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="correspondence/%Y/%m/")
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]


class ReadReceipt(models.Model):
    """When the side a message was sent to first read it, and who."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="receipts")
    side = models.CharField(max_length=10, choices=Side.choices)
    read_at = models.DateTimeField()
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["read_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["message", "side"], name="one_receipt_per_side")
        ]
