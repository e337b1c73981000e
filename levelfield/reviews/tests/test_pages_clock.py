"""The target clock on every page that shows a case: the raiser's list and case, the team's
list and case, the buyer's list and case say the same time left, right across month ends
(calendar months clamped to the month's last day), leap years, and the UK day (just after
midnight in British Summer Time is already the next day)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse

from levelfield.core import clock
from levelfield.reviews import actions
from levelfield.reviews.models import Case, CaseKind

pytestmark = pytest.mark.django_db


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=clock.UK)


def _case_accepted(world, accepted_on: date, sector: str) -> Case:
    with clock.frozen_at(_at(accepted_on)):
        case = actions.raise_case(
            by=world.raiser,
            kind=CaseKind.LATE_PAYMENT,
            description="Our invoice is unpaid.",
            raiser_organisation=world.supplier,
            authority=world.buyer,
            invoice_reference="INV-9",
            invoice_amount="900.00",
            invoice_received_on=accepted_on - timedelta(days=40),
        )
        actions.accept_case(case=case, by=world.reviewer, sector=sector)
        actions.request_response(
            case=case,
            by=world.reviewer,
            organisation=world.buyer,
            question="When will it be paid?",
            due_on=accepted_on + timedelta(days=1),
        )
    case.refresh_from_db()
    return case


def _pages(world, case: Case):
    """(who, url) of every page that shows the case's time left."""
    return [
        (world.raiser, reverse("reviews:raiser_cases")),
        (world.raiser, reverse("reviews:raiser_case", args=[case.pk])),
        (world.reviewer, reverse("reviews:team_cases")),
        (world.reviewer, reverse("reviews:team_case", args=[case.pk])),
        (world.officer, reverse("reviews:respondent_cases")),
        (world.officer, reverse("reviews:respondent_case", args=[case.pk])),
    ]


@pytest.mark.parametrize(
    ("accepted_on", "sector", "due", "seen_at", "words"),
    [
        # 31 January plus 2 months: 31 March, across February's end.
        (date(2027, 1, 31), "central", date(2027, 3, 31), _at(date(2027, 3, 1)), "30 days left"),
        # 31 December plus 2 months: 29 February in a leap year.
        (date(2027, 12, 31), "central", date(2028, 2, 29), _at(date(2028, 2, 28)), "1 day left"),
        (date(2027, 12, 31), "central", date(2028, 2, 29), _at(date(2028, 2, 29)), "Due today"),
        (date(2027, 12, 31), "central", date(2028, 2, 29), _at(date(2028, 3, 1)), "1 day overdue"),
        # 30 November plus 3 months: 28 February, not a leap year.
        (date(2026, 11, 30), "wider", date(2027, 2, 28), _at(date(2027, 3, 1)), "1 day overdue"),
        # 00:30 British Summer Time on 31 March is still 30 March in UTC: the UK day counts.
        (
            date(2027, 1, 31),
            "central",
            date(2027, 3, 31),
            datetime(2027, 3, 30, 23, 30, tzinfo=UTC),
            "Due today",
        ),
        (
            date(2027, 1, 31),
            "central",
            date(2027, 3, 31),
            datetime(2027, 3, 30, 22, 30, tzinfo=UTC),
            "1 day left",
        ),
    ],
)
def test_every_page_shows_the_same_time_left(
    client, world, accepted_on, sector, due, seen_at, words
):
    case = _case_accepted(world, accepted_on, sector)
    assert case.due_on == due

    wrong = []
    with clock.frozen_at(seen_at):
        for person, url in _pages(world, case):
            client.force_login(person)
            page = client.get(url).content.decode()
            if words not in page:
                wrong.append(f"{url} as {person}: no {words!r}")
    assert not wrong, "\n".join(wrong)
