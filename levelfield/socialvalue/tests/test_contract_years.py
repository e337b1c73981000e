"""A commitment falls in one of the contract's own years: a three-year contract offers years
1 to 3, never "Year 4", even when a leap day makes it 1,096 days long."""

from datetime import date

import pytest

from levelfield.socialvalue.selectors import years_of
from levelfield.tenders.models import Tender


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        # 1 April 2026 to 31 March 2029: 1,096 days (29 February 2028), three contract years.
        (date(2026, 4, 1), date(2029, 3, 31), 3),
        (date(2026, 4, 1), date(2027, 3, 31), 1),
        # A day into a fourth year is a fourth year.
        (date(2026, 4, 1), date(2029, 4, 1), 4),
        # Starting on a leap day: the next years begin on 28 February.
        (date(2028, 2, 29), date(2030, 2, 27), 2),
        (date(2028, 2, 29), date(2030, 2, 28), 3),
        (date(2026, 1, 1), date(2045, 12, 31), 10),  # at most ten
    ],
)
def test_the_years_of_a_contract(start, end, years):
    assert years_of(Tender(contract_start=start, contract_end=end)) == years


def test_without_contract_dates_any_of_ten_years():
    assert years_of(Tender()) == 10


@pytest.mark.django_db
def test_the_commitment_form_offers_only_a_three_year_contracts_years(
    client, buyer, officer, supplier
):
    from decimal import Decimal

    from django.urls import reverse

    from levelfield.bids import actions as bid_actions

    from .conftest import social_value_tender

    tender = social_value_tender(buyer=buyer, by=officer, codes=("G1",))
    Tender.objects.filter(pk=tender.pk).update(
        contract_start=date(2027, 4, 1), contract_end=date(2030, 3, 31)
    )
    org, user = supplier
    bid = bid_actions.start_bid(lot=tender.lots.get(), supplier=org, by=user)
    bid_actions.save_bid(bid=bid, by=user, price=Decimal("200000"))
    client.force_login(user)
    page = client.get(reverse("socialvalue:commitments", args=[bid.pk])).content.decode()
    assert ">Year 3<" in page
    assert "Year 4" not in page
