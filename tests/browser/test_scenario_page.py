"""A failure scenario in Debian's Chromium: a member of the resilience team goes from the team's
home to failure scenarios, is told what to correct, finds a supplier by name and ticks it, saves
the scenario and reads its report: the dependency map (an SVG with a name and a description,
suppliers left of their contracts, contracts left of their authorities) and the same data in
the table that follows it. axe-core checks every page visited, every impact."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from levelfield.core import clock
from levelfield.resilience import actions
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers.models import ContractSubcontractor, Region, Size
from tests.support import testing

from .conftest import AccessibilityLog, known_govuk_issue
from .test_journey import sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WILL = {
    "entities": [
        {"name": "Albion Group plc", "company_number": "01234567", "parent": ""},
        {"name": "Albion Offshore Ltd", "company_number": "SC123456", "parent": "01234567"},
    ],
    "services": [
        {"name": "Home care", "authorities": ["Shire County Council"], "people_served": 1200}
    ],
    "plans": [{"service": "Home care", "steps": ["Tell the council"], "days_to_transfer": 60}],
}


def world():
    shire = testing.buyer_org("Shire County Council")
    wessex = testing.buyer_org("Wessex Council")
    albion, admin = testing.supplier_with_user("Albion Group plc")
    supplier_actions.update_profile(
        profile=albion.supplier_profile,
        by=admin,
        legal_name="Albion Group plc",
        companies_house_number="01234567",
        region=Region.SOUTH_WEST,
        declared_size=Size.LARGE,
    )
    other, _ = testing.supplier_with_user("Other Care Ltd")
    home = testing.contract_let_elsewhere(
        buyer=shire,
        supplier=albion,
        value="300000",
        start_date=date(2026, 4, 1),
        end_date=date(2029, 3, 31),
        critical=True,
        title="Home care",
    )
    testing.contract_let_elsewhere(
        buyer=wessex,
        supplier=albion,
        value="50000",
        start_date=date(2026, 10, 1),
        end_date=date(2027, 3, 31),
        title="Meals",
    )
    elsewhere = testing.contract_let_elsewhere(
        buyer=shire,
        supplier=other,
        value="90000",
        start_date=date(2026, 1, 1),
        end_date=date(2027, 12, 31),
    )
    for contract, name in ((home, "Vans Ltd"), (elsewhere, "Vans Ltd")):
        ContractSubcontractor.objects.create(
            contract=contract,
            name=name,
            companies_house_number="07654321",
            size=Size.SMALL,
            share_percent=Decimal("10"),
            description="Transport",
            value=Decimal("1000"),
        )
    will = actions.start_living_will(supplier=albion, by=admin)
    review = clock.today_uk() + timedelta(days=365)
    actions.edit_living_will(will=will, by=admin, content=WILL, owner=admin, review_date=review)
    actions.submit_living_will(will=will, by=admin)
    return home


def test_the_team_runs_a_scenario_and_reads_its_map_and_table(live_server, browser_context):
    axe = AccessibilityLog(every_impact=True, allowed=known_govuk_issue)
    base = live_server.url
    home_care = world()
    person = testing.resilience_team_member(full_name="Rhiannon Team")

    page = browser_context.new_page()
    sign_in(page, base, person, axe)
    visit(page, f"{base}{reverse('resilience:home')}", axe)
    page.get_by_role("link", name="Concentration risk").click()
    axe.check(page)
    expect(page.get_by_role("cell", name="Wessex Council")).to_be_visible()
    page.get_by_label("Share of the market (%)").fill("150")
    page.get_by_role("button", name="Show suppliers").click()
    axe.check(page)
    expect(
        page.get_by_role("alert").get_by_role("link", name="The share must be 0 or more")
    ).to_be_visible()

    visit(page, f"{base}{reverse('resilience:home')}", axe)
    page.get_by_role("link", name="Failure scenarios", exact=True).click()
    axe.check(page)
    expect(page.get_by_text("No scenario has been saved yet")).to_be_visible()
    page.get_by_role("button", name="Run a new scenario").click()
    axe.check(page)

    page.get_by_role("button", name="Save and see the report").click()
    axe.check(page)
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link", name="Enter a name for the scenario")).to_be_visible()
    summary.get_by_role("link", name="Choose at least one supplier").click()

    page.get_by_label("Name of the scenario").fill("Albion fails in January")
    page.get_by_label("Find a supplier").fill("albion")
    page.get_by_role("button", name="Search suppliers").click()
    axe.check(page)
    assert page.get_by_label("Name of the scenario").input_value() == "Albion fails in January"
    page.get_by_label("Albion Group plc").check()
    page.get_by_label("Date they fail").fill("15/1/2027")
    page.get_by_role("button", name="Save and see the report").click()
    axe.check(page)
    expect(page.get_by_text("Scenario saved: Albion fails in January")).to_be_visible()
    assert page.locator("#summary-contracts").inner_text() == "2, 1 of them critical"
    assert page.locator("#summary-people").inner_text() == "1200"

    # The map: an image with a name and a description, read as columns left to right.
    drawing = page.get_by_role("img", name="Dependency map of Albion fails in January")
    expect(drawing).to_be_visible()
    # Its script keeps it readable: it shrinks to fit the page down to 85% of its own width.
    width = int(drawing.get_attribute("width"))
    assert drawing.evaluate("svg => svg.style.minWidth") == f"{int(width * 0.85)}px"
    description = drawing.get_attribute("aria-labelledby")
    assert description == "map-title map-desc"
    assert "2 contracts; 2 authorities; 1 subcontractor" in page.locator("#map-desc").text_content()

    def box(key):
        return page.locator(f'#dependency-map g[data-key="{key}"]').bounding_box()

    supplier = box(f"supplier:{home_care.supplier_id}")
    contract = box(f"contract:{home_care.pk}")
    authority = box(f"authority:{home_care.buyer_id}")
    subcontractor = page.locator("#dependency-map g.node-subcontractor").bounding_box()
    assert subcontractor["x"] < supplier["x"] < contract["x"] < authority["x"]
    labels = page.locator("#dependency-map text").all_text_contents()
    assert "Albion Group plc" in labels and "Shire County Council" in labels
    # A label too long for its box is broken over two lines; its title holds it whole.
    contract_node = page.locator(f'#dependency-map g[data-key="contract:{home_care.pk}"]')
    assert " ".join(contract_node.locator("text").all_text_contents()) == (
        f"{home_care.reference}: Home care"
    )
    assert contract_node.locator("title").text_content() == (
        f"Contract: {home_care.reference}: Home care"
    )
    assert page.locator("#dependency-map path.edge").count() == 7

    # The same data as a table, reached from the link beside the map.
    page.get_by_role("link", name="The same data as a table").click()
    table = page.locator("#map-table")
    rows = [" ".join(row.split()) for row in table.locator("tbody tr").all_inner_texts()]
    assert any(
        "Albion Group plc" in r and "holds" in r and f"{home_care.reference}: Home care" in r
        for r in rows
    ), rows
    assert any("is let by" in r and "Shire County Council" in r for r in rows)
    assert any("also works for" in r and "Other Care Ltd" in r for r in rows)
    assert any("is in the group of" in r and "Albion Offshore Ltd" in r for r in rows)

    assert axe.violations == [], "\n".join(axe.violations)
    assert len(axe.visited) >= 9
