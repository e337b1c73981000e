"""The bidder's side in Debian's Chromium: a live word count against the question's limit
(counted as the server counts), the bid checklist, each lot submitted on its own, the warning
on leaving with unsaved changes, and a session that ends mid-answer. axe checks each page."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from levelfield.bids import actions as bid_actions
from levelfield.bids.models import BidAnswer, BidStatus
from levelfield.bids.tests.test_checklist import WORD_COUNTS, two_lot_tender
from levelfield.bids.words import count_words
from tests.support import testing

from .test_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIMIT = 5  # lot 1's question 1 (two_lot_tender)


@pytest.fixture
def bidding():
    council = testing.buyer_org("Wessex County Council")
    officer = testing.member(council, "buyer_officer")
    tender = two_lot_tender(council, officer, limit=LIMIT)
    first_lot, second_lot = tender.lots.order_by("number")
    supplier, user = testing.supplier_with_user("Acorn Care Ltd")
    return tender, first_lot, second_lot, supplier, user


def shown_count(page, field_id: str) -> int:
    """The words counted by GOV.UK Frontend's character count, read from its message."""
    message = page.locator(f"#{field_id} ~ .govuk-character-count__status").inner_text()
    if "0 words remaining" in message or "no words remaining" in message:
        return LIMIT
    number = int(re.search(r"(\d+) words?", message).group(1))
    return LIMIT - number if "remaining" in message else LIMIT + number


def test_the_word_count_updates_as_the_bidder_types_and_agrees_with_the_server(
    live_server, browser_context, axe, bidding
):
    tender, lot, _, supplier, user = bidding
    question = lot.questions.order_by("number").first()
    bid = bid_actions.start_bid(lot=lot, supplier=supplier, by=user)
    field_id = f"id_answer_{question.pk}"

    page = browser_context.new_page()
    sign_in(page, live_server.url, user, axe)
    page.goto(live_server.url + reverse("bids:edit", args=[lot.pk]))
    axe.check(page)
    answer = page.get_by_label("Your answer to question 1")
    answer.press_sequentially("We visit within")
    page.get_by_text("You have 2 words remaining").wait_for()
    # The count is announced: GOV.UK's live region says the same as the visible message.
    live = page.locator(f"#{field_id} ~ .govuk-character-count__sr-status")
    assert live.get_attribute("aria-live") == "polite"
    page.wait_for_function(
        "el => el.textContent.includes('2 words remaining')", arg=live.element_handle()
    )

    answer.press_sequentially(" two days of every referral")
    page.get_by_text("You have 3 words too many").wait_for()
    # Saved all the same, and said to be over the limit; the checklist shows it at once.
    line = page.locator(f"#autosave-{question.pk}")
    line.get_by_text("It is 3 words over the 5-word limit").wait_for()
    page.locator("#bid-checklist").get_by_text("Over the word limit").wait_for()
    assert BidAnswer.objects.get(bid=bid, question=question).text == (
        "We visit within two days of every referral"
    )
    axe.check(page)

    # One way of counting: the browser's count is the server's, text by text.
    for text, words in WORD_COUNTS:
        answer.fill(text)
        assert shown_count(page, field_id) == words == count_words(text), repr(text)
    assert not axe.violations, axe.violations


def test_each_lot_is_submitted_on_its_own_from_the_tender_page(
    live_server, browser_context, axe, bidding
):
    tender, first_lot, second_lot, supplier, user = bidding
    over = bid_actions.start_bid(lot=first_lot, supplier=supplier, by=user)
    good = bid_actions.start_bid(lot=second_lot, supplier=supplier, by=user)
    for bid, text in ((over, "far too many words for this limit"), (good, "A good answer.")):
        answers = {q.pk: text for q in bid.lot.questions.all()}
        bid_actions.save_bid(bid=bid, by=user, price=1000, answers=answers)

    page = browser_context.new_page()
    sign_in(page, live_server.url, user, axe)
    page.goto(live_server.url + reverse("public:opportunity", args=[tender.reference]))
    page.get_by_text(f"Up to {LIMIT} words").first.wait_for()
    axe.check(page)
    page.get_by_role("link", name=re.compile("Your bids on every lot of this tender")).click()
    axe.check(page)
    page.get_by_role("button", name="Submit your bid for lot 1").click()
    summary = page.locator(".govuk-error-summary")
    summary.get_by_text("Your bid for lot 1 was not submitted").wait_for()
    summary.get_by_text(re.compile("Your answer to question 1 is 7 words")).wait_for()
    axe.check(page)

    page.get_by_role("button", name="Submit your bid for lot 2").click()
    page.get_by_text("Your bid for lot 2 has been submitted").wait_for()
    axe.check(page)
    over.refresh_from_db()
    good.refresh_from_db()
    assert (over.status, good.status) == (BidStatus.DRAFT, BidStatus.SUBMITTED)

    # The checklist's link takes the bidder to the answer to shorten.
    page.locator("#lot-1").get_by_role("link", name="Question 1").click()
    page.wait_for_url(re.compile(r"#id_answer_\d+$"))
    assert not axe.violations, axe.violations


