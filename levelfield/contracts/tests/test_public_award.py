"""After the award notice the public sees who won and for how much, and every published step
links to its OCDS record; before it, nothing of the decision is public."""

from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.contracts import actions as contract_actions
from levelfield.core import clock
from levelfield.core.errors import InvalidTransition
from levelfield.opendata.models import Release
from levelfield.tenders import actions as tender_actions
from levelfield.tenders import ocds as tender_ocds
from tests.support import testing

pytestmark = pytest.mark.django_db


def test_award_and_contract_become_public_with_their_releases(
    client, tender, officer, buyer_admin, evaluator, supplier, other_supplier
):
    org_a, user_a = supplier
    org_b, user_b = other_supplier
    bid_a = testing.submitted_bid(tender=tender, supplier=org_a, by=user_a, price="100000")
    bid_b = testing.submitted_bid(tender=tender, supplier=org_b, by=user_b, price="80000")
    page = reverse("public:opportunity", args=[tender.reference])
    record_link = f"/api/ocds/records/{tender_ocds.ocid(tender)}"
    assert record_link in client.get(page).content.decode()
    with testing.after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)
        testing.score_everything(
            tender=tender,
            officer=officer,
            evaluator=evaluator,
            scores={(bid_a.pk, 1): 100, (bid_a.pk, 2): 100, (bid_b.pk, 1): 50, (bid_b.pk, 2): 50},
        )
        contract_actions.confirm_award(tender=tender, by=buyer_admin)
        # Decided but not yet announced: nothing public, no award release.
        assert "Award and contract" not in client.get(page).content.decode()
        published = Release.objects.filter(ocid=tender_ocds.ocid(tender))
        assert [r.tags for r in published] == [["tender"]]
        tender = contract_actions.publish_award_notice(tender=tender, by=officer)
        body = client.get(page).content.decode()
        assert "Award and contract" in body and "Acorn Care Ltd" in body and "£100,000" in body
    with clock.frozen_at(tender.standstill_ends_at):
        contract = contract_actions.record_contract(
            lot=tender.lots.get(),
            by=officer,
            value=Decimal("99000"),
            start_date=tender.contract_start,
            end_date=tender.contract_end,
        )
        contract_actions.sign_contract(contract=contract, by=buyer_admin)
        with pytest.raises(InvalidTransition, match="already signed"):
            contract_actions.sign_contract(contract=contract, by=buyer_admin)
    body = client.get(page).content.decode()
    assert "£99,000" in body and record_link in body
    tags = list(
        Release.objects.filter(ocid=tender_ocds.ocid(tender))
        .order_by("position")
        .values_list("tags", flat=True)
    )
    assert tags == [["tender"], ["award"], ["contract"]]
