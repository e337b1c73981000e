"""Tiering rules on hand-built inputs at their boundaries, the accreditation each tier expects,
and the flags for an unmanaged or under-accredited contract."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from levelfield.contracts import tiering
from levelfield.contracts.models import AccreditationLevel, Risk, Tier

RULES = tiering.rules_by_code("LF-TIERS-2025")


@pytest.mark.parametrize(
    ("value", "risk", "critical", "tier"),
    [
        # Gold from £5,000,000: at the threshold gold, a penny below silver.
        ("5000000.00", Risk.LOW, False, Tier.GOLD),
        ("4999999.99", Risk.LOW, False, Tier.SILVER),
        # Silver from £500,000: at the threshold silver, a penny below bronze.
        ("500000.00", Risk.LOW, False, Tier.SILVER),
        ("499999.99", Risk.LOW, False, Tier.BRONZE),
        # Risk lifts a small contract: medium to silver, high to gold.
        ("1000.00", Risk.MEDIUM, False, Tier.SILVER),
        ("1000.00", Risk.HIGH, False, Tier.GOLD),
        # A critical contract is gold whatever its value and risk.
        ("1000.00", Risk.LOW, True, Tier.GOLD),
    ],
)
def test_tier_from_value_risk_and_criticality(value, risk, critical, tier):
    assert tiering.tier_for(RULES, value=Decimal(value), risk=risk, critical=critical) == tier


def test_each_tier_expects_its_accreditation_level():
    assert tiering.expected_level(RULES, Tier.GOLD) == AccreditationLevel.EXPERT
    assert tiering.expected_level(RULES, Tier.SILVER) == AccreditationLevel.PRACTITIONER
    assert tiering.expected_level(RULES, Tier.BRONZE) == AccreditationLevel.FOUNDATION


def test_apply_tiers_a_contract_by_the_rules_it_was_first_tiered_by():
    contract = SimpleNamespace(
        value=Decimal("600000"), risk=Risk.LOW, critical=False, tier_rules="", tier=""
    )
    tiering.apply(contract, date(2026, 12, 1))
    assert (contract.tier, contract.tier_rules) == (Tier.SILVER, "LF-TIERS-2025")


def _contract(tier, manager_id=7):
    return SimpleNamespace(tier=tier, tier_rules="LF-TIERS-2025", contract_manager_id=manager_id)


def test_an_unmanaged_contract_is_flagged():
    assert tiering.manager_problem(_contract(Tier.BRONZE, None), None) == "No contract manager"


@pytest.mark.parametrize(
    ("tier", "level", "problem"),
    [
        (Tier.GOLD, AccreditationLevel.EXPERT, None),
        (
            Tier.GOLD,
            AccreditationLevel.PRACTITIONER,
            "A gold contract needs an expert contract manager; its manager has practitioner "
            "accreditation",
        ),
        (Tier.SILVER, AccreditationLevel.PRACTITIONER, None),
        (Tier.SILVER, AccreditationLevel.EXPERT, None),  # above the level expected is fine
        (
            Tier.SILVER,
            AccreditationLevel.FOUNDATION,
            "A silver contract needs a practitioner contract manager; its manager has "
            "foundation accreditation",
        ),
        (Tier.BRONZE, AccreditationLevel.FOUNDATION, None),
        (
            Tier.BRONZE,
            None,
            "A bronze contract needs a foundation contract manager; its manager has no "
            "accreditation",
        ),
    ],
)
def test_a_manager_below_the_tiers_level_is_flagged(tier, level, problem):
    assert tiering.manager_problem(_contract(tier), level) == problem
