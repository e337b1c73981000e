"""The assessment summary explains itself: per criterion, the bidder's score and the winner's
with the reasons agreed at moderation, and when the standstill ends, with its zone."""

from datetime import UTC, datetime

from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.contracts import actions as contract_actions
from levelfield.core import clock
from levelfield.evaluation import actions as evaluation_actions
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.models import Question
from tests.support import testing

# Wednesday 8 December 2027, 10am GMT. Eight working days after it (s.51): Thu 9, Fri 10,
# Mon 13, Tue 14, Wed 15, Thu 16, Fri 17, Mon 20 December; the standstill ends at the
# midnight that ends Monday 20 December.
NOTICE_AT = datetime(2027, 12, 8, 10, 0, tzinfo=UTC)
STANDSTILL_SHOWN = "midnight at the end of Monday 20 December 2027 (00:00 GMT on 21 December 2027)"


def _awarded(tender, officer, buyer_admin, evaluator, supplier, other_supplier):
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
        reasons = {
            (bid_a.pk, 1): "A named manager for each visit & a tested rota.",
            (bid_a.pk, 2): "Ten local apprenticeships with a named mentor.",
            (bid_b.pk, 1): "The rota leaves weekend cover unexplained.",
            (bid_b.pk, 2): "Two apprenticeships, without a plan to recruit locally.",
        }
        for (bid_id, number), rationale in reasons.items():
            bid = bid_a if bid_id == bid_a.pk else bid_b
            evaluation_actions.moderate(
                bid=bid,
                question=Question.objects.get(lot=bid.lot, number=number),
                by=officer,
                score=100 if bid is bid_a else 50,
                rationale=rationale,
            )
        contract_actions.confirm_award(tender=tender, by=buyer_admin)
    return bid_a, bid_b, user_a, user_b


def test_the_losing_bidder_reads_its_reasons_and_the_winners_and_the_standstill_end(
    client, tender, officer, buyer_admin, evaluator, supplier, other_supplier
):
    bid_a, bid_b, user_a, user_b = _awarded(
        tender, officer, buyer_admin, evaluator, supplier, other_supplier
    )
    client.force_login(user_b)
    body = client.get(reverse("bids:summary", args=[bid_b.pk])).content.decode()
    assert "Q1 (quality): the reasons for the scores" in body
    assert "The rota leaves weekend cover unexplained." in body
    assert "Two apprenticeships, without a plan to recruit locally." in body
    # The winner's relative advantages, as the buyer agreed them (escaped as text).
    assert "A named manager for each visit &amp; a tested rota." in body
    assert "Ten local apprenticeships with a named mentor." in body
    # Before the award notice there is no standstill yet.
    assert "Not started: the standstill period starts when the buyer publishes" in body

    with clock.frozen_at(NOTICE_AT):
        contract_actions.publish_award_notice(tender=tender, by=officer)
    body = client.get(reverse("bids:summary", args=[bid_b.pk])).content.decode()
    assert STANDSTILL_SHOWN in body

    _, secret = create_api_token(user=user_b, name="tests")
    api = client.get(
        f"/api/supplier/bids/{bid_b.pk}/assessment-summary",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert api.status_code == 200, api.content.decode()
    data = api.json()
    # Midnight GMT is midnight UTC in December.
    assert data["standstill_ends_at"].startswith("2027-12-21T00:00:00")
    assert data["rows"][0]["your_reasons"] == "The rota leaves weekend cover unexplained."
    assert data["rows"][0]["winner_reasons"] == "A named manager for each visit & a tested rota."


def test_the_winner_reads_its_own_reasons_once(
    client, tender, officer, buyer_admin, evaluator, supplier, other_supplier
):
    bid_a, bid_b, user_a, user_b = _awarded(
        tender, officer, buyer_admin, evaluator, supplier, other_supplier
    )
    client.force_login(user_a)
    body = client.get(reverse("bids:summary", args=[bid_a.pk])).content.decode()
    assert body.count("Ten local apprenticeships with a named mentor.") == 1
    assert "The winning bid (" not in body
    # Nothing of the losing bid reaches the winner.
    assert "weekend cover" not in body
