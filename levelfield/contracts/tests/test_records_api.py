"""The contract record through the API: a buyer's officer enters a contract let elsewhere, an
admin signs it, the register lists and filters it; the supplier sees its own signed contracts;
the public sees signed contracts without private fields. Every refusal has its code."""

from datetime import date

import pytest
from django.core import mail
from django.test import Client

from levelfield.accounts.actions import create_api_token
from levelfield.contracts.actions import records
from levelfield.contracts.models import Contract, ContractStatus
from levelfield.core.models import AuditEvent
from tests.support import testing

from .records_data import buyer_with_people, entered, identifier

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user=None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            _, secret = create_api_token(user=user, name="tests")
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, path, params=None):
        return self.client.get("/api" + path, params or {}, **self.headers)

    def send(self, method, path, data=None):
        return getattr(self.client, method)(
            "/api" + path, data or {}, content_type="application/json", **self.headers
        )


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json() if response.content else None


def refused(response, status, code):
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert body["code"] == code, body
    return body


@pytest.fixture
def people():
    return buyer_with_people()


@pytest.fixture
def acorn():
    return testing.supplier_with_user("Acorn Grounds Ltd")


def test_a_contract_is_entered_signed_and_taken_live_through_the_api(people, acorn):
    buyer, admin, officer, evaluator = people
    officer_api, admin_api = Api(officer), Api(admin)

    created = ok(
        officer_api.send(
            "post",
            "/buyer/contracts",
            {
                "title": "Grounds maintenance",
                "supplier_identifier": identifier(acorn[0]),
                "value": "120000.00",
                "start_date": "2027-04-01",
                "end_date": "2029-03-31",
                "contract_manager_id": evaluator.pk,
                "risk": "medium",
                "supplier_contact_email": "sam@acorn.example",
            },
        ),
        201,
    )
    path = f"/buyer/contracts/{created['id']}"

    assert created["status"] == "recorded"
    assert created["origin"] == "let_elsewhere"
    assert created["tier"] == "silver"
    assert created["value"] == "120000.00"
    assert created["contract_manager"] == {"id": evaluator.pk, "name": "Eve Evaluator"}
    assert created["flags"] == [
        "A silver contract needs a practitioner contract manager; its manager has no accreditation",
        "Awaiting signature",
    ]
    refused(officer_api.send("post", path + "/sign"), 403, "forbidden")
    assert ok(admin_api.send("post", path + "/sign"))["status"] == "signed"
    assert ok(officer_api.send("post", path + "/mobilise"))["status"] == "mobilising"
    assert ok(officer_api.send("post", path + "/go-live"))["status"] == "live"
    refused(admin_api.send("post", path + "/suspend", {"reason": " "}), 400, "validation_error")
    suspended = ok(admin_api.send("post", path + "/suspend", {"reason": "Safety audit"}))
    assert suspended["status"] == "suspended"
    assert suspended["suspension_reason"] == "Safety audit"
    refused(officer_api.send("post", path + "/mobilise"), 409, "invalid_state")
    assert ok(admin_api.send("post", path + "/resume"))["status"] == "live"
    actions = set(
        AuditEvent.objects.filter(object_id=str(created["id"])).values_list("action", flat=True)
    )
    assert {
        "contract.recorded",
        "contract.signed",
        "contract.mobilising",
        "contract.live",
        "contract.suspended",
        "contract.resumed",
    } <= actions


def test_entering_refuses_with_every_problem_listed(people, acorn):
    _, _, officer, _ = people
    _, _, stranger, _ = buyer_with_people("Vale District Council")

    body = refused(
        Api(officer).send(
            "post",
            "/buyer/contracts",
            {
                "title": "Grounds maintenance",
                "supplier_identifier": "nobody",
                "value": "0",
                "start_date": "2029-04-01",
                "end_date": "2100-03-31",
                "contract_manager_id": stranger.pk,
            },
        ),
        400,
        "validation_error",
    )

    assert body["details"] == [
        records.SUPPLIER_UNKNOWN,
        "The contract value must be more than £0",
        "The end date must be between 1 January 2000 and 31 December 2099",
        records.MANAGER_NOT_MEMBER,
    ]
    assert not Contract.objects.exists()


