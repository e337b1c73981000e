"""The contract record: from an award on the platform, or entered by hand for a contract let
elsewhere; its parties, value, dates, options to extend, documents, manager and tier."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from levelfield.accounts.models import Organisation

from ..lifecycle import MILESTONE, PUBLIC, ContractStatus, check_transition
from .award import AwardDecision


class Origin(models.TextChoices):
    AWARDED = "awarded", "Awarded on levelfield"
    LET_ELSEWHERE = "let_elsewhere", "Let elsewhere and entered by hand"
    # A direct award from the catalogue marketplace: a call-off under a framework on levelfield
    # (marketplace.Outcome links the two); like a contract let elsewhere, no tender nor lot.
    CALL_OFF = "call_off", "Called off a framework on levelfield"


class Category(models.TextChoices):
    """The main procurement category: s.75 allows works more change (15%) than goods and
    services (10%)."""

    GOODS = "goods", "Goods"
    SERVICES = "services", "Services"
    WORKS = "works", "Works"


class Risk(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Tier(models.TextChoices):
    GOLD = "gold", "Gold"
    SILVER = "silver", "Silver"
    BRONZE = "bronze", "Bronze"


class AccreditationLevel(models.IntegerChoices):
    """Contract management accreditation, in order: a tier expects at least its level."""

    FOUNDATION = 1, "Foundation"
    PRACTITIONER = 2, "Practitioner"
    EXPERT = 3, "Expert"


class ContractQuerySet(models.QuerySet):
    def for_buyer(self, organisation):
        return self.filter(buyer=organisation)

    def for_supplier(self, organisation):
        """Contracts the supplier holds, recorded ones excepted (not yet entered into)."""
        return self.filter(supplier=organisation).exclude(status=ContractStatus.RECORDED)

    def public(self):
        """What the public register shows: every contract once signed."""
        return self.filter(status__in=PUBLIC)

    def in_force_on(self, as_of):
        """Contracts signed (a record awaiting signature is not yet entered into) whose term
        includes `as_of` and that had not ended early before it (a termination or completion
        sets the final end date): right for a date in the past as for today or later."""
        return self.filter(status__in=PUBLIC, start_date__lte=as_of, end_date__gte=as_of).filter(
            Q(final_end_date__isnull=True) | Q(final_end_date__gte=as_of)
        )


class Contract(models.Model):
    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.AWARDED)
    # From an award on the platform; both empty for a contract let elsewhere.
    award = models.OneToOneField(
        AwardDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="contract"
    )
    lot = models.OneToOneField(
        "tenders.Lot", null=True, blank=True, on_delete=models.PROTECT, related_name="contract"
    )
    # The buyer's own reference (unique per buyer), and for a contract let elsewhere the notice
    # that published it (Find a Tender or Contracts Finder).
    reference = models.CharField(max_length=60)
    notice_reference = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=10, choices=Category.choices, default=Category.SERVICES)
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contracts")
    supplier_contact_name = models.CharField(max_length=150, blank=True)
    supplier_contact_email = models.EmailField(blank=True)
    contract_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_contracts",
    )

    # Value and term now, after any changes; and as first entered into, the base of s.75.
    value = models.DecimalField(max_digits=14, decimal_places=2)
    start_date = models.DateField()
    end_date = models.DateField()
    original_value = models.DecimalField(max_digits=14, decimal_places=2)
    original_end_date = models.DateField()

    # Tiering (tiering.py): risk and criticality are the buyer's; the tier follows from the rules.
    risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.LOW)
    critical = models.BooleanField(default=False)
    tier = models.CharField(max_length=10, choices=Tier.choices, default=Tier.BRONZE)
    tier_rules = models.CharField(max_length=40, blank=True)

    # s.52: why a contract over £5m has fewer than three KPIs (UK extension
    # contracts.noAgreedMetricsRationale).
    kpi_exemption_reason = models.TextField(blank=True)
    # What the contract is for, counted (people housed, repairs done, listeners): cost per
    # outcome is the amount paid divided by the outcomes recorded.
    outcome_measure = models.CharField(max_length=100, blank=True)

    status = models.CharField(
        max_length=12, choices=ContractStatus.choices, default=ContractStatus.RECORDED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    mobilising_at = models.DateTimeField(null=True, blank=True)
    live_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.TextField(blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    terminated_at = models.DateTimeField(null=True, blank=True)
    # UK11: why it ended early (UK extension terminationRationaleClassification).
    termination_reason = models.TextField(blank=True)
    termination_classification = models.CharField(max_length=40, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Contract completion extension: what was paid in the end, and when delivery ended.
    final_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    final_end_date = models.DateField(null=True, blank=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="contract_value_positive"),
            models.CheckConstraint(
                condition=Q(original_value__gt=0), name="contract_original_value_positive"
            ),
            models.CheckConstraint(
                condition=Q(start_date__lte=F("end_date")), name="contract_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(start_date__lte=F("original_end_date")),
                name="contract_original_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(status="recorded") | Q(signed_at__isnull=False),
                name="signed_contract_has_date",
            ),
            models.CheckConstraint(
                condition=Q(
                    origin__in=["let_elsewhere", "call_off"], award__isnull=True, lot__isnull=True
                )
                | Q(origin="awarded", award__isnull=False, lot__isnull=False),
                name="contract_origin_matches_award",
            ),
            models.UniqueConstraint(
                fields=["buyer", "reference"], name="contract_reference_unique_per_buyer"
            ),
        ]
        indexes = [models.Index(fields=["buyer", "status"]), models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    @property
    def tender(self):
        return self.lot.tender if self.lot_id else None

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC

    def transition(self, target: str, at) -> None:
        """The one place a contract's status changes, with its milestone. Callers are actions."""
        check_transition(self.status, target)
        self.status = target
        setattr(self, MILESTONE[target], at)


class ExtensionOption(models.Model):
    """An option to extend written into the contract; using one is a change (changes.py)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="options")
    description = models.CharField(max_length=200)
    months = models.PositiveIntegerField()
    value = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(months__gt=0), name="option_months_positive"),
            models.CheckConstraint(condition=Q(value__gte=0), name="option_value_not_negative"),
        ]


class ContractDocument(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="contracts/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["-uploaded_at", "-id"]


class Accreditation(models.Model):
    """A person's contract management accreditation. One per person: a new level replaces the
    old, through `actions.record_accreditation`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accreditation"
    )
    level = models.PositiveSmallIntegerField(choices=AccreditationLevel.choices)
    reference = models.CharField(max_length=100, blank=True)
    awarded_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
