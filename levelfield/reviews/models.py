"""Review cases, what the raiser gave (evidence), what the team asked the buyer (requests) and
what the buyer answered (responses and their documents), and the team's follow-ups.

The raiser's identity (`raised_by`, `raiser_organisation`) is stored on the case and read only
by the raiser, their organisation and the review team: a buyer or prime contractor asked to
respond reads the case through `selectors.respondent_case`, which leaves it out unless the raiser
let the buyer know (`buyer_may_know`). Uploaded files are stored under a random name (a uuid):
the raiser's file name is kept in `original_name` for the raiser and the team only.

States change only through `Case.transition` (lifecycle.py), called by the actions."""

from pathlib import PurePath
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q

from levelfield.accounts.models import Organisation

from .lifecycle import MILESTONE, CaseStatus, check_transition
from .targets import Sector


class CaseKind(models.TextChoices):
    PROCUREMENT = "procurement", "A procurement"
    SUBCONTRACT = "subcontract", "A prime contractor's treatment of a subcontractor"
    LATE_PAYMENT = "late_payment", "A valid invoice unpaid after 30 days"


class Outcome(models.TextChoices):
    RESOLVED = "resolved", "Resolved: the recommendations were taken up"
    PARTLY_RESOLVED = "partly_resolved", "Partly resolved"
    NOT_RESOLVED = "not_resolved", "Not resolved"
    PAID = "paid", "The invoice was paid"
    NO_FURTHER_ACTION = "no_further_action", "No further action needed"


def _neutral_name(folder: str, filename: str) -> str:
    """A stored file's name: a uuid and the checked extension, never the uploader's name."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"reviews/{folder}/{uuid4().hex}{suffix}"


def evidence_path(instance, filename: str) -> str:
    return _neutral_name("evidence", filename)


def response_document_path(instance, filename: str) -> str:
    return _neutral_name("responses", filename)


class Case(models.Model):
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    kind = models.CharField(max_length=20, choices=CaseKind.choices)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.RAISED)

    # Who raised it: never shown to a respondent unless `buyer_may_know`.
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raiser_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    buyer_may_know = models.BooleanField(default=False)
    raised_at = models.DateTimeField()
    description = models.TextField()

    # What it is about: the authority (on the platform, or named by hand), the procurement (a
    # tender on the platform, or described with its notice reference), the contract and invoice.
    authority = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authority_name = models.CharField(max_length=200)
    sector = models.CharField(max_length=10, choices=Sector.choices, default=Sector.WIDER)
    tender = models.ForeignKey(
        "tenders.Tender", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contract = models.ForeignKey(
        "contracts.Contract", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    invoice = models.ForeignKey(
        "contracts.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    procurement_title = models.CharField(max_length=200, blank=True)
    notice_reference = models.CharField(max_length=100, blank=True)
    procurement_date = models.DateField(null=True, blank=True)
    prime_contractor = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prime_contractor_name = models.CharField(max_length=200, blank=True)
    # A late invoice not on the platform, described by hand.
    invoice_reference = models.CharField(max_length=100, blank=True)
    invoice_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    invoice_received_on = models.DateField(null=True, blank=True)

    # Triage. An automatic acceptance (a late invoice on the platform) has no `accepted_by`.
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_automatically = models.BooleanField(default=False)
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejection_reason = models.TextField(blank=True)
    # The target clock (targets.py), set on acceptance.
    target_months = models.PositiveSmallIntegerField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)

    # The investigation.
    findings = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    findings_at = models.DateTimeField(null=True, blank=True)
    findings_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # The end.
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_summary = models.TextField(blank=True)
    amount_unblocked = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    # Publication: closed cases only, with a summary written for the public.
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public_summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(status=CaseStatus.CLOSED),
                name="review_published_only_when_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.REJECTED) | ~Q(rejection_reason=""),
                name="review_rejected_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(amount_unblocked__isnull=True) | Q(amount_unblocked__gte=0),
                name="review_amount_unblocked_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(invoice_amount__isnull=True) | Q(invoice_amount__gt=0),
                name="review_invoice_amount_positive",
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.CLOSED) | ~Q(outcome=""),
                name="review_closed_with_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["-published_at", "-id"], name="review_published_newest"),
        ]

    def __str__(self) -> str:
        return self.reference or f"Case {self.pk}"

    @property
    def anonymous(self) -> bool:
        return not self.buyer_may_know

    @property
    def procurement(self) -> str:
        """What the case is about, as anyone told of it may read it (never the raiser)."""
        if self.tender is not None:
            return f"{self.tender.reference}: {self.tender.title}"
        if self.contract is not None:
            return f"{self.contract.reference}: {self.contract.title}"
        if self.procurement_title:
            return self.procurement_title
        if self.invoice_reference:
            return f"Invoice {self.invoice_reference}"
        return ""

    def transition(self, target: str, at) -> None:
        """The one place a case's status moves (lifecycle.ALLOWED); sets the milestone's time
        on its first arrival. Callers are the actions, which save the case and audit it."""
        check_transition(self.status, target)
        self.status = target
        column = MILESTONE.get(target)
        if column and getattr(self, column) is None:
            setattr(self, column, at)


class Evidence(models.Model):
    """A file the raiser gave, stored under a random name. `number` orders a case's files and
    names the download a respondent gets ("RV-2026-00001-evidence-1.pdf")."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="review_evidence_number")
        ]

    @property
    def neutral_name(self) -> str:
        suffix = PurePath(self.file.name).suffix
        return f"{self.case.reference}-evidence-{self.number}{suffix}"


class ResponseRequest(models.Model):
    """The team's request to an organisation (the authority, or the prime contractor) for a
    response by a date; answered once. One request at a time is open on a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="requests")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    due_on = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    # Set when the team moved on (findings recorded, case closed) without the response.
    lapsed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(responded_at__isnull=True, lapsed_at__isnull=True),
                name="review_one_open_request",
            ),
            models.CheckConstraint(
                condition=Q(responded_at__isnull=True) | ~Q(response=""),
                name="review_response_has_text",
            ),
        ]

    @property
    def answered(self) -> bool:
        return self.responded_at is not None

    @property
    def is_open(self) -> bool:
        return self.responded_at is None and self.lapsed_at is None


class ResponseDocument(models.Model):
    """A document the respondent sent with its response, stored under a random name."""

    request = models.ForeignKey(ResponseRequest, on_delete=models.CASCADE, related_name="documents")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=response_document_path, max_length=200)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["request", "number"]
        constraints = [
            models.UniqueConstraint(fields=["request", "number"], name="review_document_number")
        ]


class FollowUp(models.Model):
    """A check the team made after its recommendations (did the buyer do what it said)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    note = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "recorded_at", "id"]
