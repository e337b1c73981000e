"""The tender lifecycle table, audit events in the same transaction, and the refusals that name
the rule that failed."""

from datetime import timedelta
from decimal import Decimal

import pytest

from levelfield.core import clock
from levelfield.core.errors import DeadlinePassed, InvalidTransition, PermissionDenied, RuleFailed
from levelfield.core.models import AuditEvent
from levelfield.core.policy import policy_for
from levelfield.tenders import actions
from levelfield.tenders.lifecycle import ALLOWED, Status
from levelfield.tenders.models import Tender
from tests.support import testing

pytestmark = pytest.mark.django_db


def test_the_table_allows_cancelling_from_every_state_before_the_contract():
    for state in Status:
        if state in {Status.CONTRACT_SIGNED, Status.CANCELLED}:
            assert Status.CANCELLED not in ALLOWED[state]
        else:
            assert Status.CANCELLED in ALLOWED[state]


def test_publishing_writes_the_state_its_timestamp_and_an_audit_event(buyer, officer):
    tender = testing.draft_tender(buyer=buyer, by=officer)
    tender = actions.publish_tender(tender=tender, by=officer)
    assert tender.status == Status.PUBLISHED and tender.published_at is not None
    assert tender.policy_version == policy_for(clock.today_uk()).code
    event = AuditEvent.objects.get(action="tender.published")
    assert (event.actor, event.object_id) == (officer, str(tender.pk))


def test_social_value_of_5_percent_is_refused_naming_the_rule(buyer, officer):
    tender = testing.draft_tender(
        buyer=buyer, by=officer, price_weight=45, questions=(("quality", 50), ("social_value", 5))
    )
    with pytest.raises(RuleFailed) as refused:
        actions.publish_tender(tender=tender, by=officer)
    assert any(
        "Social value must be at least 10% of the total score" in d for d in refused.value.details
    )
    tender.refresh_from_db()
    assert tender.status == Status.DRAFT
    assert not AuditEvent.objects.filter(action="tender.published").exists()


def test_weights_totalling_95_are_refused(buyer, officer):
    tender = testing.draft_tender(buyer=buyer, by=officer, price_weight=35)
    with pytest.raises(RuleFailed) as refused:
        actions.publish_tender(tender=tender, by=officer)
    assert (
        "Weights must total 100. Price 35 + quality 50 + social value 10 = 95"
        in refused.value.details
    )


def test_price_per_quality_point_measures_social_value_against_the_non_price_score(buyer, officer):
    ok = testing.draft_tender(
        buyer=buyer,
        by=officer,
        price_weight=0,
        formula="price_per_quality_point",
        questions=(("quality", 90), ("social_value", 10)),
    )
    actions.publish_tender(tender=ok, by=officer)
    refused = testing.draft_tender(
        buyer=buyer,
        by=officer,
        price_weight=10,
        formula="price_per_quality_point",
        questions=(("quality", 82), ("social_value", 8)),
    )
    with pytest.raises(RuleFailed) as failure:
        actions.publish_tender(tender=refused, by=officer)
    text = " ".join(failure.value.details)
    assert "price weight must be 0" in text
    assert "at least 10% of the non-price score" in text


def test_a_deadline_in_the_past_is_refused(buyer, officer):
    tender = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=1)
    with clock.frozen_at(clock.now() + timedelta(days=2)), pytest.raises(RuleFailed) as refused:
        actions.publish_tender(tender=tender, by=officer)
    assert "The submission deadline must be in the future" in refused.value.details


def test_an_evaluator_cannot_publish_and_nothing_changes(buyer, officer, evaluator):
    tender = testing.draft_tender(buyer=buyer, by=officer)
    with pytest.raises(PermissionDenied):
        actions.publish_tender(tender=tender, by=evaluator)
    assert Tender.objects.get(pk=tender.pk).status == Status.DRAFT


def test_only_drafts_change_and_published_criteria_are_frozen(tender, officer):
    with pytest.raises(InvalidTransition):
        actions.update_lot(lot=tender.lots.get(), by=officer, price_weight=Decimal("50"))


def test_a_question_after_the_clarification_deadline_is_refused(tender, supplier):
    organisation, user = supplier
    actions.ask_question(
        tender=tender, by=user, organisation=organisation, question="Is TUPE in scope?"
    )
    with clock.frozen_at(tender.clarification_deadline + timedelta(seconds=1)):
        with pytest.raises(DeadlinePassed) as refused:
            actions.ask_question(
                tender=tender, by=user, organisation=organisation, question="And parking?"
            )
    assert "clarification deadline has passed" in refused.value.message
    assert tender.clarifications.count() == 1


def test_cancelling_needs_a_buyer_admin_and_a_reason(tender, officer, buyer_admin):
    with pytest.raises(PermissionDenied):
        actions.cancel_tender(tender=tender, by=officer, reason="Budget withdrawn")
    tender = actions.cancel_tender(tender=tender, by=buyer_admin, reason="Budget withdrawn")
    assert tender.status == Status.CANCELLED and tender.cancelled_at
    with pytest.raises(InvalidTransition):
        actions.open_evaluation(tender=tender, by=officer)
