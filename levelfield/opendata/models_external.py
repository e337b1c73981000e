"""The store of external data: OCDS releases published by others (Contracts Finder, Find a Tender,
the OCP Data Registry), brought in by `levelfield import-ocds` for the spend analytics, and kept
apart from the platform's own feed (`Release`, `Record`)."""

import uuid
from datetime import timedelta

import orjson
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from levelfield.core import clock


class ImportedJSONField(models.JSONField):
    """Kept for migration 0003 (JSONTextField replaced it). JSON written only by the import,
    which has just parsed it (orjson) or made it: on SQLite
    it goes without the JSON_VALID check Django adds, which would parse every release a second
    time (about a tenth of a large import). PostgreSQL's jsonb parses it whatever we do."""

    def db_check(self, connection):
        if connection.vendor == "sqlite":
            return None
        return super().db_check(connection)


class JSONTextField(models.TextField):
    """JSON kept as the text it came in (a `text` column on both databases), read back as
    Python values. The import writes texts it has just checked (or made), so the database
    parses nothing: on PostgreSQL, turning each release into jsonb was most of the server's
    work in an import (bench/import_bench.py). Not queryable by key in SQL: what is queried
    has a column of its own (ExternalCompiledRelease.buyer_id, date)."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else orjson.loads(value)

    def to_python(self, value):
        return orjson.loads(value) if isinstance(value, str | bytes) else value

    def get_prep_value(self, value):
        return None if value is None else orjson.dumps(value).decode()

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))


class ExternalFile(models.Model):
    """One input file, known by what it holds (path, size, modification time and a hash of its
    first block): the checkpoint that lets an interrupted import continue where it stopped."""

    path = models.TextField()
    size = models.BigIntegerField()
    mtime_ns = models.BigIntegerField()
    head_sha256 = models.CharField(max_length=64)
    items_done = models.BigIntegerField(
        default=0, help_text="Items (lines, array entries, releases or records) committed."
    )
    offset_done = models.BigIntegerField(
        default=0, help_text="Bytes committed, for uncompressed JSON Lines (where we can seek)."
    )
    releases_read = models.BigIntegerField(default=0)
    releases_stored = models.BigIntegerField(default=0)
    complete = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    started = models.DateTimeField()
    updated = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["path", "size", "mtime_ns", "head_sha256"],
                name="opendata_externalfile_identity",
            )
        ]

    def __str__(self) -> str:
        return self.path


class ExternalRelease(models.Model):
    """One release as its publisher wrote it. (ocid, release id) is unique, so importing the
    same data again stores nothing twice."""

    ocid = models.CharField(max_length=255)
    release_id = models.CharField(max_length=255)
    date = models.DateTimeField()
    tags = JSONTextField()
    data = JSONTextField()
    # Where it came from; neither indexed nor a constraint in the database, to keep bulk
    # imports fast (PostgreSQL checks a deferred foreign key row by row at commit: a tenth of
    # a batch's time). Only the import writes it, with the file it has just saved.
    file = models.ForeignKey(
        ExternalFile,
        null=True,
        on_delete=models.SET_NULL,
        db_index=False,
        db_constraint=False,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ocid", "release_id"], name="opendata_externalrelease_ocid_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ocid} {self.release_id}"


class ExternalCompiledRelease(models.Model):
    """The compiled release of one external contracting process (ocdsmerge's rules), rebuilt by
    the import whenever a release of the process arrives. `release_count` 0 marks a compiled
    release taken as published from a record package whose releases were only linked."""

    ocid = models.CharField(max_length=255, primary_key=True)
    compiled = JSONTextField()
    # The compiled release's buyer.id, to find a buyer's processes ("" where it has none)
    buyer_id = models.CharField(max_length=255, blank=True)
    release_count = models.PositiveIntegerField()
    date = models.DateTimeField(null=True, db_index=True)
    updated = models.DateTimeField()

    class Meta:
        ordering = ["ocid"]
        # one plain index (db_index would add a second, for LIKE, that nothing uses)
        indexes = [models.Index(fields=["buyer_id"], name="opendata_external_buyer_id")]

    def __str__(self) -> str:
        return self.ocid


class ExternalCompileMark(models.Model):
    """One row: the ExternalRelease ids up to `compiled_through` are in compiled releases. The
    next compile takes the processes of the releases after it, so an import interrupted before
    (or while) compiling compiles them the next time it runs."""

    compiled_through = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.compiled_through)


class OpportunitySource(models.TextChoices):
    FIND_A_TENDER = "find_a_tender", "Find a Tender"
    CONTRACTS_FINDER = "contracts_finder", "Contracts Finder"
    OTHER = "other", "another publisher"


class ExternalOpportunity(models.Model):
    """An opportunity published by others that is open for bids: a compiled release whose
    tender is active or planned with a tenderPeriod.endDate (OCDS) still to come. Kept by the
    import (opportunities.py), in the transaction that stores the compiled release, so the
    opportunity search finds it beside the platform's own tenders. A notice that closes or is
    cancelled leaves: by its deadline at once, and from the table at the next import."""

    ocid = models.CharField(max_length=255, primary_key=True)
    source = models.CharField(max_length=20, choices=OpportunitySource.choices)
    title = models.TextField()
    description = models.TextField(blank=True)
    buyer_name = models.TextField(blank=True)
    # " 85300000 85310000 ": a space before each code, so a prefix is " 853".
    cpv_codes = models.TextField(blank=True)
    value = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    deadline = models.DateTimeField(db_index=True)
    # " UKK UKJ ": NUTS 1 codes of the delivery regions, where the notice names them.
    regions = models.CharField(max_length=100, blank=True)
    sme = models.BooleanField(null=True)
    vcse = models.BooleanField(null=True)
    url = models.URLField(max_length=2000, blank=True)
    published = models.DateTimeField()
    # When the import first found it open: what is new to a saved search's digest.
    first_seen = models.DateTimeField(db_index=True)
    updated = models.DateTimeField()
    # PostgreSQL only: the title (weight A) and description (B), as Tender.search_vector.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["deadline", "ocid"]
        verbose_name_plural = "external opportunities"

    def __str__(self) -> str:
        return f"{self.ocid} {self.title}"

    is_external = True

    @property
    def source_label(self) -> str:
        return self.get_source_display()

    @property
    def cpv_list(self) -> list[str]:
        return self.cpv_codes.split()

    @property
    def region_list(self) -> list[str]:
        return self.regions.split()

    @property
    def days_left(self) -> int | None:
        if self.deadline <= clock.now():
            return None
        return (self.deadline - clock.now()).days

    @property
    def is_open(self) -> bool:
        return self.deadline > clock.now()

    def display_changes_at(self, now):
        """As Tender.display_changes_at: the next moment its days left or its closing shows."""
        if self.deadline <= now:
            return None
        return self.deadline - timedelta(days=(self.deadline - now).days)


class ExternalOpportunityGeneration(models.Model):
    """One row: a token renewed, in the import's transaction, whenever the external
    opportunities change. The opportunity search's cache keys hold it beside the platform's
    own SearchGeneration, so a cached search never hides or shows an imported notice wrongly."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token

    @classmethod
    def renew(cls) -> None:
        token = uuid.uuid4().hex
        if not cls.objects.filter(pk=1).update(token=token):
            cls.objects.create(pk=1, token=token)


__all__ = [
    "ExternalCompileMark",
    "ExternalCompiledRelease",
    "ExternalFile",
    "ExternalOpportunity",
    "ExternalOpportunityGeneration",
    "ExternalRelease",
    "JSONTextField",
    "OpportunitySource",
]
