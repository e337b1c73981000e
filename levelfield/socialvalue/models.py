"""Social value, from the award criteria to what was delivered.

Three groups of tables:

- the social value *models* (PPN 06/20, PPN 002, or a model an admin loads) as versioned data:
  theme -> policy outcome -> model award criterion -> sub-criteria and reporting metrics;
- what a *buyer* owns: its measurement framework (measures with proxy values in pounds), and per
  tender the model version and framework it uses, the outcomes picked for each lot and the social
  value questions made from them;
- what a *supplier* promises and delivers: commitments in a bid, which become obligations of the
  contract at signature, reported against per period and reviewed by the buyer.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from levelfield.accounts.models import Organisation
from levelfield.bids.models import Bid
from levelfield.bids.sealed_rows import TenderSealable
from levelfield.contracts.models import Contract
from levelfield.core.errors import InvalidTransition
from levelfield.core.sealing import SealableCharField, SealedField
from levelfield.tenders.models import Lot, Question, Tender

# ---------------------------------------------------------------------------------------------
# The models as versioned data


def contract_lot(contract: Contract) -> Lot:
    """The lot a contract with social value obligations was awarded from. Only a contract
    awarded on levelfield has obligations (`actions.create_obligations`, from its winning bid)
    or a social value page (`selectors.contract_for`), and such a contract always has its lot
    (a constraint of Contract: awarded, with its award and lot)."""
    lot = contract.lot
    assert lot is not None, "social value is only for contracts awarded on levelfield"
    return lot


class SocialValueModel(models.Model):
    """One version of a social value model. Chosen for a procurement by its commencement date
    (`selectors.model_for`), then kept by that procurement for life."""

    code = models.CharField(max_length=40)
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    # The policy version (levelfield.core.policy) whose weight rule goes with this model.
    policy_code = models.CharField(max_length=20)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    mandatory_from = models.DateField(null=True, blank=True)
    source = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    loaded_at = models.DateTimeField()
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-valid_from", "-loaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="sv_model_code_version"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="sv_model_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class ModelElement(models.Model):
    """What every level of a model has: a code, its text and a period of validity (empty: the
    model's own)."""

    code = models.CharField(max_length=40)
    text = models.TextField()
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:80]}"

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Theme(ModelElement):
    model = models.ForeignKey(SocialValueModel, on_delete=models.CASCADE, related_name="themes")

    class Meta(ModelElement.Meta):
        constraints = [
            models.UniqueConstraint(fields=["model", "code"], name="sv_theme_code"),
        ]


class PolicyOutcome(ModelElement):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="outcomes")
    # The OCDS sustainability extension's goal code (an open codelist), for open data.
    sustainability_goal = models.CharField(max_length=80, blank=True)

    class Meta(ModelElement.Meta):
        constraints = [
            models.UniqueConstraint(fields=["theme", "code"], name="sv_outcome_code"),
        ]


class AwardCriterion(ModelElement):
    """A model award criterion (MAC)."""

    outcome = models.ForeignKey(PolicyOutcome, on_delete=models.CASCADE, related_name="criteria")

    class Meta(ModelElement.Meta):
        constraints = [
            models.UniqueConstraint(fields=["outcome", "code"], name="sv_criterion_code"),
        ]


class SubCriterion(ModelElement):
    criterion = models.ForeignKey(
        AwardCriterion, on_delete=models.CASCADE, related_name="sub_criteria"
    )

    class Meta(ModelElement.Meta):
        constraints = [
            models.UniqueConstraint(fields=["criterion", "code"], name="sv_sub_criterion_code"),
        ]


class ReportingMetric(ModelElement):
    criterion = models.ForeignKey(AwardCriterion, on_delete=models.CASCADE, related_name="metrics")
    unit = models.CharField(max_length=60)

    class Meta(ModelElement.Meta):
        constraints = [
            models.UniqueConstraint(fields=["criterion", "code"], name="sv_metric_code"),
        ]


# ---------------------------------------------------------------------------------------------
# The buyer's measurement framework (proxy values): imported, never shipped


