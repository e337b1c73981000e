"""The rules award criteria must meet before a tender is published. Pure: the same verdict for
the page, the API and the publish action."""

from dataclasses import dataclass
from decimal import Decimal

from levelfield.core.policy import PolicyVersion

from .models import PriceFormula, Question

HUNDRED = Decimal(100)


def _n(value: Decimal) -> str:
    """35.00 -> 35, 12.50 -> 12.5: weights as people write them."""
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class WeightCheck:
    price_weight: Decimal
    quality_weight: Decimal
    social_value_weight: Decimal
    formula: str
    failures: tuple[str, ...]

    @property
    def total(self) -> Decimal:
        return self.price_weight + self.quality_weight + self.social_value_weight

    @property
    def ok(self) -> bool:
        return not self.failures


def check_weights(
    *,
    price_weight: Decimal,
    questions: list[tuple[str, Decimal]],
    formula: str,
    threshold: Decimal | None,
    policy: PolicyVersion,
    lot_label: str = "",
) -> WeightCheck:
    """Check one lot's weights. `questions` is a list of (kind, weight)."""
    prefix = f"{lot_label}: " if lot_label else ""
    quality = sum((w for k, w in questions if k == Question.Kind.QUALITY), Decimal(0))
    social = sum((w for k, w in questions if k == Question.Kind.SOCIAL_VALUE), Decimal(0))
    total = price_weight + quality + social
    failures = []
    if total != HUNDRED:
        failures.append(
            f"{prefix}Weights must total 100. Price {_n(price_weight)} + quality {_n(quality)} + "
            f"social value {_n(social)} = {_n(total)}"
        )
    minimum = policy.min_social_value_percent
    if formula == PriceFormula.PRICE_PER_QUALITY_POINT:
        if price_weight != 0:
            failures.append(
                f"{prefix}Under price per quality point, price is divided by the quality score, "
                f"so the price weight must be 0, not {_n(price_weight)}"
            )
        non_price = quality + social
        share = (social / non_price * HUNDRED) if non_price else Decimal(0)
        if share < minimum:
            failures.append(
                f"{prefix}Social value must be at least {_n(minimum)}% of the non-price score "
                f"under price per quality point ({policy.code}). It is {_n(social)} of "
                f"{_n(non_price)} = {share.quantize(Decimal('0.1'))}%"
            )
    else:
        share = (social / total * HUNDRED) if total else Decimal(0)
        if share < minimum:
            failures.append(
                f"{prefix}Social value must be at least {_n(minimum)}% of the total score "
                f"({policy.code}). It is {_n(social)} of {_n(total)} = "
                f"{share.quantize(Decimal('0.1'))}%"
            )
    if threshold is not None and quality == 0:
        failures.append(f"{prefix}A quality threshold needs at least one quality question")
    return WeightCheck(price_weight, quality, social, formula, tuple(failures))


MAX_SCALE_SCORE = 1000
"""The highest score a scale may have: well above any scale in use (0 to 100 at most), and well
inside what an evaluator's score is stored in (a small integer, up to 32,767)."""
SCORE_TOO_BIG = f"Scores on a scale must be {MAX_SCALE_SCORE:,} or less"


def check_scale(scale) -> list[str]:
    """A scoring scale is a list of {score, descriptor} with distinct scores from 0 to
    MAX_SCALE_SCORE, the top above 0."""
    problems = []
    if not isinstance(scale, list) or len(scale) < 2:
        return ["A scoring scale needs at least two levels"]
    scores = []
    for level in scale:
        if not isinstance(level, dict) or not isinstance(level.get("score"), int):
            return ["Each level of a scoring scale needs a whole-number score and a descriptor"]
        if level["score"] < 0:
            problems.append("Scores on a scale cannot be negative")
        if level["score"] > MAX_SCALE_SCORE:
            problems.append(SCORE_TOO_BIG)
        if not str(level.get("descriptor", "")).strip():
            problems.append(f"Score {level['score']} needs a descriptor")
        scores.append(level["score"])
    if len(set(scores)) != len(scores):
        problems.append("Each score on a scale must be different")
    if scores and max(scores) <= 0:
        problems.append("The top score on a scale must be above 0")
    return problems


MAX_WORD_LIMIT = 20_000
"""The highest word limit a question may set: an answer holds at most 50,000 characters (the bid
form's field), which no more than this many words fill."""


def check_word_limit(limit) -> list[str]:
    """A question's word limit is optional; when given, a whole number of words from 1 to
    MAX_WORD_LIMIT. One rule for the question form, the API and the actions."""
    if limit is None:
        return []
    if isinstance(limit, bool) or not isinstance(limit, int):
        return ["Enter the word limit as a whole number, like 500"]
    if limit < 1:
        return ["The word limit must be at least 1 word"]
    if limit > MAX_WORD_LIMIT:
        return [f"The word limit must be {MAX_WORD_LIMIT:,} words or fewer"]
    return []
