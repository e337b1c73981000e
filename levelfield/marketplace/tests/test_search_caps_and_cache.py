"""The catalogue search's caps and its kept answers (search.py, search_responses.py): past
RESULT_LIMIT matches the count says "more than" and only the newest matches are ordered, the
facet counts say when they are of the newest only; under it every match is found in the
database's own order. The API's answer and the page's results are kept under the catalogue's
generation: the same for every buyer's staff, and changed at once when a listing or a framework
changes. Runs on SQLite and PostgreSQL."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.core import clock
from levelfield.marketplace import search
from levelfield.marketplace.actions import listings as listing_actions
from levelfield.marketplace.actions import projects
from levelfield.marketplace.lifecycle import FrameworkStatus
from levelfield.marketplace.search import PRICE_HIGH, PRICE_LOW, Criteria

from .buying_builders import LISTINGS, catalogue

pytestmark = pytest.mark.django_db

API = "/api/marketplace/search"
BACKEND = "django.contrib.auth.backends.ModelBackend"
# A query reading listings' content (the generation reads only their milestones).
READS_LISTINGS = '"marketplace_listing"."name"'


@pytest.fixture
def shop():
    return catalogue()


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.LEVELFIELD_RATE_LIMITS = {}
    settings.SEARCH_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def ids(results) -> list[int]:
    return [listing.pk for listing in results.listings]


def counts(results, facet: str) -> dict[str, int]:
    return {value.value: value.count for value in results.facets[facet].values}


def in_order(criteria: Criteria) -> list[int]:
    """Every match in the order asked, as the database orders the whole set."""
    return list(search.matching(criteria).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "criteria",
    [
        Criteria(),
        Criteria(keywords="cloud"),
        Criteria(sort=PRICE_LOW),
        Criteria(sort=PRICE_HIGH),
        Criteria(keywords="cloud", sort=PRICE_HIGH),
        Criteria(sizes=("large", "micro"), sort=PRICE_LOW),
        Criteria(keywords="storage", certifications=("iso_27001",)),
    ],
)
@pytest.mark.parametrize("seconds", [0, 600])
def test_under_the_limit_every_match_is_found_in_the_databases_order(
    shop, settings, criteria, seconds
):
    settings.SEARCH_CACHE_SECONDS = seconds
    results = search.search(criteria, per_page=100)
    assert ids(results) == in_order(criteria) and results.total == len(in_order(criteria))
    assert results.more_than is None and not results.facets_capped


def test_past_the_limit_the_count_says_more_than_and_the_newest_are_ordered(shop, monkeypatch):
    monkeypatch.setattr(search, "RESULT_LIMIT", 3)
    every = in_order(Criteria())
    assert len(every) == len(LISTINGS) > 3
    cheapest = search.search(Criteria(sort=PRICE_LOW), per_page=100)
    assert (cheapest.total, cheapest.more_than, cheapest.facets_capped) == (3, 3, True)
    newest = sorted(every)[-4:]  # the newest RESULT_LIMIT + 1, then put in order
    assert ids(cheapest) == [pk for pk in in_order(Criteria(sort=PRICE_LOW)) if pk in newest][:3]
    # the facet counts are of the newest RESULT_LIMIT matches (and say so)
    assert sum(counts(cheapest, "size").values()) == 3
    # browsing by name reads the first by name
    by_name = search.search(Criteria(), per_page=100)
    assert ids(by_name) == every[:3] and by_name.more_than == 3
    # a facet narrowing the matches below the limit is counted exactly, among every match
    micro = search.search(Criteria(sizes=("micro",), sort=PRICE_HIGH))
    assert (micro.total, micro.more_than, micro.facets_capped) == (1, None, True)
    assert ids(micro) == in_order(Criteria(sizes=("micro",)))
    # pages stop at the limit
    assert search.search(Criteria(), page=9, per_page=2).page == 2


def caller(user) -> Client:
    token = create_api_token(user=user, name="search test")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_api_answer_is_kept_for_every_buyer_and_changes_with_the_catalogue(shop):
    officer, evaluator = caller(shop.officer), caller(shop.evaluator)
    first = officer.get(API, {"q": "kubernetes"})
    assert first.status_code == 200 and first.json()["total"] == 1
    assert first.json()["more_than"] is None and first.json()["facets_capped"] is False
    with CaptureQueriesContext(connection) as kept:
        again = evaluator.get(API, {"q": "kubernetes"})
    assert again.status_code == 200 and again.content == first.content
    assert not any(READS_LISTINGS in query["sql"] for query in kept)
    # who asks is still checked: a supplier is refused, kept answer or not
    assert caller(shop.supplier_users["micro"]).get(API, {"q": "kubernetes"}).status_code == 403
    # a listing changed, withdrawn, a framework expired: shown at once
    listing_actions.change_listing(
        listing=shop.listings["Casework Cloud"],
        by=shop.supplier_users["vcse"],
        change_note="Renamed",
        name="Casework Vault",
    )
    assert evaluator.get(API, {"q": "vault"}).json()["total"] == 1
    kubernetes = shop.listings["Managed Kubernetes Hosting"]
    listing_actions.withdraw_listing(listing=kubernetes, by=shop.supplier_users["micro"])
    assert evaluator.get(API, {"q": "kubernetes"}).json()["total"] == 0
    assert evaluator.get(API).json()["total"] == len(LISTINGS) - 1
    shop.framework.transition(FrameworkStatus.EXPIRED, clock.now())  # as the expiry does
    shop.framework.save()
    assert evaluator.get(API).json()["total"] == 0


def test_the_pages_results_are_kept_and_the_rest_is_each_persons_own(shop):
    project = projects.create_project(buyer=shop.buyer, by=shop.officer, name="Hosting")
    officer, evaluator = Client(), Client()
    officer.force_login(shop.officer, backend=BACKEND)
    evaluator.force_login(shop.evaluator, backend=BACKEND)
    address = reverse("marketplace:search")
    mine = officer.get(address, {"q": "kubernetes"}).content.decode()
    assert "Managed Kubernetes Hosting" in mine
    assert f"Save this search to {project.reference}" in mine
    with CaptureQueriesContext(connection) as kept:
        theirs = evaluator.get(address, {"q": "kubernetes"}).content.decode()
    assert not any(READS_LISTINGS in query["sql"] for query in kept)
    assert "Managed Kubernetes Hosting" in theirs and "Save this search" not in theirs
    assert "1 service found" in theirs
    listing_actions.withdraw_listing(
        listing=shop.listings["Managed Kubernetes Hosting"], by=shop.supplier_users["micro"]
    )
    gone = officer.get(address, {"q": "kubernetes"}).content.decode()
    assert "Managed Kubernetes Hosting" not in gone and "0 services found" in gone


def test_the_page_says_when_more_match_than_are_listed(shop, client, monkeypatch):
    monkeypatch.setattr(search, "RESULT_LIMIT", 3)
    client.force_login(shop.evaluator, backend=BACKEND)
    page = client.get(reverse("marketplace:search"), {"sort": PRICE_LOW}).content.decode()
    assert "More than 3 services found" in page
    assert "the newest 3 matches are listed, in the order chosen" in page
    assert "The counts are of the newest" in page
