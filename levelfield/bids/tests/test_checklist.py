"""Word limits and the bid checklist: the buyer sets a question's word limit; the bidder sees it,
an answer over it is saved as typed but reported over the limit and refused at submission
naming the question; each lot's bid has its own checklist and is submitted on its own."""

from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.bids import actions as bid_actions
from levelfield.bids.checklist import Kind, bid_checklist
from levelfield.bids.models import BidAnswer, BidStatus
from levelfield.bids.words import count_words, over_limit_by
from levelfield.core.errors import DomainError
from levelfield.tenders import actions as tender_actions
from tests.support import testing

pytestmark = pytest.mark.django_db

# Texts and their counts as GOV.UK Frontend's character count (data-maxwords) counts them,
# `text.match(/\S+/g).length`; tests/browser/test_word_count.py checks the browser agrees.
WORD_COUNTS = [
    ("", 0),
    ("   \n\t ", 0),
    ("one", 1),
    ("well-known, evidence-based care", 3),
    ("two  spaces   between", 3),
    ("line one\nline two\n\nline three", 6),
    ("tabs\tand\r\nWindows line ends", 5),
    ("a - b – c", 5),
    ("£500 per hour (inc. VAT)", 5),
    ("no\u00a0break\u2003em\u3000ideographic", 4),
    ("file\x1cseparator", 1),
    ("don't stop", 2),
]


@pytest.mark.parametrize(("text", "words"), WORD_COUNTS)
def test_words_are_runs_of_characters_between_spaces(text, words):
    assert count_words(text) == words


def test_over_limit_by():
    assert over_limit_by("one two three", 2) == 1
    assert over_limit_by("one two", 2) == 0
    assert over_limit_by("one two three", None) == 0


def two_lot_tender(buyer, officer, *, limit=5):
    """A published tender with two lots; lot 1's question 1 has a word limit of `limit`."""
    tender = testing.draft_tender(buyer=buyer, by=officer)
    first = tender.lots.get()
    question = first.questions.order_by("number").first()
    tender_actions.update_question(question=question, by=officer, word_limit=limit)
    second = tender_actions.add_lot(
        tender=tender, by=officer, title="Reablement", estimated_value=Decimal("300000")
    )
    tender_actions.update_lot(lot=second, by=officer, price_weight=Decimal("40"))
    for kind, weight in (("quality", "50"), ("social_value", "10")):
        tender_actions.add_question(
            lot=second, by=officer, kind=kind, weight=Decimal(weight), text="Describe it."
        )
    return tender_actions.publish_tender(tender=tender, by=officer)


@pytest.fixture
def tender2(buyer, officer):
    return two_lot_tender(buyer, officer)


def lots(tender):
    return list(tender.lots.order_by("number"))


def answer_all(bid, user, text="A fine answer."):
    answers = {q.pk: text for q in bid.lot.questions.all()}
    return bid_actions.save_bid(bid=bid, by=user, price=Decimal("1000"), answers=answers)


# -- the buyer sets the limit -----------------------------------------------------------------


def test_the_buyer_sets_a_word_limit_on_the_question_form(client, buyer, officer):
    tender = testing.draft_tender(buyer=buyer, by=officer)
    lot = tender.lots.get()
    question = lot.questions.order_by("number").first()
    client.force_login(officer)
    url = reverse("tenders:question_edit", args=[tender.pk, question.pk])
    form = {
        "kind": "quality",
        "text": question.text,
        "weight": "50",
        "scale": "0: Poor\n100: Excellent",
    }
    refused = client.post(url, {**form, "word_limit": "0"})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "The word limit must be at least 1 word" in page
    assert 'href="#id_word_limit"' in page  # the error summary links to the field

    refused = client.post(url, {**form, "word_limit": "500 words"})
    assert "Enter the word limit as a whole number, like 500" in refused.content.decode()

    saved = client.post(url, {**form, "word_limit": "500"})
    assert saved.status_code == 302
    question.refresh_from_db()
    assert question.word_limit == 500
    detail = client.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
    assert "Up to 500 words" in detail

    client.post(url, {**form, "word_limit": ""})
    question.refresh_from_db()
    assert question.word_limit is None


