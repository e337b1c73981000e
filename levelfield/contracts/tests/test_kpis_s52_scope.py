"""Which contracts s.52 asks KPIs of. s.52(1): "before entering into a public contract with an
estimated value of more than £5 million": the value when entered into (original_value), not the
value after changes; and the Act governs procurements commenced from 24 February 2025, so a
contract signed before that day is not asked."""

from datetime import datetime
from decimal import Decimal

import pytest

from levelfield.contracts import kpi_rules
from levelfield.contracts.actions import records
from levelfield.core import clock
from tests.support import testing

from .records_data import buyer_with_people, entered

pytestmark = pytest.mark.django_db

THREE_NEEDED = (
    "A contract worth more than £5,000,000 needs at least 3 KPIs (s.52); it has 0. Add KPIs "
    "or record why KPIs would not be appropriate"
)


def test_the_value_when_entered_into_counts_not_the_value_after_a_change():
    built = testing.signed_contract(value="4900000")
    contract = built.contract
    contract.value = Decimal("5200000")  # as a change over £5m would leave it
    assert contract.original_value == Decimal("4900000")
    assert not kpi_rules.s52_applies(contract)
    assert kpi_rules.s52_problems(contract) == []

    built = testing.signed_contract(value="5100000")
    contract = built.contract
    contract.value = Decimal("4000000")  # a change down to £4m does not take it out
    assert kpi_rules.s52_applies(contract)
    assert kpi_rules.s52_problems(contract)[0] == THREE_NEEDED


def _signed_on(day: datetime):
    buyer, admin, officer, _ = buyer_with_people()
    supplier, _ = testing.supplier_with_user("Acorn Grounds Ltd")
    with clock.frozen_at(day):
        contract = entered(buyer=buyer, by=officer, supplier=supplier, value=Decimal("6000000"))
        return records.sign_let_elsewhere(contract=contract, by=admin)


def test_a_contract_signed_before_24_february_2025_is_not_asked_for_kpis():
    contract = _signed_on(datetime(2025, 2, 23, 16, 0, tzinfo=clock.UK))
    assert kpi_rules.entered_on(contract).isoformat() == "2025-02-23"
    assert not kpi_rules.s52_applies(contract)
    assert kpi_rules.s52_problems(contract) == []
    # Its reports still follow the first version's timings.
    assert kpi_rules.rules_for_contract(contract).code == "PA23-S52-2025"


def test_a_contract_signed_on_24_february_2025_is():
    contract = _signed_on(datetime(2025, 2, 24, 9, 0, tzinfo=clock.UK))
    assert kpi_rules.s52_applies(contract)
    assert kpi_rules.s52_problems(contract)[0] == THREE_NEEDED


def test_the_rules_text_and_its_valid_from_agree():
    [rules] = kpi_rules.KPI_RULES
    assert rules.valid_from.isoformat() == "2025-02-24"
    assert "24 February 2025" in rules.source
