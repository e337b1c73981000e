"""The arithmetic of evaluation and the rules for award criteria, each checked against a hand
calculation written beside it. Everything is Decimal."""

from decimal import Decimal as D

import pytest

from levelfield.core.policy import policy_by_code
from levelfield.evaluation import scoring
from levelfield.evaluation.scoring import BidInput, LotCriteria, QuestionSpec
from levelfield.tenders.criteria import check_scale, check_weights

POLICY = policy_by_code("PPN-002")

# Q1 quality, weight 50; Q2 social value, weight 10; both scored out of 100.
Q1 = QuestionSpec(id=1, number=1, kind=scoring.QUALITY, weight=D("50"), max_score=100)
Q2 = QuestionSpec(id=2, number=2, kind=scoring.SOCIAL_VALUE, weight=D("10"), max_score=100)


def criteria(
    formula=scoring.LOWEST_PRICE,
    *,
    price_weight="40",
    tie_break="highest_quality",
    threshold=None,
    questions=(Q1, Q2),
) -> LotCriteria:
    return LotCriteria(
        price_weight=D(price_weight),
        price_formula=formula,
        tie_break=tie_break,
        questions=tuple(questions),
        quality_threshold=None if threshold is None else D(threshold),
    )


def bid(id_, price, q1, q2) -> BidInput:
    return BidInput(id=id_, name=f"Bidder {id_}", price=D(price), scores={1: q1, 2: q2})


def by_id(results):
    return {r.bid.id: r for r in results}


# --- weighted scores -------------------------------------------------------------------------


def test_weighted_score_is_raw_over_max_times_weight():
    # 75 / 100 x 50 = 37.5
    assert scoring.weighted(75, 100, D("50")) == D("37.5")
    # 3 / 4 x 20 = 15
    assert scoring.weighted(3, 4, D("20")) == D("15")
    # 1 / 3 x 10 = 3.333... shown as 3.33
    assert scoring.show(scoring.weighted(1, 3, D("10"))) == "3.33"


def test_a_scale_must_have_a_maximum_above_zero():
    with pytest.raises(ValueError):
        scoring.weighted(0, 0, D("10"))


def test_numbers_are_shown_to_two_places_rounding_half_up():
    assert scoring.show(D("37.5")) == "37.50"
    assert scoring.show(D("0.125")) == "0.13"
    assert scoring.show(D("70")) == "70.00"
    assert scoring.show(None) == "–"


def test_question_points_and_totals_in_a_full_evaluation():
    # Bidder 1: Q1 75 -> 75/100 x 50 = 37.5; Q2 50 -> 50/100 x 10 = 5; price is the lowest:
    # 80000/80000 x 40 = 40. Total 37.5 + 5 + 40 = 82.5
    # Bidder 2: Q1 100 -> 50; Q2 100 -> 10; price 100000: 80000/100000 x 40 = 32.
    # Total 50 + 10 + 32 = 92 -> bidder 2 ranks first.
    results = scoring.evaluate(criteria(), [bid(1, "80000", 75, 50), bid(2, "100000", 100, 100)])
    one, two = by_id(results)[1], by_id(results)[2]
    assert one.quality_points == D("37.5")
    assert one.social_value_points == D("5")
    assert one.price_points == D("40")
    assert one.total == D("82.5")
    assert two.price_points == D("32")
    assert two.total == D("92")
    assert [r.bid.id for r in results] == [2, 1]
    assert (two.rank, one.rank) == (1, 2)
    assert "Q1: 75 / 100 x 50.00 = 37.50" in one.explanation
    assert "Price: 80000.00 / 100000.00 x 40.00 = 32.00" in two.explanation
    assert "Total: 32.00 + 50.00 + 10.00 = 92.00" in two.explanation


def test_a_missing_agreed_score_is_an_error_not_a_zero():
    with pytest.raises(ValueError):
        scoring.evaluate(criteria(), [BidInput(1, "A", D("100"), scores={1: 50})])


# --- price formulas --------------------------------------------------------------------------


