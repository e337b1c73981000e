"""The catalogue marketplace in Debian's Chromium, from a supplier's application to a call-off
contract: a micro supplier applies to an open framework (lots, declarations, submit), the
platform admin admits it and the framework goes live, the supplier lists a service (draft,
check, submit: live at once); a buyer's officer starts a project, searches the catalogue, saves
the search and ends it (the shortlist frozen), and is offered "No" alone on the outcome page;
the buyer's admin awards the call-off with what it paid before; the call-off contract is signed
and published in OCDS naming the framework, and the buyer's savings page shows the saving.
axe-core checks every page visited; no page may break the Content-Security-Policy."""

from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from levelfield.accounts.models import Role
from levelfield.contracts.lifecycle import ContractStatus
from levelfield.contracts.ocds import contract_ocid
from levelfield.core import clock
from levelfield.marketplace.actions import applications, frameworks
from levelfield.marketplace.actions.frameworks import FrameworkDetails, LotDetails
from levelfield.marketplace.actions.outcomes import ADMIN_SIGNS
from levelfield.marketplace.lifecycle import ListingStatus, ProjectStatus
from levelfield.marketplace.models import Application, Listing, Project
from levelfield.marketplace.ocds import framework_ocid
from levelfield.opendata.models import Release
from levelfield.suppliers.models import Size
from tests.support import testing

from .conftest import AccessibilityLog, known_govuk_issue
from .test_journey import sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERVICE = "Pothole reporting app for highway inspectors"


def _click(page, axe, role: str, name: str, *, exact: bool = False) -> None:
    page.get_by_role(role, name=name, exact=exact).click()
    page.wait_for_load_state()
    axe.check(page)


def _open_framework(admin):
    today = clock.today_uk()
    details = FrameworkDetails(
        reference="LF-CLOUD-J1",
        name="Cloud services",
        applications_open_on=today - timedelta(days=5),
        applications_close_on=today + timedelta(days=5),
        live_from=today + timedelta(days=10),
        expires_on=today + timedelta(days=700),
        statements=["We will keep our listings accurate."],
        lots=[
            LotDetails("Cloud hosting", categories=["Compute"], cpv_code="72400000"),
            LotDetails("Cloud software", categories=["Field working"], cpv_code="72260000"),
        ],
    )
    framework = frameworks.create_framework(details=details, by=admin)
    return frameworks.open_applications(framework=framework, by=admin)


