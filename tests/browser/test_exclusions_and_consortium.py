"""Two pages in Debian's Chromium, with axe-core run on every page visited and no violation of
any impact allowed: the consortium page as its lead and a member use it (guarantees, removing a
member, withdrawing an invitation, leaving), and the buyer's exclusion checks page, reached
from the award decision page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from levelfield.accounts.models import Role
from levelfield.bids import actions as bid_actions
from levelfield.core import clock
from levelfield.suppliers import actions, exclusions
from levelfield.suppliers.models import Liability, MemberRole, MemberStatus, Size
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.models import Tender
from tests.support import testing

from .conftest import AccessibilityLog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def strict_axe():
    return AccessibilityLog(every_impact=True)


def sign_in(page, base_url, user) -> None:
    page.goto(f"{base_url}{reverse('accounts:login')}")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(testing.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def filled(bid, by, price="95000"):
    answers = {q.pk: "Our answer." for q in bid.lot.questions.all()}
    return bid_actions.save_bid(bid=bid, by=by, price=Decimal(price), answers=answers)


def test_consortium_and_exclusion_checks_pages_have_no_axe_violations(
    live_server, browser_context, strict_axe
):
    axe = strict_axe
    base = live_server.url
    council = testing.buyer_org("Wessex County Council")
    officer = testing.member(council, Role.BUYER_OFFICER)
    tender = testing.published_tender(buyer=council, by=officer)
    lot = tender.lots.get()
    trust, trust_admin = testing.supplier_with_user("Wessex Community Care Trust", is_vcse=True)
    cic, cic_admin = testing.supplier_with_user("Three Rivers Care CIC", is_vcse=True)
    kennet, _ = testing.supplier_with_user("Kennet Home Care Ltd")
    tarrant, tarrant_admin = testing.supplier_with_user("Tarrant Highways Ltd", size=Size.SMALL)
    consortium = actions.create_consortium(
        lead=trust,
        by=trust_admin,
        name="Wessex Care Partnership",
        liability=Liability.LEAD_WITH_GUARANTEES,
    )
    for organisation, admin in ((cic, cic_admin), (tarrant, tarrant_admin)):
        member = actions.invite_to_consortium(
            consortium=consortium, by=trust_admin, organisation=organisation, role=MemberRole.MEMBER
        )
        actions.respond_to_consortium(member=member, by=admin, accept=True)
    actions.invite_to_consortium(
        consortium=consortium,
        by=trust_admin,
        organisation=kennet,
        role=MemberRole.KEY_SUBCONTRACTOR,
    )
    joint = filled(
        bid_actions.start_bid(lot=lot, supplier=consortium.organisation, by=trust_admin),
        trust_admin,
    )
    consortium_url = f"{base}{reverse('suppliers:consortium', args=[consortium.pk])}"

    # The lead records the CIC's guarantee: first without describing it, which is refused.
    page = browser_context.new_page()
    sign_in(page, base, trust_admin)
    page.goto(consortium_url)
    axe.check(page)
    page.get_by_role("link", name="Record the guarantee from Three Rivers Care CIC").click()
    axe.check(page)
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Save the guarantee").click()
    axe.check(page)
    assert "Describe the guarantee" in page.content()
    page.get_by_label("The guarantee").fill("Parent company guarantee up to £500,000")
    page.get_by_role("button", name="Save the guarantee").click()
    axe.check(page)
    assert "Parent company guarantee up to £500,000" in page.content()

    # The lead removes Tarrant and withdraws Kennet's invitation, confirming each.
    page.get_by_role("link", name="Remove Tarrant Highways Ltd").click()
    axe.check(page)
    page.get_by_role("button", name="Remove the member").click()
    axe.check(page)
    assert "Tarrant Highways Ltd has been removed" in page.content()
    page.get_by_role("link", name="Withdraw invitation to Kennet Home Care Ltd").click()
    axe.check(page)
    page.get_by_role("button", name="Withdraw the invitation").click()
    axe.check(page)
    statuses = dict(consortium.members.values_list("organisation__name", "status"))
    assert statuses["Tarrant Highways Ltd"] == MemberStatus.REMOVED
    assert statuses["Kennet Home Care Ltd"] == MemberStatus.WITHDRAWN

    # The lead submits the bid; the CIC may no longer leave, and its page says why.
    bid_actions.submit_bid(bid=joint, by=trust_admin)
    member_context = browser_context.browser.new_context()
    member_page = member_context.new_page()
    sign_in(member_page, base, cic_admin)
    member_page.goto(consortium_url)
    axe.check(member_page)
    member_page.get_by_role("button", name="Leave Wessex Care Partnership").click()
    axe.check(member_page)
    assert "has a submitted bid" in member_page.content()
    assert member_page.get_by_role("button", name="Leave the consortium").count() == 0
    member_context.close()

    # A solo bid relying on a subcontractor, with a discretionary ground; after submission the
    # CIC declares that a mandatory ground now applies.
    acorn, acorn_user = testing.supplier_with_user("Acorn Care Ltd")
    grounds = exclusions.no_grounds()
    grounds["labour_misconduct"] = {"applies": True, "details": "A tribunal award in 2024."}
    actions.declare_exclusions(organisation=acorn, by=acorn_user, answers=grounds)
    solo = filled(bid_actions.start_bid(lot=lot, supplier=acorn, by=acorn_user), acorn_user)
    actions.add_subcontractor(
        bid=solo,
        by=acorn_user,
        organisation=tarrant,
        name="",
        size="",
        share_percent=Decimal("20"),
        description="Transport to day activities.",
        relied_on=True,
    )
    bid_actions.submit_bid(bid=solo, by=acorn_user)
    grounds = exclusions.no_grounds()
    grounds["bribery"] = {"applies": True, "details": "A conviction last month."}
    actions.declare_exclusions(organisation=cic, by=cic_admin, answers=grounds)

    # The deadline passes; the buyer opens evaluation and, from the award decision page, reads
    # the exclusion checks.
    past = clock.now() - timedelta(minutes=1)
    Tender.objects.filter(pk=tender.pk).update(
        clarification_deadline=past - timedelta(days=1), submission_deadline=past
    )
    tender_actions.open_evaluation(tender=Tender.objects.get(pk=tender.pk), by=officer)
    buyer_context = browser_context.browser.new_context()
    buyer_page = buyer_context.new_page()
    sign_in(buyer_page, base, officer)
    buyer_page.goto(f"{base}{reverse('contracts:award', args=[tender.pk])}")
    buyer_page.get_by_role("link", name="Check the exclusion declarations").click()
    axe.check(buyer_page)
    body = buyer_page.content()
    expect(buyer_page.get_by_role("heading", name="Exclusion checks", level=1)).to_be_visible()
    assert "2 declarations need your attention" in body
    assert "Bribery and corruption: A conviction last month." in body
    assert "Labour market misconduct: A tribunal award in 2024." in body
    assert "Subcontractor relied on" in body
    buyer_context.close()

    assert axe.violations == [], "\n".join(axe.violations)
    assert len(axe.visited) == 11
