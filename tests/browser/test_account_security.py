"""The account pages of issue 14 in Debian's Chromium, checked by axe-core: forgotten password
(asking and choosing a new one), the unverified supplier's page, and two-factor sign-in (set
up, recovery codes, the code asked for at sign-in)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from levelfield.accounts.models import User
from levelfield.accounts.tests.test_two_factor import totp
from tests.support import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_account_security_pages_are_accessible(live_server, browser_context, axe, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    _, user = testing.supplier_with_user("Acorn Care Ltd")
    page = browser_context.new_page()
    base = live_server.url

    page.goto(f"{base}/account/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    axe.check(page)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1, name="Check your email")).to_be_visible()
    axe.check(page)
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset-password/" in line)
    page.goto(base + link[link.index("/account/") :])
    page.get_by_role("button", name="Change password").click()  # nothing entered
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe.check(page)
    new_password = "quiet-harbour-ledger-77"
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("Confirm new password").fill(new_password)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password has been changed")).to_be_visible()

    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(new_password)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{base}/account/two-factor/")
    axe.check(page)
    secret = page.locator("#two-factor-secret").inner_text()
    page.get_by_label("Code").fill(totp(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1, name="Two-factor sign-in is on")).to_be_visible()
    axe.check(page)
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[0-9a-f]{10}", c) for c in codes)

    page.goto(f"{base}/account/")
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{base}/account/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(new_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Enter your sign-in code")).to_be_visible()
    axe.check(page)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    assert "/sign-in/" not in page.url

    # The page an unverified supplier meets when acting (its button sends the email again).
    User.objects.filter(pk=user.pk).update(email_verified_at=None)
    page.goto(f"{base}/account/")
    page.get_by_role("button", name="Create an API token").click()
    page.get_by_label("Token name").fill("finance system")
    page.get_by_label("Read only").check()
    page.get_by_role("button", name="Create the token").click()
    page.wait_for_load_state()
    expect(
        page.get_by_role("heading", level=1, name="Confirm your email address before you do this")
    ).to_be_visible()
    axe.check(page)

    assert axe.visited and not axe.violations, "\n".join(axe.violations)
