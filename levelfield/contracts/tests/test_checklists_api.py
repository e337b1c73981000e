"""A contract's stage checklist through the API: read, mark done, reopen; another buyer's
contract is a 404."""

from datetime import date

import pytest

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.contracts.actions import checklists as actions
from tests.support import testing

from .capability_data import contract

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _, secret = create_api_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def setting():
    buyer = testing.buyer_org()
    officer = testing.member(buyer, Role.BUYER_OFFICER)
    made = contract(buyer, signed=date(2020, 1, 1))
    actions.start_checklist(contract=made, by=officer)
    return buyer, officer, made


def test_the_checklist_is_read_and_items_marked_done_and_reopened(client, setting):
    _, officer, made = setting
    auth = bearer(officer)
    url = f"/api/buyer/contracts/{made.pk}/checklist"

    items = client.get(url, **auth).json()

    assert len(items) == 11
    first = items[0]
    assert (first["text"], first["due_on"], first["overdue"]) == (
        "Hold the kick-off meeting with the supplier",
        "2020-01-17",  # starts 31 January 2020, 14 days before
        True,
    )
    done = client.post(
        f"{url}/{first['id']}/done", {"note": "Held"}, content_type="application/json", **auth
    )
    assert done.status_code == 200
    assert (done.json()["note"], done.json()["overdue"], done.json()["done_by_id"]) == (
        "Held",
        False,
        officer.pk,
    )
    again = client.post(f"{url}/{first['id']}/done", {}, content_type="application/json", **auth)
    assert (again.status_code, again.json()["code"]) == (409, "invalid_state")
    reopened = client.post(f"{url}/{first['id']}/reopen", **auth)
    assert reopened.status_code == 200 and reopened.json()["done_at"] is None


def test_another_buyer_gets_404_and_an_evaluator_403(client, setting):
    buyer, _, made = setting
    url = f"/api/buyer/contracts/{made.pk}/checklist"
    stranger = testing.member(testing.buyer_org("Avon Council"), Role.BUYER_ADMIN)
    assert client.get(url, **bearer(stranger)).status_code == 404
    evaluator = testing.member(buyer, Role.EVALUATOR)
    item_id = made.checklist.first().pk
    response = client.post(
        f"{url}/{item_id}/done", {}, content_type="application/json", **bearer(evaluator)
    )
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
