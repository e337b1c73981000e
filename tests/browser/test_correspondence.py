"""Private correspondence in Debian's Chromium: after the deadline the officer writes to one
bidder from the tender's page, the bidder finds it from its dashboard, reads and replies, and the
officer sees the unread reply, the read receipt and the printable record. axe-core checks every
page visited."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from levelfield.accounts.models import Role
from levelfield.core import clock
from levelfield.correspondence.models import Message
from levelfield.tenders.models import Tender
from tests.support import testing

from .test_journey import sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_buyer_and_a_bidder_correspond_privately(live_server, browser_context, axe):
    base = live_server.url
    council = testing.buyer_org("Wessex County Council")
    officer = testing.member(council, Role.BUYER_OFFICER, full_name="Daniel Okafor")
    tender = testing.published_tender(buyer=council, by=officer)
    acorn, acorn_user = testing.supplier_with_user("Acorn Care Ltd")
    beech, beech_user = testing.supplier_with_user("Beech Homecare CIC")
    testing.submitted_bid(tender=tender, supplier=acorn, by=acorn_user, price="90000")
    testing.submitted_bid(tender=tender, supplier=beech, by=beech_user, price="95000")
    past = clock.now() - timedelta(minutes=1)
    Tender.objects.filter(pk=tender.pk).update(
        clarification_deadline=past - timedelta(days=1), submission_deadline=past
    )

    buyer = browser_context.new_page()
    sign_in(buyer, base, officer, axe)
    visit(buyer, f"{base}{reverse('tenders:detail', args=[tender.pk])}", axe)
    buyer.get_by_role("link", name="See correspondence with bidders").click()
    axe.check(buyer)
    expect(buyer.get_by_text("No correspondence with bidders on this tender yet")).to_be_visible()
    buyer.get_by_role("button", name="Write to a bidder").click()
    axe.check(buyer)
    buyer.get_by_role("button", name="Send message").click()
    axe.check(buyer)
    summary = buyer.get_by_role("alert")
    expect(summary.get_by_role("link", name="Choose the bidder to write to")).to_be_visible()
    buyer.get_by_label("Acorn Care Ltd").check()
    buyer.get_by_label("Clarification of a bid").check()
    buyer.get_by_label("Subject").fill("Travel time in your price")
    buyer.get_by_label("Message").fill("Does your price include travel between visits?")
    buyer.get_by_role("button", name="Send message").click()
    axe.check(buyer)
    expect(buyer.get_by_text("Your message has been sent to Acorn Care Ltd")).to_be_visible()
    expect(buyer.get_by_text("Not yet read by the bidder")).to_be_visible()

    supplier_context = browser_context.browser.new_context()
    bidder = supplier_context.new_page()
    sign_in(bidder, base, acorn_user, axe)
    visit(bidder, f"{base}{reverse('bids:dashboard')}", axe)
    bidder.get_by_role("link", name="Correspondence with buyers").click()
    axe.check(bidder)
    expect(bidder.get_by_text("1 unread")).to_be_visible()
    bidder.get_by_role("link", name="Travel time in your price").click()
    axe.check(bidder)
    expect(bidder.get_by_text("Does your price include travel between visits?")).to_be_visible()
    bidder.get_by_label("Message").fill("Yes: travel is in the hourly rate.")
    bidder.get_by_role("button", name="Send message").click()
    axe.check(bidder)
    expect(bidder.get_by_text("Your message has been sent")).to_be_visible()
    supplier_context.close()

    # Another bidder sees nothing of it.
    other_context = browser_context.browser.new_context()
    other = other_context.new_page()
    sign_in(other, base, beech_user, axe)
    visit(other, f"{base}{reverse('correspondence:supplier_threads')}", axe)
    expect(other.get_by_text("No buyer has written to you yet")).to_be_visible()
    thread_id = Message.objects.first().thread_id
    response = other.goto(f"{base}{reverse('correspondence:thread', args=[thread_id])}")
    assert response.status == 404
    other_context.close()

    visit(buyer, f"{base}{reverse('correspondence:tender_threads', args=[tender.pk])}", axe)
    expect(buyer.get_by_text("1 unread")).to_be_visible()
    buyer.get_by_role("link", name="Travel time in your price").click()
    axe.check(buyer)
    expect(buyer.get_by_text(re.compile(r"Read by the bidder \(.+\)"))).to_be_visible()
    expect(buyer.get_by_text("Yes: travel is in the hourly rate.")).to_be_visible()
    visit(buyer, f"{base}{reverse('correspondence:record', args=[tender.pk])}", axe)
    expect(buyer.get_by_text("Yes: travel is in the hourly rate.")).to_be_visible()

    assert axe.violations == []
