"""In the last day before the submission deadline, the opportunity page and the bid page count
down, from the server's time, with words that show without JavaScript."""

from datetime import timedelta

import pytest
from django.urls import reverse

from levelfield.core import clock
from levelfield.core.display import closes_in


@pytest.mark.parametrize(
    ("remaining", "words"),
    [
        (timedelta(hours=23, minutes=40), "closes in about 24 hours"),
        (timedelta(hours=5, minutes=29), "closes in about 5 hours"),
        (timedelta(hours=5, minutes=31), "closes in about 6 hours"),
        (timedelta(minutes=60), "closes in about 1 hour"),
        (timedelta(minutes=59, seconds=59), "closes in about 59 minutes"),
        (timedelta(minutes=1), "closes in about 1 minute"),
        (timedelta(seconds=59), "closes in less than a minute"),
    ],
)
def test_the_words(remaining, words):
    assert closes_in(remaining) == words


def _page(client, tender):
    return client.get(reverse("public:opportunity", args=[tender.reference])).content.decode()


def test_the_opportunity_page_counts_down_in_the_last_day_only(client, tender):
    deadline = tender.submission_deadline
    with clock.frozen_at(deadline - timedelta(days=1, minutes=1)):
        assert "data-countdown" not in _page(client, tender)
    with clock.frozen_at(deadline - timedelta(hours=3, minutes=10)):
        page = _page(client, tender)
        assert "closes in about 3 hours" in page
        # The script counts from the server's time sent in the page, not the browser's.
        now = clock.now()
        assert f'data-now="{now.isoformat()}"' in page
        assert f'data-deadline="{deadline.isoformat()}"' in page
    with clock.frozen_at(deadline + timedelta(minutes=1)):
        assert "data-countdown" not in _page(client, tender)


def test_the_bid_page_counts_down_too(client, tender, supplier):
    org, user = supplier
    client.force_login(user)
    lot = tender.lots.get()
    with clock.frozen_at(tender.submission_deadline - timedelta(minutes=40)):
        page = client.get(reverse("bids:edit", args=[lot.pk])).content.decode()
    assert "Bidding <span data-countdown-words>closes in about 40 minutes</span>" in page
