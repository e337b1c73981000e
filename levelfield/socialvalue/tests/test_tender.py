"""In the tender: the buyer picks policy outcomes, the platform proposes social value questions
from the model, and the weight rule gives the same verdict on the page, in the API and in the
publish action."""

import html
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from levelfield.accounts.actions import create_api_token
from levelfield.core.errors import InvalidTransition, RuleFailed
from levelfield.evaluation.selectors import tender_results
from levelfield.socialvalue import actions, selectors
from levelfield.socialvalue.models import LotOutcome, SocialValueQuestion
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.models import Question
from tests.support import testing

from .conftest import adopt, import_measures, outcomes, social_value_tender

pytestmark = pytest.mark.django_db


def lot_url(tender, name="lot"):
    return reverse(f"socialvalue:{name}", args=[tender.pk, tender.lots.get().pk])


def test_the_buyer_picks_outcomes_and_adds_the_proposed_questions_through_the_pages(
    client, buyer, officer
):
    tender = testing.draft_tender(
        buyer=buyer, by=officer, price_weight=40, questions=(("quality", 50),)
    )
    framework = import_measures(buyer, officer)
    client.force_login(officer)
    detail = client.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
    assert f'href="{lot_url(tender)}"' in detail and "Choose social value outcomes" in detail

    page = client.get(lot_url(tender))
    assert page.status_code == 200
    assert "Social value must be at least 10% of the total score (PPN-002)" in (
        page.content.decode()
    )
    # Pick two outcomes of the model in force today, with the buyer's proxy values.
    chosen = outcomes("G1", "E1")
    response = client.post(
        lot_url(tender, "outcomes"),
        {
            "outcomes": [o.pk for o in chosen],
            "framework": str(framework.pk),
            "reporting_months": "6",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == lot_url(tender, "propose")
    link = selectors.link_of(tender)
    assert (link.model.code, link.framework, link.reporting_months) == ("PPN-002", framework, 6)
    assert LotOutcome.objects.filter(lot=tender.lots.get()).count() == 2

    page = client.get(lot_url(tender, "propose"))
    form = page.context["form"]
    assert form.count == 2
    # Proposed: one question per outcome, 10 points shared, which meets the rule.
    assert [form[f"weight_{i}"].value() for i in range(2)] == [Decimal("5"), Decimal("5")]
    assert page.context["preview"].ok and not page.context["current"].ok

    data = {"count": "2", "add": "1"}
    for i in range(2):
        for name in ("text", "guidance", "weight", "outcome", "criterion", "sub"):
            value = form[f"{name}_{i}"].value()
            data[f"{name}_{i}"] = "" if value is None else str(value)
        data[f"include_{i}"] = "on"
    data["text_1"] = "Our own wording: how will you cut emissions from your fleet?"
    data["weight_0"], data["weight_1"] = "6", "4"
    response = client.post(lot_url(tender, "propose"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("tenders:detail", args=[tender.pk])
    added = list(tender.lots.get().questions.filter(kind=Question.Kind.SOCIAL_VALUE))
    assert [(q.number, q.weight) for q in added] == [(2, Decimal("6")), (3, Decimal("4"))]
    assert added[1].text == "Our own wording: how will you cut emissions from your fleet?"
    assert "We will assess your answer against:" in added[0].guidance
    assert SocialValueQuestion.objects.get(question=added[0]).outcome.code == "G1"
    assert selectors.weight_check(tender.lots.get()).ok
    tender_actions.publish_tender(tender=tender, by=officer)


def test_the_rule_is_explained_on_the_page_when_it_fails(client, buyer, officer):
    tender = testing.draft_tender(
        buyer=buyer, by=officer, price_weight=40, questions=(("quality", 55),)
    )
    lot = tender.lots.get()
    actions.choose_outcomes(lot=lot, by=officer, outcomes=outcomes("O1"))
    client.force_login(officer)
    page = client.get(lot_url(tender, "propose")).content.decode()
    # Now: no social value at all. With the proposal (10): the weights total 105.
    assert "Social value must be at least 10% of the total score (PPN-002). It is 0 of 95" in page
    assert "Weights must total 100. Price 40 + quality 55 + social value 10 = 105" in page
    # A weight the buyer types is checked again before anything is added.
    form = client.get(lot_url(tender, "propose")).context["form"]
    data = {"count": "1", "check": "1", "include_0": "on", "weight_0": "5"}
    for name in ("text", "guidance", "outcome", "criterion", "sub"):
        data[f"{name}_0"] = form[f"{name}_0"].value() or ""
    page = client.post(lot_url(tender, "propose"), data).content.decode()
    assert "It is 5 of 100 = 5.0%" in page
    assert not lot.questions.filter(kind="social_value").exists()


def test_proposals_per_sub_criterion_and_their_weights():
    assert selectors.split_weight(Decimal("10"), 3) == [
        Decimal("3.34"),
        Decimal("3.33"),
        Decimal("3.33"),
    ]
    assert sum(selectors.split_weight(Decimal("10"), 7)) == Decimal("10")


def test_outcomes_and_questions_are_fixed_once_the_tender_is_published(client, tender, officer):
    client.force_login(officer)
    response = client.get(lot_url(tender, "outcomes"))
    assert response.status_code == 302
    with pytest.raises(InvalidTransition):
        actions.choose_outcomes(lot=tender.lots.get(), by=officer, outcomes=outcomes("G1"))
    assert client.get(lot_url(tender)).status_code == 200


def test_other_buyers_and_suppliers_cannot_see_the_pages(client, tender, supplier):
    from levelfield.accounts.models import Role

    other = testing.buyer_org("Other Council")
    client.force_login(testing.member(other, Role.BUYER_ADMIN))
    assert client.get(lot_url(tender)).status_code == 404
    client.force_login(supplier[1])
    assert client.get(lot_url(tender)).status_code == 404


def test_worked_example_two_sub_criteria_of_5_and_a_bid_scoring_100_and_50_gets_7_5_of_10(
    buyer, officer, buyer_admin, evaluator, supplier
):
    """Price 40, quality 50, social value 10 made of two sub-criteria of 5 each (the PPN 002
    outcome 'Closing the disability employment gap' has two sub-criteria, so one question
    for each is proposed with 10 / 2 = 5 points).

    Hand calculation, weighted score = raw / maximum x weight, the scale out of 100:
      social value question 1 (first sub-criterion):  100 / 100 x 5 = 5
      social value question 2 (second sub-criterion):  50 / 100 x 5 = 2.5
      social value: 5 + 2.5 = 7.5 of 10
      quality: 100 / 100 x 50 = 50; price: the only bid is the lowest, 40 / 40 x 40 = 40
      total: 40 + 50 + 7.5 = 97.5
    """
    tender = social_value_tender(
        buyer=buyer, by=officer, codes=("O1",), per=selectors.PER_SUB_CRITERION
    )
    lot = tender.lots.get()
    questions = list(lot.questions.order_by("number"))
    assert [(q.kind, q.weight) for q in questions] == [
        ("quality", Decimal("50")),
        ("social_value", Decimal("5")),
        ("social_value", Decimal("5")),
    ]
    org, user = supplier
    bid = testing.submitted_bid(tender=tender, supplier=org, by=user, price="100000")
    with testing.after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)
        testing.score_everything(
            tender=tender,
            officer=officer,
            evaluator=evaluator,
            scores={(bid.pk, 1): 100, (bid.pk, 2): 100, (bid.pk, 3): 50},
        )
        [result] = tender_results(tender)[0].results
    assert [q.points for q in result.questions] == [Decimal("50"), Decimal("5"), Decimal("2.5")]
    assert result.social_value_points == Decimal("7.5")
    assert result.total == Decimal("97.5")


# ---------------------------------------------------------------------------------------------
# The same verdict everywhere


@st.composite
def award_criteria(draw):
    """A lot's price weight, formula and questions: often weights that meet the rule, otherwise
    anything the forms accept."""
    formula = draw(st.sampled_from(["lowest_price", "proportional", "price_per_quality_point"]))
    weight = st.integers(min_value=1, max_value=100).map(Decimal)
    half = st.integers(min_value=1, max_value=199).map(lambda n: Decimal(n) / 2)
    if formula == "price_per_quality_point" and draw(st.booleans()):
        price = Decimal(0)
    else:
        price = draw(st.integers(min_value=0, max_value=80).map(Decimal))
    if draw(st.booleans()):
        # Totals 100 with social value from just under to well over 10 points.
        social_total = Decimal(draw(st.integers(min_value=16, max_value=int(100 - price) * 2))) / 2
        first = Decimal(draw(st.integers(min_value=1, max_value=int(social_total * 2)))) / 2
        social = [first, social_total - first] if first < social_total else [social_total]
        remainder = Decimal(100) - price - social_total
        quality = [remainder] if remainder > 0 else []
    else:
        social = draw(st.lists(st.one_of(weight, half), min_size=0, max_size=2))
        quality = draw(st.lists(weight, min_size=0, max_size=2))
    questions = [("quality", w) for w in quality] + [("social_value", w) for w in social]
    return price, formula, questions


def rolled_back(do):
    """Run `do()` and undo whatever it wrote."""

    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            outcome = do()
            raise Undo(outcome)
    except Undo as undone:
        return undone.args[0]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(criteria=award_criteria())
def test_any_weights_get_the_same_verdict_on_the_page_in_the_api_and_from_publish(
    client, buyer, officer, criteria
):
    price, formula, questions = criteria
    client.force_login(officer)
    _, secret = create_api_token(user=officer, name="hypothesis")

    def verdicts():
        tender = testing.draft_tender(
            buyer=buyer, by=officer, price_weight=price, questions=questions, formula=formula
        )
        page = client.get(lot_url(tender))
        check = page.context["check"]
        text = html.unescape(page.content.decode())
        for failure in check.failures:
            assert failure in text
        assert ("Meets the social value rule" in text) == check.ok
        # The tender page says the same.
        detail = client.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
        assert ("Weights meet the rules" in detail) == check.ok

        api = rolled_back(
            lambda: client.post(
                f"/api/buyer/tenders/{tender.pk}/publish",
                HTTP_AUTHORIZATION=f"Bearer {secret}",
            )
        )

        def publish():
            try:
                tender_actions.publish_tender(tender=tender, by=officer)
            except RuleFailed as exc:
                return exc.details
            return []

        action = rolled_back(publish)
        api_details = [] if api.status_code == 200 else api.json()["details"]
        return check, api, api_details, action

    check, api, api_details, action = rolled_back(verdicts)
    assert api.status_code in (200, 422)
    event("passes" if check.ok else "fails")
    assert check.ok == (api.status_code == 200) == (not action)
    assert set(check.failures) == set(api_details) == set(action)


def test_a_tender_whose_questions_were_adopted_then_edited_keeps_its_source(buyer, officer):
    tender = testing.draft_tender(
        buyer=buyer, by=officer, price_weight=40, questions=(("quality", 50),)
    )
    lot = tender.lots.get()
    actions.choose_outcomes(lot=lot, by=officer, outcomes=outcomes("H1"))
    [question] = adopt(lot, officer)
    tender_actions.update_question(question=question, by=officer, weight=Decimal("10"))
    assert question.social_value_source.outcome.code == "H1"
    assert selectors.metrics_for(lot)[0].code == "H1-M1"
