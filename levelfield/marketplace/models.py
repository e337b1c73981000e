"""Frameworks and their lots, suppliers' applications, service listings (each change a kept
version), buyers' projects with their saved searches, the frozen shortlist, and the outcome of a
project: a call-off contract under the framework, with the saving it made.

Statuses change only through the `transition` methods (lifecycle.py), called by the actions."""

from pathlib import PurePath
from uuid import uuid4

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q

from levelfield.accounts.models import Organisation

from . import lifecycle
from .lifecycle import ApplicationStatus, FrameworkStatus, ListingStatus, ProjectStatus


def _stored_name(folder: str, filename: str) -> str:
    """A stored file's name: a uuid and the extension, never the uploader's name."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"marketplace/{folder}/{uuid4().hex}{suffix}"


def listing_document_path(_row, filename: str) -> str:
    return _stored_name("listings", filename)


# --- Frameworks --------------------------------------------------------------------------------


class Framework(models.Model):
    """A framework agreement run on the platform (cloud hosting, cloud software, cloud support,
    or any the platform admin creates): lots, an application window, what suppliers declare."""

    reference = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=FrameworkStatus.choices, default=FrameworkStatus.COMING
    )
    # The application window and the framework's term, as announced.
    applications_open_on = models.DateField()
    applications_close_on = models.DateField()
    live_from = models.DateField()
    expires_on = models.DateField()
    # What a supplier must declare to apply: its exclusion declaration (the supplier profile's
    # answers to the exclusion grounds, current when it applies) and these statements, each of
    # which it agrees to.
    requires_exclusion_declaration = models.BooleanField(default=True)
    statements = models.JSONField(default=list, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    standstill_at = models.DateTimeField(null=True, blank=True)
    live_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-live_from", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(applications_open_on__lte=F("applications_close_on")),
                name="framework_window_in_order",
            ),
            models.CheckConstraint(
                condition=Q(applications_close_on__lte=F("live_from")),
                name="framework_live_after_window",
            ),
            models.CheckConstraint(
                condition=Q(live_from__lt=F("expires_on")), name="framework_term_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.name}"

    @property
    def is_live(self) -> bool:
        return self.status == FrameworkStatus.LIVE

    def transition(self, target: str, at) -> None:
        lifecycle.transition(self, FrameworkStatus, lifecycle.FRAMEWORK_MILESTONE, target, at)


class FrameworkLot(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # The categories a listing on this lot chooses from (a facet of the search).
    categories = models.JSONField(default=list, blank=True)
    # The CPV code of the lot's services (published with call-offs).
    cpv_code = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="framework_lot_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"Lot {self.number}: {self.title}"


class Application(models.Model):
    """A supplier's application to a framework, with the declarations it made."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="applications")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    lots = models.ManyToManyField(FrameworkLot, related_name="applications", blank=True)
    status = models.CharField(
        max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    # The exclusion declaration current when it submitted, as it then stood, and the framework's
    # statements it agreed to.
    declaration = models.ForeignKey(
        "suppliers.ExclusionDeclaration",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    declaration_snapshot = models.JSONField(default=dict, blank=True)
    agreed_statements = models.JSONField(default=list, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["framework", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "supplier"], name="one_application_per_framework"
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier} on {self.framework.reference}"

    def transition(self, target: str, at) -> None:
        lifecycle.transition(self, ApplicationStatus, lifecycle.APPLICATION_MILESTONE, target, at)


# --- Listings ----------------------------------------------------------------------------------


class ListingQuerySet(models.QuerySet):
    def live(self):
        """What buyers find: live listings on live frameworks."""
        return self.filter(status=ListingStatus.LIVE, lot__framework__status=FrameworkStatus.LIVE)

    def for_supplier(self, organisation):
        return self.filter(supplier=organisation)


class Listing(models.Model):
    """A service a supplier lists on a lot. The columns hold the current version's content (what
    search reads, denormalised with the supplier's size and VCSE status); every change of a
    submitted or live listing is kept as a `ListingVersion`."""

    lot = models.ForeignKey(FrameworkLot, on_delete=models.PROTECT, related_name="listings")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="listings")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=12, choices=ListingStatus.choices, default=ListingStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=0)

    name = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    features = models.JSONField(default=list, blank=True)
    benefits = models.JSONField(default=list, blank=True)
    category = models.CharField(max_length=100, blank=True)
    # Pricing: a price per unit ("per user per month"), and discounts in words.
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    price_unit = models.CharField(max_length=100, blank=True)
    discounts = models.TextField(blank=True)
    # Certification codes (suppliers.CertificateKind values) the service holds.
    certifications = models.JSONField(default=list, blank=True)

    # Copied from the supplier profile when the listing is saved, for the facets.
    supplier_name = models.CharField(max_length=200, blank=True)
    supplier_size = models.CharField(max_length=10, blank=True)
    supplier_is_vcse = models.BooleanField(default=False)

    # Full text: a weighted vector on PostgreSQL (GIN-indexed), the folded text on SQLite.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    live_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0), name="listing_price_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "lot"]),
            models.Index(fields=["supplier", "status"]),
            models.Index(fields=["status", "price"]),
        ]

    def __str__(self) -> str:
        return self.name

    def transition(self, target: str, at) -> None:
        lifecycle.transition(self, ListingStatus, lifecycle.LISTING_MILESTONE, target, at)


