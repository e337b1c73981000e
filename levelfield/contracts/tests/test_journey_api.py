"""A client who reads only the API's documentation: a contract let elsewhere entered, signed,
given a KPI and an invoice. Someone who may not do a step is told who may."""

import json
from datetime import date

import pytest

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from tests.support import testing

from .records_data import identifier

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _, secret = create_api_token(user=user, name="finance system")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, auth):
    return client.post(url, data=json.dumps(body), content_type="application/json", **auth)


def test_an_officer_confirming_a_signature_is_told_only_an_admin_can(client):
    buyer = testing.buyer_org()
    officer = testing.member(buyer, Role.BUYER_OFFICER)
    evaluator = testing.member(buyer, Role.EVALUATOR)
    supplier, _ = testing.supplier_with_user()
    entered = post(
        client,
        "/api/buyer/contracts",
        {
            "title": "Road gritting",
            "supplier_identifier": identifier(supplier),
            "value": "50000",
            "start_date": str(date(2026, 1, 1)),
            "end_date": str(date(2027, 12, 31)),
        },
        bearer(officer),
    )
    assert entered.status_code == 201, entered.content
    contract_id = entered.json()["id"]

    response = post(client, f"/api/buyer/contracts/{contract_id}/sign", {}, bearer(officer))
    assert response.status_code == 403
    assert response.json()["message"] == "Only a buyer admin can confirm a contract is signed"

    response = post(client, f"/api/buyer/contracts/{contract_id}/mobilise", {}, bearer(evaluator))
    assert response.status_code == 403
    assert response.json()["message"] == (
        "Only the buyer's admins, officers and the contract's manager can do that"
    )
