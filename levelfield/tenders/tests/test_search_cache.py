"""The search caches: the same search is answered from what was found before (its results, or
the whole response), and never shows a stale list (a tender just published missing, a cancelled
or closed one still open, an old status or an old count of days left)."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from levelfield.core import clock
from levelfield.tenders import actions as tender_actions
from levelfield.tenders import selectors
from levelfield.tenders.models import SearchGeneration
from tests.support import testing

PAGE = reverse("public:opportunities")
API = "/api/opportunities"


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    settings.SEARCH_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def stats():
    """Cache hits and misses during the test."""
    before = selectors.CACHE_STATS.copy()

    def counts():
        return {kind: selectors.CACHE_STATS[kind] - before[kind] for kind in ("hit", "miss")}

    return counts


def publish(buyer, officer, title, **fields):
    tender = testing.draft_tender(buyer=buyer, by=officer, title=title)
    if fields:
        tender = tender_actions.update_tender(tender=tender, by=officer, **fields)
    return tender_actions.publish_tender(tender=tender, by=officer)


RESULT = re.compile(
    r'<h3 class="govuk-heading-s[^"]*"><a class="govuk-link" href="[^"]+">([^<]*)</a>'
)


def page_titles(client, **params) -> list[str]:
    """The titles the search page lists, read from its HTML (a page from the response cache
    has no template context)."""
    response = client.get(PAGE, params)
    assert response.status_code == 200
    return [html.unescape(title) for title in RESULT.findall(response.content.decode())]


def api_titles(client, path=API, **params) -> list[str]:
    response = client.get(path, params)
    assert response.status_code == 200
    return [item["title"] for item in response.json()["items"]]


def test_the_same_search_again_is_answered_from_the_cache(client, buyer, officer, stats):
    publish(buyer, officer, "Lighthouse maintenance")
    first = client.get(PAGE, {"q": "lighthouse"})
    with CaptureQueriesContext(connection) as again:
        second = client.get(PAGE, {"q": "lighthouse"})
    assert stats() == {"hit": 1, "miss": 1}
    assert second.content == first.content
    assert second.context is None  # nothing rendered
    # One query, the search generation: no tender read, nothing searched or counted.
    assert len(again.captured_queries) == 1
    assert "tenders_searchgeneration" in again.captured_queries[0]["sql"]


def test_another_page_of_the_same_search_reads_only_its_tenders(client, buyer, officer, stats):
    for number in range(21):
        publish(buyer, officer, f"Lighthouse {number:02}")
    assert len(page_titles(client, q="lighthouse")) == 20
    with CaptureQueriesContext(connection) as second_page:
        assert page_titles(client, q="lighthouse", page=2) == ["Lighthouse 00"]
    assert stats() == {"hit": 1, "miss": 1}  # the results found for page 1 were kept
    tender_queries = [q for q in second_page.captured_queries if "tenders_tender" in q["sql"]]
    assert len(tender_queries) == 1
    assert "search_vector" not in tender_queries[0]["sql"].split("FROM")[1]


def test_the_api_answers_again_with_the_same_bytes(client, buyer, officer, stats):
    publish(buyer, officer, "Lighthouse maintenance")
    first = client.get(API, {"q": "lighthouse"})
    with CaptureQueriesContext(connection) as again:
        second = client.get(API, {"q": "lighthouse"})
    assert second.status_code == 200
    assert second["Content-Type"] == first["Content-Type"]
    assert second.content == first.content
    assert second.json()["items"][0]["title"] == "Lighthouse maintenance"
    assert len(again.captured_queries) == 1
    assert stats() == {"hit": 1, "miss": 1}


def test_a_status_change_after_the_deadline_shows_at_once(client, buyer, officer, stats):
    tender = testing.published_tender(buyer=buyer, by=officer, title="Lighthouse maintenance")
    with testing.after_deadline(tender):
        assert "Closed</strong>" in client.get(PAGE).content.decode()
        tender_actions.open_evaluation(tender=tender, by=officer)
        content = client.get(PAGE).content.decode()
        assert "In evaluation</strong>" in content
        assert "Closed</strong>" not in content
        assert client.get(API).json()["items"][0]["status"] == "evaluation"
    # The page made again under the new generation; the API (our tenders only) searched too.
    assert stats() == {"hit": 0, "miss": 3}


def test_a_kept_page_is_not_used_once_a_tender_on_it_has_a_day_fewer_left(
    client, buyer, officer, stats
):
    tender = testing.published_tender(buyer=buyer, by=officer, title="Lighthouse maintenance")
    days = (tender.submission_deadline - clock.now()).days
    assert f"({days} days left)" in client.get(PAGE).content.decode()
    boundary = tender.submission_deadline - timedelta(days=days)
    with clock.frozen_at(boundary - timedelta(seconds=1)):
        assert f"({days} days left)" in client.get(PAGE).content.decode()
    assert stats() == {"hit": 1, "miss": 1}  # still the page kept
    with clock.frozen_at(boundary + timedelta(seconds=1)):
        assert f"({days - 1} days left)" in client.get(PAGE).content.decode()


def test_a_kept_answer_is_not_used_once_a_tender_on_it_closes(client, buyer, officer):
    tender = testing.published_tender(
        buyer=buyer, by=officer, title="Lighthouse maintenance", days_to_deadline=25
    )
    assert client.get(API).json()["items"][0]["open_for_bids"] is True
    assert "Open</strong>" in client.get(PAGE).content.decode()
    with clock.frozen_at(tender.submission_deadline - timedelta(seconds=1)):
        assert client.get(API).json()["items"][0]["open_for_bids"] is True
    with clock.frozen_at(tender.submission_deadline + timedelta(seconds=1)):
        assert client.get(API).json()["items"][0]["open_for_bids"] is False
        assert "Closed</strong>" in client.get(PAGE).content.decode()


def test_the_api_keeps_answers_per_host(client, buyer, officer, settings):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    publish(buyer, officer, "Lighthouse maintenance")
    first = client.get(API, HTTP_HOST="one.example").json()["items"][0]["page_url"]
    second = client.get(API, HTTP_HOST="two.example").json()["items"][0]["page_url"]
    assert first.startswith("http://one.example/")
    assert second.startswith("http://two.example/")


def test_addresses_with_other_parameters_are_not_kept(client, buyer, officer):
    publish(buyer, officer, "Lighthouse maintenance")
    for _ in range(2):
        with CaptureQueriesContext(connection) as page:
            client.get(PAGE, {"q": "lighthouse", "utm_source": "email"})
        with CaptureQueriesContext(connection) as api:
            client.get(API, {"q": "lighthouse", "junk": "1"})
    # Made again the second time: the results found are kept, not the response.
    assert len(page.captured_queries) > 1
    assert len(api.captured_queries) > 1
    client.get(API, {"q": "lighthouse", "limit": "5", "offset": "0"})
    with CaptureQueriesContext(connection) as known:
        client.get(API, {"q": "lighthouse", "limit": "5", "offset": "0"})
    assert len(known.captured_queries) == 1


def test_a_response_that_gives_the_visitor_something_of_their_own_is_not_kept(db, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import get_token

    from levelfield.tenders.search_responses import cache_search_response

    SearchGeneration.renew()
    made = []

    @cache_search_response(parameters=["q"])
    def view(request):
        made.append(request.GET["q"])
        response = HttpResponse(b"results")
        if request.GET["q"] == "token":
            get_token(request)
        elif request.GET["q"] == "cookie":
            response.set_cookie("seen", "1")
        return response

    def ask(q):
        request = rf.get("/", {"q": q})
        request.user = AnonymousUser()
        request.session = SessionStore()
        request._messages = FallbackStorage(request)
        return view(request)

    for q in ("token", "cookie", "token", "cookie", "plain", "plain"):
        assert ask(q).content == b"results"
    assert made == ["token", "cookie", "token", "cookie", "plain"]


def test_signed_in_people_get_their_own_page(client, buyer, officer, supplier, stats):
    _, supplier_member = supplier
    publish(buyer, officer, "Lighthouse maintenance")
    anonymous = client.get(PAGE, {"q": "lighthouse"}).content.decode()
    assert "Save this search" not in anonymous
    client.force_login(supplier_member)
    signed_in = client.get(PAGE, {"q": "lighthouse"}).content.decode()
    assert "Save this search" in signed_in
    assert "Sign out" in signed_in
    assert stats()["hit"] == 1  # the results found, not the anonymous page
    client.logout()
    assert "Sign out" not in client.get(PAGE, {"q": "lighthouse"}).content.decode()


def test_a_page_with_a_message_waiting_is_not_shared(client, buyer, officer):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage

    publish(buyer, officer, "Lighthouse maintenance")
    client.get(PAGE)
    storage = CookieStorage(client.get(PAGE).wsgi_request)
    storage.add(constants.SUCCESS, "Your search was saved")
    response = HttpResponse()
    storage.update(response)
    client.cookies.update(response.cookies)
    assert "Your search was saved" in client.get(PAGE).content.decode()


def test_a_buyer_renamed_in_the_admin_shows_its_new_name_at_once(client, buyer, officer):
    publish(buyer, officer, "Lighthouse maintenance")
    assert buyer.name in client.get(PAGE, {"q": "lighthouse"}).content.decode()
    assert buyer.name in client.get(API, {"q": "lighthouse"}).content.decode()
    generation = SearchGeneration.objects.get().token
    other = testing.buyer_org("Harbour Board")
    admin = testing.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    for organisation, name in ((other, "Harbour Authority"), (buyer, "Wessex Council")):
        response = client.post(
            reverse("admin:accounts_organisation_change", args=[organisation.pk]),
            {
                "name": name,
                "kind": "buyer",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        if organisation == other:  # no public tenders: the cached searches stand
            assert SearchGeneration.objects.get().token == generation
    client.logout()
    assert "Wessex Council" in client.get(PAGE, {"q": "lighthouse"}).content.decode()
    assert api_titles(client, q="lighthouse") == ["Lighthouse maintenance"]
    assert client.get(API, {"q": "lighthouse"}).json()["items"][0]["buyer"] == "Wessex Council"


def test_a_newly_published_tender_is_found_at_once(client, buyer, officer, stats):
    publish(buyer, officer, "Lighthouse maintenance")
    assert page_titles(client, q="lighthouse") == ["Lighthouse maintenance"]
    assert api_titles(client, q="lighthouse") == ["Lighthouse maintenance"]
    publish(buyer, officer, "Lighthouse keeper's cottage repairs")
    assert sorted(page_titles(client, q="lighthouse")) == [
        "Lighthouse keeper's cottage repairs",
        "Lighthouse maintenance",
    ]
    assert len(api_titles(client, q="lighthouse")) == 2
    assert len(page_titles(client)) == 2


def test_a_cancelled_tender_leaves_the_open_search_at_once(
    client, buyer, officer, buyer_admin, stats
):
    # Another open tender closes first, so the next deadline stays the same throughout.
    other = testing.published_tender(buyer=buyer, by=officer, title="Other", days_to_deadline=25)
    tender = publish(buyer, officer, "Lighthouse maintenance")
    assert page_titles(client, q="lighthouse", status="open") == [tender.title]
    assert page_titles(client, status="closed") == []
    assert api_titles(client, status="open") == [tender.title, other.title]
    tender_actions.cancel_tender(tender=tender, by=buyer_admin, reason="Funding withdrawn")
    assert page_titles(client, q="lighthouse", status="open") == []
    assert api_titles(client, status="open") == [other.title]
    assert page_titles(client, status="closed") == [tender.title]
    assert stats()["hit"] == 0


def test_an_open_search_stops_showing_a_tender_once_its_deadline_passes(client, buyer, officer):
    soon = testing.published_tender(
        buyer=buyer, by=officer, title="Closing soon", days_to_deadline=25
    )
    later = testing.published_tender(buyer=buyer, by=officer, title="Closing later")
    assert page_titles(client, status="open") == [later.title, soon.title]
    assert page_titles(client, status="closed") == []
    with testing.after_deadline(soon):
        assert page_titles(client, status="open") == [later.title]
        assert api_titles(client, status="open") == [later.title]
        assert page_titles(client, status="closed") == [soon.title]
        # Nothing searchable changed in between: a search without the open filter is the same.
        assert page_titles(client) == [later.title, soon.title]
    with clock.frozen_at(soon.submission_deadline - (soon.submission_deadline - clock.now()) / 2):
        assert page_titles(client, status="open") == [later.title, soon.title]


def test_the_page_and_the_api_share_what_they_found(client, buyer, officer, stats):
    # The page searches every UK opportunity, as the API's /everywhere does.
    match = publish(buyer, officer, "Lighthouse maintenance", estimated_value=Decimal("250000"))
    publish(buyer, officer, "Lighthouse, large", estimated_value=Decimal("9000000"))
    params = {"q": "Lighthouse", "cpv": "85300000", "max_value": "500000.00", "sme": "on"}
    assert page_titles(client, **params) == [match.title]
    assert stats() == {"hit": 0, "miss": 1}
    api_params = {"q": "lighthouse ", "cpv": "853", "max_value": "500000", "sme": "true"}
    assert api_titles(client, path=API + "/everywhere", **api_params) == [match.title]
    hits = 1 if selectors.full_text_search() else 0  # keyword case folds on PostgreSQL only
    assert stats() == {"hit": hits, "miss": 2 - hits}
    assert api_titles(
        client, path=API + "/everywhere", q="Lighthouse", cpv="853", max_value="500000", sme="true"
    ) == [match.title]
    assert stats()["hit"] == hits + 1


def test_a_value_filter_of_nought_is_a_different_search_from_none(client, buyer, officer):
    publish(buyer, officer, "Lighthouse, valued", estimated_value=Decimal("1000"))
    publish(buyer, officer, "Lighthouse, no charge", estimated_value=Decimal("0"))
    assert len(page_titles(client, q="lighthouse")) == 2
    assert page_titles(client, q="lighthouse", max_value="0") == ["Lighthouse, no charge"]


def test_each_publication_makes_a_new_generation(buyer, officer):
    first = selectors.search_generation()
    publish(buyer, officer, "Lighthouse maintenance")
    assert selectors.search_generation() not in (None, first)


def test_without_a_generation_row_or_with_the_cache_off_nothing_is_cached(
    client, buyer, officer, settings, stats
):
    publish(buyer, officer, "Lighthouse maintenance")
    settings.SEARCH_CACHE_SECONDS = 0
    assert page_titles(client, q="lighthouse") == ["Lighthouse maintenance"]
    settings.SEARCH_CACHE_SECONDS = 600
    SearchGeneration.objects.all().delete()
    assert page_titles(client, q="lighthouse") == ["Lighthouse maintenance"]
    assert stats() == {"hit": 0, "miss": 0}


def test_an_api_page_beyond_the_cached_results_comes_from_the_search(
    client, buyer, officer, monkeypatch
):
    monkeypatch.setattr(selectors, "RESULT_LIMIT", 2)
    for number in range(5):
        publish(buyer, officer, f"Lighthouse {number}")
    assert api_titles(client, limit=2) == ["Lighthouse 4", "Lighthouse 3"]
    assert api_titles(client, limit=2, offset=2) == ["Lighthouse 2", "Lighthouse 1"]
    assert api_titles(client, limit=2, offset=4) == ["Lighthouse 0"]


def test_a_cache_that_cannot_be_reached_does_not_stop_the_search(
    client, buyer, officer, monkeypatch
):
    publish(buyer, officer, "Lighthouse maintenance")

    def down(*args, **kwargs):
        raise ConnectionError("the cache server is down")

    monkeypatch.setattr(selectors.cache, "get", down)
    monkeypatch.setattr(selectors.cache, "set", down)
    assert page_titles(client, q="lighthouse") == ["Lighthouse maintenance"]
    assert api_titles(client, q="lighthouse") == ["Lighthouse maintenance"]
