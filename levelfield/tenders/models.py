import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from levelfield.accounts.models import Organisation
from levelfield.core import clock
from levelfield.suppliers.models import Region

from .lifecycle import MILESTONE, Status, check_transition

CPV_CODE = RegexValidator(
    r"^[0-9]{8}(-[0-9])?$", "Enter a CPV code of 8 digits, like 85300000 or 85300000-2", code="cpv"
)


class PriceFormula(models.TextChoices):
    LOWEST_PRICE = "lowest_price", "Lowest price divided by bid price, times the price weight"
    PROPORTIONAL = "proportional", "Proportional deviation from the lowest price"
    PRICE_PER_QUALITY_POINT = "price_per_quality_point", "Price per quality point (lowest wins)"


class TieBreak(models.TextChoices):
    HIGHEST_QUALITY = "highest_quality", "Highest quality score wins"
    HIGHEST_SOCIAL_VALUE = "highest_social_value", "Highest social value score wins"
    LOWEST_PRICE = "lowest_price", "Lowest price wins"


class ReservedParticipation(models.TextChoices):
    """Who a contract is reserved for, with the codes of the OCDS reservedParticipation codelist
    (otherRequirements extension) and the UK extension's addition (smeVcse)."""

    NONE = "", "Not reserved: open to every supplier"
    # UK extension: below-threshold contracts may be reserved for SMEs and VCSEs.
    SME_VCSE = "smeVcse", "Reserved for SMEs and VCSEs"
    # Procurement Act 2023 s.33: reserved contracts for public service mutuals.
    PUBLIC_SERVICE_MUTUAL = (
        "publicServiceMissionOrganization",
        "Reserved for public service mutuals",
    )


class RequiredCertificate(models.TextChoices):
    """Certificates a buyer may ask bidders to hold. Whether one is proportionate to a
    contract's value is a barrier check (tenders/barriers.py)."""

    CYBER_ESSENTIALS = "cyber_essentials", "Cyber Essentials"
    CYBER_ESSENTIALS_PLUS = "cyber_essentials_plus", "Cyber Essentials Plus"
    ISO_9001 = "iso_9001", "ISO 9001 (quality management)"
    ISO_14001 = "iso_14001", "ISO 14001 (environmental management)"
    ISO_27001 = "iso_27001", "ISO 27001 (information security)"
    ISO_45001 = "iso_45001", "ISO 45001 (health and safety)"


class TenderQuerySet(models.QuerySet):
    def public(self):
        """What anyone may see: published tenders and what followed, never drafts."""
        return self.exclude(status=Status.DRAFT).exclude(published_at__isnull=True)

    def for_buyer(self, organisation):
        return self.filter(buyer=organisation)

    def open_for_bids(self):
        return self.filter(status=Status.PUBLISHED, submission_deadline__gt=clock.now())


class ContractKind(models.TextChoices):
    """Procurement Act 2023 Schedule 1 rows, by who buys and what (the thresholds are in
    tenders/periods.py, as data with a version)."""

    CENTRAL_GOODS_SERVICES = "central", "Goods or services for a central government authority"
    SUB_CENTRAL_GOODS_SERVICES = "sub_central", "Goods or services for a sub-central authority"
    UTILITIES = "utilities", "Utilities contract (goods or services)"
    WORKS = "works", "Works contract"
    LIGHT_TOUCH = "light_touch", "Light touch contract"


