"""Working days in England and Wales: weekdays that are not bank holidays."""

from datetime import date, datetime, time, timedelta

import holidays

from .clock import UK

# England and Wales share their bank holidays; the `holidays` package calls them subdivision ENG.
_BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG", years=range(2000, 2101))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _BANK_HOLIDAYS


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def end_of_working_days_after(at: datetime, working_days: int) -> datetime:
    """Midnight (UK time) at the end of the `working_days`-th working day after the UK day of
    `at`: that day itself is not counted, nor weekends and England and Wales bank holidays. The
    one deadline rule of a standstill period and of a financial breach's notice."""
    last_day = add_working_days(at.astimezone(UK).date(), working_days)
    return datetime.combine(last_day + timedelta(days=1), time(0, 0), tzinfo=UK)


def standstill_end(notice_at: datetime, working_days: int) -> datetime:
    """End of a standstill period that begins with the notice.

    Procurement Act 2023 s.51(2): the standstill period begins with the day the contract award
    notice is published and ends at midnight at the end of the eighth working day after that day.
    Returned as the aware datetime of that midnight in UK time.
    """
    return end_of_working_days_after(notice_at, working_days)
