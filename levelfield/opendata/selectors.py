"""Reads of the release store for the feed and the record endpoint, and of the external store
(imported data) for the spend analytics.

The store holds only what was published, so nothing here needs hiding. The feed reads each
release as the JSON text the database holds, so a page can be spliced into a package without
decoding and re-encoding every release."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from .models import ExternalCompiledRelease, Record, Release


@dataclass(frozen=True)
class FeedItem:
    position: int
    text: str  # the release as JSON


def feed_page(
    *,
    after: int = 0,
    limit: int = 100,
    updated_since: datetime | None = None,
    ocid: str = "",
    buyer_id: str = "",
) -> list[FeedItem]:
    """Up to `limit` releases at feed positions after `after`, in position order.

    Positions only grow and become visible in the order they were handed out (`publish` holds
    the FeedPosition row until its transaction commits), so a harvester that asks again from
    the last position it saw never misses or repeats a release."""
    releases = Release.objects.filter(position__gt=after)
    if updated_since is not None:
        releases = releases.filter(date__gte=updated_since)
    if ocid:
        releases = releases.filter(ocid=ocid)
    if buyer_id:
        releases = releases.filter(buyer_id=buyer_id)
    rows = (
        releases.order_by("position")
        .annotate(text=Cast("data", output_field=TextField()))
        .values_list("position", "text")[:limit]
    )
    return [FeedItem(position, text) for position, text in rows]


def release_text(release_id: str) -> str | None:
    """One release as JSON, or None if no release has this id."""
    return (
        Release.objects.filter(release_id=release_id)
        .annotate(text=Cast("data", output_field=TextField()))
        .values_list("text", flat=True)
        .first()
    )


def record(ocid: str) -> Record | None:
    return Record.objects.filter(ocid=ocid).first()


def releases_of(ocid: str) -> list[dict]:
    """Every release of one contracting process, in the order they were published."""
    return list(
        Release.objects.filter(ocid=ocid).order_by("position").values_list("data", flat=True)
    )


def external_compiled_releases(
    *,
    buyer_id: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    ocid: str = "",
) -> QuerySet[ExternalCompiledRelease]:
    """Compiled releases of imported contracting processes (`levelfield import-ocds`), newest
    first: of one buyer (`buyer.id`), of processes last changed in [since, until), or one OCID.
    `compiled` is ocdsmerge's compiled release, kept as JSON text (not queryable by key in
    SQL: the buyer's id and the date have columns of their own)."""
    releases = ExternalCompiledRelease.objects.all()
    if buyer_id:
        releases = releases.filter(buyer_id=buyer_id)
    if since is not None:
        releases = releases.filter(date__gte=since)
    if until is not None:
        releases = releases.filter(date__lt=until)
    if ocid:
        releases = releases.filter(ocid=ocid)
    return releases.order_by("-date", "ocid")
