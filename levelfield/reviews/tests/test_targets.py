"""The target clock: calendar months from the day a case is accepted (2 for central
government, 3 for the wider public sector), clamped to the month's end; time left in days, UK
dates, overdue cases first on the team's list."""

from datetime import date, datetime, time, timedelta

import pytest

from levelfield.core import clock
from levelfield.reviews import actions, selectors, targets
from levelfield.reviews.models import CaseKind
from levelfield.reviews.targets import Sector, due_on, time_left_words


@pytest.mark.parametrize(
    ("accepted", "sector", "due"),
    [
        # The example: accepted on 31 January, due on the last day of March.
        (date(2027, 1, 31), Sector.CENTRAL, date(2027, 3, 31)),
        (date(2027, 1, 30), Sector.CENTRAL, date(2027, 3, 30)),
        # Into February: clamped to its last day, the 29th in a leap year.
        (date(2026, 12, 31), Sector.CENTRAL, date(2027, 2, 28)),
        (date(2027, 12, 31), Sector.CENTRAL, date(2028, 2, 29)),
        (date(2026, 11, 30), Sector.WIDER, date(2027, 2, 28)),
        (date(2027, 11, 30), Sector.WIDER, date(2028, 2, 29)),
        (date(2027, 11, 29), Sector.WIDER, date(2028, 2, 29)),
        (date(2027, 11, 28), Sector.WIDER, date(2028, 2, 28)),
        # From 29 February.
        (date(2028, 2, 29), Sector.CENTRAL, date(2028, 4, 29)),
        (date(2028, 2, 29), Sector.WIDER, date(2028, 5, 29)),
        # Across the year's end, and a month of 30 days.
        (date(2027, 10, 31), Sector.WIDER, date(2028, 1, 31)),
        (date(2027, 3, 31), Sector.CENTRAL, date(2027, 5, 31)),
        (date(2027, 4, 30), Sector.CENTRAL, date(2027, 6, 30)),
        (date(2027, 7, 31), Sector.CENTRAL, date(2027, 9, 30)),
    ],
)
def test_due_dates_are_calendar_months_clamped_to_the_months_end(accepted, sector, due):
    assert due_on(accepted, sector) == due


def test_the_months_are_settings(settings):
    settings.LEVELFIELD_REVIEW_TARGET_MONTHS = {"central": 1, "wider": 6}
    assert due_on(date(2027, 1, 31), Sector.CENTRAL) == date(2027, 2, 28)
    assert due_on(date(2027, 1, 31), Sector.WIDER) == date(2027, 7, 31)


@pytest.mark.parametrize(
    ("due", "today", "words"),
    [
        (date(2027, 3, 31), date(2027, 3, 1), "30 days left"),
        (date(2027, 3, 31), date(2027, 2, 28), "31 days left"),
        (date(2028, 3, 31), date(2028, 2, 28), "32 days left"),  # 29 February 2028 between
        (date(2028, 3, 1), date(2028, 2, 28), "2 days left"),
        (date(2027, 3, 1), date(2027, 2, 28), "1 day left"),
        (date(2027, 3, 31), date(2027, 3, 31), "Due today"),
        (date(2027, 3, 31), date(2027, 4, 1), "1 day overdue"),
        (date(2028, 2, 28), date(2028, 3, 1), "2 days overdue"),
        (date(2027, 12, 31), date(2028, 1, 2), "2 days overdue"),
        (None, date(2027, 1, 1), "Not yet accepted"),
    ],
)
def test_time_left_in_days(due, today, words):
    assert time_left_words(due, today) == words


def uk(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=clock.UK)


def raise_about(world, **extra):
    return actions.raise_case(
        by=world.raiser,
        kind=CaseKind.PROCUREMENT,
        description="The buyer asked for five years of audited accounts.",
        raiser_organisation=world.supplier,
        tender=world.tender,
        **extra,
    )


def test_a_case_accepted_on_31_january_is_due_on_31_march_and_counts_down(world):
    """Accepted late in the evening of 31 January UK time (already 1 February nowhere yet), a
    central government case is due on 31 March; its time left is right each day, across the
    end of February, and it is overdue from 1 April."""
    tender_published = world.tender.published_at.astimezone(clock.UK).date()
    assert tender_published <= date(2027, 1, 31)
    with clock.frozen_at(uk(date(2027, 1, 31), 9)):
        case = raise_about(world)
    with clock.frozen_at(uk(date(2027, 1, 31), 23)):
        case = actions.accept_case(case=case, by=world.reviewer, sector=Sector.CENTRAL)
    assert case.due_on == date(2027, 3, 31)
    assert case.target_months == 2
    seen = {
        day: selectors.time_left(case, day)
        for day in (date(2027, 2, 28), date(2027, 3, 1), date(2027, 3, 31), date(2027, 4, 1))
    }
    assert seen == {
        date(2027, 2, 28): "31 days left",
        date(2027, 3, 1): "30 days left",
        date(2027, 3, 31): "Due today",
        date(2027, 4, 1): "1 day overdue",
    }
    assert selectors.days_left(case, date(2027, 4, 1)) == -1


def test_a_wider_public_sector_case_accepted_on_30_november_2027_is_due_on_29_february(world):
    with clock.frozen_at(uk(date(2027, 11, 30))):
        case = raise_about(world)
        case = actions.accept_case(case=case, by=world.reviewer, sector=Sector.WIDER)
    assert case.due_on == date(2028, 2, 29)
    assert selectors.time_left(case, date(2028, 2, 28)) == "1 day left"
    assert selectors.time_left(case, date(2028, 3, 1)) == "1 day overdue"


def test_the_tenders_contract_kind_gives_the_sector(world):
    """The demo tender's kind is central government goods and services: 2 months."""
    case = raise_about(world)
    assert case.sector == Sector.CENTRAL
    case = actions.accept_case(case=case, by=world.reviewer)
    assert case.due_on == targets.due_on(clock.today_uk(), Sector.CENTRAL)


def test_the_teams_list_puts_overdue_cases_first(world):
    today = clock.today_uk()
    with clock.frozen_at(clock.now() - timedelta(days=100)):
        overdue = actions.accept_case(case=raise_about(world), by=world.reviewer)
    with clock.frozen_at(clock.now() - timedelta(days=30)):
        older_open = actions.accept_case(case=raise_about(world), by=world.reviewer)
    with clock.frozen_at(clock.now() - timedelta(days=5)):
        newer_open = actions.accept_case(case=raise_about(world), by=world.reviewer)
    waiting = raise_about(world)
    rejected = actions.reject_case(case=raise_about(world), by=world.reviewer, reason="Out of time")
    listed = list(selectors.team_cases(world.reviewer, today=today))
    assert listed == [overdue, waiting, older_open, newer_open, rejected]
    assert selectors.time_left(listed[0], today).endswith("overdue")
    assert selectors.time_left(rejected, today) == "Rejected"
