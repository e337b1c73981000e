"""How a moment or a date reads, GOV.UK style, in UK time: on pages (the `uk_time` and `uk_date`
template filters are these), in emails and in the actions' messages."""

from datetime import timedelta

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
    """An aware datetime in UK time with its zone, GOV.UK style: "1:30pm BST on 5 June 2026",
    "midday GMT on 1 December 2026". The zone is always given: a bidder abroad, or one reading
    a deadline in March or October, must not have to work out whether British Summer Time
    applies.

    Midnight belongs to two days, so it is named by the day it ends and the day it starts:
    "midnight at the end of Thursday 17 December 2026 (00:00 GMT on 18 December 2026)"."""
    if not value:
        return ""
    local, outside = uk_local(value)
    zone = local.tzname() or "UTC"
    if outside:
        # Outside the calendar's UK range (see uk_local): the stored moment as it is, in UTC.
        return f"{local.hour:02d}:{local.minute:02d} {zone} on {_day(local)}"
    if local.hour == 0 and local.minute == 0:
        ended = local - timedelta(days=1)
        return f"midnight at the end of {ended:%A} {_day(ended)} (00:00 {zone} on {_day(local)})"
    return f"{clock_12(local)} {zone} on {_day(local)}"


def clock_12(local) -> str:
    """The time of day of a local datetime, GOV.UK style, without its zone: 1:30pm, midday."""
    if local.hour == 12 and local.minute == 0:
        return "midday"
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def _day(local) -> str:
    return f"{local.day} {local:%B} {local.year}"


def uk_date(value) -> str:
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = uk_local(value)[0].date()
    return f"{value.day} {value:%B} {value.year}"


def closes_in(remaining) -> str:
    """How long until a deadline less than a day away, in rough words: "closes in about 5
    hours", "closes in about 40 minutes". The countdown on the opportunity and bid pages
    (govuk/countdown.html) starts from these words and its script keeps them the same way."""
    seconds = int(remaining.total_seconds())
    if seconds < 60:
        return "closes in less than a minute"
    minutes = seconds // 60
    if minutes < 60:
        return f"closes in about {minutes} minute{'' if minutes == 1 else 's'}"
    hours = round(seconds / 3600)
    return f"closes in about {hours} hour{'' if hours == 1 else 's'}"
