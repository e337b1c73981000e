"""Procurement policy rules as versioned data, chosen by the procurement's commencement date.

A procurement records the version that applied when it commenced (its publication) and keeps it
for life, so a later policy note never changes how an earlier procurement is judged.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class ScaleLevel:
    score: int
    descriptor: str


@dataclass(frozen=True)
class PolicyVersion:
    code: str
    title: str
    valid_from: date
    source: str
    # PPN 06/20 and PPN 002: social value at least 10% of the total score, or of the non-price
    # score under price-per-quality-point methods.
    min_social_value_percent: Decimal
    # Procurement Act 2023 s.51: standstill of 8 working days.
    standstill_working_days: int
    default_scale: tuple[ScaleLevel, ...]


_DEFAULT_SCALE = (
    ScaleLevel(0, "No response, or the response fails to meet the requirement."),
    ScaleLevel(
        25, "Poor: the response meets few elements of the requirement, with little evidence."
    ),
    ScaleLevel(50, "Satisfactory: the response meets most elements of the requirement."),
    ScaleLevel(75, "Good: the response meets all elements of the requirement with evidence."),
    ScaleLevel(
        100,
        "Excellent: the response meets every element with detailed, convincing evidence "
        "and adds value.",
    ),
)

POLICY_VERSIONS: tuple[PolicyVersion, ...] = (
    PolicyVersion(
        code="PPN-06-20",
        title="Procurement Policy Note 06/20: taking account of social value",
        valid_from=date(2021, 1, 1),
        source="PPN 06/20 (Cabinet Office, September 2020), in force 1 January 2021",
        min_social_value_percent=Decimal("10"),
        standstill_working_days=8,
        default_scale=_DEFAULT_SCALE,
    ),
    PolicyVersion(
        code="PPN-002",
        title="PPN 002: taking account of social value in the award of contracts",
        valid_from=date(2025, 2, 24),
        source="PPN 002 (Cabinet Office, February 2025), mandatory from 1 October 2025",
        min_social_value_percent=Decimal("10"),
        standstill_working_days=8,
        default_scale=_DEFAULT_SCALE,
    ),
)


def policy_for(commencement: date) -> PolicyVersion:
    """The policy version in force on the commencement date."""
    applicable = [p for p in POLICY_VERSIONS if p.valid_from <= commencement]
    if not applicable:
        return POLICY_VERSIONS[0]
    return max(applicable, key=lambda p: p.valid_from)


def policy_by_code(code: str) -> PolicyVersion:
    for version in POLICY_VERSIONS:
        if version.code == code:
            return version
    raise LookupError(f"unknown policy version {code!r}")
