"""API tokens in Debian's Chromium, checked by axe-core: the account page's list, the form that
chooses what a token may do and when it expires (and its errors), and the page showing the new
token once."""

import pytest
from playwright.sync_api import expect

from tests.support import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_makes_a_read_only_token_on_accessible_pages(live_server, browser_context, axe):
    _, user = testing.supplier_with_user("Acorn Care Ltd")
    page = browser_context.new_page()
    base = live_server.url
    page.goto(f"{base}/account/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(testing.PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{base}/account/")
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    page.get_by_role("button", name="Create an API token").click()
    expect(page.get_by_role("heading", level=1, name="Create an API token")).to_be_visible()
    assert page.get_by_label("After 90 days").is_checked()
    axe.check(page)

    page.get_by_role("button", name="Create the token").click()  # nothing chosen
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Choose whether the token may only read or may also change things" in (
        summary.inner_text()
    )
    axe.check(page)

    page.get_by_label("Token name").fill("finance system")
    page.get_by_label("Read only").check()
    page.get_by_label("After 30 days").check()
    page.get_by_role("button", name="Create the token").click()
    expect(page.get_by_role("heading", level=1, name="Token created")).to_be_visible()
    assert page.locator("#api-token").inner_text().startswith("lf_")
    axe.check(page)

    page.get_by_role("link", name="Back to your account").click()
    row = page.get_by_role("row", name="finance system")
    assert "Read only" in row.inner_text() and "Never" in row.inner_text()
    axe.check(page)

    assert axe.visited and not axe.violations, "\n".join(axe.violations)