class MeasurementFramework(models.Model):
    """A buyer's own measures, with optional proxy values in pounds (the way councils use the
    National TOMs). Each import is a new version; a version never changes once a tender uses
    it, so pound values shown to bidders stay as they were."""

    buyer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="measurement_frameworks"
    )
    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    source_filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "name", "version"], name="sv_framework_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class Measure(models.Model):
    framework = models.ForeignKey(
        MeasurementFramework, on_delete=models.CASCADE, related_name="measures"
    )
    code = models.CharField(max_length=40)
    description = models.TextField()
    unit = models.CharField(max_length=60)
    proxy_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    line = models.PositiveIntegerField(help_text="The line of the imported file it came from")

    class Meta:
        ordering = ["line", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="sv_measure_code"),
            models.CheckConstraint(
                condition=Q(proxy_value__isnull=True) | Q(proxy_value__gte=0),
                name="sv_proxy_value_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.description[:80]}"


# ---------------------------------------------------------------------------------------------
# The tender


class ReportingFrequency(models.IntegerChoices):
    MONTHLY = 1, "Every month"
    QUARTERLY = 3, "Every 3 months"
    HALF_YEARLY = 6, "Every 6 months"
    YEARLY = 12, "Every year"


class TenderSocialValue(models.Model):
    """The social value model version (and measurement framework) a procurement uses. Set when
    the buyer first picks outcomes and never changed afterwards, even when a newer model is
    loaded: a procurement keeps its model for life."""

    tender = models.OneToOneField(Tender, on_delete=models.CASCADE, related_name="social_value")
    model = models.ForeignKey(SocialValueModel, on_delete=models.PROTECT, related_name="tenders")
    framework = models.ForeignKey(
        MeasurementFramework,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tenders",
    )
    reporting_months = models.PositiveSmallIntegerField(
        choices=ReportingFrequency.choices, default=ReportingFrequency.QUARTERLY
    )
    chosen_on = models.DateField(help_text="The commencement date the model was chosen by")
    chosen_at = models.DateTimeField()
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.tender.reference}: {self.model}"


class LotOutcome(models.Model):
    """A policy outcome the buyer picked for a lot."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="social_value_outcomes")
    outcome = models.ForeignKey(PolicyOutcome, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField()

    class Meta:
        ordering = ["outcome__theme__position", "outcome__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "outcome"], name="sv_one_outcome_per_lot"),
        ]


class SocialValueQuestion(models.Model):
    """Where a social value question of the tender came from in the model, so a bid can offer
    the right reporting metrics."""

    question = models.OneToOneField(
        Question, on_delete=models.CASCADE, related_name="social_value_source"
    )
    outcome = models.ForeignKey(PolicyOutcome, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(AwardCriterion, on_delete=models.PROTECT, related_name="+")
    sub_criterion = models.ForeignKey(
        SubCriterion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


# ---------------------------------------------------------------------------------------------
# The bid


class Commitment(TenderSealable, models.Model):
    """A specific, measurable, time-bound promise in a bid, such as '6 apprenticeships for local
    care leavers in year 1'. Sealed with the bid: buyers read commitments only through
    `Bid.objects.unsealed_for_buyer`, and its words are sealed at rest with the bid's price
    until the bids are opened (bids/sealing.py)."""

    SEALED_FIELDS = ("description", "location", "beneficiaries")

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="social_value_commitments")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    metric = models.ForeignKey(
        ReportingMetric, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = SealableCharField("What you will deliver", max_length=300)
    quantity = models.DecimalField(max_digits=12, decimal_places=2)
    unit = models.CharField(max_length=60)
    contract_year = models.PositiveSmallIntegerField("By the end of contract year")
    location = SealableCharField("Where", max_length=200)
    beneficiaries = SealableCharField("Who benefits", max_length=300)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    sealed = SealedField()

    class Meta:
        ordering = ["question__number", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sv_commitment_quantity"),
            models.CheckConstraint(condition=Q(contract_year__gte=1), name="sv_commitment_year"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity.normalize():f} {self.unit}: {self.description}"

    def sealer(self):
        from levelfield.bids.sealing import sealer_for

        return sealer_for(self.sealing_associated(), lots__bids=self.bid_id)

    def sealing_associated(self) -> bytes:
        return f"bid={self.bid_id}:commitment:question={self.question_id}".encode()

    @property
    def proxy_value(self) -> Decimal | None:
        return self.measure.proxy_value if self.measure is not None else None

    @property
    def value(self) -> Decimal | None:
        """quantity x proxy value, in pounds, where the buyer's measure has one."""
        proxy = self.proxy_value
        return None if proxy is None else (self.quantity * proxy).quantize(Decimal("0.01"))


