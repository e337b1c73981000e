"""Publishing: a domain action hands a release to `publish` inside its own transaction, so no
step happens without its release, nor a release without its step."""

from django.conf import settings
from django.db import connection

from levelfield.core import clock

from .merge import compile_releases
from .models import FeedPosition, Record, Release
from .tasks import regenerate_downloads_on_commit

# tag -> the codes of the OCDS releaseTag codelist we use
TAGS = {
    "planning",
    "tender",
    "tenderAmendment",
    "tenderUpdate",
    "tenderCancellation",
    "award",
    "awardUpdate",
    "contract",
    "contractAmendment",
    "implementation",
    "contractTermination",
}


def ocid_for(local_id: str) -> str:
    return f"{settings.LEVELFIELD_OCID_PREFIX}-{local_id}"


def _next_position() -> int:
    # select_for_update holds the row until the action's transaction commits, so positions
    # are visible in the order they are handed out.
    counter, _ = FeedPosition.objects.select_for_update().get_or_create(pk=1)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def publish(*, ocid: str, tags: list[str], data: dict, buyer_id: str = "") -> Release:
    """Store one release (the body without id, date, ocid and tag, which are set here) and
    rebuild the compiled release of its contracting process."""
    if not connection.in_atomic_block:
        raise RuntimeError("a release must be published inside the action's transaction")
    unknown = set(tags) - TAGS
    if not tags or unknown:
        raise ValueError(f"unknown release tags: {sorted(unknown)}")
    position = _next_position()
    now = clock.now()
    body = {
        "ocid": ocid,
        "id": f"{ocid}-{position:08d}",
        "date": now.isoformat().replace("+00:00", "Z"),
        "tag": list(tags),
        "initiationType": "tender",
        **data,
    }
    release = Release.objects.create(
        position=position,
        ocid=ocid,
        release_id=body["id"],
        date=now,
        tags=list(tags),
        buyer_id=buyer_id,
        data=body,
    )
    history = list(
        Release.objects.filter(ocid=ocid).order_by("position").values_list("data", flat=True)
    )
    Record.objects.update_or_create(
        ocid=ocid,
        defaults={"compiled": compile_releases(history), "updated": now, "buyer_id": buyer_id},
    )
    regenerate_downloads_on_commit()
    return release
