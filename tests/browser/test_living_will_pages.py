"""A supplier's living will in Debian's Chromium: the admin of a supplier holding a critical
contract starts its living will, fills the group structure (a wrong Companies House number
first, shown beside its field) and a critical service, sets the review date and submits; the
buyer of the critical contract then reads the submitted version. axe-core checks every page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from levelfield.core import clock
from levelfield.resilience.models import LivingWillVersion
from tests.support import testing

from .test_journey import sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supplier_fills_two_sections_and_submits_and_the_buyer_reads_it(
    live_server, browser_context, axe
):
    base = live_server.url
    org, admin = testing.supplier_with_user("Kennet Care Ltd")
    signed = testing.signed_contract(supplier=(org, admin))
    signed.contract.critical = True
    signed.contract.save(update_fields=["critical"])

    page = browser_context.new_page()
    sign_in(page, base, admin, axe)
    visit(page, f"{base}{reverse('resilience:will')}", axe)
    expect(page.get_by_text("You need a current living will")).to_be_visible()
    page.get_by_role("button", name="Start your living will").click()
    axe.check(page)
    expect(page.get_by_text("Your living will has been started")).to_be_visible()
    start_score = int(re.search(r"(\d+)% complete", page.content()).group(1))

    page.get_by_role("link", name="Change group structure").click()
    axe.check(page)
    page.get_by_role("button", name="Add an entity").click()
    axe.check(page)
    page.get_by_label("Name").fill("Kennet Group plc")
    page.get_by_label("Companies House number").fill("123")
    page.get_by_role("button", name="Save").click()
    axe.check(page)
    summary = page.get_by_role("alert")
    summary.get_by_role("link", name=re.compile("must be 8 characters")).click()
    assert page.get_by_label("Companies House number").evaluate("e => e === document.activeElement")
    assert page.get_by_label("Name").input_value() == "Kennet Group plc"
    page.get_by_label("Companies House number").fill("01234567")
    page.get_by_role("button", name="Save").click()
    axe.check(page)
    expect(page.get_by_text("Entity 1 added")).to_be_visible()
    expect(page.get_by_role("heading", name="Kennet Group plc")).to_be_visible()
    page.get_by_role("link", name="Back to your living will").click()

    page.get_by_role("link", name="Change critical services and who relies on them").click()
    axe.check(page)
    page.get_by_role("button", name="Add a service").click()
    page.get_by_label("Name of the service").fill("Home care")
    page.get_by_label("Authorities relying on it").fill("Shire County Council\nWessex Council")
    page.get_by_label("People served").fill("1,400")
    page.get_by_role("button", name="Save").click()
    axe.check(page)
    expect(page.get_by_text("Service 1 added")).to_be_visible()
    page.get_by_role("link", name="Back to your living will").click()
    axe.check(page)
    score = int(re.search(r"(\d+)% complete", page.content()).group(1))
    assert score > start_score
    missing = page.locator("#missing")
    expect(missing.get_by_text("A continuity plan for Home care")).to_be_visible()
    assert not missing.get_by_text("The critical services").count()

    page.get_by_role("link", name="Change review date").click()
    axe.check(page)
    review = clock.today_uk() + timedelta(days=180)
    page.get_by_label("Review date").fill(review.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Save").click()
    axe.check(page)
    page.get_by_role("button", name="Submit your living will").click()
    axe.check(page)
    expect(page.get_by_text("Version 1 submitted")).to_be_visible()
    page.get_by_role("link", name="Version 1").click()
    axe.check(page)
    expect(page.get_by_text("Home care").first).to_be_visible()
    assert LivingWillVersion.objects.get().content["services"][0]["people_served"] == 1400

    buyer_context = browser_context.browser.new_context()
    buyer = buyer_context.new_page()
    sign_in(buyer, base, signed.officer, axe)
    visit(buyer, f"{base}{reverse('resilience:wills')}", axe)
    buyer.get_by_role("link", name="Kennet Care Ltd").click()
    axe.check(buyer)
    expect(buyer.get_by_role("heading", name="Kennet Group plc")).to_be_visible()
    buyer_context.close()

    assert axe.violations == []
