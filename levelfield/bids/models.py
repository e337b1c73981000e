from datetime import UTC

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from levelfield.accounts.models import Organisation
from levelfield.bids.sealed_rows import TenderSealable
from levelfield.core import clock
from levelfield.core.errors import InvalidTransition
from levelfield.core.sealing import SealableDecimalField, SealableTextField, SealedField
from levelfield.tenders.lifecycle import Status as TenderStatus
from levelfield.tenders.models import Lot, Question, Tender


class BidStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The bid lifecycle as a table: a withdrawn bid can be changed and submitted again (the same
# row, so a supplier never holds two bids for a lot); nothing returns to draft.
ALLOWED: dict[str, set[str]] = {
    BidStatus.DRAFT: {BidStatus.SUBMITTED},
    BidStatus.SUBMITTED: {BidStatus.WITHDRAWN},
    BidStatus.WITHDRAWN: {BidStatus.SUBMITTED},
}
# Why a move to each status is refused when the bid is not where it can start from.
REFUSED: dict[str, str] = {
    BidStatus.SUBMITTED: "This bid has already been submitted",
    BidStatus.WITHDRAWN: "Only a submitted bid can be withdrawn",
}


class BidQuerySet(models.QuerySet):
    def for_supplier(self, organisation):
        """A supplier's own bids, at any time, and the bids of every consortium it has accepted
        membership of (each member sees its consortium's bid; suppliers app)."""
        from levelfield.suppliers.selectors import joined_consortium_organisations

        return self.filter(
            Q(supplier=organisation) | Q(supplier__in=joined_consortium_organisations(organisation))
        )

    def unsealed_for_buyer(self, organisation):
        """Bids a buyer may open: submitted bids on its own tenders, only once they have been
        opened for evaluation (after the deadline, by the audited opening action: until then
        their content is sealed at rest, bids/sealing.py). Every buyer-side read of a bid's
        content starts here, so nothing leaks, and nothing is decrypted, before then."""
        return self.received_for_buyer(organisation).filter(
            lot__tender__evaluation_started_at__isnull=False
        )

    def received_for_buyer(self, organisation):
        """The submitted bids on a buyer's own tenders whose deadline has passed, opened or not:
        for who bid and how many only. Their sealed fields are never read from here (a loaded
        bid is decrypted only when one of them is read: core/sealing.py)."""
        return self.filter(
            lot__tender__buyer=organisation,
            status=BidStatus.SUBMITTED,
            lot__tender__submission_deadline__lte=clock.now(),
        ).exclude(lot__tender__status=TenderStatus.DRAFT)

    def unsealed(self):
        """Every bid opened for evaluation (platform admin, exports)."""
        return self.received().filter(lot__tender__evaluation_started_at__isnull=False)

    def received(self):
        """Every submitted bid whose deadline has passed, opened or not: for counts only (the
        published bid statistics); nothing sealed is read from here."""
        return self.filter(
            status=BidStatus.SUBMITTED, lot__tender__submission_deadline__lte=clock.now()
        ).exclude(lot__tender__status=TenderStatus.DRAFT)


class TenderKey(models.Model):
    """The data key a tender's bids are sealed with until they are opened (bids/sealing.py),
    kept only wrapped by the key service (core/keys.py): the database alone cannot open it."""

    tender = models.OneToOneField(Tender, on_delete=models.CASCADE, related_name="sealing_key")
    # Random, and named in every value sealed with the key, so a sealed value finds its key.
    key_id = models.CharField(max_length=32, unique=True)
    wrapped = models.BinaryField()
    created_at = models.DateTimeField()
    # When the opening action unwrapped it to open the tender's submitted bids.
    opened_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Sealing key {self.key_id} of tender {self.tender_id}"


class Bid(TenderSealable, models.Model):
    """One supplier's bid for one lot. Withdrawing and resubmitting reuses the same row, so a
    supplier can never hold two bids for a lot.

    Its price is sealed at rest until its tender's bids are opened (bids/sealing.py): the price
    column is empty meanwhile and the price is in `sealed`, encrypted with the tender's key."""

    SEALED_FIELDS = ("price",)

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="bids")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="bids")
    status = models.CharField(max_length=10, choices=BidStatus.choices, default=BidStatus.DRAFT)
    price = SealableDecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    receipt_hash = models.CharField(max_length=64, blank=True)
    # Who bid, as the bid statistics count it (bids/statistics.py), from the bidder's supplier
    # profile when it submitted: the counts published with the award notice stay as they were
    # when the bidder's size or VCSE status changes later. A consortium is neither.
    by_sme = models.BooleanField("by an SME", default=False)
    by_vcse = models.BooleanField("by a VCSE", default=False)
    sealed = SealedField()

    objects = BidQuerySet.as_manager()

    class Meta:
        ordering = ["lot_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot", "supplier"], name="one_bid_per_supplier_per_lot"
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gt=0), name="bid_price_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status=BidStatus.SUBMITTED)
                | (
                    Q(submitted_at__isnull=False)
                    & (Q(price__isnull=False) | Q(sealed__isnull=False))
                ),
                name="submitted_bid_has_time_and_price",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(submitted_at__gte=F("created_at")),
                name="bid_submitted_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"Bid {self.pk} by {self.supplier} for {self.lot}"

    @property
    def is_editable(self) -> bool:
        return self.status in {BidStatus.DRAFT, BidStatus.WITHDRAWN}

    @property
    def sealed_until(self):
        """Until when anything about this bid is sealed, its audit events included: its
        tender's submission deadline (fixed once the tender is published)."""
        return self.lot.tender.submission_deadline

    def sealer(self):
        from .sealing import sealer_for

        return sealer_for(self.sealing_associated(), lots=self.lot_id)

    def sealing_associated(self) -> bytes:
        # The bid as its unique lot and supplier: known before its first save gives it an id.
        return f"bid:lot={self.lot_id}:supplier={self.supplier_id}:price".encode()

    def check_transition(self, target: str) -> None:
        if target not in ALLOWED[self.status]:
            raise InvalidTransition(
                REFUSED.get(
                    target,
                    f"A {BidStatus(self.status).label.lower()} bid cannot become "
                    f"{BidStatus(target).label.lower()}",
                )
            )

    def transition(self, target: str) -> None:
        """The one place a bid's status changes. Callers are action functions."""
        self.check_transition(target)
        self.status = target


