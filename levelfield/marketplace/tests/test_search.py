"""The catalogue search: a buyer finds live listings by their words and narrows them by lot,
category, price range, supplier size, VCSE and certifications; each facet value shows how many
listings it would leave beside the other facets chosen. Runs on SQLite and PostgreSQL."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from levelfield.core import clock
from levelfield.marketplace import search
from levelfield.marketplace.lifecycle import FrameworkStatus, ListingStatus
from levelfield.marketplace.search import Criteria, read_criteria
from tests.support import marketplace

from .buying_builders import LISTINGS, catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return catalogue()


def names(results) -> set[str]:
    return {listing.name for listing in results.listings}


def counts(results, facet: str) -> dict[str, int]:
    return {value.value: value.count for value in results.facets[facet].values}


def test_with_nothing_chosen_every_live_listing_is_found_and_counted(shop):
    results = search.search(Criteria())
    assert names(results) == set(LISTINGS)
    assert results.total == len(LISTINGS)
    assert counts(results, "size") == {"micro": 1, "small": 2, "medium": 1, "large": 2}
    assert counts(results, "vcse") == {"1": 1}
    lots = counts(results, "lot")
    assert [lots[str(lot.pk)] for lot in shop.lots] == [2, 2, 2]


def test_a_listing_not_live_or_on_a_framework_not_live_is_not_found(shop):
    assert search.search(Criteria(keywords="kubernetes")).total == 1
    hosting = shop.listings["Managed Kubernetes Hosting"]
    hosting.refresh_from_db()
    hosting.transition(ListingStatus.WITHDRAWN, clock.now())  # as the withdrawal does
    hosting.save()
    results = search.search(Criteria(keywords="kubernetes"))
    assert results.total == 0 and results.listings == []
    assert search.search(Criteria()).total == len(LISTINGS) - 1
    shop.framework.transition(FrameworkStatus.EXPIRED, clock.now())
    shop.framework.save()
    assert search.search(Criteria()).total == 0


def test_keywords_find_listings_by_any_of_their_words(shop):
    assert names(search.search(Criteria(keywords="kubernetes"))) == {"Managed Kubernetes Hosting"}
    # the summary, and the supplier's name
    assert names(search.search(Criteria(keywords="encrypted"))) == {"Secure Object Storage"}
    assert names(search.search(Criteria(keywords="albion"))) == {
        "Secure Object Storage",
        "Cloud Migration Support",
    }
    # every word must be there
    assert names(search.search(Criteria(keywords="cloud moving"))) == {
        "Cloud Migration Support",
    }
    assert search.search(Criteria(keywords="nothing-like-this")).total == 0


def test_keywords_rank_a_listing_named_by_them_first(shop):
    results = search.search(Criteria(keywords="hosting"))
    assert names(results) == {
        "Managed Kubernetes Hosting",
        "Cloud Migration Support",
        "Cleaning up legacy hosting",
    }
    assert results.listings[-1].name == "Cloud Migration Support"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming needs PostgreSQL")
def test_on_postgresql_words_are_stemmed():
    shop = catalogue()
    assert shop
    assert "Cloud Migration Support" in names(search.search(Criteria(keywords="migrating")))


def test_each_facet_narrows_and_the_others_counts_follow(shop):
    lot2 = shop.lots[1]
    results = search.search(Criteria(lots=(lot2.pk,)))
    assert names(results) == {"Casework Cloud", "Ledger Finance Suite"}
    # the lot facet still counts every lot (its own choice left out) ...
    assert [counts(results, "lot")[str(lot.pk)] for lot in shop.lots] == [2, 2, 2]
    # ... and the other facets count within lot 2
    assert counts(results, "size") == {"micro": 0, "small": 1, "medium": 1, "large": 0}
    assert counts(results, "category")["Finance"] == 1
    assert counts(results, "category")["Compute"] == 0

    assert names(search.search(Criteria(categories=("Migration",)))) == {
        "Cloud Migration Support",
        "Cleaning up legacy hosting",
    }
    sized = search.search(Criteria(sizes=("micro", "small")))
    assert names(sized) == {
        "Managed Kubernetes Hosting",
        "Casework Cloud",
        "Cleaning up legacy hosting",
    }
    assert counts(sized, "size") == {"micro": 1, "small": 2, "medium": 1, "large": 2}
    assert counts(sized, "vcse") == {"1": 1}
    vcse = search.search(Criteria(vcse=True))
    assert names(vcse) == {"Casework Cloud"}
    assert counts(vcse, "size") == {"micro": 0, "small": 1, "medium": 0, "large": 0}


def test_certifications_find_listings_holding_every_one_chosen(shop):
    one = search.search(Criteria(certifications=("iso_27001",)))
    assert names(one) == {
        "Secure Object Storage",
        "Ledger Finance Suite",
        "Cloud Migration Support",
    }
    both = search.search(Criteria(certifications=("iso_27001", "cyber_essentials")))
    assert names(both) == {"Secure Object Storage", "Cloud Migration Support"}
    # each certification counted under the other facets, not under the certifications chosen
    assert counts(both, "certification")["cyber_essentials"] == 3
    assert counts(both, "certification")["iso_27001"] == 3
    assert counts(both, "certification")["cyber_essentials_plus"] == 0
    # a code inside another code is not a match
    plus = search.search(Criteria(certifications=("cyber_essentials_plus",)))
    assert plus.total == 0


def test_the_price_range_includes_its_ends_and_is_under_every_count(shop):
    results = search.search(Criteria(price_min=Decimal("45.50"), price_max=Decimal("120")))
    assert names(results) == {
        "Managed Kubernetes Hosting",
        "Secure Object Storage",
        "Ledger Finance Suite",
    }
    assert counts(results, "size") == {"micro": 1, "small": 0, "medium": 1, "large": 1}
    assert names(search.search(Criteria(price_min=Decimal("500")))) == {"Cloud Migration Support"}


def test_results_sort_by_price_both_ways_and_come_a_page_at_a_time(shop):
    cheapest = search.search(Criteria(sort=search.PRICE_LOW), per_page=4)
    assert [row.price for row in cheapest.listings] == [
        Decimal("30.00"),
        Decimal("45.50"),
        Decimal("80.00"),
        Decimal("120.00"),
    ]
    assert (cheapest.total, cheapest.pages, cheapest.first, cheapest.last) == (6, 2, 1, 4)
    second = search.search(Criteria(sort=search.PRICE_LOW), page=2, per_page=4)
    assert [row.price for row in second.listings] == [Decimal("400.00"), Decimal("650.00")]
    assert (second.first, second.last) == (5, 6)
    dearest = search.search(Criteria(sort=search.PRICE_HIGH), per_page=1)
    assert dearest.listings[0].name == "Cloud Migration Support"
    # a page past the end shows the last page
    assert search.search(Criteria(), page=99, per_page=4).page == 2


@pytest.mark.parametrize("seconds", [0, 600])
def test_a_search_is_a_few_queries_however_many_listings_match(shop, settings, seconds):
    """Uncached: the lots, the newest matches' facet columns, the ordered ids, the page's
    listings. Through the cache: the lots and the generation, then the facet columns and the ids
    (kept once found), the page's listings read afresh."""
    settings.SEARCH_CACHE_SECONDS = seconds
    criteria = Criteria(keywords="cloud", sizes=("large",), certifications=("iso_27001",))
    with CaptureQueriesContext(connection) as few:
        first = search.search(criteria)
    listing = shop.listings["Secure Object Storage"]
    for name in ("Cloud extra one", "Cloud extra two"):
        marketplace.listing(
            listing.application,
            listing.lot,
            by=shop.supplier_users["large"],
            name=name,
            certifications=("iso_27001",),
        )
    with CaptureQueriesContext(connection) as more:
        results = search.search(criteria)
    assert len(few) == len(more) == (3 if seconds == 0 else 4)
    # the new listings are found at once: a listing gone live changes the generation
    assert results.total == first.total + 2
    with CaptureQueriesContext(connection) as again:
        assert search.search(criteria).total == results.total
    assert len(again) == 3


