"""The buyer's social value summary and the supplier's contracts in the API come a page at a
time: the totals still cover every contract, and progress is worked out for the page only."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from levelfield.accounts.actions import create_api_token
from levelfield.core import clock
from levelfield.socialvalue import actions, selectors
from levelfield.socialvalue.models import Obligation

from .conftest import social_value_tender
from .test_contract import at, award, bid_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_contracts(buyer, officer, buyer_admin, evaluator, supplier, other_supplier):
    """Acorn wins two contracts (4 apprenticeships; 2 apprenticeships and 5 tonnes of CO2e with
    no proxy value), Beech one (3 apprenticeships); one apprenticeship delivered and accepted."""
    won = [
        (supplier, [{"code": "APP", "quantity": "4"}]),
        (
            supplier,
            [
                {"code": "APP", "quantity": "2"},
                {"code": "CO2", "quantity": "5", "description": "CO2e avoided"},
            ],
        ),
        (other_supplier, [{"code": "APP", "quantity": "3"}]),
    ]
    contracts = []
    for winner, commitments in won:
        tender = social_value_tender(buyer=buyer, by=officer, codes=("G1",))
        bid = bid_with(tender, *winner, "100000", commitments)
        contracts.append(
            award(tender, officer=officer, buyer_admin=buyer_admin, evaluator=evaluator, bids=[bid])
        )
    first = Obligation.objects.get(contract=contracts[0])
    period = contracts[0].social_value_periods.get(number=1)
    with clock.frozen_at(at(period.starts_on + timedelta(days=5))):
        report = actions.submit_report(
            obligation=first, period=period, by=supplier[1], quantity="1", narrative="One."
        )
        actions.review_report(report=report, by=officer, decision="accepted", reason="Seen.")
    return contracts


def bearer(user) -> dict:
    _, secret = create_api_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def progress_spy(monkeypatch):
    """Records each contract whose progress the API works out."""
    seen = []
    real = selectors.contract_progress

    def spy(contract, today=None):
        seen.append(contract.pk)
        return real(contract, today)

    monkeypatch.setattr(selectors, "contract_progress", spy)
    return seen


def test_the_buyer_summary_is_paginated_and_its_totals_cover_every_contract(
    client, three_contracts, buyer, officer, progress_spy
):
    auth = bearer(officer)
    newest_first = [c.pk for c in selectors.buyer_contracts(buyer)]
    assert sorted(newest_first) == sorted(c.pk for c in three_contracts)

    first = client.get("/api/social-value/buyer/summary?limit=2", **auth)
    assert first.status_code == 200, first.content
    body = first.json()
    # (4 + 2 + 3) apprenticeships x £2,500 promised; 1 x £2,500 delivered; the CO2e has no
    # proxy value, so it is counted but not valued.
    assert (body["promised"], body["delivered"]) == ("22500.00", "2500.00")
    assert (body["obligations"], body["unvalued"], body["count"]) == (4, 1, 3)
    assert [c["contract_id"] for c in body["items"]] == newest_first[:2]
    assert progress_spy == newest_first[:2]

    progress_spy.clear()
    rest = client.get("/api/social-value/buyer/summary?limit=2&offset=2", **auth).json()
    assert [c["contract_id"] for c in rest["items"]] == newest_first[2:]
    assert progress_spy == newest_first[2:]
    # The totals are the same on every page: they never come from the page.
    for key in ("promised", "delivered", "obligations", "unvalued", "count"):
        assert rest[key] == body[key]
    # The pages' contracts add up to the totals.
    pages = body["items"] + rest["items"]
    assert sum(Decimal(c["committed_value"]) for c in pages) == Decimal(body["promised"])
    assert sum(Decimal(c["delivered_value"]) for c in pages) == Decimal(body["delivered"])

    # Past the end: no contracts, the same totals. Bad limits are refused.
    beyond = client.get("/api/social-value/buyer/summary?offset=10", **auth).json()
    assert (beyond["items"], beyond["count"], beyond["promised"]) == ([], 3, "22500.00")
    for bad in ("limit=0", "limit=101", "offset=-1"):
        response = client.get(f"/api/social-value/buyer/summary?{bad}", **auth)
        assert response.status_code == 422, bad


def test_the_buyer_summary_costs_the_same_queries_for_a_page_of_one_or_three(
    client, three_contracts, officer
):
    auth = bearer(officer)

    def queries(limit: int, offset: int) -> int:
        url = f"/api/social-value/buyer/summary?limit={limit}&offset={offset}"
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, **auth)
        assert len(response.json()["items"]) == limit
        return len(captured)

    # The token's last use is written on its first call, then at most once a minute: made
    # before counting, so both counts are of calls alike.
    assert client.get("/api/social-value/buyer/summary?limit=1", **auth).status_code == 200
    # The oldest contract alone (it has the accepted report, so its evidence is fetched too),
    # then all three: no query per contract.
    assert queries(1, 2) == queries(3, 0)


def test_a_buyer_with_no_contracts_gets_zero_totals_and_an_empty_page(client, officer):
    body = client.get("/api/social-value/buyer/summary", **bearer(officer)).json()
    assert body == {
        "promised": "0.00",
        "delivered": "0.00",
        "obligations": 0,
        "unvalued": 0,
        "count": 0,
        "items": [],
    }


def test_the_supplier_contracts_page_works_out_progress_for_the_page_only(
    client, three_contracts, supplier, progress_spy
):
    org, user = supplier
    auth = bearer(user)
    own = [c.pk for c in selectors.supplier_contracts(org)]
    assert len(own) == 2

    body = client.get("/api/social-value/supplier/contracts?limit=1", **auth).json()
    assert body["count"] == 2
    assert [c["contract_id"] for c in body["items"]] == own[:1]
    assert progress_spy == own[:1]

    progress_spy.clear()
    body = client.get("/api/social-value/supplier/contracts?limit=1&offset=1", **auth).json()
    assert [c["contract_id"] for c in body["items"]] == own[1:]
    assert progress_spy == own[1:]
    assert [o["committed"] for o in body["items"][0]["obligations"]] == (
        ["4.00"] if own[1] == three_contracts[0].pk else ["2.00", "5.00"]
    )