def test_the_word_limit_rule_is_the_actions_too(buyer, officer):
    tender = testing.draft_tender(buyer=buyer, by=officer)
    lot = tender.lots.get()
    with pytest.raises(DomainError) as refused:
        tender_actions.add_question(
            lot=lot, by=officer, kind="quality", weight=Decimal("5"), text="Q", word_limit=0
        )
    assert refused.value.message == "The word limit must be at least 1 word"
    with pytest.raises(DomainError) as refused:
        tender_actions.add_question(
            lot=lot, by=officer, kind="quality", weight=Decimal("5"), text="Q", word_limit=20_001
        )
    assert refused.value.message == "The word limit must be 20,000 words or fewer"


def test_the_buyer_sets_a_word_limit_through_the_api(client, buyer, officer):
    tender = testing.draft_tender(buyer=buyer, by=officer)
    lot = tender.lots.get()
    token = create_api_token(user=officer, name="t")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/buyer/tenders/{tender.pk}/lots/{lot.pk}/questions"
    body = {"kind": "quality", "text": "How?", "weight": "5"}
    created = client.post(
        url, {**body, "word_limit": 250}, content_type="application/json", **headers
    )
    assert created.status_code == 201, created.content
    assert created.json()["word_limit"] == 250
    refused = client.post(
        url, {**body, "word_limit": 0}, content_type="application/json", **headers
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "validation_error"


# -- the bidder -------------------------------------------------------------------------------


def test_the_bidder_sees_the_limit_and_a_word_count_field(client, tender2, supplier):
    org, user = supplier
    lot = lots(tender2)[0]
    question = lot.questions.order_by("number").first()
    bid_actions.start_bid(lot=lot, supplier=org, by=user)
    client.force_login(user)
    opportunity = client.get(reverse("public:opportunity", args=[tender2.reference]))
    assert "Up to 5 words" in opportunity.content.decode()
    page = client.get(reverse("bids:edit", args=[lot.pk])).content.decode()
    assert 'data-module="govuk-character-count" data-maxwords="5"' in page
    assert f'id="id_answer_{question.pk}-info"' in page
    assert "You can enter up to 5 words" in page
    assert "govuk-js-character-count" in page


def test_an_answer_over_the_limit_is_saved_reported_and_refused(tender2, supplier):
    org, user = supplier
    lot = lots(tender2)[0]
    question = lot.questions.order_by("number").first()
    bid = bid_actions.start_bid(lot=lot, supplier=org, by=user)
    long_answer = "We visit every client within two days."
    answer_all(bid, user, text=long_answer)
    # Nothing is lost: the draft holds every word.
    assert BidAnswer.objects.get(bid=bid, question=question).text == long_answer

    checklist = bid_checklist(bid)
    item = next(i for i in checklist.items if i.question_id == question.pk)
    assert not item.complete and item.status == "Over the word limit"
    assert item.words == 7 and item.word_limit == 5
    assert "question 1 is 7 words, over its 5-word limit: shorten it by 2 words" in item.problem
    assert not checklist.complete

    with pytest.raises(DomainError) as refused:
        bid_actions.submit_bid(bid=bid, by=user)
    assert refused.value.code == "bid_incomplete"
    assert "Your answer to question 1 is 7 words" in refused.value.message
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT

    bid_actions.save_bid(bid=bid, by=user, answers={question.pk: "We visit within two days."})
    assert bid_checklist(bid).complete
    bid_actions.submit_bid(bid=bid, by=user)
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED


def test_a_new_bids_checklist(tender2, supplier):
    org, user = supplier
    lot = lots(tender2)[0]
    bid = bid_actions.start_bid(lot=lot, supplier=org, by=user)
    checklist = bid_checklist(bid)
    summary = [(i.kind, i.title, i.complete, i.status) for i in checklist.items]
    assert summary == [
        (Kind.PRICE, "Price", False, "Not started"),
        (Kind.ANSWER, "Question 1", False, "Not started"),
        (Kind.ANSWER, "Question 2", False, "Not started"),
        (Kind.ATTACHMENTS, "Attachments", True, "None uploaded"),
        (Kind.DECLARATION, "Your exclusion declaration", True, "Completed"),
    ]
    assert checklist.problems == ["Enter your price", "Answer question 1", "Answer question 2"]

    bid_actions.add_attachment(bid=bid, by=user, title="Method", upload=testing.pdf("m.pdf"))
    attachments = bid_checklist(bid).items[3]
    assert attachments.status == "1 file" and attachments.files == ("Method",)


def test_the_declaration_is_an_item_and_refuses_as_before(client, tender2):
    org = testing.supplier_org("Newcomer Ltd", declared=False)
    user = testing.member(org, "supplier_admin")
    lot = lots(tender2)[1]
    bid = bid_actions.start_bid(lot=lot, supplier=org, by=user)
    answer_all(bid, user)
    item = bid_checklist(bid).items[-1]
    assert item.kind == Kind.DECLARATION and not item.complete and item.own_declaration
    assert "Newcomer Ltd has no current exclusion declaration" in item.problem
    with pytest.raises(DomainError) as refused:
        bid_actions.submit_bid(bid=bid, by=user)
    assert refused.value.code == "exclusion_declaration"

    client.force_login(user)
    page = client.get(reverse("bids:edit", args=[lot.pk])).content.decode()
    assert f'href="{reverse("suppliers:declaration")}"' in page
    assert "Cannot submit" in page


def test_the_bid_page_shows_the_checklist_with_links_to_fix(client, tender2, supplier):
    org, user = supplier
    lot = lots(tender2)[0]
    first, second = lot.questions.order_by("number")
    bid = bid_actions.start_bid(lot=lot, supplier=org, by=user)
    bid_actions.save_bid(bid=bid, by=user, answers={first.pk: "one two three four five six"})
    client.force_login(user)
    page = client.get(reverse("bids:edit", args=[lot.pk])).content.decode()
    assert 'class="govuk-task-list"' in page
    assert 'href="#id_price"' in page
    assert f'href="#id_answer_{second.pk}"' in page
    assert "Over the word limit" in page and "Your answer to question 1 is 6 words" in page
    assert "1 of 5 done" in page or "2 of 5 done" in page
    # After each autosave the page fetches the task list again.
    assert f'hx-get="{reverse("bids:checklist", args=[bid.pk])}"' in page
    fragment = client.get(reverse("bids:checklist", args=[bid.pk])).content.decode()
    assert "Over the word limit" in fragment and "<html" not in fragment


def test_autosave_keeps_an_over_limit_answer_and_says_so(client, tender2, supplier):
    org, user = supplier
    lot = lots(tender2)[0]
    question = lot.questions.order_by("number").first()
    bid = bid_actions.start_bid(lot=lot, supplier=org, by=user)
    client.force_login(user)
    url = reverse("bids:autosave", args=[bid.pk, question.pk])
    text = "one two three four five six seven"
    response = client.post(url, {f"answer_{question.pk}": text})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith("Saved at ")
    assert body.endswith("It is 2 words over the 5-word limit: shorten it before you submit.")
    assert response["HX-Trigger"] == "lf-bid-saved"
    assert BidAnswer.objects.get(bid=bid, question=question).text == text


def test_each_lot_is_submitted_on_its_own(client, tender2, supplier):
    org, user = supplier
    first_lot, second_lot = lots(tender2)
    over = bid_actions.start_bid(lot=first_lot, supplier=org, by=user)
    answer_all(over, user, text="far too many words for this little limit")
    good = bid_actions.start_bid(lot=second_lot, supplier=org, by=user)
    answer_all(good, user)
    client.force_login(user)
    url = reverse("bids:tender", args=[tender2.reference])
    page = client.get(url).content.decode()
    assert "Lot 1: " in page and "Lot 2: Reablement" in page
    assert "Submit your bid for lot 1" in page and "Submit your bid for lot 2" in page
    assert "Over the word limit" in page
    assert f'href="{reverse("bids:edit", args=[first_lot.pk])}#id_answer_' in page

    refused = client.post(reverse("bids:submit_lot", args=[over.pk]))
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Your bid for lot 1 was not submitted" in text
    assert "Your answer to question 1 is 8 words, over its 5-word limit" in text
    assert 'href="#lot-1"' in text

    submitted = client.post(reverse("bids:submit_lot", args=[good.pk]))
    assert submitted.status_code == 302 and submitted["Location"] == url
    over.refresh_from_db()
    good.refresh_from_db()
    assert over.status == BidStatus.DRAFT and good.status == BidStatus.SUBMITTED
    page = client.get(url).content.decode()
    assert "Your bid for lot 2 has been submitted" in page
    assert "View your receipt for lot 2" in page and "Submit your bid for lot 1" in page


def test_the_tender_page_is_for_the_suppliers_own_bids(client, tender2, supplier, other_supplier):
    org, user = supplier
    bid = bid_actions.start_bid(lot=lots(tender2)[0], supplier=org, by=user)
    _, rival = other_supplier
    client.force_login(rival)
    page = client.get(reverse("bids:tender", args=[tender2.reference])).content.decode()
    assert "Start a bid for lot 1" in page and "Submit your bid" not in page
    assert client.post(reverse("bids:submit_lot", args=[bid.pk])).status_code == 404
    assert client.get(reverse("bids:checklist", args=[bid.pk])).status_code == 404


def test_the_checklist_in_the_api(client, tender2, supplier, other_supplier):
    org, user = supplier
    lot = lots(tender2)[0]
    bid = bid_actions.start_bid(lot=lot, supplier=org, by=user)
    answer_all(bid, user, text="one two three four five six")
    token = create_api_token(user=user, name="t")[1]
    response = client.get(
        f"/api/supplier/bids/{bid.pk}/checklist", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["bid_id"] == bid.pk and body["complete"] is False
    answer = body["items"][1]
    assert answer["kind"] == "answer" and answer["words"] == 6 and answer["word_limit"] == 5
    assert answer["status"] == "Over the word limit" and answer["complete"] is False
    got = client.get(f"/api/supplier/bids/{bid.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert got.json()["problems"][0].startswith("Your answer to question 1 is 6 words")
    submit = client.post(
        f"/api/supplier/bids/{bid.pk}/submit", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert submit.status_code == 400 and submit.json()["code"] == "bid_incomplete"

    _, rival = other_supplier
    rival_token = create_api_token(user=rival, name="t")[1]
    other = client.get(
        f"/api/supplier/bids/{bid.pk}/checklist", HTTP_AUTHORIZATION=f"Bearer {rival_token}"
    )
    assert other.status_code == 404


def test_an_autosave_after_the_session_ended_says_so(client, tender2, supplier):
    org, user = supplier
    lot = lots(tender2)[0]
    question = lot.questions.order_by("number").first()
    bid = bid_actions.start_bid(lot=lot, supplier=org, by=user)
    client.force_login(user)
    url = reverse("bids:autosave", args=[bid.pk, question.pk])
    assert client.post(url, {f"answer_{question.pk}": "Kept."}).status_code == 200
    Session.objects.all().delete()  # the session ends on the server

    response = client.post(url, {f"answer_{question.pk}": "Kept. Typed after."})
    assert response.status_code == 401
    assert response.content.decode().startswith("Not saved: you have been signed out.")
    assert "last saved is kept" in response.content.decode()
    assert BidAnswer.objects.get(bid=bid, question=question).text == "Kept."


def test_a_consortium_bid_lists_each_members_and_subcontractors_declaration(client, tender2):
    from levelfield.suppliers import actions as supplier_actions

    lead, lead_admin = testing.supplier_with_user("Wessex Community Care Trust")
    member = testing.supplier_org("Three Rivers Care CIC", declared=False)
    member_admin = testing.member(member, "supplier_admin")
    sub, _ = testing.supplier_with_user("Kennet Home Care Ltd")
    consortium = testing.accepted_consortium(
        lead=lead,
        lead_admin=lead_admin,
        member=member,
        member_admin=member_admin,
        name="Wessex Care Partnership",
    )
    lot = lots(tender2)[1]
    bid = bid_actions.start_bid(lot=lot, supplier=consortium.organisation, by=lead_admin)
    answer_all(bid, lead_admin)
    supplier_actions.add_subcontractor(
        bid=bid,
        by=lead_admin,
        name="Kennet Home Care Ltd",
        size="small",
        share_percent=Decimal("20"),
        description="Night visits",
        relied_on=True,
        organisation=sub,
    )
    declarations = [i for i in bid_checklist(bid).items if i.kind == Kind.DECLARATION]
    assert [(i.title, i.complete) for i in declarations] == [
        ("Exclusion declaration: Wessex Community Care Trust (consortium lead)", True),
        ("Exclusion declaration: Three Rivers Care CIC (consortium member)", False),
        ("Exclusion declaration: Kennet Home Care Ltd (subcontractor relied on)", True),
    ]
    assert "Three Rivers Care CIC (consortium member) has no current" in declarations[1].problem

    client.force_login(lead_admin)
    page = client.get(
        reverse("bids:tender", args=[tender2.reference]) + f"?for={consortium.organisation.pk}"
    ).content.decode()
    assert "Wessex Care Partnership's bids for each lot" in page
    assert f'href="{reverse("suppliers:consortium", args=[consortium.pk])}"' in page
    assert f'href="{reverse("suppliers:subcontractors", args=[bid.pk])}"' in page
