"""The KPI, performance and outcome API: the buyer sets KPIs, assesses (UK9), prices outcomes
and decides claims; the supplier reports and claims; who may call each."""

from datetime import timedelta

import pytest

from levelfield.accounts.actions import create_api_token
from levelfield.contracts.actions import kpis
from levelfield.contracts.models import ContractNotice, Invoice
from tests.support import testing

from .kpis_builders import add, evaluator_of, on, release_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    return testing.signed_contract(value="5100000")


def bearer(user):
    _, secret = create_api_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def buyer(contract, tail=""):
    return f"/api/buyer/contracts/{contract.pk}/{tail}"


def supplier(contract, tail=""):
    return f"/api/supplier/contracts/{contract.pk}/{tail}"


def post(client, user, path, body, method="post"):
    return getattr(client, method)(path, body, content_type="application/json", **bearer(user))


KPI = {
    "name": "Calls answered within 20 seconds",
    "target": "95",
    "unit": "%",
    "direction": "higher",
    "frequency": "quarterly",
    "material": True,
}


def test_the_buyer_sets_kpis_and_sees_what_s52_needs(client, built):
    response = post(client, built.officer, buyer(built.contract, "kpis"), KPI)

    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["target"], body["material"]) == (1, "95.00", True)
    assert body["periods"] == []  # the contract has not started
    s52 = client.get(buyer(built.contract, "s52"), **bearer(built.officer)).json()
    assert s52["applies"] is True
    assert s52["problems"][0].startswith("A contract worth more than £5,000,000 needs at least 3")

    reason = post(
        client,
        built.officer,
        buyer(built.contract, "kpi-exemption"),
        {"reason": "Paid by results"},
        method="put",
    )
    assert reason.json() == {"applies": True, "problems": [], "exemption_reason": "Paid by results"}


def test_a_refused_kpi_is_a_400_with_the_rules_code(client, built):
    for _ in range(3):
        post(client, built.officer, buyer(built.contract, "kpis"), KPI)

    response = post(client, built.officer, buyer(built.contract, "kpis"), KPI)

    assert response.status_code == 400
    assert response.json()["code"] == "too_many_material"


def test_the_supplier_reports_and_corrects_through_the_api(client, built):
    kpi = add(built.contract, built.officer, frequency="monthly")
    period = kpis.period_of(kpi, 1)
    path = supplier(built.contract, f"kpis/{kpi.pk}/reports")
    with on(period.end + timedelta(days=1)):
        created = post(client, built.supplier_user, path, {"period": 1, "value": "97.5"})
        again = post(client, built.supplier_user, path, {"period": 1, "value": "98"})
        early = post(client, built.supplier_user, path, {"period": 2, "value": "98"})
        corrected = post(client, built.supplier_user, f"{path}/1", {"value": "94"}, method="put")
        listing = client.get(supplier(built.contract, "kpis"), **bearer(built.supplier_user))

    assert created.status_code == 201
    assert created.json()["period_end"] == period.end.isoformat()
    assert (again.status_code, again.json()["code"]) == (400, "already_reported")
    assert (early.status_code, early.json()["code"]) == (400, "period_open")
    assert corrected.status_code == 200 and corrected.json()["value"] == "94.00"
    [first] = listing.json()["items"][0]["periods"][:1]
    assert (first["value"], first["met"]) == ("94.00", False)


def test_the_buyer_assesses_and_a_uk9_is_published(client, built):
    day = built.contract.start_date + timedelta(days=200)
    with on(day):
        response = post(
            client,
            built.officer,
            buyer(built.contract, "assessments"),
            {
                "period_start": built.contract.start_date.isoformat(),
                "period_end": day.isoformat(),
                "rating": "requires_improvement",
                "narrative": "Missed visits rose in the winter",
            },
        )
    assert response.status_code == 201
    notice = ContractNotice.objects.get(notice_type="UK9")
    assert release_errors(notice.data) == []
    seen = client.get(supplier(built.contract, "assessments"), **bearer(built.supplier_user))
    assert seen.json()["items"][0]["rating"] == "requires_improvement"


