"""Fixtures shared by the evaluation tests: two submitted bids, and the tender after its
deadline with the bids opened."""

import pytest

from levelfield.tenders import actions as tender_actions
from tests.support import testing


@pytest.fixture
def bids(tender, supplier, other_supplier):
    org_a, user_a = supplier
    org_b, user_b = other_supplier
    bid_a = testing.submitted_bid(tender=tender, supplier=org_a, by=user_a, price="100000")
    bid_b = testing.submitted_bid(tender=tender, supplier=org_b, by=user_b, price="80000")
    return bid_a, bid_b


@pytest.fixture
def in_evaluation(tender, officer, bids):
    """The deadline has passed and the officer has opened the bids; the clock stays there."""
    with testing.after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)
        tender.refresh_from_db()
        yield tender