class ListingVersion(models.Model):
    """A listing's content as submitted or changed: kept, never changed."""

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    change_note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["listing", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "number"], name="listing_version_once")
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A listing version is kept as it was: it is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A listing version is kept as it was: it is never deleted")


class ListingDocument(models.Model):
    """A service document (service definition, terms, pricing document) of a listing."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=listing_document_path)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["listing", "id"]


# --- Buying from the catalogue -----------------------------------------------------------------


class ProjectQuerySet(models.QuerySet):
    def for_buyer(self, organisation):
        return self.filter(buyer=organisation)


class Project(models.Model):
    """A buyer's need met from the catalogue: searches saved and refined, ended with a frozen
    shortlist, and an outcome (a call-off awarded, or not, and why)."""

    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    need = models.TextField(blank=True)
    framework = models.ForeignKey(
        Framework, null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    status = models.CharField(
        max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.SEARCHING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["buyer", "reference"], name="project_reference_once")
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.name}"

    def transition(self, target: str, at) -> None:
        lifecycle.transition(self, ProjectStatus, lifecycle.PROJECT_MILESTONE, target, at)


class SavedSearch(models.Model):
    """A search saved into a project; refining it saves a new one (the earlier kept): the last
    saved is the project's current search, and ending the project freezes its results."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="searches")
    number = models.PositiveIntegerField()
    keywords = models.CharField(max_length=200, blank=True)
    # The facets chosen: {"lot": [...], "category": [...], "price_min": ..., ...}.
    filters = models.JSONField(default=dict, blank=True)
    result_count = models.PositiveIntegerField(default=0)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="saved_search_number_once")
        ]


class ShortlistEntry(models.Model):
    """A service on a project's frozen shortlist, as it stood when the search ended: the listing
    version and a copy of what the buyer compared (name, supplier, price), unchanged when the
    listing changes later."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="shortlist")
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="+")
    listing_version = models.ForeignKey(ListingVersion, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    snapshot = models.JSONField()

    class Meta:
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "listing"], name="shortlist_listing_once"),
            models.UniqueConstraint(fields=["project", "position"], name="shortlist_position_once"),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A frozen shortlist is kept as it was: it is never changed")
        super().save(*args, **kwargs)


class Outcome(models.Model):
    """How a project ended: a call-off awarded (which service, value, dates, why; the contract it
    created) or not (why); and what the buyer paid before for the same need, for the saving."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="outcome")
    awarded = models.BooleanField()
    entry = models.ForeignKey(
        ShortlistEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    reason = models.TextField()
    contract = models.OneToOneField(
        "contracts.Contract",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="call_off",
    )
    # What the buyer paid before for the same need, over a term as long as this call-off's.
    previous_cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    previous_supplier = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(awarded=False, entry__isnull=True, value__isnull=True)
                | Q(
                    awarded=True,
                    entry__isnull=False,
                    value__gt=0,
                    start_date__isnull=False,
                    end_date__isnull=False,
                ),
                name="outcome_award_complete",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(start_date__lte=F("end_date")),
                name="outcome_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(previous_cost__isnull=True) | Q(previous_cost__gt=0),
                name="outcome_previous_cost_positive",
            ),
        ]

    @property
    def saving(self):
        """What the call-off saved against what the buyer paid before (negative: it cost more);
        None when either is unknown."""
        if not self.awarded or self.previous_cost is None or self.value is None:
            return None
        return self.previous_cost - self.value
