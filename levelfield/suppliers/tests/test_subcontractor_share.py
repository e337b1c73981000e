"""A subcontractor's share that is no share of a contract (below 0.01, over 100, or a number
of twenty digits) is refused in the action's words on the page, not a server error: the
form's own messages for it ended in "%", which broke Django's %-formatting of them."""

import pytest
from django.urls import reverse

from levelfield.bids import actions as bid_actions

pytestmark = pytest.mark.django_db

SHARE_RULE = "Enter the subcontractor&#x27;s share of the contract value, from 0.01 to 100"


@pytest.mark.parametrize("typed", ["-1", "0", "101", "9" * 20, "9" * 40, "1e309"])
def test_a_share_that_is_no_share_is_refused_on_the_page(client, tender, supplier, typed):
    org, user = supplier
    client.force_login(user)
    bid = bid_actions.start_bid(lot=tender.lots.get(), supplier=org, by=user)
    response = client.post(
        reverse("suppliers:subcontractors", args=[bid.pk]),
        {
            "name": "Shaston Community Transport",
            "size": "micro",
            "share_percent": typed,
            "description": "Door-to-door transport.",
        },
    )
    assert response.status_code == 200
    assert SHARE_RULE in response.content.decode()
    assert not bid.subcontractors.exists()
