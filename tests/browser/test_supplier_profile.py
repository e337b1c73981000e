"""The supplier profile, declaration, certificates, consortium and subcontractor pages in
Debian's Chromium: a lead supplier keeps its profile, forms a consortium, a member accepts, and
the lead bids as the consortium with a subcontractor. axe-core checks every page visited."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.bids.models import Bid
from levelfield.core import clock
from levelfield.suppliers import actions
from levelfield.suppliers.models import CertificateKind, ConsortiumMember, MemberStatus
from tests.support import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, user, axe):
    page.goto(f"{base_url}{reverse('accounts:login')}")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(testing.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def visit(page, url: str, axe) -> None:
    page.goto(url)
    axe.check(page)


def test_supplier_profile_consortium_and_subcontractor_pages(live_server, browser_context, axe):
    base = live_server.url
    council = testing.buyer_org("Wessex County Council")
    officer = testing.member(council, "buyer_officer")
    tender = testing.published_tender(buyer=council, by=officer)
    lot = tender.lots.get()
    trust, trust_admin = testing.supplier_with_user("Wessex Community Care Trust", is_vcse=True)
    cic, cic_admin = testing.supplier_with_user("Three Rivers Care CIC", is_vcse=True)
    actions.add_certificate(
        organisation=trust,
        by=trust_admin,
        kind=CertificateKind.EMPLOYERS_LIABILITY,
        number="EL-1",
        issuer="Charity Insurers Ltd",
        expires_on=clock.today_uk() + timedelta(days=20),
        upload=testing.pdf("el.pdf"),
    )

    page = browser_context.new_page()
    sign_in(page, base, trust_admin, axe)
    visit(page, f"{base}{reverse('suppliers:profile')}", axe)

    # The profile: figures in, size worked out and explained.
    page.get_by_role("link", name="Change your profile").click()
    axe.check(page)
    page.get_by_label("Number of staff (optional)").fill("140")
    page.get_by_role("button", name="Save your profile").click()
    axe.check(page)  # refused: a turnover or balance sheet is needed, shown as errors
    assert "Enter the annual turnover or the balance sheet total" in page.content()
    page.get_by_label("Annual turnover (£, optional)").fill("9,600,000")
    page.get_by_label("Charity", exact=True).check()
    page.get_by_label("Charity number (optional)").fill("1098765")
    page.get_by_role("button", name="Save your profile").click()
    axe.check(page)
    assert "140 staff is not fewer than 50" in page.content()
    trust.supplier_profile.refresh_from_db()
    assert trust.supplier_profile.size == "medium"

    visit(page, f"{base}{reverse('suppliers:declaration')}", axe)
    visit(page, f"{base}{reverse('suppliers:certificates')}", axe)

    # A consortium is formed and the CIC invited.
    visit(page, f"{base}{reverse('suppliers:consortia')}", axe)
    page.get_by_role("button", name="Form a consortium").click()
    axe.check(page)
    page.get_by_label("Consortium name").fill("Wessex Care Partnership")
    page.get_by_label("Joint and several").check()
    page.get_by_role("button", name="Form the consortium").click()
    axe.check(page)
    page.get_by_label("The organisation's levelfield identifier or Companies House number").fill(
        cic.supplier_profile.platform_identifier
    )
    page.get_by_label("Member", exact=True).check()
    page.get_by_role("button", name="Send the invitation").click()
    axe.check(page)

    member_context = browser_context.browser.new_context()
    member_page = member_context.new_page()
    sign_in(member_page, base, cic_admin, axe)
    visit(member_page, f"{base}{reverse('suppliers:consortia')}", axe)
    member_page.get_by_role("button", name="Accept Wessex Care Partnership").click()
    axe.check(member_page)
    assert ConsortiumMember.objects.get(organisation=cic).status == MemberStatus.ACCEPTED
    member_context.close()

    # The lead bids as the consortium, with a subcontractor.
    visit(page, f"{base}{reverse('bids:edit', args=[lot.pk])}", axe)
    page.get_by_role("link", name="Bid for lot 1 as Wessex Care Partnership").click()
    axe.check(page)
    page.get_by_role("button", name="Start a bid").click()
    axe.check(page)
    bid = Bid.objects.get(supplier__name="Wessex Care Partnership")
    page.get_by_role("link", name="Add or remove subcontractors").click()
    axe.check(page)
    page.get_by_label("Name (if it is not registered)").fill("Shaston Community Transport")
    page.get_by_label("Micro").check()
    page.get_by_label("Share of the contract value (%)").fill("6")
    page.get_by_label("What it will do").fill("Transport to day activities.")
    page.get_by_role("button", name="Add subcontractor").click()
    axe.check(page)
    assert bid.subcontractors.get().share_percent == Decimal("6")
    visit(page, f"{base}{reverse('bids:dashboard')}", axe)

    assert axe.violations == [], "\n".join(axe.violations)
    assert len(axe.visited) >= 15