def test_a_lot_that_cannot_be_one_is_dropped_and_an_unknown_one_finds_nothing(shop):
    """A superscript two is a digit to str.isdigit but not to int() (the page answered 500 for
    ?lot=²), and a 10-digit id was dropped, widening the search to every lot, where an unknown
    lot of fewer digits finds nothing: each id a lot may have is kept, and finds nothing unknown."""
    largest = str(2**63 - 1)
    criteria, problems = read_criteria(
        {"lot": ["²", "-1", "1e3", "9" * 5000, str(2**63), "12345678901", largest, "0"]}
    )
    assert problems == {}
    assert criteria.lots == (12345678901, 2**63 - 1, 0)
    assert search.search(criteria).total == 0


def test_the_criteria_are_read_once_for_every_way_in():
    criteria, problems = read_criteria(
        {
            "q": "  cloud   hosting ",
            "lot": ["3", "x", "3"],
            "size": ["micro", "giant"],
            "price_min": "£1,000",
            "price_max": "",
            "vcse": "on",
            "certification": ["iso_27001", "made_up"],
            "sort": "nonsense",
        }
    )
    assert problems == {}
    assert criteria == Criteria(
        keywords="cloud hosting",
        lots=(3,),
        sizes=("micro",),
        price_min=Decimal("1000"),
        vcse=True,
        certifications=("iso_27001",),
    )
    assert Criteria.from_saved(criteria.keywords, criteria.filters()) == criteria
    _, problems = read_criteria({"price_min": "10", "price_max": "5"})
    assert problems == {"price_min": search.PRICE_ORDER}
    _, problems = read_criteria({"price_min": "ten", "price_max": "-1"})
    assert set(problems) == {"price_min", "price_max"}
