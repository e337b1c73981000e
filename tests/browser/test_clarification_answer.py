"""A buyer officer edits a supplier's question and publishes the answer in Chromium, checked by
axe-core: the answer page refuses an empty answer at its field, then publishes the edited
question; the opportunity shows it, the asker sees how its question was published, and an
evaluator sees neither the question as asked nor who asked."""

import pytest
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.tenders import actions as tender_actions
from tests.support import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORIGINAL = "Zephyr Homecare here (turnover £2m): is TUPE expected to apply?"
EDITED = "Is TUPE expected to apply?"


def sign_in(page, base, user):
    page.goto(f"{base}{reverse('accounts:login')}")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(testing.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_an_officer_edits_the_question_and_publishes_the_answer(live_server, browser_context, axe):
    base = live_server.url
    council = testing.buyer_org("Wessex County Council")
    officer = testing.member(council, Role.BUYER_OFFICER)
    evaluator = testing.member(council, Role.EVALUATOR)
    tender = testing.published_tender(buyer=council, by=officer)
    asker_org = testing.supplier_org("Zephyr Homecare Ltd")
    asker = testing.member(asker_org, Role.SUPPLIER_ADMIN)
    question = tender_actions.ask_question(
        tender=tender, by=asker, organisation=asker_org, question=ORIGINAL
    )

    page = browser_context.new_page()
    sign_in(page, base, officer)
    page.goto(f"{base}{reverse('tenders:clarifications', args=[tender.pk])}")
    axe.check(page)
    assert "Zephyr Homecare Ltd" in page.content()
    page.get_by_role("link", name="Answer this question").click()
    page.wait_for_load_state()
    axe.check(page)

    page.get_by_label("Question as it will be published").fill("")
    page.get_by_role("button", name="Publish answer").click()
    page.wait_for_load_state()
    axe.check(page)
    summary = page.locator(".govuk-error-summary")
    assert "Enter your answer" in summary.inner_text()
    assert "Enter the question as it will be published" in summary.inner_text()
    summary.get_by_role("link", name="Enter your answer").click()
    assert page.evaluate("document.activeElement.id") == "id_answer"

    page.get_by_label("Question as it will be published").fill(EDITED)
    page.get_by_label("Your answer").fill("Yes, for about 40 care workers.")
    page.get_by_label("I understand that the answer is published").check()
    page.get_by_role("button", name="Publish answer").click()
    page.wait_for_load_state()
    axe.check(page)
    assert "Answer published and being emailed" in page.content()

    page.goto(f"{base}{reverse('public:opportunity', args=[tender.reference])}")
    axe.check(page)
    text = page.content()
    assert EDITED in text and "The buyer edited this question before publishing it." in text
    assert "Zephyr" not in text

    evaluator_context = browser_context.browser.new_context()
    evaluator_page = evaluator_context.new_page()
    sign_in(evaluator_page, base, evaluator)
    evaluator_page.goto(f"{base}{reverse('tenders:clarifications', args=[tender.pk])}")
    axe.check(evaluator_page)
    text = evaluator_page.content()
    assert EDITED in text and "Zephyr" not in text
    evaluator_context.close()

    asker_context = browser_context.browser.new_context()
    asker_page = asker_context.new_page()
    sign_in(asker_page, base, asker)
    asker_page.goto(f"{base}{reverse('public:opportunity', args=[tender.reference])}")
    axe.check(asker_page)
    asker_page.get_by_role("link", name="Question asked").click()
    asker_page.wait_for_load_state()
    axe.check(asker_page)
    assert asker_page.url.endswith(reverse("public:question", args=[tender.reference, question.pk]))
    text = asker_page.content()
    assert "The buyer edited your question before publishing it" in text and EDITED in text
    asker_context.close()
    assert axe.violations == []