class Tender(models.Model):
    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="tenders")
    reference = models.CharField(max_length=30, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField()
    estimated_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    region = models.CharField(max_length=3, choices=Region.choices, blank=True)
    suitable_for_sme = models.BooleanField("Suitable for SMEs", default=False)
    suitable_for_vcse = models.BooleanField("Suitable for VCSEs", default=False)
    reserved_participation = models.CharField(
        max_length=40, choices=ReservedParticipation.choices, blank=True, default=""
    )

    # What a bidder must hold: shown first on the opportunity page and checked for barriers.
    minimum_turnover = models.DecimalField(
        "Minimum annual turnover", max_digits=14, decimal_places=2, null=True, blank=True
    )
    insurance_before_award = models.BooleanField("Insurance required before award", default=False)
    insurance_cover = models.CharField(max_length=300, blank=True)
    certificates_required = models.JSONField(default=list, blank=True)
    # Procurement Act 2023 s.18: why the contract is not divided into lots, when it is not.
    lots_not_divided_reason = models.TextField(blank=True)
    # Procurement Act 2023 s.54 minimum tendering periods (see tenders/periods.py). The kind of
    # contract picks the Schedule 1 threshold the estimated value is measured against; the
    # default, central government goods and services, is the lowest threshold, so a tender that
    # never says is held to the longer period rather than let off it.
    s54_contract_kind = models.CharField(
        "Kind of contract (Schedule 1 threshold)",
        max_length=30,
        choices=ContractKind.choices,
        default=ContractKind.CENTRAL_GOODS_SERVICES,
    )
    # The day a planned procurement notice (UK3) for this procurement was published, if any.
    s54_planned_notice_published_on = models.DateField(null=True, blank=True)
    # s.54: a state of urgency, recorded with its reason, allows 10 days above threshold.
    s54_urgency_reason = models.TextField(blank=True)
    # Below threshold, why bidders are given fewer than 10 days.
    s54_short_period_reason = models.TextField(blank=True)

    # Title (weight A) and description (weight B), stemmed in English, for the PostgreSQL
    # opportunity search; written when the tender is published (tenders/actions.py). Unused on
    # SQLite, where the search matches words with icontains.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)
    # Every prefix of every CPV code of the tender ('85 853 8531 ... 85310000'), so that the
    # CPV filter of the PostgreSQL search is a lookup in the same GIN index as the words
    # (selectors.CPV_VECTOR_SQL, written with search_vector). Unused on SQLite.
    cpv_vector = SearchVectorField(null=True, blank=True, editable=False)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    policy_version = models.CharField(max_length=20, blank=True)

    clarification_deadline = models.DateTimeField(null=True, blank=True)
    submission_deadline = models.DateTimeField(null=True, blank=True)
    expected_award_date = models.DateField(null=True, blank=True)
    contract_start = models.DateField(null=True, blank=True)
    contract_end = models.DateField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    evaluation_started_at = models.DateTimeField(null=True, blank=True)
    award_decided_at = models.DateTimeField(null=True, blank=True)
    standstill_started_at = models.DateTimeField(null=True, blank=True)
    standstill_ends_at = models.DateTimeField(null=True, blank=True)
    contract_signed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.TextField(blank=True)

    objects = TenderQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(clarification_deadline__isnull=True)
                | Q(submission_deadline__isnull=True)
                | Q(clarification_deadline__lt=models.F("submission_deadline")),
                name="clarification_before_submission",
            ),
            models.CheckConstraint(
                condition=Q(contract_start__isnull=True)
                | Q(contract_end__isnull=True)
                | Q(contract_start__lte=models.F("contract_end")),
                name="contract_starts_before_end",
            ),
            models.CheckConstraint(
                condition=Q(estimated_value__isnull=True) | Q(estimated_value__gte=0),
                name="tender_value_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submission_deadline"]),
            # The opportunity list, newest first.
            models.Index(fields=["-published_at", "-id"], name="tender_published_newest"),
            # The GIN index on search_vector is made by a PostgreSQL-only migration operation.
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def days_left(self) -> int | None:
        """Whole days until the submission deadline (0 on the last day); None once it has
        passed or when there is no deadline."""
        if self.submission_deadline is None or self.is_closed_for_bids:
            return None
        return (self.submission_deadline - clock.now()).days

    def display_changes_at(self, now):
        """The first moment after `now` at which what people see of the tender changes with
        time alone (days_left goes down, or the deadline passes and it closes); None once the
        deadline has passed or when there is none."""
        deadline = self.submission_deadline
        if deadline is None or deadline <= now:
            return None
        return deadline - timedelta(days=(deadline - now).days)

    @property
    def certificate_labels(self) -> list[str]:
        labels = dict(RequiredCertificate.choices)
        return [labels.get(code, code) for code in self.certificates_required or []]

    def transition(self, target: str) -> None:
        """The one place a tender's status changes. Callers are action functions, in their
        transaction. A change that the public can see (a tender published, or any later move of
        a published one: evaluation, award, cancellation, ...) starts a new search generation
        in that transaction, so no cached search shows the old status."""
        check_transition(self.status, target)
        if self.status != Status.DRAFT or target == Status.PUBLISHED:
            SearchGeneration.renew()
        self.status = target
        column = MILESTONE.get(target)
        if column:
            setattr(self, column, clock.now())

    @property
    def is_closed_for_bids(self) -> bool:
        return self.submission_deadline is not None and clock.now() >= self.submission_deadline

    @property
    def bids_unsealed(self) -> bool:
        """Bids may be opened only once the submission deadline has passed."""
        return self.status != Status.DRAFT and self.is_closed_for_bids

    @property
    def is_open_for_bids(self) -> bool:
        return self.status == Status.PUBLISHED and not self.is_closed_for_bids

    @property
    def is_open_for_questions(self) -> bool:
        return (
            self.status == Status.PUBLISHED
            and self.clarification_deadline is not None
            and clock.now() < self.clarification_deadline
        )

    @property
    def display_status(self) -> str:
        """What people see: 'Closed' follows from the deadline, it is not a stored state."""
        if self.status == Status.PUBLISHED and self.is_closed_for_bids:
            return "Closed"
        if self.status == Status.PUBLISHED:
            return "Open"
        return self.get_status_display()


