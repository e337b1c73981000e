"""One search for every UK opportunity: open notices imported from Find a Tender and Contracts
Finder are found beside the platform's own tenders, by the same filters, marked with where they
were published and linking there; closed and cancelled ones are not; the search's caches follow
each import; saved-search alerts send each new one once."""

import copy
import html
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from levelfield.alerts import actions as alert_actions
from levelfield.alerts.models import ImportedAlertSent
from levelfield.core import clock
from levelfield.opendata.importer import import_paths
from levelfield.tenders import actions as tender_actions
from levelfield.tenders import search_mixed, selectors
from tests.support import testing

UK = Path(__file__).resolve().parents[2] / "opendata" / "tests" / "data" / "uk"
PAGE = reverse("public:opportunities")
API = "/api/opportunities/everywhere"

CF_TITLE = "Crowd management and stewarding services for a weekend road closure"
CF_CLOSED_TITLE = "Tenancy sustainment security service for rough sleepers"
FTS_TITLE = "School meals and catering services for primary schools"
FTS_CANCELLED_TITLE = "Cleaning services for council offices"
CF_URL = "https://www.contractsfinder.service.gov.uk/Notice/aac989dd-14c8-47fa-8c45-87435ca201cb"
FTS_URL = "https://www.find-tender.service.gov.uk/Notice/034567-2026"

TITLE = re.compile(r'<h3 class="govuk-heading-s[^"]*">(?:<a [^>]*>)?([^<]*)')


def import_uk(*paths):
    summary, problems = import_paths(paths or [UK], workers=1)
    assert problems == []
    return summary


def titles(client, **params) -> list[str]:
    response = client.get(PAGE, params)
    assert response.status_code == 200
    return [html.unescape(title) for title in TITLE.findall(response.content.decode())]


@pytest.fixture
def mixed(buyer, officer):
    """The two fixtures imported, and one tender of the platform's own."""
    import_uk()
    return testing.published_tender(buyer=buyer, by=officer, title="Home care services")


def test_imported_notices_are_found_by_words_beside_our_own(client, mixed):
    assert titles(client, q="catering") == [FTS_TITLE]
    assert titles(client, q="stewarding") == [CF_TITLE]
    assert titles(client, q="care") == ["Home care services"]
    # Closed (deadline passed) and cancelled notices are not listed
    assert titles(client, q="cleaning") == []
    assert titles(client, q="rough sleepers") == []


def test_every_open_opportunity_is_listed_newest_first(client, mixed):
    # Our tender was published just now; the notices on 25 and 23 November 2026
    assert titles(client) == ["Home care services", FTS_TITLE, CF_TITLE]
    results = search_mixed.cached_search()
    assert results.count() == 3
    assert [item.title for item in results[1:3]] == [FTS_TITLE, CF_TITLE]


def test_imported_notices_are_found_by_cpv_value_region_and_deadline(client, mixed):
    assert titles(client, cpv="797") == [CF_TITLE]  # an additional classification
    assert titles(client, cpv="55524000") == [FTS_TITLE]
    assert titles(client, cpv="55000000") == [FTS_TITLE]  # the division
    assert titles(client, cpv="853") == ["Home care services"]
    assert titles(client, min_value="1000000") == ["Home care services", FTS_TITLE]
    assert titles(client, max_value="50000") == [CF_TITLE]
    assert titles(client, region="UKC") == [CF_TITLE]  # Contracts Finder's "North East"
    assert titles(client, region="UKK") == ["Home care services", FTS_TITLE]
    assert titles(client, closing_after="1/3/2031") == [FTS_TITLE]
    assert titles(client, closing_before="21/2/2031") == ["Home care services", CF_TITLE]
    assert titles(client, vcse="on") == ["Home care services", CF_TITLE]
    assert titles(client, status="open", q="catering") == [FTS_TITLE]
    # Only our own tenders can be closed, or say whom they are reserved for
    assert titles(client, status="closed") == []
    assert titles(client, reserved="none") == ["Home care services"]


def test_each_result_is_marked_with_its_source_and_links_to_it(client, mixed):
    body = client.get(PAGE).content.decode()
    assert "From Find a Tender" in body
    assert "From Contracts Finder" in body
    assert f'href="{FTS_URL}" rel="external noopener"' in body
    assert f'href="{CF_URL}" rel="external noopener"' in body
    # Our own tender links to its page here
    assert f'href="{reverse("public:opportunity", args=[mixed.reference])}"' in body


def test_pages_run_over_both_kinds(mixed):
    results = search_mixed.cached_search()
    pages = [[item.title for item in results[i : i + 2]] for i in (0, 2)]
    assert pages == [["Home care services", FTS_TITLE], [CF_TITLE]]