def test_lowest_price_formula():
    # lowest / price x weight: 80000 / 100000 x 40 = 32; the lowest gets the full 40.
    assert scoring.price_points(scoring.LOWEST_PRICE, D("100000"), D("80000"), D("40")) == D("32")
    assert scoring.price_points(scoring.LOWEST_PRICE, D("80000"), D("80000"), D("40")) == D("40")
    # 80000 / 120000 x 40 = 26.666... -> 26.67
    points = scoring.price_points(scoring.LOWEST_PRICE, D("120000"), D("80000"), D("40"))
    assert scoring.show(points) == "26.67"


def test_proportional_deviation_formula():
    # weight x (1 - (price - lowest) / lowest): 100000 is 25% above 80000 -> 40 x 0.75 = 30.
    assert scoring.price_points(scoring.PROPORTIONAL, D("100000"), D("80000"), D("40")) == D("30")
    # The lowest price: 40 x (1 - 0) = 40.
    assert scoring.price_points(scoring.PROPORTIONAL, D("80000"), D("80000"), D("40")) == D("40")
    # Exactly double the lowest: 40 x (1 - 1) = 0.
    assert scoring.price_points(scoring.PROPORTIONAL, D("160000"), D("80000"), D("40")) == 0


def test_proportional_deviation_never_goes_below_zero():
    # 200000 is 150% above 80000: 40 x (1 - 1.5) = -20, floored at 0.
    assert scoring.price_points(scoring.PROPORTIONAL, D("200000"), D("80000"), D("40")) == D("0")


def test_price_per_quality_point_does_not_award_price_points():
    with pytest.raises(ValueError):
        scoring.price_points(scoring.PRICE_PER_QUALITY_POINT, D("1"), D("1"), D("0"))


def test_price_per_quality_point_lowest_price_per_point_wins():
    # Quality Q1 weight 90, social value Q2 weight 10, price weight 0.
    q1 = QuestionSpec(1, 1, scoring.QUALITY, D("90"), 100)
    q2 = QuestionSpec(2, 2, scoring.SOCIAL_VALUE, D("10"), 100)
    lot = criteria(scoring.PRICE_PER_QUALITY_POINT, price_weight="0", questions=(q1, q2))
    # Bidder 1: 100 and 100 -> 90 + 10 = 100 points; 100000 / 100 = 1000 per point.
    # Bidder 2: 50 and 50 -> 45 + 5 = 50 points; 60000 / 50 = 1200 per point.
    # The dearer bid wins: it costs less for each point of quality.
    results = scoring.evaluate(lot, [bid(1, "100000", 100, 100), bid(2, "60000", 50, 50)])
    one, two = by_id(results)[1], by_id(results)[2]
    assert one.price_per_point == D("1000")
    assert two.price_per_point == D("1200")
    assert one.price_points is None and one.total is None
    assert (one.rank, two.rank) == (1, 2)
    assert "Price per quality point: 100000.00 / 100.00 = 1000.00 (lowest wins)" in (
        one.explanation
    )


def test_price_per_quality_point_with_no_points_is_disqualified():
    q1 = QuestionSpec(1, 1, scoring.QUALITY, D("90"), 100)
    q2 = QuestionSpec(2, 2, scoring.SOCIAL_VALUE, D("10"), 100)
    lot = criteria(scoring.PRICE_PER_QUALITY_POINT, price_weight="0", questions=(q1, q2))
    results = by_id(scoring.evaluate(lot, [bid(1, "1000", 0, 0), bid(2, "2000", 50, 50)]))
    assert results[1].disqualified and results[1].rank is None
    assert results[2].rank == 1


# --- quality threshold -----------------------------------------------------------------------


