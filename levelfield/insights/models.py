"""The insights' own stores (spend files and lines, supplier matches, snapshot marks)."""

from django.conf import settings
from django.db import models


class SpendFile(models.Model):
    """One spend file as published (CSV or XLSX), known by the SHA-256 of its bytes: the same
    file imported again, under any name or path, is the same file and stores nothing twice.
    `lines_done` is the last line of the file whose rows are committed, so an interrupted
    import continues after it; only a `complete` file's lines are counted anywhere."""

    name = models.CharField(max_length=255)
    path = models.TextField()
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.BigIntegerField()
    rows = models.PositiveIntegerField(default=0, help_text="Payment rows in the file.")
    lines_done = models.PositiveIntegerField(default=0)
    complete = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    started = models.DateTimeField()
    updated = models.DateTimeField()

    class Meta:
        ordering = ["-started", "-pk"]

    def __str__(self) -> str:
        return self.name


class KnownOrganisation(models.Model):
    """An organisation named in published data (a party of our compiled records or of the
    compiled releases `import-ocds` stored), the index spend suppliers are matched against.
    `identifier` is "GB-COH-<number>" when the party gives a Companies House number, else the
    party's own identifier (scheme-id) or id; `name_key` is its name normalised (matching.py)."""

    identifier = models.CharField(max_length=300, unique=True)
    name = models.CharField(max_length=500)
    name_key = models.CharField(max_length=500, db_index=True)
    ch = models.CharField(max_length=8, blank=True, db_index=True)
    sme = models.BooleanField(null=True)
    vcse = models.BooleanField(null=True)
    updated = models.DateTimeField()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class OrganisationIndexMark(models.Model):
    """One row: the published data already read into KnownOrganisation (the `updated` of the
    last Record and ExternalCompiledRelease taken), so the index is brought up to date
    incrementally."""

    records_through = models.DateTimeField(null=True)
    external_through = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.records_through} {self.external_through}"


class MatchMethod(models.TextChoices):
    COMPANIES_HOUSE = "companies_house", "Companies House number"
    NAME = "name", "Name"
    PERSON = "person", "Chosen by a person"
    NOT_KNOWN = "not_known", "Not an organisation we know"


class SupplierResolution(models.Model):
    """A person's decision for a supplier name (normalised) that matching could not place: the
    organisation it is, or none ("not an organisation we know"). Kept across imports and
    applied to every line with that name, now and in later imports."""

    name_key = models.CharField(max_length=500, unique=True)
    supplier_name = models.CharField(max_length=500, help_text="The name as a file wrote it.")
    organisation = models.ForeignKey(
        KnownOrganisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField()

    class Meta:
        ordering = ["name_key"]

    def __str__(self) -> str:
        return self.supplier_name


class SpendRevision(models.Model):
    """One row: the last revision handed out. A spend line takes a new revision when its file
    completes and whenever its match changes, so the snapshot writer reads only what changed
    since the revision it last saw (spend_rows.payment_rows)."""

    last = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.last)


class SpendLine(models.Model):
    """One payment row of a spend file, as written (body, supplier, expense type, transaction
    number), with its date and amount read and its supplier's match. (file, line) is unique:
    an import resumed or run again stores a row once."""

    file = models.ForeignKey(SpendFile, on_delete=models.CASCADE, related_name="lines")
    line = models.PositiveIntegerField()
    body = models.CharField(max_length=500, blank=True)
    date = models.DateField()
    expense_type = models.CharField(max_length=500, blank=True)
    supplier_name = models.CharField(max_length=500)
    supplier_key = models.CharField(max_length=500, db_index=True)
    supplier_ch = models.CharField(max_length=8, blank=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    transaction_number = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        KnownOrganisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    match = models.CharField(max_length=20, choices=MatchMethod.choices, blank=True)
    revision = models.BigIntegerField(default=0, db_index=True)

    class Meta:
        ordering = ["file", "line"]
        constraints = [
            models.UniqueConstraint(fields=["file", "line"], name="insights_spendline_file_line")
        ]

    def __str__(self) -> str:
        return f"{self.file_id}:{self.line}"


from .models_unit_costs import BuyerUnitCost  # noqa: E402, F401  (its own module, one concern)
