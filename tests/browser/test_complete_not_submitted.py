"""The buyer's evaluation page after the deadline, in Debian's Chromium, with a complete bid that
was never submitted: "Complete, not submitted: 1" names the supplier by lot and nothing of its
bid; axe-core checks the page (and the sign-in page) for serious or critical problems."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from levelfield.accounts.models import Role
from levelfield.bids import actions as bid_actions
from levelfield.core import clock
from levelfield.tenders.models import Tender
from tests.support import testing

from .test_journey import sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_buyer_sees_a_complete_bid_not_submitted_and_nothing_of_it(
    live_server, browser_context, axe
):
    base = live_server.url
    council = testing.buyer_org("Wessex County Council")
    officer = testing.member(council, Role.BUYER_OFFICER, full_name="Daniel Okafor")
    tender = testing.published_tender(buyer=council, by=officer)
    submitter, submitter_user = testing.supplier_with_user("Acorn Care Ltd")
    testing.submitted_bid(tender=tender, supplier=submitter, by=submitter_user, price="90000")
    drafter, drafter_user = testing.supplier_with_user("Willow Care Ltd")
    lot = tender.lots.get()
    bid = bid_actions.start_bid(lot=lot, supplier=drafter, by=drafter_user)
    bid_actions.save_bid(
        bid=bid,
        by=drafter_user,
        price=Decimal("76543.21"),
        answers={q.pk: "DRAFT-ANSWER never submitted" for q in lot.questions.all()},
    )
    past = clock.now() - timedelta(minutes=1)
    Tender.objects.filter(pk=tender.pk).update(
        clarification_deadline=past - timedelta(days=1), submission_deadline=past
    )

    page = browser_context.new_page()
    sign_in(page, base, officer, axe)
    visit(page, f"{base}{reverse('evaluation:overview', args=[tender.pk])}", axe)
    heading = page.get_by_role("heading", name="Complete, not submitted: 1")
    expect(heading).to_be_visible()
    table = page.get_by_role("table", name="Suppliers with a complete bid not submitted, by lot")
    expect(table.get_by_role("rowheader", name=f"Lot 1: {lot.title}")).to_be_visible()
    expect(table.get_by_role("cell", name="Willow Care Ltd")).to_be_visible()
    text = page.content()
    assert "76543.21" not in text and "76,543.21" not in text and "DRAFT-ANSWER" not in text
    assert axe.violations == [], axe.violations
