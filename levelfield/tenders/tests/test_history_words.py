"""A tender's history reads in words, and shows every lot and question edit."""

from decimal import Decimal

from django.urls import reverse

from levelfield.tenders import actions
from levelfield.tenders.history import tender_history
from tests.support import testing


def test_the_history_shows_lot_and_question_edits_in_words(client, buyer, officer):
    tender = testing.draft_tender(buyer=buyer, by=officer)
    actions.update_tender(tender=tender, by=officer, title="Home care in Leeds North")
    lot = actions.add_lot(tender=tender, by=officer, title="Night visits")
    actions.update_lot(lot=lot, by=officer, title="Night and weekend visits")
    question = actions.add_question(
        lot=lot, by=officer, text="How will you staff nights?", kind="quality", weight=Decimal(50)
    )
    actions.update_question(
        question=question, by=officer, text="How will you staff nights and weekends?"
    )
    actions.remove_question(question=question, by=officer)
    actions.remove_lot(lot=lot, by=officer)

    whats = [row.what for row in tender_history(tender)]
    number = lot.number
    assert f"Lot removed (lot {number})" in whats
    assert f"Question removed (lot {number}, question 1)" in whats
    assert f"Question changed (lot {number}, question 1): text" in whats
    assert f"Question added (lot {number}, question 1)" in whats
    assert f"Lot changed (lot {number}): title" in whats
    assert f"Lot added (lot {number})" in whats
    assert "Tender details changed: title" in whats
    assert "Tender created" in whats
    # Newest first: the lot's removal is the last thing done.
    assert whats[0] == f"Lot removed (lot {number})"

    client.force_login(officer)
    page = client.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
    assert "Tender details changed" in page
    assert f"Question changed (lot {number}, question 1): text" in page
    assert "tender.updated" not in page
    assert "lot.removed" not in page
