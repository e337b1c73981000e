"""The arithmetic of evaluation: pure functions over plain values, so every number in the report
can be recomputed by hand.

Weighted score = raw / maximum x weight (DOMAIN.md). Price is scored by the formula chosen with
the tender. A quality threshold disqualifies a bid before price is considered. Ties are broken
by the published rule; bids still level share a rank.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")

LOWEST_PRICE = "lowest_price"
PROPORTIONAL = "proportional"
PRICE_PER_QUALITY_POINT = "price_per_quality_point"
PRICE_FORMULAS = (LOWEST_PRICE, PROPORTIONAL, PRICE_PER_QUALITY_POINT)

QUALITY = "quality"
SOCIAL_VALUE = "social_value"

TIE_BREAKS = ("highest_quality", "highest_social_value", "lowest_price")


def show(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return str(value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    number: int
    kind: str
    weight: Decimal
    max_score: int


@dataclass(frozen=True)
class LotCriteria:
    price_weight: Decimal
    price_formula: str
    tie_break: str
    questions: tuple[QuestionSpec, ...]
    quality_threshold: Decimal | None = None

    @property
    def quality_weight(self) -> Decimal:
        return sum((q.weight for q in self.questions if q.kind == QUALITY), Decimal(0))

    @property
    def social_value_weight(self) -> Decimal:
        return sum((q.weight for q in self.questions if q.kind == SOCIAL_VALUE), Decimal(0))


@dataclass(frozen=True)
class BidInput:
    id: int
    name: str
    price: Decimal
    scores: dict[int, int]  # question id -> agreed (moderated) raw score


@dataclass
class QuestionResult:
    question: QuestionSpec
    raw: int
    points: Decimal

    @property
    def explanation(self) -> str:
        return (
            f"Q{self.question.number}: {self.raw} / {self.question.max_score} x "
            f"{show(self.question.weight)} = {show(self.points)}"
        )


@dataclass
class BidResult:
    bid: BidInput
    questions: list[QuestionResult]
    quality_points: Decimal
    social_value_points: Decimal
    price_points: Decimal | None = None
    price_per_point: Decimal | None = None
    total: Decimal | None = None
    disqualified: bool = False
    disqualification: str = ""
    abnormally_low: str = ""
    rank: int | None = None
    tied: bool = False
    explanation: list[str] = field(default_factory=list)

    @property
    def non_price_points(self) -> Decimal:
        return self.quality_points + self.social_value_points


def weighted(raw: int, max_score: int, weight: Decimal) -> Decimal:
    """raw / max x weight."""
    if max_score <= 0:
        raise ValueError("a scale's maximum must be above zero")
    return Decimal(raw) / Decimal(max_score) * weight


def price_points(formula: str, price: Decimal, lowest: Decimal, weight: Decimal) -> Decimal:
    """Price score under the weighted formulas (not price per quality point)."""
    if price <= 0 or lowest <= 0:
        raise ValueError("prices must be above zero")
    if formula == LOWEST_PRICE:
        return lowest / price * weight
    if formula == PROPORTIONAL:
        # Full marks for the lowest price, one percentage of the weight lost for each percent
        # above it, never below zero.
        return max(Decimal(0), weight * (1 - (price - lowest) / lowest))
    raise ValueError(f"{formula} does not award price points")


def abnormally_low(price: Decimal, others: list[Decimal]) -> str:
    """Prozorro's rule of thumb: 40% below the mean of the other bids, or 30% below the next
    higher bid. A flag for investigation, never a disqualification."""
    if not others:
        return ""
    mean = sum(others, Decimal(0)) / len(others)
    if price < mean * Decimal("0.6"):
        return f"{show(price)} is more than 40% below the mean of the other bids ({show(mean)})"
    higher = sorted(p for p in others if p >= price)
    if higher and price < higher[0] * Decimal("0.7"):
        return f"{show(price)} is more than 30% below the next bid ({show(higher[0])})"
    return ""


def _tie_key(result: BidResult, rule: str):
    if rule == "highest_quality":
        return -result.quality_points
    if rule == "highest_social_value":
        return -result.social_value_points
    if rule == "lowest_price":
        return result.bid.price
    raise ValueError(f"unknown tie-break rule {rule}")


def evaluate(criteria: LotCriteria, bids: list[BidInput]) -> list[BidResult]:
    """Score, disqualify, and rank every bid for a lot. Returns results in rank order, the
    disqualified last."""
    with localcontext() as ctx:
        ctx.prec = 34
        results = [_score_questions(criteria, bid) for bid in bids]
        _apply_threshold(criteria, results)
        qualified = [r for r in results if not r.disqualified]
        if qualified:
            lowest = min(r.bid.price for r in qualified)
            for result in qualified:
                _score_price(criteria, result, lowest)
        for result in results:
            others = [r.bid.price for r in results if r is not result]
            result.abnormally_low = abnormally_low(result.bid.price, others)
        ranked = _rank(criteria, [r for r in results if not r.disqualified])
        return ranked + [r for r in results if r.disqualified]


def _score_questions(criteria: LotCriteria, bid: BidInput) -> BidResult:
    question_results = []
    for question in criteria.questions:
        if question.id not in bid.scores:
            raise ValueError(f"bid {bid.id} has no agreed score for Q{question.number}")
        raw = bid.scores[question.id]
        question_results.append(
            QuestionResult(question, raw, weighted(raw, question.max_score, question.weight))
        )
    quality = sum((q.points for q in question_results if q.question.kind == QUALITY), Decimal(0))
    social = sum(
        (q.points for q in question_results if q.question.kind == SOCIAL_VALUE), Decimal(0)
    )
    result = BidResult(
        bid=bid, questions=question_results, quality_points=quality, social_value_points=social
    )
    result.explanation = [q.explanation for q in question_results]
    result.explanation.append(
        f"Quality {show(quality)} of {show(criteria.quality_weight)}; social value "
        f"{show(social)} of {show(criteria.social_value_weight)}"
    )
    return result


def _apply_threshold(criteria: LotCriteria, results: list[BidResult]) -> None:
    threshold = criteria.quality_threshold
    if threshold is None or criteria.quality_weight == 0:
        return
    for result in results:
        percent = result.quality_points / criteria.quality_weight * HUNDRED
        if percent < threshold:
            result.disqualified = True
            result.disqualification = (
                f"Quality score {show(percent)}% is below the threshold of {show(threshold)}%"
            )
            result.explanation.append(f"Disqualified: {result.disqualification}; price not scored")


def _score_price(criteria: LotCriteria, result: BidResult, lowest: Decimal) -> None:
    price = result.bid.price
    if criteria.price_formula == PRICE_PER_QUALITY_POINT:
        if result.non_price_points == 0:
            result.disqualified = True
            result.disqualification = "No quality or social value points, so no price per point"
            result.explanation.append(f"Disqualified: {result.disqualification}")
            return
        result.price_per_point = price / result.non_price_points
        result.explanation.append(
            f"Price per quality point: {show(price)} / {show(result.non_price_points)} = "
            f"{show(result.price_per_point)} (lowest wins)"
        )
        return
    result.price_points = price_points(criteria.price_formula, price, lowest, criteria.price_weight)
    if criteria.price_formula == LOWEST_PRICE:
        how = f"{show(lowest)} / {show(price)} x {show(criteria.price_weight)}"
    else:
        how = (
            f"{show(criteria.price_weight)} x (1 - ({show(price)} - {show(lowest)}) / "
            f"{show(lowest)}), not below 0"
        )
    result.explanation.append(f"Price: {how} = {show(result.price_points)}")
    result.total = result.price_points + result.non_price_points
    result.explanation.append(
        f"Total: {show(result.price_points)} + {show(result.quality_points)} + "
        f"{show(result.social_value_points)} = {show(result.total)}"
    )


def _rank(criteria: LotCriteria, qualified: list[BidResult]) -> list[BidResult]:
    qualified = [r for r in qualified if not r.disqualified]
    if criteria.price_formula == PRICE_PER_QUALITY_POINT:

        def primary(r):
            return r.price_per_point
    else:

        def primary(r):
            return -r.total

    def key(r):
        return (primary(r), _tie_key(r, criteria.tie_break))

    ordered = sorted(qualified, key=key)
    rank = 0
    previous = None
    for position, result in enumerate(ordered, start=1):
        current = key(result)
        if current != previous:
            rank = position
        result.rank = rank
        previous = current
    for result in ordered:
        level = [r for r in ordered if r.rank == result.rank]
        result.tied = len(level) > 1
        if primary(result) in {primary(r) for r in ordered if r is not result}:
            result.explanation.append(
                "Level on the main score with another bid; tie-break: "
                f"{criteria.tie_break.replace('_', ' ')}"
                + (" – still level, rank shared" if result.tied else "")
            )
    return ordered
