"""Stage checklists, people and the capability view in Debian's Chromium: a buyer officer adds a
template item and marks a contract's overdue item done; the buyer admin records a manager's
accreditation; the platform admin opens the capability view. axe-core checks every page visited
and finds no violation at all (any impact)."""

from datetime import date

import pytest
from django.urls import reverse

from levelfield.accounts.models import Role, User
from levelfield.contracts.actions import checklists
from levelfield.contracts.models import AccreditationLevel, Tier
from levelfield.contracts.tests.capability_data import contract, manager
from tests.support import testing

from .test_contract_management import StrictAxe, click, sign_in, text, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_checklists_people_and_capability(live_server, browser_context, axe):
    base = live_server.url
    axe = StrictAxe(axe)
    buyer = testing.buyer_org()
    officer = testing.member(buyer, Role.BUYER_OFFICER)
    admin = testing.member(buyer, Role.BUYER_ADMIN)
    foundation = manager(buyer, AccreditationLevel.FOUNDATION)
    overdue = contract(buyer, tier=Tier.GOLD, manager=foundation, signed=date(2020, 1, 1))
    checklists.start_checklist(contract=overdue, by=officer)
    platform_admin = User.objects.create_superuser(
        email="admin@levelfield.example", password=testing.PASSWORD, full_name="Pat Admin"
    )

    page = browser_context.new_page()
    sign_in(page, base, officer, axe)
    visit(page, f"{base}{reverse('contracts:checklist_template')}", axe)
    click(page, page.get_by_role("button", name="Add an item"), axe)
    page.get_by_label("Exit").check()
    page.get_by_label("What has to be done").fill("Archive the records")
    page.get_by_label("Contract end date").check()
    page.get_by_label("Days after that date").fill("30")
    click(page, page.get_by_role("button", name="Save"), axe)
    assert "Archive the records" in text(page)

    # The dashboard lists the overdue item; it opens, and is marked done.
    visit(page, f"{base}{reverse('tenders:dashboard')}", axe)
    click(page, page.get_by_role("link", name=f"{overdue.reference}: Hold the kick-off"), axe)
    page.get_by_label("Note (optional)").fill("Held on the day")
    click(page, page.get_by_role("button", name="Mark as done"), axe)
    assert "Saved: Hold the kick-off meeting with the supplier" in text(page)
    page.context.clear_cookies()

    sign_in(page, base, admin, axe)
    visit(page, f"{base}{reverse('contracts:people')}", axe)
    assert "Under-accredited" in text(page)
    click(page, page.get_by_role("link", name=f"Record accreditation for {foundation}"), axe)
    page.get_by_label("Expert").check()
    click(page, page.get_by_role("button", name="Record accreditation"), axe)
    assert f"Accreditation recorded for {foundation}" in text(page)
    assert "Under-accredited" not in text(page)
    page.context.clear_cookies()

    sign_in(page, base, platform_admin, axe)
    visit(page, f"{base}{reverse('contracts:capability')}", axe)
    assert buyer.name in text(page)

    assert axe.violations == []