def test_quality_threshold_disqualifies_and_lowest_price_is_taken_among_qualified_only():
    # Threshold 60% of the 50 quality points = 30 points.
    # Bidder 1: Q1 50 -> 25 points = 50% < 60% -> disqualified, price never scored, although
    #           its 50000 is the lowest price.
    # Bidder 2: Q1 75 -> 37.5 = 75%; price 100000 is the lowest QUALIFIED price:
    #           100000 / 100000 x 40 = 40. Q2 50 -> 5. Total 37.5 + 5 + 40 = 82.5.
    # Bidder 3: Q1 100 -> 50; price 125000: 100000 / 125000 x 40 = 32. Q2 0. Total 82.
    results = scoring.evaluate(
        criteria(threshold="60"),
        [bid(1, "50000", 50, 100), bid(2, "100000", 75, 50), bid(3, "125000", 100, 0)],
    )
    found = by_id(results)
    assert found[1].disqualified
    assert found[1].disqualification == "Quality score 50.00% is below the threshold of 60.00%"
    assert found[1].price_points is None and found[1].rank is None
    assert found[2].price_points == D("40")
    assert found[2].total == D("82.5")
    assert found[3].price_points == D("32")
    assert found[3].total == D("82")
    assert [r.bid.id for r in results] == [2, 3, 1]  # disqualified last
    assert (found[2].rank, found[3].rank) == (1, 2)


def test_a_score_exactly_at_the_threshold_qualifies():
    # Q1 50 -> 25 of 50 = 50%, threshold 50%: not below it.
    results = by_id(scoring.evaluate(criteria(threshold="50"), [bid(1, "100", 50, 0)]))
    assert not results[1].disqualified
    assert results[1].rank == 1


# --- tie-breaks ------------------------------------------------------------------------------


def level_pair():
    # Bidder 1: price 80000 (lowest) -> 40; Q1 50 -> 25; Q2 50 -> 5. Total 70.
    #           Quality 25, social value 5.
    # Bidder 2: price 160000 -> 80000 / 160000 x 40 = 20; Q1 100 -> 50; Q2 0 -> 0. Total 70.
    #           Quality 50, social value 0.
    return [bid(1, "80000", 50, 50), bid(2, "160000", 100, 0)]


def test_level_totals_are_exactly_equal():
    found = by_id(scoring.evaluate(criteria(), level_pair()))
    assert found[1].total == found[2].total == D("70")


@pytest.mark.parametrize(
    ("rule", "winner"),
    [
        ("highest_quality", 2),  # 50 quality points beat 25
        ("highest_social_value", 1),  # 5 social value points beat 0
        ("lowest_price", 1),  # 80000 beats 160000
    ],
)
def test_each_tie_break_rule_decides_level_bids(rule, winner):
    results = scoring.evaluate(criteria(tie_break=rule), level_pair())
    found = by_id(results)
    loser = 1 if winner == 2 else 2
    assert (found[winner].rank, found[loser].rank) == (1, 2)
    assert not found[winner].tied and not found[loser].tied
    assert any("tie-break" in line for line in found[winner].explanation)


def test_bids_still_level_after_the_tie_break_share_a_rank():
    # Bidders 1 and 2 are identical: 100000, Q1 75, Q2 50 -> 40 + 37.5 + 5 = 82.5 each.
    # Bidder 3: 100000, Q1 50, Q2 50 -> 40 + 25 + 5 = 70 -> third (two bids above it).
    results = scoring.evaluate(
        criteria(),
        [bid(1, "100000", 75, 50), bid(2, "100000", 75, 50), bid(3, "100000", 50, 50)],
    )
    found = by_id(results)
    assert found[1].rank == found[2].rank == 1
    assert found[1].tied and found[2].tied
    assert found[3].rank == 3 and not found[3].tied
    assert any("still level, rank shared" in line for line in found[1].explanation)


# --- abnormally low --------------------------------------------------------------------------


def test_abnormally_low_more_than_40_percent_below_the_mean():
    # Mean of the others (100, 100) = 100; 60% of it = 60; 50 < 60 -> flagged.
    flag = scoring.abnormally_low(D("50"), [D("100"), D("100")])
    assert flag == "50.00 is more than 40% below the mean of the other bids (100.00)"


def test_abnormally_low_more_than_30_percent_below_the_next_bid():
    # Others 60 and 100: mean 80, 60% of it = 48; 65 is not below 48.
    # The next higher bid is 100; 70% of it = 70; 65 < 70 -> flagged.
    flag = scoring.abnormally_low(D("65"), [D("60"), D("100")])
    assert flag == "65.00 is more than 30% below the next bid (100.00)"


