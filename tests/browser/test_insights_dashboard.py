"""The spend and fairness insights in Debian's Chromium, on a snapshot written from hand-built
rows (levelfield/insights/tests/dashboard_data.py): anyone reaches the public dashboard from the
footer, reads the charts (images with a name and a description) and the same numbers in the
tables, filters by region, and follows a red flag to its procurement; a buyer signs in, reads
its own figures, is told what to correct in a unit cost, sets one and sees its re-let's saving
in its own units. axe-core checks every page visited, every impact."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from levelfield.accounts.models import Role
from levelfield.core.ocds import platform_party_id
from levelfield.insights.tests.dashboard_data import NOTICE, rows, write_snapshot
from tests.support import testing

from .conftest import AccessibilityLog, known_govuk_issue
from .test_journey import sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cells(page, table_id: str) -> list[list[str]]:
    return [
        [" ".join(c.split()) for c in row.locator("th, td").all_inner_texts()]
        for row in page.locator(f"#{table_id} tbody tr").all()
    ]


def test_the_public_and_the_buyer_read_the_insights(
    live_server, browser_context, settings, tmp_path
):
    axe = AccessibilityLog(every_impact=True, allowed=known_govuk_issue)
    base = live_server.url
    council = testing.buyer_org("Shire County Council")
    officer = testing.member(council, Role.BUYER_OFFICER, full_name="Olu Officer")
    settings.LEVELFIELD_INSIGHTS_DIR = str(tmp_path / "insights")
    settings.LEVELFIELD_INSIGHTS_TARGETS = {"sme": 33.0, "vcse": None}
    write_snapshot(tmp_path / "insights", rows(shire=platform_party_id(council)))

    page = browser_context.new_page()
    visit(page, f"{base}{reverse('public:home')}", axe)
    page.get_by_role("link", name="Spend and fairness insights").click()
    axe.check(page)

    chart = page.get_by_role("img", name="Share of public spend with SMEs and VCSEs", exact=True)
    expect(chart).to_be_visible()
    assert chart.get_attribute("aria-describedby") == "chart-shares-desc"
    assert "SMEs: 35.0% of spend directly, 40.0% with subcontracts" in (
        page.locator("#chart-shares-desc").text_content()
    )
    assert page.locator("#chart-shares text").get_by_text("40.0%").count() == 1
    box = chart.bounding_box()
    assert box["width"] <= 640
    assert cells(page, "table-shares")[0] == [
        "SMEs",
        "£2,000",
        "£700",
        "£100",
        "35.0%",
        "40.0%",
        "33.0%",
        "£600",
    ]
    expect(
        page.get_by_role(
            "img", name="Share of public spend with SMEs and VCSEs by quarter, direct and indirect"
        )
    ).to_be_visible()
    expect(page.get_by_role("link", name="Download the share of spend (CSV)")).to_be_visible()

    # Filtered by region: the tables follow.
    page.get_by_label("Region").select_option("UKK")
    page.get_by_role("button", name="Apply filters").click()
    axe.check(page)
    assert cells(page, "table-shares")[0][:6] == ["SMEs", "£800", "£100", "£100", "12.5%", "25.0%"]
    assert [r[0] for r in cells(page, "table-authorities")] == ["Shire County Council"]

    # A wrong range is named, linked to its field.
    page.get_by_label("From quarter").select_option("2026-Q2")
    page.get_by_label("To quarter").select_option("2026-Q1")
    page.get_by_role("button", name="Apply filters").click()
    axe.check(page)
    page.get_by_role("alert").get_by_role(
        "link", name="The last quarter must be the same as or after the first"
    ).click()
    page.get_by_role("link", name="Clear filters").click()
    axe.check(page)

    # Red flags say why, and link to the procurement.
    flags = page.locator("#table-red-flags")
    expect(flags.get_by_text("1 tenderer bid in an open procedure")).to_be_visible()
    assert flags.get_by_role("link", name="Meals").first.get_attribute("href") == NOTICE
    assert cells(page, "table-relets")[0][:3] == [
        "Pothole repairs 2025-28",
        "Shire County Council",
        "Small Roads Ltd",
    ]

    # The buyer's own.
    sign_in(page, base, officer, axe)
    visit(page, f"{base}{reverse('insights:buyer')}", axe)
    assert cells(page, "table-shares")[0][:2] == ["SMEs", "£800"]
    expect(
        page.get_by_role("img", name="Share of your spend with SMEs and VCSEs", exact=True)
    ).to_be_visible()
    page.get_by_role("link", name="Set your unit costs").click()
    axe.check(page)
    page.get_by_label("Unit", exact=True).fill("pothole repairs")
    page.get_by_label("Cost of one unit, in pounds").fill("133.33")
    page.get_by_role("button", name="Save the unit cost").click()
    axe.check(page)
    page.get_by_role("alert").get_by_role(
        "link", name="Enter a CPV division or words the contracts' titles contain"
    ).click()
    page.get_by_label("Words in the contracts' titles (optional)").fill("pothole")
    page.get_by_role("button", name="Save the unit cost").click()
    axe.check(page)
    expect(page.get_by_text("Unit cost saved: £133.33 per pothole repairs")).to_be_visible()
    page.get_by_role("link", name="Your spend and fairness insights").click()
    axe.check(page)
    assert cells(page, "table-relets")[0][-1] == "about 150 pothole repairs a year"

    assert axe.violations == [], "\n".join(axe.violations)
    assert len(axe.visited) >= 10
