from django.db import models


class FeedPosition(models.Model):
    """One row: the last feed position handed out. Writers lock it until they commit, so feed
    positions become visible in the order they were given and a harvester paging by position
    never misses one written while it reads."""

    last = models.BigIntegerField(default=0)


class Release(models.Model):
    """One immutable OCDS release, written in the same transaction as the action it records."""

    position = models.BigIntegerField(unique=True)
    ocid = models.CharField(max_length=100, db_index=True)
    release_id = models.CharField(max_length=150, unique=True)
    date = models.DateTimeField(db_index=True)
    tags = models.JSONField()
    buyer_id = models.CharField(max_length=100, blank=True, db_index=True)
    data = models.JSONField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.release_id


class Record(models.Model):
    """The compiled release for one contracting process, rebuilt whenever a release is added."""

    ocid = models.CharField(max_length=100, primary_key=True)
    buyer_id = models.CharField(max_length=100, blank=True, db_index=True)
    compiled = models.JSONField()
    updated = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["ocid"]

    def __str__(self) -> str:
        return self.ocid


class DownloadBuild(models.Model):
    """One row: the bulk downloads now served (opendata/downloads.py): the build that last
    changed them and the feed position they hold every release up to. A build locks it (on
    SQLite by a lease: `building_by` its holder, `building_until` its end unless renewed; see
    downloads_lease.py) and switches the files in one transaction."""

    number = models.PositiveIntegerField(default=0)
    feed_position = models.BigIntegerField(default=0)
    generated = models.DateTimeField(null=True)
    release_count = models.PositiveIntegerField(default=0)
    compiled_release_count = models.PositiveIntegerField(default=0)
    building_until = models.DateTimeField(null=True)
    building_by = models.CharField(max_length=200, blank=True, default="")


class DownloadFile(models.Model):
    """A bulk download now served: its published name and the file in the "downloads" storage
    that holds it (a new name each time it is rebuilt, so a half-written file is never served),
    with what it was built from (`source`: the count and last feed position of the releases in
    its period), so that a build rewrites only the periods that changed."""

    name = models.CharField(max_length=100, unique=True)
    stored = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=40)
    period = models.CharField(max_length=7, blank=True)  # "2026-03"; empty for every release
    source = models.CharField(max_length=100)
    release_count = models.PositiveIntegerField()
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    generated = models.DateTimeField()

    class Meta:
        ordering = ["-period", "id"]


class ReplacedDownload(models.Model):
    """A stored file a newer build replaced: deleted once LEVELFIELD_DOWNLOADS_KEEP_REPLACED has
    passed, so downloads of it already under way finish."""

    stored = models.CharField(max_length=255, unique=True)
    replaced_at = models.DateTimeField()


from .models_external import *  # noqa: E402, F401, F403
