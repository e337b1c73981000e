"""How a moment or a date reads, GOV.UK style, in UK time: on pages (the `uk_time` and `uk_date`
template filters are these), in emails and in the actions' messages."""

from django.utils import timezone

from .clock import UK


def uk_local(value):
    """An aware datetime in UK time, and a suffix: "" when it is, " (UTC)" for a moment at the
    ends of the calendar whose UK time would fall outside it (year 1, or 9999 in summer). Such a
    date cannot be entered (tenders/dates.py), but one already stored must still show."""
    try:
        return timezone.localtime(value, UK), ""
    except OverflowError:
        return value, f" ({value.tzname() or 'UTC'})"


def uk_time(value) -> str:
    """An aware datetime in UK time, GOV.UK style: 1:30pm on 5 June 2026."""
    if not value:
        return ""
    local, zone = uk_local(value)
    hour = local.hour % 12 or 12
    clock = f"{hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"
    if local.hour == 0 and local.minute == 0:
        clock = "midnight"
    elif local.hour == 12 and local.minute == 0:
        clock = "midday"
    return f"{clock} on {local.day} {local:%B} {local.year}{zone}"


def uk_date(value) -> str:
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = uk_local(value)[0].date()
    return f"{value.day} {value:%B} {value.year}"
