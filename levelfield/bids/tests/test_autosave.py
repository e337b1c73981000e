"""Answers saved as they are typed, and "Upload file" that keeps what was typed."""

from datetime import timedelta

import pytest
from django.urls import reverse

from levelfield.bids import actions as bid_actions
from levelfield.bids.models import BidAnswer
from levelfield.core import clock
from levelfield.core.display import uk_time
from tests.support import testing


@pytest.fixture
def lot(tender):
    return tender.lots.get()


@pytest.fixture
def draft(lot, supplier):
    org, user = supplier
    return bid_actions.start_bid(lot=lot, supplier=org, by=user)


def test_typing_an_answer_saves_that_answer_alone(client, lot, supplier, draft):
    org, user = supplier
    first, second = lot.questions.order_by("number")
    client.force_login(user)
    page = client.get(reverse("bids:edit", args=[lot.pk])).content.decode()
    url = reverse("bids:autosave", args=[draft.pk, first.pk])
    assert f'hx-post="{url}"' in page
    assert f'id="autosave-{first.pk}"' in page and 'aria-live="polite"' in page

    response = client.post(
        url, {f"answer_{first.pk}": "  We visit weekly.  ", f"answer_{second.pk}": "Other"}
    )
    assert response.status_code == 200, response.content.decode()[-3000:]
    draft.refresh_from_db()
    assert response.content.decode() == "Saved at " + uk_time(draft.updated_at)
    assert " GMT on " in response.content.decode() or " BST on " in response.content.decode()
    assert BidAnswer.objects.get(bid=draft, question=first).text == "We visit weekly."
    # Only the question posted to is saved, though htmx sends the whole form.
    assert not BidAnswer.objects.filter(bid=draft, question=second).exists()


def test_autosave_is_refused_after_the_deadline(client, lot, supplier, draft):
    org, user = supplier
    question = lot.questions.order_by("number").first()
    deadline = lot.tender.submission_deadline
    with clock.frozen_at(deadline + timedelta(seconds=1)):
        client.force_login(user)
        response = client.post(
            reverse("bids:autosave", args=[draft.pk, question.pk]),
            {f"answer_{question.pk}": "Too late"},
        )
    assert response.status_code == 422
    body = response.content.decode()
    assert body.startswith("Not saved: The submission deadline for ")
    assert "Bids can no longer be submitted, changed or withdrawn." in body
    assert not BidAnswer.objects.exists()


def test_autosave_on_another_suppliers_bid_is_not_found(client, lot, draft):
    other_org, other_user = testing.supplier_with_user("Rival Care Ltd")
    question = lot.questions.order_by("number").first()
    client.force_login(other_user)
    response = client.post(
        reverse("bids:autosave", args=[draft.pk, question.pk]),
        {f"answer_{question.pk}": "Overwritten"},
    )
    assert response.status_code == 404
    assert not BidAnswer.objects.exists()


def test_autosave_of_a_submitted_bid_says_to_withdraw_first(client, lot, supplier, draft):
    org, user = supplier
    questions = list(lot.questions.order_by("number"))
    bid_actions.save_bid(
        bid=draft, by=user, price=100000, answers={q.pk: "Answered" for q in questions}
    )
    bid_actions.submit_bid(bid=draft, by=user)
    client.force_login(user)
    response = client.post(
        reverse("bids:autosave", args=[draft.pk, questions[0].pk]),
        {f"answer_{questions[0].pk}": "Changed"},
    )
    assert response.status_code == 422
    assert response.content.decode() == "Not saved: Withdraw your submitted bid before changing it"
    assert BidAnswer.objects.get(bid=draft, question=questions[0]).text == "Answered"


def test_upload_file_keeps_the_answers_typed(client, lot, supplier, draft):
    org, user = supplier
    first, second = lot.questions.order_by("number")
    client.force_login(user)
    page = client.get(reverse("bids:edit", args=[lot.pk])).content.decode()
    # The upload's fields and button belong to the bid form, so the browser sends the answers.
    assert 'name="attachment-file" type="file" form="bid-form"' in page
    assert 'name="attachment-title" type="text"' in page
    assert page.count('form="bid-form"') == 4  # title, file, "Upload file", "Submit bid"
    assert f'formaction="{reverse("bids:attachment_add", args=[draft.pk])}"' in page

    response = client.post(
        reverse("bids:attachment_add", args=[draft.pk]),
        {
            "price": "98000",
            f"answer_{first.pk}": "Typed before uploading",
            f"answer_{second.pk}": "",
            "attachment-title": "Method statement",
            "attachment-file": testing.pdf("method.pdf"),
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert str(draft.price) == "98000.00"
    assert BidAnswer.objects.get(bid=draft, question=first).text == "Typed before uploading"
    assert draft.attachments.get().title == "Method statement"
    page = client.get(response["Location"]).content.decode()
    assert "Typed before uploading" in page
    assert "Method statement has been attached to your bid" in page


def test_a_refused_upload_still_keeps_the_answers_typed(client, lot, supplier, draft):
    org, user = supplier
    first = lot.questions.order_by("number").first()
    client.force_login(user)
    response = client.post(
        reverse("bids:attachment_add", args=[draft.pk]),
        {
            f"answer_{first.pk}": "Kept though the file is refused",
            "attachment-file": testing.pdf("fake.pdf", body=b"not really a pdf"),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "fake.pdf is not a real PDF file" in body
    assert "Kept though the file is refused" in body
    assert BidAnswer.objects.get(bid=draft, question=first).text == (
        "Kept though the file is refused"
    )
    assert not draft.attachments.exists()
