"""After the deadline the buyer sees who had a complete bid and did not submit it ("Complete, not
submitted: N", suppliers by lot), on the evaluation page and in the API; the bids stay sealed
(no price, answer or file), and before the deadline nothing about them shows at all."""

from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.bids import actions as bid_actions
from tests.support import testing

PRICE = Decimal("76543.21")
ANSWER = "DRAFT-ANSWER-4b1e never submitted"
MARKERS = ("76543.21", "76,543.21", ANSWER, "draft-file-9d2c")


def draft(tender, name, *, complete=True, submit_then_withdraw=False):
    organisation, user = testing.supplier_with_user(name)
    lot = tender.lots.get()
    bid = bid_actions.start_bid(lot=lot, supplier=organisation, by=user)
    questions = list(lot.questions.all())
    answers = {q.pk: ANSWER for q in (questions if complete else questions[:-1])}
    bid_actions.save_bid(bid=bid, by=user, price=PRICE, answers=answers)
    bid_actions.add_attachment(bid=bid, by=user, title="draft-file-9d2c", upload=testing.pdf())
    if submit_then_withdraw:
        bid_actions.submit_bid(bid=bid, by=user)
        bid_actions.withdraw_bid(bid=bid, by=user)
    return bid


@pytest.fixture
def drafts(tender, supplier):
    org, user = supplier
    testing.submitted_bid(tender=tender, supplier=org, by=user, price="90000")
    draft(tender, "Willow Care Ltd")
    draft(tender, "alder Home Help CIC", submit_then_withdraw=True)
    draft(tender, "Incomplete Care Ltd", complete=False)


def page(client, user, tender):
    client.force_login(user)
    response = client.get(reverse("evaluation:overview", args=[tender.pk]))
    assert response.status_code == 200
    return response.content.decode()


def api(client, user, tender):
    _, secret = create_api_token(user=user, name="tests")
    return client.get(
        f"/api/buyer/tenders/{tender.pk}/complete-not-submitted",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.BUYER_ADMIN, Role.BUYER_OFFICER, Role.EVALUATOR])
def test_before_the_deadline_nothing_of_an_unsubmitted_bid_shows(
    client, buyer, tender, drafts, role
):
    user = testing.member(buyer, role)
    html = page(client, user, tender)
    assert "Complete, not submitted" not in html
    for text in ("Willow Care Ltd", "alder Home Help CIC", *MARKERS):
        assert text not in html
    response = api(client, user, tender)
    assert response.status_code == 404
    assert response.json()["code"] == "sealed"


@pytest.mark.django_db
def test_after_the_deadline_the_buyer_sees_who_did_not_submit_a_complete_bid_and_nothing_more(
    client, tender, officer, drafts, supplier
):
    with testing.after_deadline(tender):
        html = page(client, officer, tender)
        response = api(client, officer, tender)
    assert "Complete, not submitted: 2" in html
    section = html[html.index('id="complete-not-submitted"') :]
    section = section[: section.index("</table>")]
    # the draft and the bid withdrawn and not submitted again, in alphabetical order
    assert section.index("alder Home Help CIC") < section.index("Willow Care Ltd")
    # not the incomplete draft, nor the bid that was submitted
    assert "Incomplete Care Ltd" not in section and supplier[0].name not in section
    for marker in MARKERS:
        assert marker not in html

    assert response.status_code == 200
    lot = tender.lots.get()
    assert response.json() == {
        "count": 2,
        "lots": [
            {
                "lot_id": lot.pk,
                "lot_number": 1,
                "lot_title": lot.title,
                "suppliers": ["alder Home Help CIC", "Willow Care Ltd"],
            }
        ],
    }


@pytest.mark.django_db
def test_with_every_complete_bid_submitted_the_page_says_none(client, tender, officer, supplier):
    org, user = supplier
    testing.submitted_bid(tender=tender, supplier=org, by=user, price="90000")
    with testing.after_deadline(tender):
        html = page(client, officer, tender)
        assert api(client, officer, tender).json()["count"] == 0
    assert "Complete, not submitted: 0" in html
    assert "every complete bid was submitted" in html


@pytest.mark.django_db
def test_evaluators_and_other_buyers_do_not_see_the_list(client, buyer, tender, drafts):
    evaluator = testing.member(buyer, Role.EVALUATOR)
    elsewhere = testing.member(testing.buyer_org("Other Council"), Role.BUYER_ADMIN)
    with testing.after_deadline(tender):
        html = page(client, evaluator, tender)
        assert api(client, evaluator, tender).status_code == 403
        assert api(client, elsewhere, tender).status_code == 404
    assert "Complete, not submitted" not in html and "Willow Care Ltd" not in html


@pytest.mark.django_db
def test_the_documentation_says_what_an_evaluator_is_answered(client):
    """A client reading only /api/docs learns the 403 an evaluator meets (the test above)."""
    doc = client.get("/api/openapi.json").json()
    operation = doc["paths"]["/api/buyer/tenders/{tender_id}/complete-not-submitted"]["get"]
    description = " ".join(operation["description"].split())
    assert "Evaluators: 403 `forbidden`" in description
    assert "404 with code `sealed`" in description
