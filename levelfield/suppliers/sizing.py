"""An organisation's size (micro / small / medium / large) worked out from its staff headcount,
annual turnover and balance sheet total, with the steps shown so a supplier can check it.

The thresholds are versioned data, chosen by the date the figures are given, like the policy
versions in `levelfield/core/policy.py`. Sources:

- `../shared/design/DOMAIN.md`, "SMEs, VCSEs and access": an SME has fewer than 250 staff and
  a turnover up to £44m or a balance sheet total up to £38m (PPN 001).
- The micro and small bands are the ones UK government SME statistics and Digital Marketplace
  supplier records use (from EU Recommendation 2003/361/EC): micro, fewer than 10 staff and
  turnover or balance sheet up to £2m; small, fewer than 50 staff and up to £10m.
- The Companies Act 2006 (ss.382-384 and 465-467) sets different size tests for filing
  accounts (two of three limits, over two years). They decide which accounts a company files,
  not whether it counts as an SME in procurement, so they are not used here.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from levelfield.core.money import format_gbp

MICRO, SMALL, MEDIUM, LARGE = "micro", "small", "medium", "large"


@dataclass(frozen=True)
class SizeBand:
    size: str
    fewer_than_staff: int
    max_turnover: Decimal
    max_balance_sheet: Decimal


@dataclass(frozen=True)
class SizeDefinition:
    code: str
    title: str
    valid_from: date
    source: str
    # Smallest first: an organisation is the first band it fits, else large.
    bands: tuple[SizeBand, ...]


SIZE_DEFINITIONS: tuple[SizeDefinition, ...] = (
    SizeDefinition(
        code="UK-SME-PPN001",
        title="UK public procurement SME definition",
        valid_from=date(2025, 2, 24),
        source="PPN 001 (SME: fewer than 250 staff, and turnover up to £44m or balance sheet "
        "total up to £38m); micro and small bands as in UK government SME statistics and "
        "Digital Marketplace supplier records",
        bands=(
            SizeBand(MICRO, 10, Decimal("2000000"), Decimal("2000000")),
            SizeBand(SMALL, 50, Decimal("10000000"), Decimal("10000000")),
            SizeBand(MEDIUM, 250, Decimal("44000000"), Decimal("38000000")),
        ),
    ),
)


def definition_for(day: date) -> SizeDefinition:
    """The size definition in force on `day` (the earliest one before any was in force)."""
    applicable = [d for d in SIZE_DEFINITIONS if d.valid_from <= day]
    if not applicable:
        return SIZE_DEFINITIONS[0]
    return max(applicable, key=lambda d: d.valid_from)


def definition_by_code(code: str) -> SizeDefinition:
    for definition in SIZE_DEFINITIONS:
        if definition.code == code:
            return definition
    raise LookupError(f"unknown size definition {code!r}")


@dataclass(frozen=True)
class SizeResult:
    size: str
    definition: SizeDefinition
    steps: tuple[str, ...]

    @property
    def is_sme(self) -> bool:
        return self.size != LARGE


def _short(amount: Decimal) -> str:
    """£44m rather than £44,000,000 for round millions."""
    millions = amount / Decimal("1000000")
    if millions == millions.to_integral_value():
        return f"£{millions:.0f}m"
    return format_gbp(amount)


def classify(
    *,
    staff: int,
    turnover: Decimal | None,
    balance_sheet: Decimal | None,
    definition: SizeDefinition,
) -> SizeResult:
    """The size band the figures fall in, and a sentence for each band tried.

    A band fits when staff are fewer than its limit AND the turnover OR the balance sheet total
    is at most its limit. A figure that was not given cannot qualify."""
    if staff is None or staff < 0:
        raise ValueError("staff headcount is needed")
    if turnover is None and balance_sheet is None:
        raise ValueError("turnover or balance sheet total is needed")
    steps = []
    for band in definition.bands:
        staff_ok = staff < band.fewer_than_staff
        turnover_ok = turnover is not None and turnover <= band.max_turnover
        balance_ok = balance_sheet is not None and balance_sheet <= band.max_balance_sheet
        tests = [
            f"{staff} staff is {'' if staff_ok else 'not '}fewer than {band.fewer_than_staff}",
            (
                f"turnover {format_gbp(turnover)} is "
                f"{'' if turnover_ok else 'not '}at most {_short(band.max_turnover)}"
                if turnover is not None
                else "turnover not given"
            ),
            (
                f"balance sheet total {format_gbp(balance_sheet)} is "
                f"{'' if balance_ok else 'not '}at most {_short(band.max_balance_sheet)}"
                if balance_sheet is not None
                else "balance sheet total not given"
            ),
        ]
        fits = staff_ok and (turnover_ok or balance_ok)
        verdict = "so it is" if fits else "so it is not"
        steps.append(
            f"{band.size.capitalize()}: fewer than {band.fewer_than_staff} staff, and turnover "
            f"up to {_short(band.max_turnover)} or balance sheet total up to "
            f"{_short(band.max_balance_sheet)}. {'; '.join(tests)}; "
            f"{verdict} {band.size}."
        )
        if fits:
            return SizeResult(band.size, definition, tuple(steps))
    steps.append("It fits none of the smaller bands, so it is large (not an SME).")
    return SizeResult(LARGE, definition, tuple(steps))
