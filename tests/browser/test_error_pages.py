"""The error pages people meet with DEBUG off, as `./dev serve` runs, in Debian's Chromium and
checked by axe-core: an unknown address and a form's address opened directly."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_page_not_found_and_wrong_method_pages_are_accessible(
    live_server, browser_context, axe, settings
):
    settings.DEBUG = False
    page = browser_context.new_page()

    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    axe.check(page)
    expect(page.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    assert page.title() == "Page not found – levelfield"

    response = page.goto(f"{live_server.url}/account/sign-out/")
    assert response.status == 405
    axe.check(page)
    heading = page.get_by_role("heading", level=1, name="This page cannot be opened directly")
    expect(heading).to_be_visible()

    assert axe.visited and not axe.violations, "\n".join(axe.violations)
