"""An answer saved as it is typed, in Debian's Chromium: the supplier types, waits for "Saved",
reloads and finds the answer there; "Upload file" keeps what was typed. axe checks the page."""

import pytest
from django.urls import reverse

from levelfield.bids import actions as bid_actions
from levelfield.bids.models import BidAnswer
from tests.support import testing

from .test_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_answer_typed_is_saved_without_pressing_save(live_server, browser_context, axe):
    council = testing.buyer_org("Wessex County Council")
    officer = testing.member(council, "buyer_officer")
    tender = testing.published_tender(buyer=council, by=officer)
    lot = tender.lots.get()
    first = lot.questions.order_by("number").first()
    supplier, user = testing.supplier_with_user("Acorn Care Ltd")
    bid = bid_actions.start_bid(lot=lot, supplier=supplier, by=user)

    page = browser_context.new_page()
    sign_in(page, live_server.url, user, axe)
    page.goto(live_server.url + reverse("bids:edit", args=[lot.pk]))
    axe.check(page)
    page.get_by_label("Your answer to question 1").fill("We visit every client within 48 hours.")
    page.locator(f"#autosave-{first.pk}").get_by_text("Saved at").wait_for()
    axe.check(page)
    assert BidAnswer.objects.get(bid=bid, question=first).text == (
        "We visit every client within 48 hours."
    )

    page.reload()
    assert page.get_by_label("Your answer to question 1").input_value() == (
        "We visit every client within 48 hours."
    )

    # Typed, then a file uploaded at once, before the autosave: the text is kept.
    page.get_by_label("Your answer to question 1").fill("Typed just before uploading.")
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "method.pdf", "mimeType": "application/pdf", "buffer": _pdf_bytes()}]
    )
    page.get_by_role("button", name="Upload file").click()
    page.get_by_text("method.pdf has been attached to your bid").wait_for()
    assert page.get_by_label("Your answer to question 1").input_value() == (
        "Typed just before uploading."
    )
    assert not axe.violations, axe.violations


def _pdf_bytes() -> bytes:
    upload = testing.pdf("method.pdf")
    upload.seek(0)
    return upload.read()
