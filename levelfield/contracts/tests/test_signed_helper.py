import pytest

from levelfield.contracts.models import ContractStatus
from tests.support import testing

pytestmark = pytest.mark.django_db


def test_signed_contract_builder_gives_a_signed_contract_of_the_value_asked():
    built = testing.signed_contract(value="5100000")
    assert built.contract.status == ContractStatus.SIGNED
    assert str(built.contract.value) == "5100000.00"
    assert built.contract.buyer == built.buyer
    assert built.contract.supplier == built.supplier
    assert built.contract.tier == "gold"