class TenderCPV(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="cpv_codes")
    code = models.CharField(max_length=10, validators=[CPV_CODE])

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["tender", "code"], name="unique_tender_cpv")]
        indexes = [
            models.Index(fields=["code"]),
            # The CPV filter is a prefix match (LIKE '853%'): PostgreSQL needs the pattern
            # operator class for that unless the database collation is C. Ignored on SQLite.
            models.Index(
                fields=["code", "tender"],
                name="tendercpv_code_prefix",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Lot(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    estimated_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    # Award criteria published with the tender (Procurement Act 2023 s.23).
    price_weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    price_formula = models.CharField(
        max_length=30, choices=PriceFormula.choices, default=PriceFormula.LOWEST_PRICE
    )
    quality_threshold = models.DecimalField(
        "Quality threshold (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="A bid scoring below this percentage of the quality points available is "
        "disqualified before price is considered. Leave empty for no threshold.",
    )
    tie_break = models.CharField(
        max_length=30, choices=TieBreak.choices, default=TieBreak.HIGHEST_QUALITY
    )

    class Meta:
        ordering = ["tender_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="unique_lot_number"),
            models.CheckConstraint(
                condition=Q(price_weight__gte=0) & Q(price_weight__lte=100),
                name="price_weight_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"Lot {self.number}: {self.title}"


class Question(models.Model):
    class Kind(models.TextChoices):
        QUALITY = "quality", "Quality"
        SOCIAL_VALUE = "social_value", "Social value"

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    guidance = models.TextField(blank=True)
    weight = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # [{"score": 0, "descriptor": "..."}, ...] stored per procurement.
    scale = models.JSONField()
    # The most words an answer may have (bids.words counts them); null for no limit. An answer
    # over it is kept as a draft but cannot be submitted.
    word_limit = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["lot_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "number"], name="unique_question_number"),
            models.CheckConstraint(
                condition=Q(word_limit__isnull=True) | Q(word_limit__gte=1),
                name="question_word_limit_positive",
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=100), name="question_weight_0_to_100"
            ),
        ]

    def __str__(self) -> str:
        return f"Q{self.number} ({self.get_kind_display()}, {self.weight}%)"

    @property
    def max_score(self) -> int:
        return max(level["score"] for level in self.scale)

    @property
    def allowed_scores(self) -> list[int]:
        return sorted(level["score"] for level in self.scale)


class TenderDocument(models.Model):
    class DocType(models.TextChoices):
        SPECIFICATION = "specification", "Specification"
        INSTRUCTIONS = "instructions", "Instructions to bidders"
        CONTRACT = "contract", "Draft contract"
        PRICING = "pricing", "Pricing schedule"
        OTHER = "other", "Other"

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    doc_type = models.CharField(max_length=20, choices=DocType.choices)
    file = models.FileField(upload_to="tenders/%Y/%m/")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Versions (amendments): a new version points at the one it replaces, which is kept and
    # stays downloadable; a withdrawn document is kept too. Current = neither.
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None and self.withdrawn_at is None

    @property
    def version(self) -> int:
        """1 for the original, 2 for its first replacement, and so on."""
        number, replaced = 1, self.replaces
        while replaced is not None:
            number, replaced = number + 1, replaced.replaces
        return number


class TenderAmendment(models.Model):
    """One amendment of a published tender: why, and what changed (in words, for people)."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField()
    reason = models.TextField()
    changes = models.JSONField(default=list)
    made_at = models.DateTimeField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="one_amendment_number")
        ]


class TenderInterest(models.Model):
    """A supplier that showed interest in a tender, and how it first did: it is told of every
    amendment."""

    class How(models.TextChoices):
        VIEWED = "viewed", "Viewed the opportunity while signed in"
        ASKED = "asked", "Asked a clarification question"
        BID = "bid", "Drafted or submitted a bid"

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="interests")
    supplier = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    first_seen_at = models.DateTimeField()
    how = models.CharField(max_length=10, choices=How.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tender", "supplier"], name="one_interest_per_supplier")
        ]


class ClarificationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(answered_at__isnull=False)


class Clarification(models.Model):
    """A supplier's question; its answer is published to everyone without the asker's name.

    The buyer publishes the question as it will be shown (`published_question`): as asked, edited
    (to take out who asked or their commercial detail) or withheld, the answer alone being
    published. The original `question` stays for those who answer it and in the audit trail;
    pages for anyone else show only `published_question`. Set once, by
    `actions_clarify.answer_clarification`."""

    class PublishedAs(models.TextChoices):
        AS_ASKED = "as_asked", "As asked"
        EDITED = "edited", "Edited by the buyer"
        WITHHELD = "withheld", "Not published (answer only)"

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="clarifications")
    asked_by_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField()
    asked_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_question = models.TextField(
        blank=True, help_text="The question as published with its answer (empty if withheld)"
    )
    published_as = models.CharField(max_length=10, choices=PublishedAs.choices, blank=True)

    objects = ClarificationQuerySet.as_manager()

    class Meta:
        ordering = ["asked_at", "id"]
        constraints = [
            # An answer publishes the question as asked or edited (some text), or withholds it
            # (no text); nothing is published before the answer.
            models.CheckConstraint(
                condition=(
                    Q(answered_at__isnull=True, published_question="", published_as="")
                    | Q(answered_at__isnull=False, published_as="withheld", published_question="")
                    | (
                        Q(answered_at__isnull=False, published_as__in=["as_asked", "edited"])
                        & ~Q(published_question="")
                    )
                ),
                name="clarification_published_question",
            )
        ]

    @property
    def question_edited(self) -> bool:
        return self.published_as == self.PublishedAs.EDITED

    @property
    def question_withheld(self) -> bool:
        return self.published_as == self.PublishedAs.WITHHELD


class BarrierDecision(models.Model):
    """A buyer's recorded reason to go ahead with something a barrier check flagged
    (tenders/barriers.py), one per check per tender. Recorded by
    `actions.record_barrier_reason`, which audits it."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="barrier_decisions")
    code = models.CharField(max_length=40)
    reason = models.TextField()
    finding = models.TextField(
        blank=True, help_text="What the check found when the reason was recorded (Finding.subject)"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["tender_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "code"], name="one_barrier_decision_per_check"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tender_id}: proceed despite {self.code}"


class SearchGeneration(models.Model):
    """One row: a token that changes, in the same transaction, whenever the opportunity search
    could find or show something else: a tender published, or a published tender changing
    status (Tender.transition). Cached searches and search responses are keyed by it
    (selectors.cached_search, search_responses.py), so a cache hit never shows a tender that
    has gone, misses one just published or shows an old status, whichever server process
    cached it. A random token rather than a counter: a rolled-back or restored database can
    never bring back a value that once named other results."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token

    @classmethod
    def renew(cls) -> None:
        """A new token, written in the caller's transaction."""
        token = uuid.uuid4().hex
        if not cls.objects.filter(pk=1).update(token=token):
            cls.objects.create(pk=1, token=token)
