"""Small helpers for writing OCDS values, shared by each domain app's ocds.py."""

from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from .clock import UK

PLATFORM_SCHEME = "GB-LEVELFIELD"
"""The scheme of the platform's own organisation identifiers in the OCDS it publishes."""


def platform_party_id(organisation) -> str:
    """The OCDS party id the platform publishes an organisation under (`buyer.id`, the id in
    `parties`), so a floor that knows only OCDS (insights) can find its own figures."""
    return f"{PLATFORM_SCHEME}-{organisation.pk}"


def ocds_datetime(value: datetime | date | None) -> str | None:
    """RFC 3339 in UTC; a date is the start of that day in UK time."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0, 0), tzinfo=UK)
    from datetime import UTC

    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def ocds_end_of_day(value: date | None) -> str | None:
    """The last second of a date in UK time, for period end dates."""
    if value is None:
        return None
    return ocds_datetime(datetime.combine(value, time(23, 59, 59), tzinfo=UK))


def money(amount: Decimal | None) -> dict | None:
    if amount is None:
        return None
    return {"amount": float(amount), "currency": "GBP"}


def absolute_url(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def compact(value):
    """Drop None values and empty containers, as OCDS publishers do."""
    if isinstance(value, dict):
        cleaned = {k: compact(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [compact(v) for v in value if v is not None]
    return value
