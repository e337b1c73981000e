"""The Content-Security-Policy in Debian's Chromium: the public, a supplier and a buyer go
through a representative set of pages (the home page, opportunities with a live countdown, the
contract register, the insights' charts, the API documentation, a bid with its htmx autosave and
its resumable upload, the buyer's tenders and insights) and the browser refuses nothing on any
of them; each page's policy allows no inline script or style. The page's own scripts (GOV.UK
Frontend's components, the countdown, htmx) are seen to have run. A script written into a page
is refused and caught, so an empty list means something.

Every other browser test is watched the same way (conftest.py, `browser_context`)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from levelfield.accounts.models import Role
from levelfield.bids import actions as bid_actions
from levelfield.core import clock
from levelfield.core.ocds import platform_party_id
from levelfield.insights.tests.dashboard_data import rows, write_snapshot
from levelfield.tenders.models import Tender
from tests.support import testing

from .conftest import ContentSecurityLog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def directives(response) -> dict[str, list[str]]:
    header = response.headers["content-security-policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def strict(response) -> dict[str, list[str]]:
    """The page's policy: scripts and styles from this site only, nothing inline."""
    policy = directives(response)
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert "'unsafe-eval'" not in response.headers["content-security-policy"]
    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'"
    return policy


def sign_in(page, base, user) -> None:
    page.goto(base + reverse("accounts:login"))
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(testing.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def govuk_frontend_ran(page) -> None:
    """govuk-supported.js marked the body before anything was drawn, and govuk-init.js started
    the page's components."""
    assert "govuk-frontend-supported" in page.locator("body").get_attribute("class")
    page.locator("[data-module='govuk-skip-link'][data-govuk-skip-link-init]").wait_for(
        state="attached"
    )


def test_no_page_breaks_the_content_security_policy(
    live_server, browser_context, csp_log, settings, tmp_path
):
    base = live_server.url
    council = testing.buyer_org("Shire County Council")
    officer = testing.member(council, Role.BUYER_OFFICER, full_name="Olu Officer")
    settings.LEVELFIELD_INSIGHTS_DIR = str(tmp_path / "insights")
    write_snapshot(tmp_path / "insights", rows(shire=platform_party_id(council)))
    tender = testing.published_tender(buyer=council, by=officer)
    # The deadline three hours away: the opportunity and the bid count down to it.
    deadline = (clock.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    Tender.objects.filter(pk=tender.pk).update(
        clarification_deadline=deadline - timedelta(hours=2), submission_deadline=deadline
    )
    lot = tender.lots.get()
    supplier, supplier_user = testing.supplier_with_user("Acorn Care Ltd")
    bid_actions.start_bid(lot=lot, supplier=supplier, by=supplier_user)

    # The public.
    page = browser_context.new_page()
    for name, args in (
        ("public:home", []),
        ("public:opportunities", []),
        ("contracts:public_register", []),
    ):
        strict(page.goto(base + reverse(name, args=args)))
        govuk_frontend_ran(page)
    strict(page.goto(base + reverse("public:opportunity", args=[tender.reference])))
    page.locator("[data-countdown][data-countdown-started]").wait_for()
    assert "closes in about 3 hours" in page.locator("[data-countdown]").inner_text()

    strict(page.goto(base + reverse("insights:public")))
    chart = page.get_by_role("img", name="Share of public spend with SMEs and VCSEs", exact=True)
    expect(chart).to_be_visible()
    # The bars keep their GOV.UK colours (presentation attributes, not refused styles).
    bar = page.locator("#chart-shares path[fill='#1d70b8']").first
    assert bar.evaluate("path => getComputedStyle(path).fill") == "rgb(29, 112, 184)"
    assert chart.bounding_box()["width"] <= 640

    # The API's documentation: Swagger UI draws the operations from the OpenAPI document.
    docs = directives(page.goto(base + "/api/docs"))
    assert "'unsafe-inline'" not in " ".join(sum(docs.values(), []))
    assert docs["script-src"] == ["'self'"] and docs["style-src"] == ["'self'"]
    # The OpenAPI document is built on its first request: slow on a busy machine.
    page.locator(".swagger-ui .info .title").get_by_text("levelfield API").wait_for(timeout=60_000)
    operation = page.locator(".swagger-ui .opblock").first
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").wait_for()
    page.locator(".swagger-ui .models").scroll_into_view_if_needed()

    # A supplier: its dashboard, and its bid with the countdown, an answer saved as it is
    # typed (htmx) and a file uploaded in resumable chunks after its SHA-256 is worked out
    # (tus-js-client, hash-wasm: the bid page alone lets WebAssembly compile).
    sign_in(page, base, supplier_user)
    strict(page.goto(base + reverse("accounts:dashboard")))
    govuk_frontend_ran(page)
    policy = strict(page.goto(base + reverse("bids:edit", args=[lot.pk])))
    assert policy["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
    govuk_frontend_ran(page)
    page.locator("[data-countdown][data-countdown-started]").wait_for()
    first = lot.questions.order_by("number").first()
    page.get_by_label("Your answer to question 1").fill("We visit every client within 48 hours.")
    page.locator(f"#autosave-{first.pk}").get_by_text("Saved at").wait_for()
    declared: list[str] = []
    page.on(
        "request",
        lambda r: (
            declared.append(r.headers.get("upload-metadata", ""))
            if r.method == "POST" and "/uploads/" in r.url
            else None
        ),
    )
    upload = testing.pdf("method.pdf")
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "method.pdf", "mimeType": "application/pdf", "buffer": upload.read()}]
    )
    page.get_by_role("button", name="Upload file").click()
    page.get_by_text("method.pdf has been attached to your bid").wait_for()
    assert len(declared) == 1 and re.search(r"(^|,)sha256 ", declared[0])

    # A buyer, in a browser of their own.
    buyer_context = browser_context.browser.new_context()
    csp_log.watch(buyer_context)
    buyer_page = buyer_context.new_page()
    sign_in(buyer_page, base, officer)
    for name, args in (
        ("tenders:dashboard", []),
        ("tenders:detail", [tender.pk]),
        ("insights:buyer", []),
    ):
        strict(buyer_page.goto(base + reverse(name, args=args)))
        govuk_frontend_ran(buyer_page)
    expect(
        buyer_page.get_by_role("img", name="Share of your spend with SMEs and VCSEs", exact=True)
    ).to_be_visible()
    buyer_context.close()

    assert csp_log.violations == [], "\n".join(csp_log.violations)


def test_a_script_written_into_a_page_is_refused_and_caught(live_server, chromium):
    """The control for the test above: what the policy refuses is reported."""
    log = ContentSecurityLog()
    context = chromium.new_context()
    log.watch(context)
    page = context.new_page()
    page.goto(live_server.url + reverse("public:home"))
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "document.body.dataset.injected = 'yes'";
          document.body.appendChild(script);
          const box = document.createElement("div");
          box.setAttribute("style", "color: red");
          document.body.appendChild(box);
        }"""
    )
    page.wait_for_timeout(200)
    ran = page.evaluate("() => document.body.dataset.injected")
    context.close()

    assert ran is None
    assert any("script-src" in v for v in log.violations), log.violations
    assert any("style-src" in v for v in log.violations), log.violations
