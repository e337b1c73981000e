"""One whole procurement in Debian's Chromium: a buyer publishes, a supplier bids, the buyer
evaluates and awards. axe-core checks every page visited for serious or critical violations."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.bids.models import Bid, BidStatus
from levelfield.contracts.models import AwardDecision
from levelfield.core import clock
from levelfield.tenders.models import Tender
from tests.support import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, user, axe):
    page.goto(f"{base_url}{reverse('accounts:login')}")
    axe.check(page)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(testing.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def fill_date(page, legend: str, day) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def visit(page, url: str, axe) -> None:
    page.goto(url)
    axe.check(page)


def test_buyer_publishes_supplier_bids_buyer_evaluates_and_awards(
    live_server, browser_context, axe
):
    base = live_server.url
    council = testing.buyer_org("Wessex County Council")
    officer = testing.member(council, Role.BUYER_OFFICER, full_name="Olu Officer")
    admin = testing.member(council, Role.BUYER_ADMIN, full_name="Ada Admin")
    evaluator = testing.member(council, Role.EVALUATOR, full_name="Eve Evaluator")
    supplier, supplier_user = testing.supplier_with_user("Acorn Care Ltd")

    # The buyer officer drafts and publishes a tender.
    buyer_page = browser_context.new_page()
    sign_in(buyer_page, base, officer, axe)
    visit(buyer_page, f"{base}{reverse('tenders:dashboard')}", axe)
    buyer_page.get_by_role("button", name="Create a tender").click()
    axe.check(buyer_page)
    today = clock.today_uk()
    buyer_page.get_by_label("Title").fill("Home care services")
    buyer_page.get_by_label("Description").fill("Care at home for adults across the county.")
    buyer_page.get_by_label("CPV codes").fill("85300000")
    buyer_page.get_by_label("Estimated value (£)").fill("1,200,000")
    fill_date(buyer_page, "Clarification deadline date", today + timedelta(days=20))
    buyer_page.get_by_label("Clarification deadline time (UK time)").fill("5pm")
    fill_date(buyer_page, "Submission deadline date", today + timedelta(days=30))
    buyer_page.get_by_label("Submission deadline time (UK time)").fill("midday")
    fill_date(buyer_page, "Expected award date", today + timedelta(days=60))
    fill_date(buyer_page, "Contract start date", today + timedelta(days=90))
    fill_date(buyer_page, "Contract end date", today + timedelta(days=90 + 3 * 365))
    buyer_page.get_by_role("button", name="Create draft tender").click()
    axe.check(buyer_page)
    tender = Tender.objects.get(title="Home care services")

    buyer_page.get_by_role("link", name="Change lot 1 price weight").click()
    axe.check(buyer_page)
    buyer_page.get_by_label("Price weight (%)").fill("40")
    buyer_page.get_by_role("button", name="Save lot 1").click()
    for kind, weight in (("Quality", "50"), ("Social value", "10")):
        buyer_page.get_by_role("link", name="Add a question to lot 1").click()
        axe.check(buyer_page)
        buyer_page.get_by_label(kind, exact=True).check()
        buyer_page.get_by_label("Question", exact=True).fill(
            f"How will you deliver {kind.lower()}?"
        )
        buyer_page.get_by_label("Weight (%)").fill(weight)
        buyer_page.get_by_label("Word limit (optional)").fill("500")
        buyer_page.get_by_role("button", name="Add question").click()
    axe.check(buyer_page)
    buyer_page.get_by_role("button", name="Publish").click()
    axe.check(buyer_page)
    tender.refresh_from_db()
    assert tender.status == "published"

    # A supplier finds it and bids.
    supplier_context = browser_context.browser.new_context()
    supplier_page = supplier_context.new_page()
    visit(supplier_page, f"{base}{reverse('public:opportunities')}?q=home+care", axe)
    supplier_page.get_by_role("link", name=re.compile("Home care services")).click()
    axe.check(supplier_page)
    sign_in(supplier_page, base, supplier_user, axe)
    visit(supplier_page, f"{base}{reverse('public:opportunity', args=[tender.reference])}", axe)
    supplier_page.get_by_role("link", name=re.compile("Start or continue your bid")).click()
    axe.check(supplier_page)
    assert not Bid.objects.filter(supplier=supplier).exists()
    supplier_page.get_by_role("button", name="Start a bid").click()
    axe.check(supplier_page)
    supplier_page.get_by_label("Your price (£)").fill("95000")
    supplier_page.get_by_label("Your answer to question 1").fill(
        "Local teams, continuity of carers."
    )
    supplier_page.get_by_label("Your answer to question 2").fill(
        "Apprenticeships for care leavers."
    )
    supplier_page.get_by_role("button", name="Submit bid").click()
    axe.check(supplier_page)
    assert "SHA-256" in supplier_page.content() or "hash" in supplier_page.content().lower()
    bid = Bid.objects.get(supplier=supplier)
    assert bid.status == BidStatus.SUBMITTED and bid.receipt_hash in supplier_page.content()
    supplier_context.close()

    # Time passes: the submission deadline is behind us.
    past = clock.now() - timedelta(minutes=1)
    Tender.objects.filter(pk=tender.pk).update(
        clarification_deadline=past - timedelta(days=1), submission_deadline=past
    )

    visit(buyer_page, f"{base}{reverse('tenders:detail', args=[tender.pk])}", axe)
    buyer_page.get_by_role("button", name="Open evaluation").click()
    axe.check(buyer_page)
    visit(buyer_page, f"{base}{reverse('evaluation:assign', args=[tender.pk])}", axe)
    for number in (1, 2):
        group = buyer_page.get_by_role("group", name=re.compile(f"Lot 1, question {number}:"))
        group.get_by_label(re.compile("Eve Evaluator")).check()
    buyer_page.get_by_role("button", name="Save evaluators").click()
    axe.check(buyer_page)

    # The evaluator declares no conflict, then scores both answers.
    evaluator_context = browser_context.browser.new_context()
    evaluator_page = evaluator_context.new_page()
    sign_in(evaluator_page, base, evaluator, axe)
    visit(evaluator_page, f"{base}{reverse('evaluation:overview', args=[tender.pk])}", axe)
    evaluator_page.get_by_role("link", name="Declare conflicts of interest").click()
    axe.check(evaluator_page)
    evaluator_page.get_by_label("I have no conflict of interest").check()
    evaluator_page.get_by_role("button", name="Make the declaration").click()
    axe.check(evaluator_page)
    questions = list(tender.lots.get().questions.order_by("number"))
    for question, score in zip(questions, ("75", "100"), strict=True):
        visit(
            evaluator_page,
            f"{base}{reverse('evaluation:score', args=[tender.pk, bid.pk, question.pk])}",
            axe,
        )
        evaluator_page.get_by_label(re.compile(f"^{score}:")).check()
        evaluator_page.get_by_label("Justification").fill("Clear, evidenced and specific.")
        evaluator_page.get_by_role("button", name="Save your score").click()
        axe.check(evaluator_page)
    evaluator_context.close()

    # The officer moderates and reads the report.
    for question, score in zip(questions, ("75", "100"), strict=True):
        visit(
            buyer_page,
            f"{base}{reverse('evaluation:moderate', args=[tender.pk, bid.pk, question.pk])}",
            axe,
        )
        buyer_page.get_by_label(re.compile(f"^{score}:")).check()
        buyer_page.get_by_label("Why this score was agreed").fill("The evaluator's score stands.")
        buyer_page.get_by_role("button", name="Record the agreed score").click()
        axe.check(buyer_page)
    visit(buyer_page, f"{base}{reverse('evaluation:report', args=[tender.pk])}", axe)
    # 40 (only bid, lowest price) + 75/100 x 50 + 100/100 x 10 = 87.50
    assert "87.50" in buyer_page.content()

    # The buyer admin confirms the award.
    admin_context = browser_context.browser.new_context()
    admin_page = admin_context.new_page()
    sign_in(admin_page, base, admin, axe)
    visit(admin_page, f"{base}{reverse('contracts:award', args=[tender.pk])}", axe)
    admin_page.get_by_role("button", name="Confirm award decision").click()
    # A page says what will happen (cannot be undone; every bidder emailed) and asks again.
    admin_page.get_by_role("heading", name="Are you sure you want to confirm the award decision?")
    axe.check(admin_page)
    assert not AwardDecision.objects.filter(lot__tender=tender).exists()
    admin_page.get_by_role("button", name="Yes, confirm the award decision").click()
    admin_page.get_by_text("Award decision confirmed").wait_for()
    axe.check(admin_page)
    admin_context.close()

    assert AwardDecision.objects.get(lot__tender=tender).winning_bid == bid
    assert axe.violations == [], "\n".join(axe.violations)
    assert len(axe.visited) >= 20


def test_the_accessibility_check_catches_a_serious_violation(browser_context, axe):
    """The control for the journey above: an unlabelled input and an image without alternative
    text are reported, so an empty list there means something."""
    page = browser_context.new_page()
    page.set_content(
        '<html lang="en"><title>t</title><main><input type="text">'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></html>'
    )
    axe.check(page)
    assert any("label" in v for v in axe.violations)
    assert any("image-alt" in v for v in axe.violations)
