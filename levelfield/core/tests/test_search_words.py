"""The search words read as PostgreSQL's websearch syntax reads them (core.search_words), for
SQLite: the reading itself, and the opportunity search and the catalogue search finding with it
on SQLite what the search box's hint promises. On PostgreSQL both searches use full text."""

import pytest
from django.db import connection

from levelfield.core.search_words import websearch_terms
from levelfield.tenders import selectors
from tests.support import testing


@pytest.mark.parametrize(
    ("keywords", "terms"),
    [
        ("library computers", [[(False, "library"), (False, "computers")]]),
        ('"cloud hosting" uk', [[(False, "cloud hosting"), (False, "uk")]]),
        ('"cloud   hosting', [[(False, "cloud hosting")]]),  # left open: to the end
        ("care -nursing", [[(False, "care"), (True, "nursing")]]),
        ('care -"night sitting"', [[(False, "care"), (True, "night sitting")]]),
        ("kubernetes or openshift", [[(False, "kubernetes")], [(False, "openshift")]]),
        ("Kubernetes OR OpenShift", [[(False, "kubernetes")], [(False, "openshift")]]),
        ("or care or", [[(False, "care")]]),
        ("co-op", [[(False, "co-op")]]),
        ("-", [[(False, "-")]]),  # a dash alone is a word
        ('" "', []),
        ("", []),
    ],
)
def test_the_words_are_read_as_websearch_reads_them(keywords, terms):
    assert websearch_terms(keywords) == terms


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL searches with full text (tenders/tests/test_keywords.py)")


@pytest.mark.django_db
def test_the_opportunity_search_on_sqlite_finds_words_apart(sqlite_only, buyer, officer):
    library = testing.published_tender(
        buyer=buyer, by=officer, title="Library public computers, printing and Wi-Fi"
    )
    care = testing.published_tender(buyer=buyer, by=officer, title="Night sitting care service")

    def found(keyword):
        return {tender.pk for tender in selectors.search_opportunities(keyword=keyword)}

    assert found("library computers") == {library.pk}
    assert found("computers library") == {library.pk}
    assert found('"library computers"') == set()
    assert found('"public computers"') == {library.pk}
    assert found("library or care") == {library.pk, care.pk}
    # Both describe care at home (the test tender's description): one left out by its title.
    assert found("care -library") == {care.pk}
    assert found(library.reference.lower()) == {library.pk}