def test_the_register_lists_and_filters_and_another_buyer_sees_none(people, acorn):
    buyer, admin, officer, evaluator = people
    first = entered(buyer=buyer, by=officer, supplier=acorn[0], reference="A")
    second = entered(
        buyer=buyer, by=officer, supplier=acorn[0], reference="B", contract_manager=evaluator
    )
    records.sign_let_elsewhere(contract=second, by=admin)
    _, _, other_officer, _ = buyer_with_people("Vale District Council")

    everything = ok(Api(evaluator).get("/buyer/contracts"))
    signed = ok(Api(officer).get("/buyer/contracts", {"status": "signed"}))
    unmanaged = ok(Api(officer).get("/buyer/contracts", {"manager_id": 0}))

    assert everything["count"] == 2
    assert [c["reference"] for c in everything["items"]] == ["B", "A"]
    assert [c["reference"] for c in signed["items"]] == ["B"]
    assert [c["reference"] for c in unmanaged["items"]] == ["A"]
    assert ok(Api(other_officer).get("/buyer/contracts"))["count"] == 0
    refused(Api(other_officer).get(f"/buyer/contracts/{first.pk}"), 404, "not_found")
    refused(Api(acorn[1]).get("/buyer/contracts"), 403, "forbidden")
    refused(Api().get("/buyer/contracts"), 401, "unauthorized")
    refused(Api(officer).get("/buyer/contracts", {"status": "lost"}), 422, "validation_error")


def test_details_change_only_where_allowed(people, acorn):
    buyer, admin, officer, evaluator = people
    contract = entered(buyer=buyer, by=officer, supplier=acorn[0])
    path = f"/buyer/contracts/{contract.pk}"

    changed = ok(Api(officer).send("patch", path, {"value": "6000000.00", "title": "Parks"}))
    assert changed["tier"] == "gold" and changed["title"] == "Parks"
    assert changed["original_value"] == "6000000.00"
    refused(Api(evaluator).send("patch", path, {"title": "No"}), 403, "forbidden")
    records.sign_let_elsewhere(contract=contract, by=admin)
    refused(Api(officer).send("patch", path, {"value": "1.00"}), 409, "invalid_state")
    assert ok(Api(officer).send("patch", path, {"risk": "high"}))["risk"] == "high"
    refused(Api(officer).send("patch", path, {"title": None}), 422, "validation_error")


def test_the_manager_is_named_and_refused_when_not_the_buyers(people, acorn):
    buyer, admin, officer, evaluator = people
    contract = entered(buyer=buyer, by=officer, supplier=acorn[0])
    path = f"/buyer/contracts/{contract.pk}/manager"

    named = ok(Api(officer).send("put", path, {"contract_manager_id": evaluator.pk}))
    assert named["contract_manager"]["id"] == evaluator.pk
    body = refused(
        Api(officer).send("put", path, {"contract_manager_id": acorn[1].pk}),
        400,
        "validation_error",
    )
    assert body["message"] == records.MANAGER_NOT_MEMBER
    refused(
        Api(officer).send("put", path, {"contract_manager_id": 10**12}), 400, "validation_error"
    )
    assert ok(Api(officer).send("put", path, {"contract_manager_id": None}))["flags"][0] == (
        "No contract manager"
    )


