from decimal import Decimal

from levelfield.contracts import actions as contract_actions
from levelfield.core import clock
from levelfield.tenders import actions as tender_actions
from tests.support import testing


def test_actions_carry_a_tender_from_draft_to_signed(
    tender, officer, buyer_admin, evaluator, supplier, other_supplier
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
        decisions = contract_actions.confirm_award(tender=tender, by=buyer_admin)
        assert decisions[0].winning_bid == bid_a
        tender = contract_actions.publish_award_notice(tender=tender, by=officer)
    with clock.frozen_at(tender.standstill_ends_at):
        contract = contract_actions.record_contract(
            lot=tender.lots.get(),
            by=officer,
            value=Decimal("100000"),
            start_date=tender.contract_start,
            end_date=tender.contract_end,
        )
        contract_actions.sign_contract(contract=contract, by=buyer_admin)
    tender.refresh_from_db()
    assert tender.status == "contract_signed"