def test_not_abnormally_low_at_the_boundaries_or_alone():
    # Others 100, 100: 70 is exactly 30% below the next bid (70% of 100 = 70), not more.
    assert scoring.abnormally_low(D("70"), [D("100"), D("100")]) == ""
    # No other bids to compare with.
    assert scoring.abnormally_low(D("1"), []) == ""


def test_evaluation_flags_but_does_not_disqualify_an_abnormally_low_bid():
    # Prices 40000, 100000, 100000: for bidder 1 the mean of the others is 100000 and
    # 40000 < 60000 -> flagged; it still ranks (its lowest price earns the full 40).
    results = by_id(
        scoring.evaluate(
            criteria(),
            [bid(1, "40000", 50, 50), bid(2, "100000", 50, 50), bid(3, "100000", 50, 50)],
        )
    )
    assert "40% below the mean" in results[1].abnormally_low
    assert not results[1].disqualified and results[1].rank == 1
    assert results[2].abnormally_low == ""


# --- award criteria rules (tenders/criteria.py) ----------------------------------------------


def check(price, questions, formula="lowest_price", threshold=None):
    return check_weights(
        price_weight=D(price),
        questions=[(kind, D(weight)) for kind, weight in questions],
        formula=formula,
        threshold=None if threshold is None else D(threshold),
        policy=POLICY,
    )


def test_weights_totalling_95_are_refused():
    # 40 + 45 + 10 = 95
    result = check("40", [("quality", "45"), ("social_value", "10")])
    assert not result.ok
    assert result.total == D("95")
    assert any("Weights must total 100" in f and "= 95" in f for f in result.failures)


def test_social_value_at_5_percent_is_refused():
    # 5 of 100 = 5% < the 10% minimum (PPN 002)
    result = check("40", [("quality", "55"), ("social_value", "5")])
    assert not result.ok
    assert any("Social value must be at least 10%" in f for f in result.failures)


def test_social_value_at_10_percent_passes():
    # 40 + 50 + 10 = 100; 10 of 100 = 10%
    result = check("40", [("quality", "50"), ("social_value", "10")])
    assert result.ok, result.failures


def test_price_per_quality_point_measures_social_value_against_the_non_price_score():
    # Price 10, quality 81, social value 9: total 100.
    # Against the total, 9 of 100 = 9% would fail; under price per quality point it is
    # 9 of the non-price 90 = 10%, which passes. Only the price weight is wrong.
    weights = [("quality", "81"), ("social_value", "9")]
    ppqp = check("10", weights, formula="price_per_quality_point")
    assert not any("Social value" in f for f in ppqp.failures)
    assert any("price weight must be 0" in f for f in ppqp.failures)
    weighted = check("10", weights, formula="lowest_price")
    assert any("Social value must be at least 10% of the total" in f for f in weighted.failures)


def test_price_per_quality_point_needs_a_price_weight_of_zero():
    result = check("0", [("quality", "90"), ("social_value", "10")], "price_per_quality_point")
    assert result.ok, result.failures
    # Social value 5 of the non-price 100 = 5% -> refused.
    low = check("0", [("quality", "95"), ("social_value", "5")], "price_per_quality_point")
    assert any("non-price score" in f for f in low.failures)


def test_a_threshold_without_quality_questions_is_refused():
    result = check("90", [("social_value", "10")], threshold="50")
    assert any(
        "quality threshold needs at least one quality question" in f for f in result.failures
    )
    with_quality = check("40", [("quality", "50"), ("social_value", "10")], threshold="50")
    assert with_quality.ok


def test_scoring_scales():
    good = [{"score": 0, "descriptor": "None"}, {"score": 100, "descriptor": "All"}]
    assert check_scale(good) == []
    assert check_scale([{"score": 0, "descriptor": "Only one"}])
    assert check_scale([{"score": 0, "descriptor": "a"}, {"score": 0, "descriptor": "b"}])
    assert check_scale([{"score": 0, "descriptor": "a"}, {"score": 50, "descriptor": ""}])
