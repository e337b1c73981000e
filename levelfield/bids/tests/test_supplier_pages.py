"""A supplier's pages: the bid journey, receipts, the deadline, and assessment summaries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.bids import actions as bid_actions
from levelfield.bids.models import Bid, BidReceipt, BidStatus
from levelfield.contracts import actions as contract_actions
from levelfield.core import clock
from levelfield.tenders import actions as tender_actions
from tests.support import testing


def bid_form(lot, price="125000", answer="We visit every client within 48 hours."):
    data = {"price": price}
    for question in lot.questions.all():
        data[f"answer_{question.pk}"] = f"{answer} (Q{question.number})"
    return data


def follow_page(client, response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()


@pytest.fixture
def lot(tender):
    return tender.lots.get()


@pytest.fixture
def signed_in(client, supplier):
    client.force_login(supplier[1])
    return client


def test_a_supplier_bids_withdraws_changes_and_resubmits(signed_in, tender, lot, supplier):
    client = signed_in
    org, user = supplier
    edit_url = reverse("bids:edit", args=[lot.pk])

    # Start: the page offers to start a draft; the button (a POST) starts it.
    page = client.get(edit_url)
    assert page.status_code == 200
    assert "Start a bid" in page.content.decode()
    assert not Bid.objects.exists()
    page = client.post(reverse("bids:start", args=[lot.pk]), follow=True)
    assert page.redirect_chain == [(edit_url, 302)]
    bid = Bid.objects.get(lot=lot, supplier=org)
    assert bid.status == BidStatus.DRAFT
    body = page.content.decode()
    assert tender.title in body
    assert "Describe your approach (quality)." in body
    assert "weight 50%" in body
    assert "Excellent: the response meets every element" in body
    assert "Save draft" in body and "Submit bid" in body
    assert reverse("bids:submit", args=[bid.pk]) in body

    # Save a draft.
    body = follow_page(client, client.post(edit_url, bid_form(lot, price="£125,000")))
    assert "Your draft has been saved" in body
    bid.refresh_from_db()
    assert bid.price == Decimal("125000")
    assert bid.answers.count() == 2
    assert bid.status == BidStatus.DRAFT

    # Upload an attachment, and remove a second one.
    body = follow_page(
        client,
        client.post(
            reverse("bids:attachment_add", args=[bid.pk]),
            {"attachment-title": "Method statement", "attachment-file": testing.pdf("method.pdf")},
        ),
    )
    assert "Method statement has been attached to your bid" in body
    client.post(
        reverse("bids:attachment_add", args=[bid.pk]),
        {"attachment-title": "Wrong file", "attachment-file": testing.pdf("wrong.pdf")},
    )
    wrong = bid.attachments.get(title="Wrong file")
    body = follow_page(
        client, client.post(reverse("bids:attachment_remove", args=[bid.pk, wrong.pk]))
    )
    assert "Wrong file has been removed" in body
    assert list(bid.attachments.values_list("title", flat=True)) == ["Method statement"]
    attachment = bid.attachments.get()
    download = client.get(reverse("bids:attachment", args=[bid.pk, attachment.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    # Submit: saves what the form carries first, then the receipt shows the hash.
    response = client.post(
        reverse("bids:submit", args=[bid.pk]), bid_form(lot, price="120000", answer="Final")
    )
    assert response["Location"] == reverse("bids:receipt", args=[bid.pk])
    body = follow_page(client, response)
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED
    assert bid.price == Decimal("120000")
    assert bid.answers.get(question__number=1).text == "Final (Q1)"
    assert "Bid submitted" in body
    assert "govuk-panel--confirmation" in body
    assert bid.receipt_hash in body
    assert bid.submitted_at.isoformat() in body  # the exact server time the hash covers
    assert "Lot 1: Home care services" in body

    # While submitted the page is read-only, with the receipt and a withdraw button.
    body = client.get(edit_url).content.decode()
    assert 'name="price"' not in body
    assert bid.receipt_hash in body
    assert "Withdraw bid" in body
    assert "Final (Q1)" in body
    refused = client.post(edit_url, bid_form(lot, price="1"))
    assert "Withdraw your submitted bid before changing it" in refused.content.decode()
    bid.refresh_from_db()
    assert bid.price == Decimal("120000")

    # Withdraw: the button first asks, and a POST without the confirmation withdraws nothing.
    asked = client.post(reverse("bids:withdraw", args=[bid.pk])).content.decode()
    assert "Are you sure you want to withdraw your bid?" in asked
    assert "A withdrawn bid is not considered." in asked
    assert 'name="confirm" value="yes"' in asked
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED
    # Confirmed: editable again.
    body = follow_page(
        client, client.post(reverse("bids:withdraw", args=[bid.pk]), {"confirm": "yes"})
    )
    assert "Your bid has been withdrawn" in body
    assert 'name="price"' in body
    bid.refresh_from_db()
    assert bid.status == BidStatus.WITHDRAWN

    # Change and resubmit.
    follow_page(client, client.post(edit_url, bid_form(lot, price="115000", answer="Better")))
    body = follow_page(
        client, client.post(reverse("bids:submit", args=[bid.pk]), bid_form(lot, "115000"))
    )
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED
    assert bid.price == Decimal("115000")
    kinds = list(bid.receipts.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == ["submitted", "withdrawn", "submitted"]
    assert body.count('<td class="govuk-table__cell">Submitted</td>') == 2
    assert "Withdrawn" in body

    # The dashboard lists the bid with its price and submission time.
    body = client.get(reverse("bids:dashboard")).content.decode()
    assert tender.title in body
    assert "£115,000" in body
    assert reverse("bids:receipt", args=[bid.pk]) in body


def test_an_incomplete_bid_is_refused_with_each_gap_named(signed_in, lot):
    client = signed_in
    client.post(reverse("bids:start", args=[lot.pk]))
    bid = Bid.objects.get()
    response = client.post(reverse("bids:submit", args=[bid.pk]), {"price": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter your price" in body
    assert "Answer question 1" in body
    assert "Answer question 2" in body
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT
    assert not bid.receipts.exists()


def test_a_bad_price_keeps_what_was_typed(signed_in, lot):
    client = signed_in
    client.post(reverse("bids:start", args=[lot.pk]))
    data = bid_form(lot, price="a lot", answer="Kept text")
    response = client.post(reverse("bids:edit", args=[lot.pk]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter your price as a number" in body
    assert "Kept text (Q1)" in body
    assert not Bid.objects.get().answers.exists()


def test_a_bad_upload_is_refused_with_a_message(signed_in, lot):
    client = signed_in
    client.post(reverse("bids:start", args=[lot.pk]))
    bid = Bid.objects.get()
    fake = testing.pdf("fake.pdf", body=b"not really a pdf")
    response = client.post(reverse("bids:attachment_add", args=[bid.pk]), {"attachment-file": fake})
    assert response.status_code == 200
    assert "fake.pdf is not a real PDF file" in response.content.decode()
    missing = client.post(reverse("bids:attachment_add", args=[bid.pk]), {})
    assert "Choose a file to upload" in missing.content.decode()
    assert not bid.attachments.exists()


def test_a_bid_one_second_after_the_deadline_is_refused_and_nothing_is_stored(
    client, tender, lot, supplier
):
    org, user = supplier
    bid = bid_actions.start_bid(lot=lot, supplier=org, by=user)
    answers = {q.pk: "Drafted in time." for q in lot.questions.all()}
    bid_actions.save_bid(bid=bid, by=user, price=Decimal("90000"), answers=answers)
    client.force_login(user)
    with clock.frozen_at(tender.submission_deadline + timedelta(seconds=1)):
        response = client.post(
            reverse("bids:submit", args=[bid.pk]), bid_form(lot, price="85000", answer="Late")
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert f"The submission deadline for {tender.reference} passed at" in body
        assert "Bids can no longer be submitted, changed or withdrawn" in body
        # The page shows the bid read-only.
        assert 'name="price"' not in body
        assert "Your bid was not submitted" in body
        later = client.get(reverse("bids:edit", args=[lot.pk])).content.decode()
        assert 'name="price"' not in later
        assert "Drafted in time." in later
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT
    assert bid.price == Decimal("90000")
    assert {a.text for a in bid.answers.all()} == {"Drafted in time."}
    assert bid.submitted_at is None and bid.receipt_hash == ""
    assert not BidReceipt.objects.exists()


def test_withdrawing_after_the_deadline_is_refused(client, tender, lot, supplier):
    org, user = supplier
    bid = testing.submitted_bid(tender=tender, supplier=org, by=user, price="100000")
    client.force_login(user)
    with testing.after_deadline(tender):
        body = follow_page(
            client, client.post(reverse("bids:withdraw", args=[bid.pk]), {"confirm": "yes"})
        )
        assert "Bids can no longer be submitted, changed or withdrawn" in body
        assert "Withdraw bid" not in body
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED


def test_the_page_warns_when_less_than_a_day_is_left(client, tender, lot, supplier):
    client.force_login(supplier[1])
    with clock.frozen_at(tender.submission_deadline - timedelta(days=2)):
        calm = client.get(reverse("bids:edit", args=[lot.pk])).content.decode()
    with clock.frozen_at(tender.submission_deadline - timedelta(hours=3)):
        urgent = client.get(reverse("bids:edit", args=[lot.pk])).content.decode()
    assert "Less than 24 hours left" not in calm
    assert "Less than 24 hours left" in urgent


def test_a_closed_lot_without_a_bid_starts_nothing(client, tender, lot, supplier):
    client.force_login(supplier[1])
    with testing.after_deadline(tender):
        body = client.get(reverse("bids:edit", args=[lot.pk])).content.decode()
    assert "This tender is not open for bids" in body
    assert not Bid.objects.exists()


def test_another_supplier_cannot_open_someone_elses_bid(
    client, tender, lot, supplier, other_supplier
):
    org, user = supplier
    bid = testing.submitted_bid(tender=tender, supplier=org, by=user, price="100000")
    bid_actions.withdraw_bid(bid=bid, by=user)
    bid_actions.submit_bid(bid=bid, by=user)
    bid_actions.withdraw_bid(bid=bid, by=user)
    attachment = bid_actions.add_attachment(bid=bid, by=user, title="Ours", upload=testing.pdf())
    client.force_login(other_supplier[1])
    for name, args in (
        ("bids:receipt", [bid.pk]),
        ("bids:summary", [bid.pk]),
        ("bids:attachment", [bid.pk, attachment.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    for name, args in (
        ("bids:submit", [bid.pk]),
        ("bids:withdraw", [bid.pk]),
        ("bids:attachment_add", [bid.pk]),
        ("bids:attachment_remove", [bid.pk, attachment.pk]),
    ):
        response = client.post(reverse(name, args=args), {"price": "1", "confirm": "yes"})
        assert response.status_code == 404, name
    # Their own page for the lot is their own bid, never ours.
    client.post(reverse("bids:start", args=[lot.pk]))
    body = client.get(reverse("bids:edit", args=[lot.pk])).content.decode()
    assert "Ours" not in body
    assert Bid.objects.filter(lot=lot).count() == 2
    bid.refresh_from_db()
    assert bid.status == BidStatus.WITHDRAWN
    assert bid.attachments.count() == 1


def test_supplier_pages_need_a_signed_in_supplier(client, tender, lot, officer):
    dashboard = reverse("bids:dashboard")
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    client.force_login(officer)
    assert client.get(dashboard).status_code == 404
    assert client.get(reverse("bids:edit", args=[lot.pk])).status_code == 404
    assert client.post(reverse("bids:start", args=[lot.pk])).status_code == 404


def test_a_draft_tenders_lot_is_not_found(signed_in, buyer, officer):
    draft = testing.draft_tender(buyer=buyer, by=officer)
    assert signed_in.get(reverse("bids:edit", args=[draft.lots.get().pk])).status_code == 404
    assert signed_in.post(reverse("bids:start", args=[draft.lots.get().pk])).status_code == 404
    assert not Bid.objects.exists()


def test_dashboard_empty_states(signed_in):
    body = signed_in.get(reverse("bids:dashboard")).content.decode()
    assert "You have not started any bids yet" in body
    assert "You have no assessment summaries yet" in body
    assert "Your organisation has not asked any clarification questions" in body


def test_dashboard_lists_questions_asked_and_whether_answered(signed_in, tender, officer, supplier):
    org, user = supplier
    answered = tender_actions.ask_question(
        tender=tender, by=user, organisation=org, question="Is parking provided?"
    )
    tender_actions.answer_clarification(clarification=answered, by=officer, answer="No.")
    tender_actions.ask_question(
        tender=tender, by=user, organisation=org, question="Can we subcontract?"
    )
    body = signed_in.get(reverse("bids:dashboard")).content.decode()
    assert "Is parking provided?" in body
    assert "Can we subcontract?" in body
    assert "Answered" in body
    assert "Awaiting answer" in body


def test_the_summary_page_shows_the_numbers_after_award(
    client, tender, officer, buyer_admin, evaluator, supplier, other_supplier
):
    org_a, user_a = supplier
    org_b, user_b = other_supplier
    bid_a = testing.submitted_bid(tender=tender, supplier=org_a, by=user_a, price="100000")
    bid_b = testing.submitted_bid(tender=tender, supplier=org_b, by=user_b, price="80000")
    with testing.after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)
        testing.score_everything(
            tender=tender,
            officer=officer,
            evaluator=evaluator,
            scores={(bid_a.pk, 1): 100, (bid_a.pk, 2): 100, (bid_b.pk, 1): 50, (bid_b.pk, 2): 50},
        )
        contract_actions.confirm_award(tender=tender, by=buyer_admin)

    # The unsuccessful bidder: its points beside the winner's.
    client.force_login(user_b)
    dashboard = client.get(reverse("bids:dashboard")).content.decode()
    assert "Assessment summaries" in dashboard
    assert reverse("bids:summary", args=[bid_b.pk]) in dashboard
    assert "Unsuccessful" in dashboard
    body = client.get(reverse("bids:summary", args=[bid_b.pk])).content.decode()
    assert "Unsuccessful" in body
    assert org_a.name in body  # the winner
    for text in ("Q1 (quality)", "Q2 (social value)", "Price", "Total"):
        assert text in body
    # Quality 50/100 x 50 = 25; social value 50/100 x 10 = 5; price 80000 is the lowest = 40.
    for number in ("25.00", "5.00", "40.00", "70.00"):
        assert f">{number}<" in body, number
    # The winner: 50 + 10 + 80000 / 100000 x 40 = 92.
    for number in ("50.00", "10.00", "32.00", "92.00"):
        assert f">{number}<" in body, number
    assert client.get(reverse("bids:summary", args=[bid_a.pk])).status_code == 404
    bid_page = client.get(reverse("bids:edit", args=[bid_b.lot_id])).content.decode()
    assert reverse("bids:summary", args=[bid_b.pk]) in bid_page

    client.force_login(user_a)
    body = client.get(reverse("bids:summary", args=[bid_a.pk])).content.decode()
    assert "Successful" in body
    assert "92.00" in body


def test_opening_the_bid_page_starts_nothing_and_the_button_starts_the_bid(signed_in, lot):
    """A GET changes nothing: no bid, no audit event. Only the form's POST starts the draft,
    once: a second POST shows the same bid."""
    from levelfield.core.models import AuditEvent

    client = signed_in
    page = client.get(reverse("bids:edit", args=[lot.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert f'action="{reverse("bids:start", args=[lot.pk])}"' in body
    assert "Save draft" not in body
    assert not Bid.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="bid.").exists()
    assert client.get(reverse("bids:start", args=[lot.pk])).status_code == 405
    assert not Bid.objects.exists()

    assert client.post(reverse("bids:start", args=[lot.pk])).status_code == 302
    assert client.post(reverse("bids:start", args=[lot.pk])).status_code == 302
    bid = Bid.objects.get()
    started = AuditEvent.objects.filter(action="bid.started")
    assert list(started.values_list("object_id", flat=True)) == [str(bid.pk)]
    assert "Save draft" in client.get(reverse("bids:edit", args=[lot.pk])).content.decode()


def test_starting_a_bid_after_the_deadline_is_refused_saying_why(signed_in, tender, lot):
    """The page offered the button before the deadline; pressed after it, nothing starts."""
    assert "Start a bid" in signed_in.get(reverse("bids:edit", args=[lot.pk])).content.decode()
    with testing.after_deadline(tender):
        response = signed_in.post(reverse("bids:start", args=[lot.pk]), follow=True)
        body = response.content.decode()
    assert response.redirect_chain == [(reverse("bids:edit", args=[lot.pk]), 302)]
    assert f"The submission deadline for {tender.reference} passed" in body
    assert "Start a bid" not in body
    assert not Bid.objects.exists()
