"""The buyer's barrier panel and the public search's errors in Debian's Chromium, checked by
axe-core: a buyer goes ahead despite a finding, the tender changes, the finding is to review
again; a visitor gives a value range the wrong way round."""

from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.tenders import actions as tender_actions
from levelfield.tenders import barriers
from tests.support import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_buyer_goes_ahead_despite_a_barrier_then_reviews_it(live_server, browser_context, axe):
    base = live_server.url
    council = testing.buyer_org("Wessex County Council")
    officer = testing.member(council, "buyer_officer")
    tender = testing.draft_tender(buyer=council, by=officer)
    tender = tender_actions.update_tender(
        tender=tender, by=officer, minimum_turnover=Decimal("5000000")
    )

    page = browser_context.new_page()
    page.goto(f"{base}{reverse('accounts:login')}")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password").fill(testing.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(f"{base}{reverse('tenders:detail', args=[tender.pk])}")
    axe.check(page)
    card = page.locator(f"#barrier-{barriers.TURNOVER}")
    assert "To review" in card.inner_text()

    # Going ahead with no reason is refused beside the finding; with one it is recorded.
    card.get_by_role("button", name="Go ahead and record why").click()
    axe.check(page)
    assert "Give your reason for going ahead" in page.content()
    card = page.locator(f"#barrier-{barriers.TURNOVER}")
    card.get_by_label("Why are you going ahead?").fill("The provider carries a year's costs.")
    card.get_by_role("button", name="Go ahead and record why").click()
    axe.check(page)
    assert "Going ahead" in page.locator(f"#barrier-{barriers.TURNOVER}").inner_text()

    # More turnover asked: the reason answered less, so the finding is to review again.
    tender_actions.update_tender(tender=tender, by=officer, minimum_turnover=Decimal("9000000"))
    page.reload()
    axe.check(page)
    text = page.locator(f"#barrier-{barriers.TURNOVER}").inner_text()
    assert "To review" in text and "The tender has changed since" in text


def test_a_search_with_a_range_the_wrong_way_round_explains_itself(
    live_server, browser_context, axe
):
    page = browser_context.new_page()
    page.goto(f"{live_server.url}{reverse('public:opportunities')}")
    axe.check(page)  # no tenders: the empty state
    assert "No opportunities match your search" in page.content()
    page.get_by_label("Minimum value (£)").fill("5,000")
    page.get_by_label("Maximum value (£)").fill("1,000")
    page.get_by_role("button", name="Apply filters").click()
    axe.check(page)
    assert "The maximum value must be the same as or more than the minimum" in page.content()
    assert page.title().startswith("Error:")