def test_apply_list_search_shortlist_and_award_a_call_off(live_server, browser_context, axe):
    base = live_server.url
    platform_admin = testing.UserFactory(is_superuser=True, is_staff=True)
    framework = _open_framework(platform_admin)
    council = testing.buyer_org("Wessex County Council")
    officer = testing.member(council, Role.BUYER_OFFICER, full_name="Olu Officer")
    buyer_admin = testing.member(council, Role.BUYER_ADMIN, full_name="Ada Admin")
    supplier, supplier_admin = testing.supplier_with_user("Tarrant Apps Ltd", size=Size.MICRO)

    # The supplier applies: lots, declarations, submit.
    page = browser_context.new_page()
    sign_in(page, base, supplier_admin, axe)
    visit(page, f"{base}{reverse('marketplace:framework', args=[framework.pk])}", axe)
    _click(page, axe, "link", "Apply to this framework")
    page.get_by_label("Lot 2: Cloud software").check()
    _click(page, axe, "button", "Save and continue")
    page.get_by_label("We will keep our listings accurate.").check()
    _click(page, axe, "button", "Save and continue")
    _click(page, axe, "button", "Submit the application")
    application = Application.objects.get(supplier=supplier)
    assert application.status == "submitted"

    # The platform admin admits it and the framework goes live (its own pages are tested with
    # the frameworks; here through its actions).
    frameworks.close_applications(framework=framework, by=platform_admin)
    applications.admit_application(application=application, by=platform_admin)
    frameworks.start_standstill(framework=framework, by=platform_admin)
    frameworks.go_live(framework=framework, by=platform_admin)

    # The supplier lists a service: a draft, checked and submitted, live at once.
    visit(page, f"{base}{reverse('marketplace:supplier_listings')}", axe)
    _click(page, axe, "link", "List a service")
    _click(page, axe, "link", "Cloud services (LF-CLOUD-J1), lot 2: Cloud software")
    page.get_by_label("Service name").fill(SERVICE)
    page.get_by_label("Summary").fill("Residents report potholes; inspectors order repairs.")
    page.get_by_label("Category").select_option(label="Field working")
    page.get_by_label("Price in pounds").fill("1187.50")
    page.get_by_label("Price unit").fill("per month")
    _click(page, axe, "button", "Save draft")
    _click(page, axe, "link", "Check and submit")
    _click(page, axe, "button", "Submit the listing")
    listing = Listing.objects.get(supplier=supplier)
    assert listing.status == ListingStatus.LIVE and listing.version == 1

    # The council's officer starts a project, searches, saves the search and ends it.
    buyer_context = browser_context.browser.new_context()
    buyer = buyer_context.new_page()
    sign_in(buyer, base, officer, axe)
    visit(buyer, f"{base}{reverse('marketplace:project_create')}", axe)
    buyer.get_by_label("Project name").fill("Highway inspection and pothole reporting")
    buyer.get_by_label("The need").fill("An app for inspectors and residents' reports.")
    _click(buyer, axe, "button", "Start the project")
    project = Project.objects.get(buyer=council)
    # Starting a project opens the catalogue search, to save into it.
    expect(buyer.get_by_text(f"Searching for project {project.reference}")).to_be_visible()
    buyer.get_by_label("Words").fill("pothole")
    _click(buyer, axe, "button", "Search", exact=True)
    expect(buyer.get_by_role("link", name=SERVICE)).to_be_visible()
    # A service opened from the results leads back to them, and its page has no accessibility
    # problem of any impact (the way back is in a landmark of its own).
    _click(buyer, axe, "link", SERVICE)
    every = AccessibilityLog(every_impact=True, allowed=known_govuk_issue)
    every.check(buyer)
    assert every.violations == []
    _click(buyer, axe, "link", "Back to the search results")
    assert buyer.get_by_label("Words").input_value() == "pothole"
    _click(buyer, axe, "button", f"Save this search to {project.reference}")
    visit(buyer, f"{base}{reverse('marketplace:project', args=[project.pk])}", axe)
    _click(buyer, axe, "button", "End the search and freeze the shortlist")
    project.refresh_from_db()
    assert project.status == ProjectStatus.ENDED
    assert [entry.listing for entry in project.shortlist.all()] == [listing]
    # The officer may record only that nothing was awarded: "No" is the one answer offered,
    # with the reason beside it, and no award fields; the page has no problem of any impact.
    _click(buyer, axe, "link", "Record the outcome")
    awarded = buyer.get_by_role("group", name="Did you award a call-off?")
    expect(awarded.get_by_role("radio")).to_have_count(1)
    expect(awarded.get_by_role("radio", name="No")).to_be_visible()
    expect(awarded.get_by_text(ADMIN_SIGNS)).to_be_visible()
    expect(buyer.get_by_label("Call-off value (£)")).to_have_count(0)
    every.check(buyer)
    assert every.violations == []

    # The council's admin awards the call-off, with what it paid before.
    admin_context = browser_context.browser.new_context()
    admin = admin_context.new_page()
    sign_in(admin, base, buyer_admin, axe)
    visit(admin, f"{base}{reverse('marketplace:project', args=[project.pk])}", axe)
    _click(admin, axe, "link", "Record the outcome")
    admin.get_by_label("Yes, to a service on the shortlist").check()
    admin.get_by_label("Service awarded").select_option(label=f"{SERVICE}: {supplier.name}")
    admin.get_by_label("Call-off value (£)").fill("28500")
    start = clock.today_uk() + timedelta(days=14)
    admin.get_by_label("Start date").fill(start.strftime("%d/%m/%Y"))
    end = start.replace(year=start.year + 2) - timedelta(days=1)
    admin.get_by_label("End date").fill(end.strftime("%d/%m/%Y"))
    admin.get_by_label("Why").fill("The only app that takes residents' reports.")
    admin.get_by_label(
        "What you paid before for the same need, over as long a term (£, optional)"
    ).fill("48000")
    _click(admin, axe, "button", "Record the outcome")

    # The call-off contract, signed, and its release naming the framework.
    project.refresh_from_db()
    assert project.status == ProjectStatus.AWARDED
    contract = project.outcome.contract
    assert contract.supplier == supplier and contract.status == ContractStatus.SIGNED
    expect(admin.get_by_role("link", name=contract.reference)).to_be_visible()
    releases = Release.objects.filter(ocid=contract_ocid(contract))
    related = {
        process["identifier"]
        for release in releases
        for process in release.data.get("relatedProcesses", [])
        if process["relationship"] == ["framework"]
    }
    assert related == {framework_ocid(framework)}

    # The savings page says what it saved.
    visit(admin, f"{base}{reverse('marketplace:savings')}", axe)
    expect(admin.get_by_role("cell", name="£19,500 less than before")).to_be_visible()
    visit(admin, f"{base}{reverse('marketplace:report')}", axe)
    expect(admin.get_by_text("£28,500 in 1 call-off")).to_be_visible()
    for context in (buyer_context, admin_context):
        context.close()
    assert axe.violations == [], "\n".join(axe.violations)
