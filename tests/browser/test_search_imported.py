"""The public search with mixed results, in Debian's Chromium, checked by axe-core: a visitor
finds this platform's tender beside notices imported from Find a Tender and Contracts Finder,
each marked with where it was published and linking there (never followed: no network)."""

from pathlib import Path

import pytest
from django.urls import reverse

from levelfield.opendata.importer import import_paths
from tests.support import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UK = Path(__file__).resolve().parents[2] / "levelfield" / "opendata" / "tests" / "data" / "uk"


def test_a_visitor_finds_imported_notices_beside_ours(live_server, browser_context, axe):
    council = testing.buyer_org("Wessex County Council")
    officer = testing.member(council, "buyer_officer")
    ours = testing.published_tender(buyer=council, by=officer, title="School transport services")
    summary, problems = import_paths([UK], workers=1)
    assert problems == [] and summary.stored == 5

    page = browser_context.new_page()
    page.goto(f"{live_server.url}{reverse('public:opportunities')}")
    axe.check(page)
    assert page.locator("#result-count").inner_text() == "3 opportunities"

    page.get_by_label("Keyword").fill("school")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    axe.check(page)
    results = page.get_by_role("list", name="2 opportunities")
    headings = results.get_by_role("heading", level=3).all_inner_texts()
    # Both match "school" in the title (the order is by relevance, which PostgreSQL ranks)
    assert sorted(" ".join(text.split()) for text in headings) == [
        "School meals and catering services for primary schools (on Find a Tender)",
        "School transport services",
    ]
    ours_link = page.get_by_role("link", name="School transport services")
    assert ours_link.get_attribute("href") == reverse("public:opportunity", args=[ours.reference])
    theirs = page.get_by_role("link", name="School meals and catering services for primary schools")
    assert theirs.get_attribute("href") == (
        "https://www.find-tender.service.gov.uk/Notice/034567-2026"
    )
    assert "From Find a Tender" in results.inner_text()
    assert "read the notice and bid there" in results.inner_text()
    assert axe.visited and not axe.violations, "\n".join(axe.violations)
