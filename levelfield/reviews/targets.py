"""The target clock: a case accepted is due for resolution a number of calendar months later,
2 for a central government authority and 3 for the wider public sector (the Public Procurement
Review Service's published targets; the months are settings, LEVELFIELD_REVIEW_TARGET_MONTHS).

Months are calendar months with end-of-month clamping (dateutil's relativedelta): accepted on
31 January, due on 31 March (2 months); accepted on 30 November, due on 28 February, or the
29th in a leap year (3 months). Days are UK dates (core.clock.today_uk): a case is due at the
end of its due day, so on that day no days are left and it is not yet overdue."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models


class Sector(models.TextChoices):
    CENTRAL = "central", "Central government"
    WIDER = "wider", "Wider public sector"


DEFAULT_TARGET_MONTHS = {Sector.CENTRAL.value: 2, Sector.WIDER.value: 3}


def target_months(sector: str) -> int:
    """The months allowed to resolve a case about an authority of `sector`."""
    months = getattr(settings, "LEVELFIELD_REVIEW_TARGET_MONTHS", DEFAULT_TARGET_MONTHS)
    return int(months[Sector(sector).value])


def due_on(accepted_on: date, sector: str) -> date:
    """The last day to resolve a case accepted on `accepted_on` (calendar months, clamped to the
    month's last day)."""
    return accepted_on + relativedelta(months=target_months(sector))


def days_left(due: date, today: date) -> int:
    """Whole days from `today` to the due day: 0 on the day, negative once overdue."""
    return (due - today).days


def time_left_words(due: date | None, today: date) -> str:
    """The time left as the case pages and emails say it."""
    if due is None:
        return "Not yet accepted"
    left = days_left(due, today)
    if left == 0:
        return "Due today"
    if left > 0:
        return f"{left} day{'' if left == 1 else 's'} left"
    return f"{-left} day{'' if left == -1 else 's'} overdue"


def sector_for_contract_kind(kind: str) -> str:
    """The sector a tender's Schedule 1 contract kind implies: central government goods and
    services are central; every other kind is taken as the wider public sector (the team may
    say otherwise when it accepts the case)."""
    return Sector.CENTRAL if kind == "central" else Sector.WIDER
