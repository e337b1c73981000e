"""Every time a person reads carries its zone, and midnight says which one it is."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template

from levelfield.core.display import uk_time


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        # Winter: UK time is GMT, the same as UTC.
        (datetime(2026, 1, 14, 12, 15, tzinfo=UTC), "12:15pm GMT on 14 January 2026"),
        # Summer: BST is an hour ahead of UTC.
        (datetime(2026, 7, 14, 11, 15, tzinfo=UTC), "12:15pm BST on 14 July 2026"),
        (datetime(2026, 7, 14, 11, 0, tzinfo=UTC), "midday BST on 14 July 2026"),
        (datetime(2026, 1, 14, 9, 5, tzinfo=UTC), "9:05am GMT on 14 January 2026"),
        # Clocks go forward at 1am GMT on Sunday 29 March 2026: 00:59 GMT, then 2:00am BST.
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "12:59am GMT on 29 March 2026"),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "2:00am BST on 29 March 2026"),
        # Midnight is named by the day it ends and the moment it starts the next.
        (
            datetime(2026, 12, 18, 0, 0, tzinfo=UTC),
            "midnight at the end of Thursday 17 December 2026 (00:00 GMT on 18 December 2026)",
        ),
        # In summer, UK midnight is 11pm UTC the day before.
        (
            datetime(2026, 6, 30, 23, 0, tzinfo=UTC),
            "midnight at the end of Tuesday 30 June 2026 (00:00 BST on 1 July 2026)",
        ),
        # The year turns at midnight.
        (
            datetime(2027, 1, 1, 0, 0, tzinfo=UTC),
            "midnight at the end of Thursday 31 December 2026 (00:00 GMT on 1 January 2027)",
        ),
    ],
)
def test_uk_time_gives_the_zone(moment, shown):
    assert uk_time(moment) == shown


def test_the_template_filter_is_the_same_words():
    page = Template("{% load govuk %}Closes {{ when|uk_time }}").render(
        Context({"when": datetime(2026, 1, 14, 12, 15, tzinfo=UTC)})
    )
    assert page == "Closes 12:15pm GMT on 14 January 2026"


def test_no_moment_shows_nothing():
    assert uk_time(None) == ""
