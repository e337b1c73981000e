"""The procurement review service in Debian's Chromium: a supplier raises an anonymous concern
about a tender from its dashboard (one question a page, evidence on the check page), a review
manager accepts it and asks the council for a response, the council's officer finds the request
on its dashboard and responds (never seeing who raised it), the manager records findings, closes
the case and publishes the outcome, and anyone reads it. axe-core checks every page visited."""

from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from levelfield.accounts.models import Role
from levelfield.core import clock
from levelfield.reviews.models import Case
from tests.support import testing

from .test_journey import sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = {"name": "pip-archer-board-minutes.pdf", "mimeType": "application/pdf"}


def _click(page, axe, role: str, name: str) -> None:
    page.get_by_role(role, name=name).click()
    page.wait_for_load_state()
    axe.check(page)


def test_an_anonymous_concern_from_raising_to_published_outcome(live_server, browser_context, axe):
    base = live_server.url
    council = testing.buyer_org("Borsetshire County Council")
    officer = testing.member(council, Role.BUYER_OFFICER, full_name="Olu Officer")
    tender = testing.published_tender(buyer=council, by=officer)
    supplier, raiser = testing.supplier_with_user("Ambridge Widgets Ltd")
    manager = testing.review_team_member(manager=True, full_name="Morgan Manager")

    # The supplier raises an anonymous concern from its dashboard.
    page = browser_context.new_page()
    sign_in(page, base, raiser, axe)
    visit(page, f"{base}{reverse('bids:dashboard')}", axe)
    _click(page, axe, "link", "Raise a concern")
    expect(page.get_by_text("Who will know it was you")).to_be_visible()
    _click(page, axe, "button", "Start now")
    _click(page, axe, "button", "Continue")  # nothing chosen: the error summary
    expect(
        page.get_by_role("alert").get_by_text("Choose what your concern is about")
    ).to_be_visible()
    page.get_by_label("A procurement", exact=True).check()
    _click(page, axe, "button", "Continue")
    page.get_by_label("The tender on levelfield").select_option(
        label=f"{tender.reference}: {tender.title} ({council.name})"
    )
    page.get_by_label("What happened?").fill("The award criteria changed after bids were in.")
    _click(page, axe, "button", "Continue")
    page.get_by_label("No: keep my name").check()
    page.get_by_label("Are you raising it for an organisation?").select_option(label=supplier.name)
    _click(page, axe, "button", "Continue")
    expect(page.get_by_text("No, keep it from the buyer")).to_be_visible()
    page.set_input_files("#id_evidence", files=[{**PDF, "buffer": b"%PDF-1.4 minutes"}])
    _click(page, axe, "button", "Send the concern")
    case = Case.objects.get()
    expect(page.get_by_role("heading", name="Concern sent")).to_be_visible()
    expect(page.get_by_text(case.reference)).to_be_visible()
    _click(page, axe, "link", "Follow the case and add evidence")
    expect(page.get_by_text("Not yet accepted")).to_be_visible()
    _click(page, axe, "link", "Add evidence")
    _click(page, axe, "button", "Add the file")  # no file chosen: the error summary
    expect(page.get_by_role("alert").get_by_text("Choose a file to add")).to_be_visible()

    # The review manager accepts it and asks the council for a response.
    team_context = browser_context.browser.new_context()
    team = team_context.new_page()
    sign_in(team, base, manager, axe)
    visit(team, f"{base}{reverse('accounts:dashboard')}", axe)
    _click(team, axe, "link", "Review cases")
    _click(team, axe, "link", case.reference)
    expect(team.get_by_text("pip-archer-board-minutes.pdf")).to_be_visible()
    _click(team, axe, "link", "Accept the case")
    team.get_by_label("Central government").check()
    _click(team, axe, "button", "Accept the case")
    expect(team.get_by_text("The case is accepted")).to_be_visible()
    _click(team, axe, "link", "Ask for a response")
    team.get_by_label(council.name).check()
    team.get_by_label("What do you ask?").fill("Why did the award criteria change?")
    due = clock.today_uk() + timedelta(days=14)
    team.get_by_label("Respond by").fill(due.strftime("%d/%m/%Y"))
    _click(team, axe, "button", "Send the request")
    expect(team.get_by_text("The request has been sent")).to_be_visible()

    # The council's officer finds the request on its dashboard and responds.
    buyer_context = browser_context.browser.new_context()
    buyer = buyer_context.new_page()
    sign_in(buyer, base, officer, axe)
    visit(buyer, f"{base}{reverse('tenders:dashboard')}", axe)
    _click(buyer, axe, "link", "Review requests")
    expect(buyer.get_by_text("14 days left")).to_be_visible()
    _click(buyer, axe, "link", case.reference)
    text = buyer.content()
    for trace in (raiser.full_name, raiser.email, supplier.name, "pip-archer"):
        assert trace not in text, trace
    expect(buyer.get_by_text("Why did the award criteria change?")).to_be_visible()
    _click(buyer, axe, "link", "Respond")
    buyer.get_by_label("Your response").fill("A clerical error, corrected on the notice.")
    _click(buyer, axe, "button", "Send the response")
    expect(buyer.get_by_text("Your response has been sent to the review team")).to_be_visible()

    # The manager records findings, closes the case and publishes the outcome.
    visit(team, f"{base}{reverse('reviews:team_case', args=[case.pk])}", axe)
    expect(team.get_by_text("A clerical error, corrected on the notice.")).to_be_visible()
    _click(team, axe, "link", "Record findings and recommendations")
    team.get_by_label("What did the review find?").fill("The criteria changed without notice.")
    team.get_by_label("What does the review recommend?").fill("Publish every change.")
    _click(team, axe, "button", "Record them")
    _click(team, axe, "link", "Close the case")
    team.get_by_label("Resolved: the recommendations were taken up").check()
    team.get_by_label("Summary of how the case ended").fill("The council re-published.")
    _click(team, axe, "button", "Close the case")
    _click(team, axe, "link", "Publish the outcome")
    team.get_by_label("Summary for the public").fill("The council now publishes every change.")
    _click(team, axe, "button", "Publish the outcome")
    expect(team.get_by_text("The outcome is published")).to_be_visible()

    # Anyone reads the published outcome; it names the council, never the raiser.
    public_context = browser_context.browser.new_context()
    public = public_context.new_page()
    visit(public, f"{base}{reverse('reviews:published_cases')}", axe)
    _click(public, axe, "link", case.reference)
    expect(public.get_by_text("The council now publishes every change.")).to_be_visible()
    assert supplier.name not in public.content()
    visit(public, f"{base}{reverse('reviews:yearly_summary')}", axe)

    # The raiser reads the outcome in its concerns.
    visit(page, f"{base}{reverse('reviews:raiser_cases')}", axe)
    _click(page, axe, "link", case.reference)
    expect(page.get_by_text("The council re-published.")).to_be_visible()
    for context in (team_context, buyer_context, public_context):
        context.close()
    assert axe.violations == [], "\n".join(axe.violations)