def test_a_cached_search_follows_the_import(client, mixed, settings, tmp_path):
    settings.SEARCH_CACHE_SECONDS = 600
    cache.clear()
    assert titles(client, q="stewarding") == [CF_TITLE]
    assert titles(client, q="stewarding") == [CF_TITLE]  # from the cache
    package = json.loads((UK / "contracts-finder.json").read_text())
    cancellation = copy.deepcopy(package["releases"][0])
    cancellation.update(id="aac989dd-cancel-900001", date="2026-11-29T10:00:00Z")
    cancellation["tender"] = {"id": "OPEN202653", "status": "cancelled"}
    package["releases"] = [cancellation]
    (tmp_path / "cancel.json").write_text(json.dumps(package))
    generation = selectors.search_generation()

    import_uk(tmp_path / "cancel.json")
    assert selectors.search_generation() != generation
    assert titles(client, q="stewarding") == []
    cache.clear()


def test_the_api_lists_every_opportunity_with_its_source(client, mixed):
    response = client.get(API, {"q": "catering"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["source"] == "find_a_tender"
    assert item["source_label"] == "Find a Tender"
    assert item["title"] == FTS_TITLE
    assert item["url"] == FTS_URL
    assert item["cpv_codes"] == ["55524000", "55523100"]
    assert item["open_for_bids"] is True

    everything = client.get(API).json()
    assert [i["source"] for i in everything["items"]] == [
        "levelfield",
        "find_a_tender",
        "contracts_finder",
    ]
    own = everything["items"][0]
    assert own["reference"] == mixed.reference
    assert own["url"].endswith(reverse("public:opportunity", args=[mixed.reference]))
    assert client.get(API, {"status": "closed"}).json()["count"] == 0


# --- saved-search alerts -----------------------------------------------------------------------


def test_the_digest_includes_new_matching_imported_notices_once(
    buyer, officer, supplier, django_capture_on_commit_callbacks
):
    org, user = supplier
    alert_actions.save_search(
        user=user, organisation=org, name="Catering", params={"q": "catering"}
    )
    alert_actions.save_search(user=user, organisation=org, name="Schools", params={"cpv": "555"})
    with clock.frozen_at(clock.now() + timedelta(hours=1)):
        import_uk()
    with clock.frozen_at(clock.now() + timedelta(hours=24)):
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            sent = alert_actions.send_digest(user=user)
        (email,) = mail.outbox[before:]
    assert [item.title for item in sent] == [FTS_TITLE]  # once, though both searches match
    assert email.body.count(FTS_TITLE) == 1
    assert "(from Find a Tender)" in email.body
    assert FTS_URL in email.body
    assert CF_TITLE not in email.body and FTS_CANCELLED_TITLE not in email.body
    assert list(ImportedAlertSent.objects.values_list("ocid", flat=True)) == ["ocds-h6vhtk-04f1a2"]

    # The next digest, and an import of the same files again, send nothing more
    with clock.frozen_at(clock.now() + timedelta(hours=48)):
        import_uk()
        with django_capture_on_commit_callbacks(execute=True):
            assert alert_actions.send_digest(user=user) == []
    assert len(mail.outbox) == before + 1


def test_words_in_a_title_count_for_more_whichever_the_source(client, buyer, officer):
    import_uk()
    ours = testing.draft_tender(buyer=buyer, by=officer, title="Kitchen equipment")
    ours = tender_actions.update_tender(
        tender=ours, by=officer, description="Equipment for school catering kitchens."
    )
    tender_actions.publish_tender(tender=ours, by=officer)
    # Ours is newer, but the notice has the word in its title
    assert titles(client, q="catering") == [FTS_TITLE, "Kitchen equipment"]


def test_a_notice_leaves_the_results_when_its_deadline_passes(client, mixed):
    assert CF_TITLE in titles(client)
    with clock.frozen_at(datetime(2031, 2, 21, 12, 0, tzinfo=UTC)):
        listed = titles(client)
    assert CF_TITLE not in listed and FTS_TITLE in listed


def test_the_mixed_list_reads_each_kind_once(client, mixed, django_assert_max_num_queries):
    # The generation; our tenders found; the notices found; the page's tenders and notices read
    with django_assert_max_num_queries(5):
        assert len(titles(client)) == 3


@pytest.mark.parametrize("params", [{"status": "closed"}, {"reserved": "none"}])
def test_with_a_filter_imported_notices_cannot_meet_the_page_says_only_ours_are_listed(
    client, mixed, params
):
    """Closed, or reserved or not, finds only the platform's tenders (the notices are listed
    only while open and do not say whom they are reserved for): the page does not claim they
    are listed too (found trying the search page, issue 14)."""
    body = " ".join(html.unescape(client.get(PAGE, params).content.decode()).split())
    assert "are listed too" not in body
    assert "Only tenders published on levelfield are listed" in body
    body = " ".join(client.get(PAGE, {"status": "open"}).content.decode().split())
    assert "Open notices from Find a Tender and Contracts Finder are listed too" in body
