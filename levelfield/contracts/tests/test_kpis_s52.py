"""s.52: a contract worth more than £5m needs at least three KPIs, the three most material
marked (they are published), unless the reason KPIs do not fit it is recorded; the rule is
checked when the contract goes live."""

import pytest

from levelfield.contracts import kpi_rules
from levelfield.contracts.actions import kpis, records
from levelfield.contracts.models import ContractStatus
from levelfield.core.errors import DomainError, PermissionDenied
from tests.support import testing

from .kpis_builders import add, three_material

pytestmark = pytest.mark.django_db


def test_a_5_1m_contract_with_two_kpis_cannot_go_live_without_a_reason():
    built = testing.signed_contract(value="5100000")
    add(built.contract, built.officer, "Calls answered", material=True)
    add(
        built.contract, built.officer, "Visits missed", target="2", direction="lower", material=True
    )

    with pytest.raises(DomainError) as refused:
        records.go_live(contract=built.contract, by=built.officer)

    assert refused.value.code == "kpis_required"
    assert refused.value.message == (
        "A contract worth more than £5,000,000 needs at least 3 KPIs (s.52); it has 2. Add KPIs "
        "or record why KPIs would not be appropriate"
    )
    built.contract.refresh_from_db()
    assert built.contract.status == ContractStatus.SIGNED


def test_with_the_reason_recorded_the_5_1m_contract_goes_live_with_two_kpis():
    built = testing.signed_contract(value="5100000")
    add(built.contract, built.officer, "Calls answered", material=True)
    add(built.contract, built.officer, "Visits missed", material=True)
    kpis.set_kpi_exemption(
        contract=built.contract,
        by=built.officer,
        reason="Outcomes are paid by results; KPIs would duplicate them",
    )

    contract = records.go_live(contract=built.contract, by=built.officer)

    assert contract.status == ContractStatus.LIVE


def test_with_three_material_kpis_the_5_1m_contract_goes_live():
    built = testing.signed_contract(value="5100000")
    three_material(built.contract, built.officer)

    assert kpi_rules.s52_problems(built.contract) == []
    assert records.go_live(contract=built.contract, by=built.officer).status == "live"


def test_three_kpis_of_which_two_are_marked_are_not_enough():
    built = testing.signed_contract(value="5100000")
    add(built.contract, built.officer, "A", material=True)
    add(built.contract, built.officer, "B", material=True)
    add(built.contract, built.officer, "C")

    assert kpi_rules.s52_problems(built.contract) == [
        "Mark the 3 most material KPIs, which are published (s.52(4)); 2 are marked"
    ]


def test_at_exactly_5m_the_rule_does_not_apply():
    built = testing.signed_contract(value="5000000")

    assert kpi_rules.s52_problems(built.contract) == []
    assert records.go_live(contract=built.contract, by=built.officer).status == "live"


def test_a_penny_over_5m_the_rule_applies():
    built = testing.signed_contract(value="5000000.01")

    assert len(kpi_rules.s52_problems(built.contract)) == 2


def test_no_more_than_three_kpis_are_marked_most_material():
    built = testing.signed_contract(value="5100000")
    three_material(built.contract, built.officer)

    with pytest.raises(DomainError) as refused:
        add(built.contract, built.officer, "A fourth", material=True)

    assert refused.value.message == (
        "At most 3 KPIs can be marked most material (s.52(4)): unmark one of the others first"
    )
    fourth = add(built.contract, built.officer, "A fourth")
    assert fourth.number == 4 and not fourth.material


def test_the_rule_is_versioned_data():
    rules = kpi_rules.rules_for(built_on := kpi_rules.KPI_RULES[0].valid_from)
    assert rules.code == "PA23-S52-2025"
    assert str(rules.threshold) == "5000000"
    assert rules.minimum_kpis == 3
    assert built_on.isoformat() == "2025-02-24"  # the Act in force


def test_only_the_buyers_people_running_the_contract_set_kpis():
    built = testing.signed_contract()
    other_buyer = testing.signed_contract(buyer=testing.buyer_org("Other Council"))
    evaluator = testing.member(built.buyer, "evaluator")

    for person in (built.supplier_user, other_buyer.officer, evaluator):
        with pytest.raises(PermissionDenied):
            add(built.contract, person)
        with pytest.raises(PermissionDenied):
            kpis.set_kpi_exemption(contract=built.contract, by=person, reason="None fit")
    assert built.contract.kpis.count() == 0


def test_a_kpi_is_validated_once_with_messages_people_can_act_on():
    built = testing.signed_contract()

    with pytest.raises(DomainError) as refused:
        kpis.add_kpi(
            contract=built.contract,
            by=built.officer,
            name=" ",
            target="ninety",
            unit="",
            frequency="weekly",
            direction="sideways",
        )

    assert refused.value.details == [
        "Enter the KPI's name",
        "Enter the target as a number, like 95 or 2.5",
        "Enter the unit the KPI is measured in, like % or days",
        "Choose whether higher or lower is better",
        "Choose how often the supplier reports: monthly, quarterly, every six months or annually",
    ]


def test_once_live_a_5_1m_contract_keeps_three_kpis_or_its_reason():
    """s.52 is checked when the contract goes live; removing a KPI or clearing the reason
    afterwards would leave a live contract without what s.52 requires."""
    built = testing.signed_contract(value="5100000")
    first, *_ = three_material(built.contract, built.officer)
    records.go_live(contract=built.contract, by=built.officer)

    with pytest.raises(DomainError) as removal:
        kpis.remove_kpi(kpi=first, by=built.officer)

    assert removal.value.code == "kpis_required"
    assert removal.value.message == (
        "A contract worth more than £5,000,000 needs at least 3 KPIs (s.52); it would have 2. "
        "Add another KPI first, or record why KPIs would not be appropriate"
    )
    assert built.contract.kpis.count() == 3
    # With a fourth, one may go; with the reason recorded, it may not be cleared below three.
    fourth = add(built.contract, built.officer, "Complaints answered in 10 days")
    kpis.remove_kpi(kpi=fourth, by=built.officer)
    kpis.set_kpi_exemption(contract=built.contract, by=built.officer, reason="Paid by results")
    kpis.remove_kpi(kpi=first, by=built.officer)
    with pytest.raises(DomainError) as clearing:
        kpis.set_kpi_exemption(contract=built.contract, by=built.officer, reason="")
    assert clearing.value.code == "kpis_required"
    built.contract.refresh_from_db()
    assert built.contract.kpi_exemption_reason == "Paid by results"


def test_before_it_goes_live_kpis_may_be_removed_freely():
    built = testing.signed_contract(value="5100000")
    first, *_ = three_material(built.contract, built.officer)

    kpis.remove_kpi(kpi=first, by=built.officer)

    assert built.contract.kpis.count() == 2
