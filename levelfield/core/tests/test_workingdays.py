"""Working days in England and Wales, and the end of the standstill period.

Procurement Act 2023 s.51(2): the standstill begins with the day the award notice is published
and ends at midnight at the end of the eighth working day after that day. Bank holidays are
the England and Wales ones (gov.uk/bank-holidays).
"""

from datetime import UTC, date, datetime, time

import pytest

from levelfield.core.clock import UK
from levelfield.core.workingdays import add_working_days, is_working_day, standstill_end


def uk(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UK)


def test_weekends_and_bank_holidays_are_not_working_days():
    assert is_working_day(date(2025, 12, 24))  # Wednesday, Christmas Eve
    assert not is_working_day(date(2025, 12, 25))  # Christmas Day
    assert not is_working_day(date(2025, 12, 26))  # Boxing Day
    assert not is_working_day(date(2025, 12, 27))  # Saturday
    assert not is_working_day(date(2026, 1, 1))  # New Year's Day
    assert not is_working_day(date(2026, 4, 3))  # Good Friday
    assert not is_working_day(date(2026, 4, 6))  # Easter Monday
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day (substitute, 26th is a Saturday)


def test_add_working_days_skips_the_weekend():
    # Friday 6 March 2026 + 1 working day: Saturday and Sunday skipped -> Monday 9 March.
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
    # Friday + 5: Mon 9, Tue 10, Wed 11, Thu 12, Fri 13.
    assert add_working_days(date(2026, 3, 6), 5) == date(2026, 3, 13)


def test_add_working_days_from_a_saturday_starts_counting_on_monday():
    # Saturday 7 March 2026 + 1 -> Monday 9 March.
    assert add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)


def test_add_working_days_over_christmas_and_new_year():
    # Wednesday 24 Dec 2025 + 1: Thu 25 (Christmas), Fri 26 (Boxing Day), weekend -> Mon 29.
    assert add_working_days(date(2025, 12, 24), 1) == date(2025, 12, 29)
    # Wednesday 31 Dec 2025 + 1: Thu 1 Jan is New Year's Day -> Fri 2 Jan 2026.
    assert add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 2)


def test_add_working_days_over_easter_2026():
    # Thursday 2 Apr 2026 + 1: Fri 3 (Good Friday), weekend, Mon 6 (Easter Monday) -> Tue 7.
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)


def test_add_zero_working_days_is_the_same_day_and_negative_is_refused():
    assert add_working_days(date(2025, 12, 25), 0) == date(2025, 12, 25)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 6), -1)


def test_standstill_over_christmas_and_new_year():
    # Notice on Thursday 18 Dec 2025 at 2pm (GMT). Working days after that day:
    #   Fri 19 (1), Mon 22 (2), Tue 23 (3), Wed 24 (4),
    #   Thu 25 Christmas, Fri 26 Boxing Day, weekend,
    #   Mon 29 (5), Tue 30 (6), Wed 31 (7), Thu 1 Jan New Year's Day, Fri 2 Jan (8).
    # Ends at midnight at the end of Friday 2 January 2026 = 00:00 on Saturday 3 January (GMT).
    end = standstill_end(uk(2025, 12, 18, 14, 0), 8)
    assert end == uk(2026, 1, 3)
    assert end.astimezone(UTC) == datetime(2026, 1, 3, 0, 0, tzinfo=UTC)


def test_standstill_over_easter_and_the_change_to_summer_time():
    # Notice on Thursday 26 March 2026 at 10am GMT (clocks go forward on Sunday 29 March).
    #   Fri 27 (1), Mon 30 (2), Tue 31 (3), Wed 1 Apr (4), Thu 2 (5),
    #   Fri 3 Good Friday, weekend, Mon 6 Easter Monday,
    #   Tue 7 (6), Wed 8 (7), Thu 9 (8).
    # Ends at midnight at the end of Thursday 9 April, UK time, which is BST (UTC+1):
    # 00:00 BST on Friday 10 April = 23:00 UTC on Thursday 9 April.
    end = standstill_end(datetime(2026, 3, 26, 10, 0, tzinfo=UTC), 8)
    assert end.astimezone(UK).date() == date(2026, 4, 10)
    assert end.astimezone(UK).time() == time(0, 0)
    assert end.astimezone(UTC) == datetime(2026, 4, 9, 23, 0, tzinfo=UTC)


def test_standstill_across_the_change_back_to_gmt():
    # Notice on Tuesday 21 Oct 2025 (BST); clocks go back on Sunday 26 October.
    #   Wed 22 (1), Thu 23 (2), Fri 24 (3), Mon 27 (4), Tue 28 (5), Wed 29 (6), Thu 30 (7),
    #   Fri 31 (8). Ends at 00:00 GMT on Saturday 1 November = 00:00 UTC.
    end = standstill_end(uk(2025, 10, 21, 9, 30), 8)
    assert end.astimezone(UTC) == datetime(2025, 11, 1, 0, 0, tzinfo=UTC)


def test_the_notice_day_is_the_uk_day_not_the_utc_day():
    # 23:30 UTC on Monday 13 April 2026 is 00:30 BST on Tuesday 14 April: the notice day is
    # Tuesday. Wed 15 (1), Thu 16 (2), Fri 17 (3), Mon 20 (4), Tue 21 (5), Wed 22 (6),
    # Thu 23 (7), Fri 24 (8) -> midnight at the end of Friday 24 April BST = 23:00 UTC.
    end = standstill_end(datetime(2026, 4, 13, 23, 30, tzinfo=UTC), 8)
    assert end.astimezone(UTC) == datetime(2026, 4, 24, 23, 0, tzinfo=UTC)


def test_standstill_from_a_notice_published_on_a_saturday():
    # Notice on Saturday 7 March 2026. Mon 9 (1), Tue 10 (2), Wed 11 (3), Thu 12 (4),
    # Fri 13 (5), Mon 16 (6), Tue 17 (7), Wed 18 (8) -> 00:00 GMT on Thursday 19 March.
    end = standstill_end(uk(2026, 3, 7, 11, 0), 8)
    assert end == uk(2026, 3, 19)
    assert end.astimezone(UTC) == datetime(2026, 3, 19, 0, 0, tzinfo=UTC)