def test_options_are_added_listed_and_removed(people, acorn):
    buyer, _, officer, _ = people
    contract = entered(buyer=buyer, by=officer, supplier=acorn[0])
    path = f"/buyer/contracts/{contract.pk}/options"

    option = ok(
        Api(officer).send(
            "post", path, {"description": "A further year", "months": 12, "value": "60000"}
        ),
        201,
    )
    assert option == {
        "id": option["id"],
        "description": "A further year",
        "months": 12,
        "value": "60000.00",
        "used": False,
    }
    assert ok(Api(officer).get(path)) == [option]
    assert Api(officer).send("delete", f"{path}/{option['id']}").status_code == 204
    assert ok(Api(officer).get(path)) == []
    refused(Api(officer).send("delete", f"{path}/{option['id']}"), 404, "not_found")
    free = ok(Api(officer).send("post", path, {"description": "Six months", "months": 6}), 201)
    assert free["value"] == "0.00"


def test_the_supplier_sees_only_its_signed_contracts(people, acorn):
    buyer, admin, officer, evaluator = people
    recorded = entered(buyer=buyer, by=officer, supplier=acorn[0], title="Not signed yet")
    signed = records.sign_let_elsewhere(
        contract=entered(
            buyer=buyer,
            by=officer,
            supplier=acorn[0],
            title="Hedges",
            contract_manager=evaluator,
            risk="high",
        ),
        by=admin,
    )
    other, other_user = testing.supplier_with_user("Beech Ltd")

    mine = ok(Api(acorn[1]).get("/supplier/contracts"))
    one = ok(Api(acorn[1]).get(f"/supplier/contracts/{signed.pk}"))

    assert [c["title"] for c in mine["items"]] == ["Hedges"]
    assert one["buyer"]["name"] == buyer.name
    assert one["contract_manager"] == "Eve Evaluator"
    assert "risk" not in one and "tier" not in one
    refused(Api(acorn[1]).get(f"/supplier/contracts/{recorded.pk}"), 404, "not_found")
    refused(Api(other_user).get(f"/supplier/contracts/{signed.pk}"), 404, "not_found")
    refused(Api(officer).get("/supplier/contracts"), 403, "forbidden")


def test_the_public_sees_signed_contracts_without_private_fields(people, acorn):
    buyer, admin, officer, evaluator = people
    recorded = entered(buyer=buyer, by=officer, supplier=acorn[0], title="Not signed yet")
    signed = records.sign_let_elsewhere(
        contract=entered(
            buyer=buyer,
            by=officer,
            supplier=acorn[0],
            title="Hedges",
            contract_manager=evaluator,
            supplier_contact_email="sam@acorn.example",
            start_date=date(2027, 4, 1),
        ),
        by=admin,
    )

    listed = ok(Api().get("/contracts"))
    one = ok(Api().get(f"/contracts/{signed.pk}"))

    assert [c["title"] for c in listed["items"]] == ["Hedges"]
    assert set(one) == {
        "id", "reference", "title", "description", "category", "buyer", "supplier", "value",
        "start_date", "end_date", "status", "signed_at", "notice_reference",
    }  # fmt: skip
    assert one["supplier"]["name"] == "Acorn Grounds Ltd"
    assert one["start_date"] == "2027-04-01"
    refused(Api().get(f"/contracts/{recorded.pk}"), 404, "not_found")
    assert ok(Api().get("/contracts", {"status": "live"}))["count"] == 0
    assert ContractStatus.SIGNED == one["status"]


def test_suspension_through_the_api_tells_the_supplier(
    people, acorn, django_capture_on_commit_callbacks
):
    buyer, admin, officer, _ = people
    contract = records.sign_let_elsewhere(
        contract=entered(
            buyer=buyer, by=officer, supplier=acorn[0], supplier_contact_email="sam@acorn.example"
        ),
        by=admin,
    )
    records.go_live(contract=contract, by=officer)

    with django_capture_on_commit_callbacks(execute=True):
        ok(Api(admin).send("post", f"/buyer/contracts/{contract.pk}/suspend", {"reason": "Audit"}))

    assert [m.to for m in mail.outbox] == [["sam@acorn.example", acorn[1].email]]
