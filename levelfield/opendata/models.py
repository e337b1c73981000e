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


from .models_external import *  # noqa: E402, F401, F403
