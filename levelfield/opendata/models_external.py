"""The store of external data: OCDS releases published by others (Contracts Finder, Find a Tender,
the OCP Data Registry), brought in by `levelfield import-ocds` for the spend analytics, and kept
apart from the platform's own feed (`Release`, `Record`)."""

from django.db import models


class ImportedJSONField(models.JSONField):
    """JSON written only by the import, which has just parsed it (orjson) or made it: on SQLite
    it goes without the JSON_VALID check Django adds, which would parse every release a second
    time (about a tenth of a large import). PostgreSQL's jsonb parses it whatever we do."""

    def db_check(self, connection):
        if connection.vendor == "sqlite":
            return None
        return super().db_check(connection)


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
    tags = ImportedJSONField()
    data = ImportedJSONField()
    # Where it came from; not indexed, to keep bulk imports fast.
    file = models.ForeignKey(
        ExternalFile, null=True, on_delete=models.SET_NULL, db_index=False, related_name="+"
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
    compiled = ImportedJSONField()
    release_count = models.PositiveIntegerField()
    date = models.DateTimeField(null=True, db_index=True)
    updated = models.DateTimeField()

    class Meta:
        ordering = ["ocid"]

    def __str__(self) -> str:
        return self.ocid


class ExternalCompileMark(models.Model):
    """One row: the ExternalRelease ids up to `compiled_through` are in compiled releases. The
    next compile takes the processes of the releases after it, so an import interrupted before
    (or while) compiling compiles them the next time it runs."""

    compiled_through = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.compiled_through)


__all__ = ["ExternalCompileMark", "ExternalCompiledRelease", "ExternalFile", "ExternalRelease"]
