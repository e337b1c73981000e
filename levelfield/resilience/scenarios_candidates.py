"""Candidate replacement suppliers for the contracts of a failure scenario.

A candidate is a supplier registered on levelfield, outside the failed group (never a chosen
supplier nor a group member), working in the contract's CPV classes: a CPV interest of its
profile, or a CPV code of a contract it has held here, shares the contract's CPV class (the first
5 digits, or covers it: an interest of 3 or 4 digits the class starts with), or at least its
division (the first 2 digits: a weaker match). A contract with no CPV codes (one let elsewhere)
gets no candidates, and says why.

Its score is the sum of these parts, each given as a reason in words:

- CPV: the contract's class +40, its division only +20;
- region (the contract's tender's): based there +20, serving it (a served region) +15;
- capacity, its annual turnover / the contract's annual value: 2 or more +20 (the contract is
  at most half its turnover), 1 or more +10, less or not given 0;
- past performance, the mean over its contracts' assessments of good +15, approaching target
  +10, requires improvement 0, inadequate -15 (other ratings not counted), rounded; none 0;
- an SME +5, a VCSE +5 (Procurement Act 2023 s.12(4): regard to the barriers SMEs face).

Ranked by score, then capacity, then name; the top five per contract.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from levelfield.accounts.models import Organisation
from levelfield.contracts.lifecycle import PUBLIC
from levelfield.contracts.models import PerformanceAssessment, Rating
from levelfield.core.money import format_gbp
from levelfield.suppliers.models import Region, Size, SupplierProfile
from levelfield.tenders.models import TenderCPV

from .scenarios import Candidate, ContractCandidates, ScorePart

TOP = 5
CLASS_POINTS = 40
DIVISION_POINTS = 20
BASED_POINTS = 20
SERVES_POINTS = 15
CAPACITY_POINTS = ((Decimal(2), 20), (Decimal(1), 10))
RATING_POINTS: dict[str, int] = {
    Rating.GOOD: 15,
    Rating.APPROACHING: 10,
    Rating.REQUIRES_IMPROVEMENT: 0,
    Rating.INADEQUATE: -15,
}
SME_POINTS = 5
VCSE_POINTS = 5

NO_CPV = (
    "No candidates: the contract records no CPV codes (it was let elsewhere), so suppliers "
    "doing the same work cannot be found"
)
NONE_FOUND = "No registered supplier outside the failed group works in the contract's CPV divisions"


def _region(code: str) -> str:
    return Region(code).label if code in Region.values else code


def _same_class(own: str, cls: str) -> bool:
    """`own` (a CPV code or interest of 2 to 8 digits) is in the class `cls` or covers it."""
    if len(own) >= 5:
        return own[:5] == cls
    return len(own) >= 3 and cls.startswith(own)


def cpv_match(contract_codes, interests, held) -> tuple[int, str]:
    """The CPV part of the score: (points, words), or (0, "") when nothing matches."""
    best = (0, "")
    for code in contract_codes:
        cls, division = code[:5], code[:2]
        for source, codes in (("its CPV interests", interests), ("a contract it has held", held)):
            for own in codes:
                if _same_class(own, cls):
                    return (
                        CLASS_POINTS,
                        f"Works in CPV class {cls}, as the contract does ({source})",
                    )
                if own[:2] == division and best[0] < DIVISION_POINTS:
                    best = (
                        DIVISION_POINTS,
                        f"Works in CPV division {division}, though not in the contract's "
                        f"classes ({source})",
                    )
    return best


def region_part(region: str, based: str, served: set[str]) -> ScorePart:
    if not region:
        return ScorePart(0, "The contract records no region")
    if based == region:
        return ScorePart(BASED_POINTS, f"Based in {_region(region)}, the contract's region")
    if region in served:
        return ScorePart(SERVES_POINTS, f"Serves {_region(region)}, the contract's region")
    return ScorePart(0, f"Neither based in nor serving {_region(region)}, the contract's region")


def capacity_part(turnover, annual_value: Decimal) -> tuple[Decimal | None, ScorePart]:
    if turnover is None:
        return None, ScorePart(0, "Has not given its annual turnover")
    if annual_value <= 0:
        return None, ScorePart(0, "The contract's annual value is too small to compare")
    capacity = (Decimal(turnover) / annual_value).quantize(Decimal("0.01"), ROUND_HALF_UP)
    words = (
        f"Annual turnover {format_gbp(turnover)} is {capacity} times the contract's annual "
        f"value of {format_gbp(annual_value)}"
    )
    for floor, points in CAPACITY_POINTS:
        if capacity >= floor:
            return capacity, ScorePart(points, words)
    return capacity, ScorePart(0, words)


def performance_part(ratings: list[str]) -> ScorePart:
    counted = [r for r in ratings if r in RATING_POINTS]
    if not counted:
        return ScorePart(0, "No performance assessments of its contracts on levelfield")
    mean = Decimal(sum(RATING_POINTS[r] for r in counted)) / len(counted)
    points = int(mean.quantize(Decimal(1), ROUND_HALF_UP))
    tally: defaultdict[str, int] = defaultdict(int)
    for r in counted:
        tally[r] += 1
    said = ", ".join(f"{n} {Rating(r).label.lower()}" for r, n in tally.items())
    plural = "s" if len(counted) != 1 else ""
    return ScorePart(points, f"Past performance: {len(counted)} assessment{plural}, {said}")


def _candidate_profiles(divisions: set[str], exclude: set[int]):
    """Registered suppliers outside `exclude` with a CPV interest or a contract held in one of
    `divisions` (bounded: the same queries for any number of contracts)."""
    interest = Q()
    for division in divisions:
        interest |= Q(code__startswith=division)
    held = Q()
    for division in divisions:
        held |= Q(code__startswith=division)
    from levelfield.suppliers.models import CpvInterest

    by_interest = CpvInterest.objects.filter(interest).values("profile__organisation_id")
    held_rows = list(
        TenderCPV.objects.filter(held)
        .filter(
            tender__lots__contract__status__in=PUBLIC,
        )
        .values_list("tender__lots__contract__supplier_id", "code")
        .distinct()
    )
    held_codes: dict[int, set[str]] = defaultdict(set)
    for supplier_id, code in held_rows:
        if supplier_id not in exclude:
            held_codes[supplier_id].add(code.split("-")[0])
    profiles = list(
        SupplierProfile.objects.filter(
            Q(organisation__in=by_interest) | Q(organisation__in=list(held_codes)),
            organisation__kind=Organisation.Kind.SUPPLIER,
        )
        .exclude(organisation__in=exclude)
        .select_related("organisation")
        .prefetch_related("served_regions", "cpv_interests")
        .order_by("organisation_id")
    )
    ratings: dict[int, list[str]] = defaultdict(list)
    for supplier_id, rating in PerformanceAssessment.objects.filter(
        contract__supplier__in=[p.organisation_id for p in profiles]
    ).values_list("contract__supplier_id", "rating"):
        ratings[supplier_id].append(rating)
    return profiles, held_codes, ratings


def score(contract, profile, held: set[str], ratings: list[str]) -> Candidate | None:
    """A profile scored against one contract; None when it does not work in its CPV division."""
    interests = [i.code for i in profile.cpv_interests.all()]
    points, words = cpv_match(contract.cpv_codes, interests, sorted(held))
    if not points:
        return None
    served = {r.region for r in profile.served_regions.all()}
    capacity, capacity_reason = capacity_part(profile.annual_turnover, contract.annual_value)
    reasons = [
        ScorePart(points, words),
        region_part(contract.region, profile.region, served),
        capacity_reason,
        performance_part(ratings),
    ]
    size = Size(profile.size).label if profile.size in Size.values else profile.size
    if profile.is_sme:
        reasons.append(ScorePart(SME_POINTS, f"An SME ({size.lower()})"))
    if profile.is_vcse:
        reasons.append(ScorePart(VCSE_POINTS, "A VCSE"))
    return Candidate(
        organisation_id=profile.organisation_id,
        name=profile.organisation.name,
        size=size,
        is_sme=profile.is_sme,
        is_vcse=profile.is_vcse,
        score=sum(r.points for r in reasons),
        rank=0,
        capacity=capacity,
        reasons=tuple(reasons),
    )


def _ranked(found: list[Candidate]) -> tuple[Candidate, ...]:
    found.sort(
        key=lambda c: (
            -c.score,
            -(c.capacity if c.capacity is not None else Decimal(-1)),
            c.name.casefold(),
            c.organisation_id,
        )
    )
    return tuple(Candidate(**{**c.__dict__, "rank": n}) for n, c in enumerate(found[:TOP], start=1))


def candidates_for(report, *, exclude: set[int]) -> tuple[ContractCandidates, ...]:
    """The top candidates for each of the report's contracts; `exclude`: the failed group's
    organisation ids (the chosen suppliers among them), never candidates."""
    exclude = set(exclude) | {p.organisation_id for p in report.chosen}
    divisions = {code[:2] for c in report.contracts for code in c.cpv_codes}
    profiles, held, ratings = _candidate_profiles(divisions, exclude) if divisions else ([], {}, {})
    out = []
    for contract in report.contracts:
        if not contract.cpv_codes:
            out.append(ContractCandidates(contract.id, (), NO_CPV))
            continue
        found = [
            candidate
            for profile in profiles
            if profile.organisation_id not in exclude
            and (
                candidate := score(
                    contract,
                    profile,
                    held.get(profile.organisation_id, set()),
                    ratings.get(profile.organisation_id, []),
                )
            )
            is not None
        ]
        ranked = _ranked(found)
        out.append(ContractCandidates(contract.id, ranked, "" if ranked else NONE_FOUND))
    return tuple(out)
