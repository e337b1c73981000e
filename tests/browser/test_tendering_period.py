"""In Debian's Chromium, with axe-core on every page visited (no violation of any impact): a
buyer records a state of urgency on the Tendering period page (the reason revealed by "Yes",
refused without it at the field the error summary links to, the summary following the answer
before it is saved), and the tender page's barrier
check and publication rules then agree; the Amend page shows the period for a new deadline as
it is typed;
a buyer admin's refused exclusion decision links from the error summary to its fields."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from levelfield.accounts.models import Role
from levelfield.core import clock
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers import exclusions
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.models import Tender
from tests.support import testing

from .conftest import AccessibilityLog, known_govuk_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, user) -> None:
    page.goto(f"{base}{reverse('accounts:login')}")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(testing.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_a_buyer_records_urgency_and_the_checks_agree(live_server, browser_context):
    axe = AccessibilityLog(every_impact=True, allowed=known_govuk_issue)
    base = live_server.url
    council = testing.buyer_org("Wessex County Council")
    officer = testing.member(council, Role.BUYER_OFFICER)
    draft = testing.draft_tender(buyer=council, by=officer, days_to_deadline=10)

    page = browser_context.new_page()
    sign_in(page, base, officer)
    page.goto(f"{base}{reverse('tenders:detail', args=[draft.pk])}")
    axe.check(page)
    assert "The tender window is shorter than 25 days" in page.content()
    page.get_by_role("link", name="Change tendering period").click()
    page.wait_for_load_state()
    axe.check(page)
    assert "25 days (above threshold)" in page.content()
    assert "The tender cannot be published with this deadline" in page.content()

    # The reason is hidden until "Yes" is chosen.
    reason = page.locator("#id_s54_urgency_reason")
    expect(reason).to_be_hidden()
    page.locator("#id_is_urgent_0").check()
    expect(reason).to_be_visible()
    page.get_by_role("button", name="Save and check the period").click()
    page.wait_for_load_state()
    axe.check(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    summary.get_by_role("link", name="Say why the procurement is urgent").click()
    assert focused_id(page) == "id_s54_urgency_reason"

    # The summary follows the answer once it is typed (htmx), before it is saved.
    reason.fill("The current provider went into administration last week.")
    reason.blur()
    live = page.locator("#tendering-period-live")
    live.get_by_text("10 days (above threshold, in a recorded state of urgency)").wait_for()
    axe.check(page)
    page.get_by_role("button", name="Save and check the period").click()
    page.wait_for_load_state()
    axe.check(page)
    text = page.content()
    assert "Tendering period details saved" in text
    assert "10 days (above threshold, in a recorded state of urgency)" in text
    assert "Meets the minimum period" in text
    assert " GMT on " in text or " BST on " in text

    page.goto(f"{base}{reverse('tenders:detail', args=[draft.pk])}")
    axe.check(page)
    text = page.content()
    assert "No barriers found" in text and "The tender meets every publication rule" in text

    # Published, the Amend page shows the period for a new deadline typed there.
    tender = tender_actions.publish_tender(tender=Tender.objects.get(pk=draft.pk), by=officer)
    page.goto(f"{base}{reverse('tenders:amend', args=[tender.pk])}")
    axe.check(page)
    assert "10 days (above threshold, in a recorded state of urgency)" in page.content()
    later = (tender.submission_deadline + timedelta(days=7)).astimezone(clock.UK)
    group = page.get_by_role("group", name="Submission deadline date")
    group.get_by_label("Day").fill(str(later.day))
    group.get_by_label("Month").fill(str(later.month))
    group.get_by_label("Year").fill(str(later.year))
    time_box = page.get_by_label("Submission deadline time (UK time)")
    time_box.fill("23:30")
    time_box.blur()
    # The period follows the deadline as it is typed (htmx), before anything is published.
    live = page.locator("#amend-period-live")
    live.get_by_text("is at or near midnight").wait_for()
    assert "New submission deadline" in live.inner_text()
    axe.check(page)
    page.get_by_role("button", name="Publish the amendment").click()
    page.wait_for_load_state()
    axe.check(page)
    text = page.content()
    assert "New submission deadline" in text and "is at or near midnight" in text

    assert axe.violations == [], "\n".join(axe.violations)
    assert len(axe.visited) == 9


def test_a_refused_exclusion_decision_links_to_its_fields(live_server, browser_context):
    axe = AccessibilityLog(every_impact=True, allowed=known_govuk_issue)
    base = live_server.url
    council = testing.buyer_org("Wessex County Council")
    officer = testing.member(council, Role.BUYER_OFFICER)
    admin = testing.member(council, Role.BUYER_ADMIN)
    tender = testing.published_tender(buyer=council, by=officer)
    acorn, acorn_user = testing.supplier_with_user("Acorn Care Ltd")
    grounds = exclusions.no_grounds()
    grounds["labour_misconduct"] = {"applies": True, "details": "A tribunal award in 2024."}
    supplier_actions.declare_exclusions(organisation=acorn, by=acorn_user, answers=grounds)
    testing.submitted_bid(tender=tender, supplier=acorn, by=acorn_user, price=Decimal("95000"))
    past = clock.now() - timedelta(minutes=1)
    Tender.objects.filter(pk=tender.pk).update(
        clarification_deadline=past - timedelta(days=1), submission_deadline=past
    )
    tender_actions.open_evaluation(tender=Tender.objects.get(pk=tender.pk), by=officer)

    page = browser_context.new_page()
    sign_in(page, base, admin)
    page.goto(f"{base}{reverse('contracts:exclusions', args=[tender.pk])}")
    axe.check(page)
    page.get_by_role("button", name="Record the decision on Acorn Care Ltd").click()
    page.wait_for_load_state()
    axe.check(page)
    summary = page.locator(".govuk-error-summary")
    summary.get_by_role("link", name="Give the reasons for your decision on Acorn Care Ltd").click()
    assert focused_id(page).endswith("-reasons")
    # The radios' link is to their fieldset (the project's pattern, govuk/field.html).
    link = summary.get_by_role("link", name="Choose whether to exclude Acorn Care Ltd")
    target = link.get_attribute("href")
    assert target.endswith("-decision")
    expect(page.locator(target)).to_be_visible()

    page.get_by_label("Do not exclude").check()
    page.get_by_label("Reasons for your decision on Acorn Care Ltd").fill(
        "A single tribunal award; new HR policies since."
    )
    page.get_by_role("button", name="Record the decision on Acorn Care Ltd").click()
    page.wait_for_load_state()
    axe.check(page)
    assert "Decision on Acorn Care Ltd recorded" in page.content()
    assert axe.violations == [], "\n".join(axe.violations)
