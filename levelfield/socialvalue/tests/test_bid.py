"""In the bid: the supplier answers with quantified commitments, sees their value in pounds and
the ratio to its price as it types; commitments are sealed with the bid; evaluators see them as
supporting information."""

from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.bids import actions as bid_actions
from levelfield.core.errors import DeadlinePassed, DomainError, InvalidTransition, PermissionDenied
from levelfield.evaluation import actions as evaluation_actions
from levelfield.socialvalue import actions, selectors
from levelfield.socialvalue.models import Commitment
from levelfield.tenders import actions as tender_actions
from tests.support import testing

from .conftest import commit, measure, social_value_tender

pytestmark = pytest.mark.django_db


@pytest.fixture
def sv_tender(buyer, officer):
    return social_value_tender(buyer=buyer, by=officer, codes=("G1",))


@pytest.fixture
def draft_bid(sv_tender, supplier):
    org, user = supplier
    bid = bid_actions.start_bid(lot=sv_tender.lots.get(), supplier=org, by=user)
    return bid_actions.save_bid(bid=bid, by=user, price=Decimal("200000"))


def commitments_url(bid, name="commitments", *args):
    return reverse(f"socialvalue:{name}", args=[bid.pk, *args])


def form_data(bid, **overrides) -> dict:
    question = bid.lot.questions.get(kind="social_value")
    data = {
        "question": str(question.pk),
        "measure": f"measure:{measure(bid.lot.tender, 'APP').pk}",
        "description": "apprenticeships for local care leavers",
        "quantity": "6",
        "unit": "",
        "contract_year": "1",
        "location": "Shaston and Melchester",
        "beneficiaries": "care leavers aged 16 to 25",
    }
    data.update(overrides)
    return data


def test_the_supplier_adds_commitments_and_sees_their_value_without_javascript(
    client, draft_bid, supplier
):
    client.force_login(supplier[1])
    bid_page = client.get(reverse("bids:edit", args=[draft_bid.lot_id])).content.decode()
    assert commitments_url(draft_bid) in bid_page
    assert "Add or change your social value commitments" in bid_page

    page = client.get(commitments_url(draft_bid))
    assert page.status_code == 200
    assert "APP: Apprenticeships for local people (apprenticeships, £2,500 each)" in (
        page.content.decode()
    )
    response = client.post(commitments_url(draft_bid), form_data(draft_bid))
    assert response.status_code == 302
    commitment = Commitment.objects.get(bid=draft_bid)
    assert (commitment.quantity, commitment.unit, commitment.contract_year) == (
        Decimal("6"),
        "apprenticeships",
        1,
    )
    page = client.get(commitments_url(draft_bid)).content.decode()
    # 6 x £2,500 = £15,000; against a price of £200,000: 15,000 / 200,000 = 0.075 -> £0.08.
    assert "£15,000" in page
    assert "£0.08 for every £1" in page


def test_the_value_and_ratio_come_back_as_the_supplier_types(client, draft_bid, supplier):
    org, user = supplier
    commit(draft_bid, user, code="VOL", quantity="100")  # 100 x £15.50 = £1,550
    client.force_login(user)
    page = client.get(commitments_url(draft_bid)).content.decode()
    assert 'hx-post="' + commitments_url(draft_bid, "commitment_value") + '"' in page
    assert 'hx-trigger="input changed delay:300ms"' in page
    response = client.post(
        commitments_url(draft_bid, "commitment_value"),
        form_data(draft_bid, quantity="4"),
        HTTP_HX_REQUEST="true",
    )
    fragment = response.content.decode()
    assert response.status_code == 200 and "<html" not in fragment
    # This one: 4 x £2,500 = £10,000; with the other: £11,550; / £200,000 = 0.05775 -> £0.06.
    assert "£10,000" in fragment
    assert "£11,550" in fragment
    assert "£0.06 for every £1" in fragment
    # Nothing was saved by asking.
    assert Commitment.objects.filter(bid=draft_bid).count() == 1