# ---------------------------------------------------------------------------------------------
# The contract


class Obligation(models.Model):
    """A winning bid's commitment as an obligation of the signed contract. What was promised is
    copied here, with the proxy value in force at signature, so later edits to a framework
    never change what the contract holds."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="social_value_obligations"
    )
    commitment = models.OneToOneField(
        Commitment, on_delete=models.PROTECT, related_name="obligation"
    )
    number = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=12, decimal_places=2)
    unit = models.CharField(max_length=60)
    location = models.CharField(max_length=200)
    beneficiaries = models.CharField(max_length=300)
    measure_code = models.CharField(max_length=40, blank=True)
    metric_code = models.CharField(max_length=40, blank=True)
    proxy_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    due_on = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["contract_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="sv_obligation_number"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sv_obligation_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity.normalize():f} {self.unit}: {self.description}"


class ReportingPeriod(models.Model):
    """One period the supplier reports on. A report is due `REPORT_DUE_DAYS` after it ends."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="social_value_periods"
    )
    number = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    report_due_on = models.DateField()
    supplier_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="sv_period_number"),
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")) & Q(ends_on__lte=F("report_due_on")),
                name="sv_period_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Period {self.number}"


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for review"
    ACCEPTED = "accepted", "Accepted"
    QUERIED = "queried", "Queried"
    REJECTED = "rejected", "Rejected"


# A delivery report's lifecycle as a table. "" is a report not yet sent. The supplier may send
# a report again while it waits, or after it was queried or rejected; an accepted one is final.
REPORT_ALLOWED: dict[str, set[str]] = {
    "": {ReportStatus.SUBMITTED},
    ReportStatus.SUBMITTED: {
        ReportStatus.SUBMITTED,
        ReportStatus.ACCEPTED,
        ReportStatus.QUERIED,
        ReportStatus.REJECTED,
    },
    ReportStatus.QUERIED: {ReportStatus.SUBMITTED},
    ReportStatus.REJECTED: {ReportStatus.SUBMITTED},
    ReportStatus.ACCEPTED: set(),
}
REPORT_REFUSED: dict[str, str] = {
    ReportStatus.SUBMITTED: "This report has been accepted, so it cannot change",
    ReportStatus.ACCEPTED: "Only a report waiting for review can be accepted, queried or rejected",
    ReportStatus.QUERIED: "Only a report waiting for review can be accepted, queried or rejected",
    ReportStatus.REJECTED: "Only a report waiting for review can be accepted, queried or rejected",
}


class DeliveryReport(models.Model):
    """What the supplier says it delivered against one obligation in one period. Only accepted
    reports count as delivered."""

    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    quantity = models.DecimalField(max_digits=12, decimal_places=2)
    narrative = models.TextField()
    status = models.CharField(max_length=10, choices=ReportStatus.choices)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    buyer_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["period__number", "obligation__number"]
        constraints = [
            models.UniqueConstraint(fields=["obligation", "period"], name="sv_one_report"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="sv_report_quantity"),
        ]

    def __str__(self) -> str:
        return f"Report on {self.obligation} for {self.period}"

    def check_transition(self, target: str) -> None:
        if target not in REPORT_ALLOWED[self.status]:
            raise InvalidTransition(REPORT_REFUSED[target])

    def transition(self, target: str) -> None:
        """The one place a report's status changes. Callers are action functions."""
        self.check_transition(target)
        self.status = target


class ReportEvidence(models.Model):
    report = models.ForeignKey(DeliveryReport, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="social-value/%Y/%m/")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]


class ReportReview(models.Model):
    """Each decision the buyer made on a report, with its reason: the report's history."""

    report = models.ForeignKey(DeliveryReport, on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(max_length=10, choices=ReportStatus.choices)
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