def test_leaving_with_unsaved_changes_warns(live_server, browser_context, axe, bidding):
    tender, lot, _, supplier, user = bidding
    question = lot.questions.order_by("number").first()
    bid_actions.start_bid(lot=lot, supplier=supplier, by=user)
    page = browser_context.new_page()
    sign_in(page, live_server.url, user, axe)
    bid_page = live_server.url + reverse("bids:edit", args=[lot.pk])
    page.goto(bid_page)
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)

    # The price is saved with "Save draft": changed and not saved, leaving warns.
    page.get_by_label("Your price (£)").press_sequentially("125000")
    page.get_by_role("link", name="Your bids", exact=True).click()
    page.wait_for_function("() => true")
    assert dialogs == ["beforeunload"] and page.url == bid_page
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Your draft has been saved").wait_for()

    # An answer whose autosave did not go through (the connection failed) warns too ...
    autosave = f"**/bids/*/answers/{question.pk}/"
    page.route(autosave, lambda route: route.abort())
    page.get_by_label("Your answer to question 1").press_sequentially("Four words typed here")
    page.get_by_text("Not saved: check your connection").wait_for()
    page.get_by_role("link", name="Your bids", exact=True).click()
    page.wait_for_function("() => true")
    assert dialogs == ["beforeunload", "beforeunload"] and page.url.startswith(bid_page)

    # ... and once it is saved, leaving does not.
    page.unroute(autosave)
    page.get_by_label("Your answer to question 1").press_sequentially(" now")
    page.locator(f"#autosave-{question.pk}").get_by_text("Saved at").wait_for()
    page.get_by_role("link", name="Your bids", exact=True).click()
    page.wait_for_url(live_server.url + reverse("bids:dashboard"))
    assert len(dialogs) == 2
    axe.check(page)
    assert not axe.violations, axe.violations


def test_a_session_ended_mid_answer_keeps_what_autosave_confirmed(
    live_server, browser_context, axe, bidding
):
    """The guarantee: every answer the page said was "Saved at" is in the draft after the
    session ends and the bidder signs in again. Text typed after the session ended is refused
    by autosave (the page says so, and leaving warns); kept open while the bidder signs in again
    in another tab, the page saves it with the next change."""
    tender, lot, _, supplier, user = bidding
    question = lot.questions.order_by("number").first()
    bid = bid_actions.start_bid(lot=lot, supplier=supplier, by=user)
    page = browser_context.new_page()
    sign_in(page, live_server.url, user, axe)
    bid_page = live_server.url + reverse("bids:edit", args=[lot.pk])
    page.goto(bid_page)
    answer = page.get_by_label("Your answer to question 1")
    line = page.locator(f"#autosave-{question.pk}")

    answer.press_sequentially("We visit weekly.")
    line.get_by_text("Saved at").wait_for()
    Session.objects.all().delete()  # the session ends on the server, mid-answer

    answer.press_sequentially(" And daily.")
    line.get_by_text("Not saved: you have been signed out.").wait_for()
    axe.check(page)
    assert BidAnswer.objects.get(bid=bid, question=question).text == "We visit weekly."

    # Signed in again in another tab, with this page kept open: the next change saves it all.
    other = browser_context.new_page()
    sign_in(other, live_server.url, user, axe)
    other.close()
    answer.press_sequentially(" Always.")
    line.get_by_text("Saved at").wait_for()
    assert BidAnswer.objects.get(bid=bid, question=question).text == (
        "We visit weekly. And daily. Always."
    )

    # Ended again; this time the bidder leaves (told first) and signs in: the draft is exactly
    # as autosave last confirmed it.
    Session.objects.all().delete()
    answer.press_sequentially(" Lost?")
    line.get_by_text("Not saved: you have been signed out.").wait_for()
    warned = []
    page.on("dialog", lambda dialog: (warned.append(dialog.type), dialog.accept()))
    page.get_by_role("link", name="Your bids", exact=True).click()
    page.wait_for_url(re.compile(reverse("accounts:login")))
    assert warned == ["beforeunload"]
    sign_in(page, live_server.url, user, axe)
    page.goto(bid_page)
    assert page.get_by_label("Your answer to question 1").input_value() == (
        "We visit weekly. And daily. Always."
    )
    assert not axe.violations, axe.violations