def test_bad_input_is_shown_and_nothing_typed_is_lost(client, draft_bid, supplier):
    client.force_login(supplier[1])
    response = client.post(
        commitments_url(draft_bid),
        form_data(draft_bid, quantity="lots", location="", measure=""),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter how many as a number, like 6" in page
    assert "Say where the benefit will happen" in page
    assert "apprenticeships for local care leavers" in page
    response = client.post(commitments_url(draft_bid), form_data(draft_bid, measure=""))
    assert "Enter the unit" in response.content.decode()
    assert not Commitment.objects.exists()


def test_commitments_change_only_while_the_bid_may(sv_tender, draft_bid, supplier, client):
    org, user = supplier
    first = commit(draft_bid, user)
    actions.update_commitment(commitment=first, by=user, quantity=Decimal("8"))
    first.refresh_from_db()
    assert first.quantity == Decimal("8")
    draft_bid = bid_actions.save_bid(
        bid=draft_bid, by=user, answers={q.pk: "Our answer." for q in draft_bid.lot.questions.all()}
    )
    bid_actions.submit_bid(bid=draft_bid, by=user)
    with pytest.raises(InvalidTransition):
        commit(draft_bid, user)
    with pytest.raises(InvalidTransition):
        actions.remove_commitment(commitment=first, by=user)
    client.force_login(user)
    page = client.get(commitments_url(draft_bid)).content.decode()
    assert "withdraw your bid" in page and "Add the commitment" not in page
    # Withdrawn, it may change again, until the deadline.
    bid_actions.withdraw_bid(bid=draft_bid, by=user)
    commit(draft_bid, user, code="VOL", quantity="50")
    with testing.after_deadline(sv_tender):
        with pytest.raises(DeadlinePassed):
            commit(draft_bid, user)
        page = client.get(commitments_url(draft_bid)).content.decode()
        assert "The submission deadline has passed" in page


def test_a_commitment_must_answer_a_social_value_question_of_the_lot(draft_bid, supplier):
    org, user = supplier
    quality = draft_bid.lot.questions.get(kind="quality")
    with pytest.raises(DomainError) as refused:
        commit(draft_bid, user, question=quality)
    assert "social value questions" in str(refused.value)
    years = selectors.years_of(draft_bid.lot.tender)
    with pytest.raises(DomainError, match=f"contract year from 1 to {years}"):
        commit(draft_bid, user, year=years + 1)


def test_nobody_else_sees_or_changes_a_suppliers_commitments(
    client, draft_bid, supplier, other_supplier, officer
):
    org, user = supplier
    commitment = commit(draft_bid, user)
    client.force_login(other_supplier[1])
    assert client.get(commitments_url(draft_bid)).status_code == 404
    assert client.post(commitments_url(draft_bid), form_data(draft_bid)).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.remove_commitment(commitment=commitment, by=other_supplier[1])
    client.force_login(officer)
    assert client.get(commitments_url(draft_bid)).status_code == 404


def test_sealed_a_buyer_sees_no_commitment_before_the_deadline(
    client, sv_tender, supplier, officer, buyer_admin, evaluator
):
    org, user = supplier
    bid = bid_actions.start_bid(lot=sv_tender.lots.get(), supplier=org, by=user)
    commit(bid, user, quantity="12", description="apprenticeships at the Melchester depot")
    bid = testing.submitted_bid(tender=sv_tender, supplier=org, by=user, price="150000")
    assert Commitment.objects.filter(bid=bid).count() == 1

    # Before the deadline: no buyer role sees anything, by selector, API or page.
    for person in (officer, buyer_admin, evaluator):
        assert not selectors.commitments_for_buyer(person.memberships.get().organisation).exists()
        _, secret = create_api_token(user=person, name="sealed")
        response = client.get(
            f"/api/social-value/buyer/tenders/{sv_tender.pk}/commitments",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
        assert response.status_code == 404 and response.json()["code"] == "sealed"
    client.force_login(officer)
    lot_page = client.get(reverse("socialvalue:lot", args=[sv_tender.pk, bid.lot_id]))
    assert "Melchester depot" not in lot_page.content.decode()

    # After it, the evaluator scoring the social value answer sees them as supporting
    # information, with their value, and the API lists them.
    with testing.after_deadline(sv_tender):
        tender_actions.open_evaluation(tender=sv_tender, by=officer)
        question = sv_tender.lots.get().questions.get(kind="social_value")
        evaluation_actions.declare_conflict(tender=sv_tender, by=evaluator, has_conflict=False)
        evaluation_actions.assign_evaluator(question=question, evaluator=evaluator, by=officer)
        client.force_login(evaluator)
        page = client.get(
            reverse("evaluation:score", args=[sv_tender.pk, bid.pk, question.pk])
        ).content.decode()
        assert "Quantified commitments in this answer" in page
        assert "apprenticeships at the Melchester depot" in page
        assert "£30,000" in page  # 12 x £2,500
        assert "never replaces your judgement" in page
        _, secret = create_api_token(user=officer, name="unsealed")
        body = client.get(
            f"/api/social-value/buyer/tenders/{sv_tender.pk}/commitments",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        ).json()
        assert [(c["quantity"], c["value"], c["supplier"]) for c in body] == [
            ("12.00", "30000.00", org.name)
        ]
    # The quality question's scoring page shows no commitments section.
    quality = sv_tender.lots.get().questions.get(kind="quality")
    evaluation_actions.assign_evaluator(question=quality, evaluator=evaluator, by=officer)
    with testing.after_deadline(sv_tender):
        page = client.get(
            reverse("evaluation:score", args=[sv_tender.pk, bid.pk, quality.pk])
        ).content.decode()
    assert "Quantified commitments" not in page


def test_the_api_adds_and_lists_a_suppliers_commitments(client, draft_bid, supplier):
    org, user = supplier
    _, secret = create_api_token(user=user, name="api")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    question = draft_bid.lot.questions.get(kind="social_value")
    url = f"/api/social-value/supplier/bids/{draft_bid.pk}/commitments"
    response = client.post(
        url,
        {
            "question_id": question.pk,
            "metric_code": "G1-M2",
            "description": "apprenticeships",
            "quantity": "3",
            "contract_year": 2,
            "location": "Shaston",
            "beneficiaries": "young people",
        },
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["unit"], body["metric_code"], body["value"]) == ("apprenticeships", "G1-M2", None)
    assert [c["id"] for c in client.get(url, **auth).json()] == [body["id"]]
    assert client.delete(f"{url}/{body['id']}", **auth).status_code == 204
    assert client.get(url, **auth).json() == []