def test_priced_outcomes_claims_and_decisions_through_the_api(client, built):
    day = built.contract.start_date + timedelta(days=100)
    priced = post(
        client,
        built.officer,
        buyer(built.contract, "priced-outcomes"),
        {"name": "Tenancy sustained", "unit_price": "1500", "budget": "6000"},
    )
    assert priced.status_code == 201
    outcome_id = priced.json()["id"]
    claim_path = supplier(built.contract, f"priced-outcomes/{outcome_id}/claims")
    form = {
        "period_start": built.contract.start_date.isoformat(),
        "period_end": (day - timedelta(days=1)).isoformat(),
        "quantity": "3",
        "narrative": "Three families housed",
        "evidence": testing.pdf("letters.pdf"),
    }
    with on(day):
        claimed = client.post(claim_path, form, **bearer(built.supplier_user))
        over = client.post(
            claim_path,
            {**form, "quantity": "2", "evidence": testing.pdf()},
            **bearer(built.supplier_user),
        )
    assert claimed.status_code == 201, claimed.content
    assert (claimed.json()["amount"], claimed.json()["has_evidence"]) == ("4500.00", True)
    assert (over.status_code, over.json()["code"]) == (400, "over_budget")

    claim_id = claimed.json()["id"]
    with on(day):
        validated = post(
            client, built.officer, buyer(built.contract, f"claims/{claim_id}/validate"), {}
        )
        twice = post(
            client,
            built.officer,
            buyer(built.contract, f"claims/{claim_id}/reject"),
            {"reason": "No"},
        )
    assert validated.json()["status"] == "validated"
    assert validated.json()["invoice_reference"] == f"OUTCOME-{claim_id}"
    assert twice.status_code == 409
    assert Invoice.objects.get().amount == 4500
    totals = client.get(supplier(built.contract, "priced-outcomes"), **bearer(built.supplier_user))
    assert (totals.json()[0]["validated"], totals.json()[0]["remaining"]) == ("4500.00", "1500.00")


def test_cost_per_outcome_through_the_api(client, built):
    post(
        client,
        built.officer,
        buyer(built.contract, "outcomes/measure"),
        {"measure": "people housed"},
        method="put",
    )
    day = built.contract.start_date + timedelta(days=30)
    with on(day):
        recorded = post(
            client,
            built.officer,
            buyer(built.contract, "outcomes/records"),
            {
                "period_start": built.contract.start_date.isoformat(),
                "period_end": day.isoformat(),
                "quantity": "12",
            },
        )
    assert recorded.status_code == 201
    body = client.get(buyer(built.contract, "outcomes"), **bearer(built.officer)).json()
    assert (body["measure"], body["delivered"], body["paid"], body["cost_per_outcome"]) == (
        "people housed",
        "12.00",
        "0.00",
        "0.00",
    )
    compared = client.get("/api/buyer/outcomes/compare", **bearer(built.officer)).json()
    assert compared[0]["contracts"][0]["contract_id"] == built.contract.pk


def test_who_may_call_what(client, built):
    kpi = add(built.contract, built.officer)
    other = testing.signed_contract(buyer=testing.buyer_org("Other Council"))
    evaluator = evaluator_of(built.buyer)

    assert client.get(buyer(built.contract, "kpis")).status_code == 401
    assert client.get(buyer(built.contract, "kpis"), **bearer(other.officer)).status_code == 404
    assert (
        client.get(supplier(built.contract, "kpis"), **bearer(other.supplier_user)).status_code
        == 404
    )
    assert client.get(buyer(built.contract, "kpis"), **bearer(evaluator)).status_code == 200
    assert post(client, evaluator, buyer(built.contract, "kpis"), KPI).status_code == 403
    assert (
        client.delete(buyer(built.contract, f"kpis/{kpi.pk}"), **bearer(evaluator)).status_code
        == 403
    )
    # The supplier's token does not reach the buyer's side.
    assert (
        client.get(buyer(built.contract, "kpis"), **bearer(built.supplier_user)).status_code == 403
    )
