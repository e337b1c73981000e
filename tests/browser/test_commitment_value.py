"""The value of a social value commitment as the supplier types it, in Debian's Chromium: a
number too big to hold is answered with what to enter (a 422 fragment that htmx shows), and a
number that fits with its value in pounds."""

from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.bids import actions as bid_actions
from levelfield.socialvalue import actions as social_value_actions
from levelfield.socialvalue.tests.conftest import social_value_tender
from tests.support import testing

from .test_supplier_profile import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_how_many_too_big_is_explained_as_it_is_typed(live_server, browser_context, axe):
    # a transactional test before this one emptied the tables, the models its migration loaded too
    social_value_actions.load_shipped_models()
    council = testing.buyer_org("Wessex County Council")
    officer = testing.member(council, "buyer_officer")
    tender = social_value_tender(buyer=council, by=officer, codes=("G1",))
    supplier, user = testing.supplier_with_user("Acorn Care Ltd")
    bid = bid_actions.start_bid(lot=tender.lots.get(), supplier=supplier, by=user)
    bid_actions.save_bid(bid=bid, by=user, price=Decimal("200000"))

    page = browser_context.new_page()
    sign_in(page, live_server.url, user, axe)
    page.goto(live_server.url + reverse("socialvalue:commitments", args=[bid.pk]))
    page.get_by_label("Measure").select_option(
        label="APP: Apprenticeships for local people (apprenticeships, £2,500 each)"
    )
    value = page.locator("#commitment-value")

    page.get_by_label("How many").fill("1e40")
    value.get_by_text("Enter how many as a number less than 10,000,000,000").wait_for()
    axe.check(page)

    page.get_by_label("How many").fill("4")
    value.get_by_text("This commitment: £10,000").wait_for()
    assert "less than 10,000,000,000" not in value.inner_text()
    assert not axe.violations, axe.violations
