"""Contract tiering as versioned data: gold, silver or bronze from value, risk and
criticality, and the contract manager accreditation each tier expects.

The rules are levelfield's, after the Government Commercial Function's contract management
framework (contracts tiered by value, risk and complexity, each tier managed by someone
accredited at the matching level). A contract records the rules it was tiered by.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from levelfield.core import clock

from .models.contract import AccreditationLevel, Risk, Tier


@dataclass(frozen=True)
class TierRules:
    code: str
    valid_from: date
    source: str
    # Gold: critical, high risk, or worth at least this much.
    gold_from_value: Decimal
    # Silver: medium risk, or worth at least this much.
    silver_from_value: Decimal
    expected_level: dict[str, int]


TIER_RULES: tuple[TierRules, ...] = (
    TierRules(
        code="LF-TIERS-2025",
        valid_from=date(2000, 1, 1),
        source="levelfield contract tiering, after the Government Commercial Function's "
        "Contract Management Capability Programme (foundation, practitioner, expert)",
        gold_from_value=Decimal("5000000"),
        silver_from_value=Decimal("500000"),
        expected_level={
            Tier.GOLD: AccreditationLevel.EXPERT,
            Tier.SILVER: AccreditationLevel.PRACTITIONER,
            Tier.BRONZE: AccreditationLevel.FOUNDATION,
        },
    ),
)


def rules_for(on: date) -> TierRules:
    applicable = [r for r in TIER_RULES if r.valid_from <= on]
    return max(applicable, key=lambda r: r.valid_from) if applicable else TIER_RULES[0]


def rules_by_code(code: str) -> TierRules:
    for version in TIER_RULES:
        if version.code == code:
            return version
    raise LookupError(f"unknown tier rules {code!r}")


def tier_for(rules: TierRules, *, value: Decimal, risk: str, critical: bool) -> str:
    if critical or risk == Risk.HIGH or value >= rules.gold_from_value:
        return Tier.GOLD
    if risk == Risk.MEDIUM or value >= rules.silver_from_value:
        return Tier.SILVER
    return Tier.BRONZE


def expected_level(rules: TierRules, tier: str) -> int:
    return rules.expected_level[tier]


def apply(contract, on: date) -> None:
    """Set the contract's tier from its value, risk and criticality (not saved). A contract
    keeps the rules it was first tiered by."""
    rules = rules_by_code(contract.tier_rules) if contract.tier_rules else rules_for(on)
    contract.tier_rules = rules.code
    contract.tier = tier_for(
        rules, value=contract.value, risk=contract.risk, critical=contract.critical
    )


def manager_problem(contract, manager_level: int | None) -> str | None:
    """Why the contract's management needs attention: no manager, or one accredited below what
    its tier expects. None when it is well managed."""
    if contract.contract_manager_id is None:
        return "No contract manager"
    rules = (
        rules_by_code(contract.tier_rules) if contract.tier_rules else rules_for(clock.today_uk())
    )
    needed = expected_level(rules, contract.tier)
    if manager_level is None or manager_level < needed:
        held = AccreditationLevel(manager_level).label.lower() if manager_level else "no"
        level = AccreditationLevel(needed).label.lower()
        article = "an" if level[0] in "aeiou" else "a"
        return (
            f"A {Tier(contract.tier).label.lower()} contract needs {article} {level} contract "
            f"manager; its manager has {held} accreditation"
        )
    return None
