"""The one contract look-up of the contracts API (`api_common`): another organisation's contract
is 404 whether it exists or not, a supplier never sees a contract only recorded, and someone
without the permission is 403 with who may; the same answers through each module's endpoints."""

import json
from types import SimpleNamespace

import pytest
from django.http import Http404

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.contracts import api_common
from levelfield.core.errors import PermissionDenied
from tests.support import testing

from .records_data import entered

pytestmark = pytest.mark.django_db


def caller(user, organisation):
    return SimpleNamespace(user=user, organisation=organisation)


@pytest.fixture
def signed():
    return testing.signed_contract(value="250000")


def test_the_buyers_staff_get_their_contract_with_its_manager_level(signed):
    found = api_common.buyer_contract(caller(signed.officer, signed.buyer), signed.contract.pk)
    assert found == signed.contract
    assert hasattr(found, "manager_level")


def test_another_buyers_contract_and_an_unknown_id_are_both_404(signed):
    other = testing.buyer_org("Other Borough Council")
    admin = testing.member(other, Role.BUYER_ADMIN)
    for contract_id in (signed.contract.pk, 999_999):
        with pytest.raises(Http404):
            api_common.buyer_contract(caller(admin, other), contract_id)


def test_without_the_permission_the_caller_is_told_who_may(signed):
    evaluator = testing.member(signed.buyer, Role.EVALUATOR)
    request = caller(evaluator, signed.buyer)
    assert api_common.buyer_contract(request, signed.contract.pk) == signed.contract
    with pytest.raises(PermissionDenied) as caught:
        api_common.buyer_contract(request, signed.contract.pk, "contracts.manage_contract")
    assert str(caught.value) == (
        "Only the buyer's admins, officers and the contract's manager can do that"
    )
    with pytest.raises(PermissionDenied) as caught:
        api_common.buyer_contract(request, signed.contract.pk, "contracts.terminate_contract")
    assert str(caught.value) == "You may not do that on this contract"


def test_the_supplier_sees_its_signed_contract_only(signed):
    request = caller(signed.supplier_user, signed.supplier)
    assert api_common.supplier_contract(request, signed.contract.pk) == signed.contract
    recorded = entered(buyer=signed.buyer, by=signed.officer, supplier=signed.supplier)
    with pytest.raises(Http404):
        api_common.supplier_contract(request, recorded.pk)
    other, other_user = testing.supplier_with_user("Other Supplies Ltd")
    with pytest.raises(Http404):
        api_common.supplier_contract(caller(other_user, other), signed.contract.pk)


def test_a_buyers_helper_refuses_a_supplier_and_the_other_way_round(signed):
    with pytest.raises(PermissionDenied):
        api_common.buyer_contract(caller(signed.supplier_user, signed.supplier), signed.contract.pk)
    with pytest.raises(PermissionDenied):
        api_common.supplier_contract(caller(signed.officer, signed.buyer), signed.contract.pk)


BUYER_READS = ["checklist", "outcomes", "kpis", "options", "priced-outcomes"]


@pytest.mark.parametrize("path", BUYER_READS)
def test_each_module_answers_alike_through_the_api(client, signed, path):
    own = _get(client, signed.officer, f"/api/buyer/contracts/{signed.contract.pk}/{path}")
    assert own.status_code == 200, own.content
    other = testing.buyer_org("Other Borough Council")
    stranger = _get(
        client,
        testing.member(other, Role.BUYER_ADMIN),
        f"/api/buyer/contracts/{signed.contract.pk}/{path}",
    )
    assert stranger.status_code == 404
    assert stranger.json()["code"] == "not_found"


def test_the_supplier_endpoints_hide_a_contract_only_recorded(client, signed):
    recorded = entered(buyer=signed.buyer, by=signed.officer, supplier=signed.supplier)
    for path in (f"contracts/{recorded.pk}", f"contracts/{recorded.pk}/kpis"):
        response = _get(client, signed.supplier_user, f"/api/supplier/{path}")
        assert response.status_code == 404, path
    own = _get(client, signed.supplier_user, f"/api/supplier/contracts/{signed.contract.pk}/kpis")
    assert own.status_code == 200


def _get(client, user, url):
    _, secret = create_api_token(user=user, name="test")
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_supplier_on_the_buyers_side_is_403_forbidden(client, signed):
    response = _get(client, signed.supplier_user, f"/api/buyer/contracts/{signed.contract.pk}")
    assert response.status_code == 403
    assert json.loads(response.content)["code"] == "forbidden"