class BidAnswer(TenderSealable, models.Model):
    """An answer's text is sealed at rest with its bid's price (bids/sealing.py)."""

    SEALED_FIELDS = ("text",)

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = SealableTextField()
    sealed = SealedField()

    class Meta:
        ordering = ["question__number"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "question"], name="one_answer_per_question")
        ]

    def sealer(self):
        from .sealing import sealer_for

        return sealer_for(self.sealing_associated(), lots__bids=self.bid_id)

    def sealing_associated(self) -> bytes:
        return f"bid={self.bid_id}:answer:question={self.question_id}:text".encode()


class BidAttachment(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="bids/%Y/%m/")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # The server's time the file was received whole.
    uploaded_at = models.DateTimeField()
    # The server's time a resumable upload began (bids/actions_uploads.py); empty for a file
    # sent in one request. Both times are kept: an upload begun before the deadline may finish
    # after it.
    upload_started_at = models.DateTimeField(null=True, blank=True)
    # The file's bytes on disk are sealed with its tender's key (bids/sealing.py): read them
    # through sealing.attachment_chunks, never straight from the file.
    sealed = models.BooleanField(default=False)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(upload_started_at__isnull=True)
                | Q(upload_started_at__lte=F("uploaded_at")),
                name="attachment_upload_started_before_finished",
            )
        ]


# The folder of resumable uploads' partial files in Django's default storage.
PARTIAL_UPLOADS = "partial-uploads"


class BidUpload(models.Model):
    """A file on its way to a bid in resumable chunks (the tus protocol, bids/actions_uploads.py).
    Its bytes so far are in files of their own (`partial_prefix`) until the last chunk arrives;
    then the file is checked and becomes a BidAttachment, and this row goes. Only the person who
    began it can continue it, by its token (unguessable, so its address says nothing)."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="uploads")
    token = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=255)
    title = models.CharField(max_length=200, blank=True)
    # The size declared when it began (Upload-Length): never more bytes are taken.
    length = models.PositiveBigIntegerField()
    offset = models.PositiveBigIntegerField(default=0)
    # A SHA-256 the client may declare when it begins, fixing the content before the deadline.
    declared_sha256 = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(length__gt=0), name="bid_upload_not_empty"),
            models.CheckConstraint(
                condition=Q(offset__lte=F("length")), name="bid_upload_offset_within_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.offset} of {self.length} bytes)"

    @property
    def partial_prefix(self) -> str:
        """Where the bytes received so far are kept in Django's default storage, never served:
        a file per chunk, named by the offset it starts at (bids/sealing.py), so that chunks
        received by different servers meet in shared storage."""
        return f"{PARTIAL_UPLOADS}/{self.token}"


class BidReceipt(models.Model):
    """What the supplier is given on each submission or withdrawal: server time and a hash of
    exactly what was submitted."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="receipts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField()
    sha256 = models.CharField(max_length=64, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]

    @property
    def at_utc(self) -> str:
        """The exact server time in the form the receipt hash was computed over."""
        return self.at.astimezone(UTC).isoformat()
