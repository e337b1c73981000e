"""The evaluation in Debian's Chromium when an evaluator declares a conflict of interest: the
buyer opens the bids with the evaluation page's button, Tom Hughes declares a conflict, the
buyer is told on the evaluation page, gives his question to Priya Shah, she scores, and
moderation goes through. axe-core checks every page visited."""

import os
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from levelfield.accounts.models import Role
from levelfield.core import clock
from levelfield.evaluation import actions as evaluation_actions
from levelfield.evaluation.models import EvaluatorAssignment, ModeratedScore
from levelfield.tenders.models import Tender
from tests.support import testing

from .test_journey import sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_conflicted_evaluator_is_replaced_and_moderation_goes_through(
    live_server, browser_context, axe
):
    base = live_server.url
    council = testing.buyer_org("Wessex County Council")
    officer = testing.member(council, Role.BUYER_OFFICER, full_name="Daniel Okafor")
    priya = testing.member(council, Role.EVALUATOR, full_name="Priya Shah")
    tom = testing.member(council, Role.EVALUATOR, full_name="Tom Hughes")
    tender = testing.published_tender(buyer=council, by=officer)
    supplier, supplier_user = testing.supplier_with_user("Acorn Care Ltd")
    bid = testing.submitted_bid(tender=tender, supplier=supplier, by=supplier_user, price="90000")
    first, second = tender.lots.get().questions.order_by("number")
    for question, evaluator in ((first, priya), (first, tom), (second, tom)):
        evaluation_actions.assign_evaluator(question=question, evaluator=evaluator, by=officer)
    past = clock.now() - timedelta(minutes=1)
    Tender.objects.filter(pk=tender.pk).update(
        clarification_deadline=past - timedelta(days=1), submission_deadline=past
    )
    overview = f"{base}{reverse('evaluation:overview', args=[tender.pk])}"

    # The officer opens the bids from the evaluation page, and stays there.
    buyer = browser_context.new_page()
    sign_in(buyer, base, officer, axe)
    visit(buyer, overview, axe)
    buyer.get_by_role("button", name="Open the bids for evaluation").click()
    buyer.wait_for_load_state()
    axe.check(buyer)
    assert buyer.url == overview
    expect(buyer.get_by_text("Bids are open for evaluation")).to_be_visible()
    tender.refresh_from_db()
    assert tender.status == "evaluation"

    # Tom declares a conflict of interest.
    tom_context = browser_context.browser.new_context()
    tom_page = tom_context.new_page()
    sign_in(tom_page, base, tom, axe)
    visit(tom_page, overview, axe)
    tom_page.get_by_role("link", name="Declare conflicts of interest").click()
    axe.check(tom_page)
    tom_page.get_by_label("I have a conflict of interest").check()
    tom_page.get_by_label("Details of the conflict (if you have one)").fill(
        "My brother is a director of Acorn Care Ltd."
    )
    tom_page.get_by_role("button", name="Make the declaration").click()
    axe.check(tom_page)
    expect(tom_page.get_by_text("You have been removed from the questions")).to_be_visible()
    tom_context.close()
    assert not EvaluatorAssignment.objects.filter(evaluator=tom).exists()

    # The officer sees who declared and which question has no evaluator, and reassigns it.
    visit(buyer, overview, axe)
    banner = buyer.get_by_role("region", name="Important")
    expect(banner.get_by_text("Tom Hughes declared a conflict of interest")).to_be_visible()
    expect(banner.get_by_text(re.compile("^Lot 1, question 2:"))).to_be_visible()
    assert "Still to score: Tom Hughes" not in buyer.content()
    if os.environ.get("LF_SCREENSHOTS"):
        buyer.screenshot(path=os.environ["LF_SCREENSHOTS"] + "/conflict-banner.png", full_page=True)
    banner.get_by_role("link", name="Choose another evaluator").click()
    axe.check(buyer)
    expect(
        buyer.get_by_text(re.compile("Tom Hughes declared a conflict of interest"))
    ).to_be_visible()
    group = buyer.get_by_role("group", name=re.compile("Lot 1, question 2:"))
    assert group.get_by_label(re.compile("Tom Hughes")).count() == 0
    group.get_by_label(re.compile("Priya Shah")).check()
    buyer.get_by_role("button", name="Save evaluators").click()
    axe.check(buyer)
    expect(buyer.get_by_text("Every question has an evaluator again")).to_be_visible()

    # Priya declares no conflict and scores both answers.
    priya_context = browser_context.browser.new_context()
    priya_page = priya_context.new_page()
    sign_in(priya_page, base, priya, axe)
    visit(priya_page, f"{base}{reverse('evaluation:declare', args=[tender.pk])}", axe)
    priya_page.get_by_label("I have no conflict of interest").check()
    priya_page.get_by_role("button", name="Make the declaration").click()
    axe.check(priya_page)
    for number, score in ((1, "75"), (2, "50")):
        priya_page.get_by_role(
            "link", name=f"Score the answer from Acorn Care Ltd to question {number}"
        ).click()
        axe.check(priya_page)
        priya_page.get_by_label(re.compile(f"^{score}:")).check()
        priya_page.get_by_label("Justification").fill("Clear and evidenced.")
        priya_page.get_by_role("button", name="Save your score").click()
        axe.check(priya_page)
    priya_context.close()

    # Moderation goes through for both answers.
    for number, score in ((1, "75"), (2, "50")):
        visit(buyer, overview, axe)
        buyer.get_by_role(
            "link", name=f"Moderate question {number} of Acorn Care Ltd's bid"
        ).click()
        axe.check(buyer)
        assert "Still to score" not in buyer.content()
        buyer.get_by_label(re.compile(f"^{score}:")).check()
        buyer.get_by_label("Why this score was agreed").fill("Priya's score stands.")
        buyer.get_by_role("button", name="Record the agreed score").click()
        axe.check(buyer)
        expect(buyer.get_by_text(f"Agreed score for question {number}")).to_be_visible()

    assert sorted(ModeratedScore.objects.filter(bid=bid).values_list("score", flat=True)) == [
        50,
        75,
    ]
    assert axe.violations == [], "\n".join(axe.violations)
    assert len(axe.visited) >= 15
