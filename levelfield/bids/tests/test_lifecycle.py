"""The bid lifecycle table: draft -> submitted -> withdrawn -> submitted again; nothing else."""

from decimal import Decimal

import pytest

from levelfield.bids import actions
from levelfield.bids.models import ALLOWED, Bid, BidStatus
from levelfield.core.errors import InvalidTransition
from tests.support import testing

pytestmark = pytest.mark.django_db

EVERY_MOVE = [(current, target) for current in BidStatus.values for target in BidStatus.values]


@pytest.mark.parametrize(("current", "target"), EVERY_MOVE)
def test_only_the_moves_in_the_table_are_allowed(current, target):
    bid = Bid(status=current)
    if target in ALLOWED[current]:
        bid.transition(target)
        assert bid.status == target
    else:
        with pytest.raises(InvalidTransition):
            bid.transition(target)
        assert bid.status == current


def test_submit_withdraw_and_submit_again_through_the_actions(buyer, officer):
    tender = testing.published_tender(buyer=buyer, by=officer)
    organisation, user = testing.supplier_with_user()
    bid = testing.submitted_bid(
        tender=tender, supplier=organisation, by=user, price=Decimal("1000")
    )
    with pytest.raises(InvalidTransition, match="already been submitted"):
        actions.submit_bid(bid=bid, by=user)

    actions.withdraw_bid(bid=bid, by=user)
    bid.refresh_from_db()
    assert bid.status == BidStatus.WITHDRAWN
    with pytest.raises(InvalidTransition, match="Only a submitted bid can be withdrawn"):
        actions.withdraw_bid(bid=bid, by=user)

    actions.submit_bid(bid=bid, by=user)
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED
    assert Bid.objects.filter(lot=bid.lot, supplier=organisation).count() == 1
