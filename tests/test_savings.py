"""Each call-off's saving: in pounds (the buyer's previous cost less the call-off's value) and,
where the buyer set a unit cost of that need, in its units, rounded as people say it."""

from decimal import Decimal

import pytest

from levelfield.insights.actions_unit_costs import set_unit_cost
from levelfield.insights.units import about, normalised, unit_cost_for
from levelfield.marketplace import savings
from levelfield.suppliers.models import Size
from tests.support import call_offs, testing

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return call_offs.catalogue()


def _cost(shop, unit, cost, *, label="", division="", buyer=None, by=None):
    return set_unit_cost(
        by=by or shop.buyer_admin,
        organisation=buyer or shop.buyer,
        unit=unit,
        cost_per_unit=cost,
        label=label,
        cpv_division=division,
    )


def test_a_saving_reads_in_pounds_and_in_the_buyers_units(shop):
    _cost(shop, "pothole repairs", "133.33", label="pothole")
    call_offs.awarded(
        shop.buyer,
        shop.listings[Size.MICRO],
        by=shop.buyer_officer,
        name="Pothole repairs reporting: hosting",
        value="32000",
        previous_cost="52000",
    )
    [found] = savings.buyer_savings(shop.buyer)
    assert found.saving == Decimal("20000.00")
    # 20,000 / 133.33 = 150.004: from 100 up, to the nearest 10.
    assert found.unit == "pothole repairs" and found.units == Decimal(150)
    assert found.in_words == "£20,000 less than before: about 150 pothole repairs"


def test_no_unit_cost_leaves_the_saving_in_pounds(shop):
    call_offs.awarded(
        shop.buyer,
        shop.listings[Size.MEDIUM],
        by=shop.buyer_officer,
        name="Case management",
        value="9000.50",
        previous_cost="10000",
    )
    [found] = savings.buyer_savings(shop.buyer)
    assert found.saving == Decimal("999.50") and found.units is None and found.unit == ""
    assert found.in_words == "£999.50 less than before"


def test_a_call_off_that_costs_more_has_a_negative_saving_and_fewer_units(shop):
    _cost(shop, "hours of support", "100", division="72")
    call_offs.awarded(
        shop.buyer,
        shop.listings[Size.SMALL],
        by=shop.buyer_officer,
        name="Migration of the library system",
        value="12000",
        previous_cost="10000",
    )
    [found] = savings.buyer_savings(shop.buyer)
    assert found.saving == Decimal("-2000.00")
    assert found.units == Decimal(-20)  # by the lot's CPV division, 72600000
    assert found.in_words == "£2,000 more than before: about 20 hours of support fewer"


def test_without_a_previous_cost_there_is_no_saving(shop):
    _cost(shop, "hours of support", "100", division="72")
    call_offs.awarded(shop.buyer, shop.listings[Size.LARGE], by=shop.buyer_officer, value="5000")
    [found] = savings.buyer_savings(shop.buyer)
    assert found.saving is None and found.units is None
    assert found.in_words == "No previous cost recorded"
    total = savings.total([found])
    assert (total.call_offs, total.with_previous_cost, total.saving) == (1, 0, 0)


@pytest.mark.parametrize(
    ("saving", "cost", "units"),
    [
        ("1550", "10", 160),  # 155: a half, away from zero, to the nearest 10
        ("1549", "10", 150),  # 154.9
        ("25", "10", 3),  # 2.5: a half, away from zero, whole
        ("24.99", "10", 2),
        ("995", "10", 100),  # 99.5 is under 100: whole, then 100
        ("-1550", "10", -160),
        ("4", "10", 0),  # 0.4: nothing worth saying
    ],
)
def test_units_are_rounded_as_people_say_them(saving, cost, units):
    assert about(Decimal(saving) / Decimal(cost)) == units


def test_zero_units_are_not_said(shop):
    _cost(shop, "server years", "10000", label="hosting")
    call_offs.awarded(
        shop.buyer,
        shop.listings[Size.MICRO],
        by=shop.buyer_officer,
        name="Hosting",
        value="9000",
        previous_cost="10000",
    )
    [found] = savings.buyer_savings(shop.buyer)
    assert found.units == 0 and found.in_words == "£1,000 less than before"


def test_words_beat_the_division_and_another_buyers_costs_are_not_used(shop):
    other = testing.buyer_org("Other Borough Council")
    other_admin = testing.member(other, "buyer_admin")
    _cost(shop, "repairs", "1", label="library", buyer=other, by=other_admin)
    _cost(shop, "support days", "500", division="72")
    _cost(shop, "library hours", "50", label="Library")
    call_offs.awarded(
        shop.buyer,
        shop.listings[Size.MICRO],
        by=shop.buyer_officer,
        name="Library-system hosting",
        value="9000",
        previous_cost="10000",
    )
    [found] = savings.buyer_savings(shop.buyer)
    assert (found.unit, found.units) == ("library hours", Decimal(20))
    assert savings.buyer_savings(other) == []


def test_only_awarded_call_offs_are_listed_newest_first(shop):
    call_offs.not_awarded(shop.buyer, [shop.listings[Size.SMALL]], by=shop.buyer_officer)
    first = call_offs.awarded(
        shop.buyer, shop.listings[Size.MICRO], by=shop.buyer_officer, name="First", value="10"
    )
    second = call_offs.awarded(
        shop.buyer, shop.listings[Size.LARGE], by=shop.buyer_officer, name="Second", value="20"
    )
    found = savings.buyer_savings(shop.buyer)
    assert [s.outcome for s in found] == [second, first]
    assert [s.title for s in found] == ["Second", "First"]


def test_the_buyer_savings_read_in_a_fixed_number_of_queries(shop, django_assert_num_queries):
    for size in (Size.MICRO, Size.SMALL, Size.MEDIUM):
        call_offs.awarded(
            shop.buyer, shop.listings[size], by=shop.buyer_officer, value="10", previous_cost="20"
        )
    with django_assert_num_queries(2):  # the unit costs, the call-offs
        found = savings.buyer_savings(shop.buyer)
        assert [s.in_words for s in found] == ["£10 less than before"] * 3
        assert {s.outcome.entry.listing.lot.framework.name for s in found} == {"Cloud services"}


class _Cost:
    def __init__(self, unit, label="", cpv_division=""):
        self.unit, self.label, self.cpv_division = unit, label, cpv_division


def test_a_unit_cost_is_matched_by_normalised_words_before_its_division():
    division = _Cost("support days", cpv_division="72")
    words = _Cost("pothole repairs", label="Pothole-repairs")
    both = _Cost("audits", label="audit", cpv_division="72")
    assert normalised("Pothole repairs 2025-28") == "pothole repairs"
    found = unit_cost_for([division, words], title="POTHOLE repairs, 2025", cpv_division="72")
    assert found is words
    assert unit_cost_for([division], title="Hosting", cpv_division="72") is division
    assert unit_cost_for([division, words], title="Hosting", cpv_division="45") is None
    # A cost set for words and a division matches by either, and comes before a division's.
    assert unit_cost_for([division, both], title="Hosting", cpv_division="72") is both
