"""The OCDS API as a harvester uses it: the release feed paged by cursor with its filters, single
releases, and records with compiled and versioned releases, all public."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db import transaction

from levelfield.core import clock
from levelfield.opendata import merge, publisher
from levelfield.opendata.api import parse_updated_since
from levelfield.opendata.models import Record, Release
from levelfield.opendata.package import extension_urls

from .conftest import OTHER_BUYER_ID

pytestmark = pytest.mark.django_db

FEED = "/api/ocds/releases"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def published(publish_release):
    """Three contracting processes, their releases interleaved as they would be published: two
    for one buyer, one for another; a day between releases."""
    steps = [
        ("A", "tender", {}),
        ("B", "tender", {}),
        ("A", "tenderAmendment", {}),
        ("C", "tender", {"buyer_id": OTHER_BUYER_ID}),
        ("A", "award", {}),
        ("B", "tenderAmendment", {}),
        ("C", "award", {"buyer_id": OTHER_BUYER_ID}),
    ]
    return [
        publish_release(local_id, stage, at=START + timedelta(days=day), **kwargs)
        for day, (local_id, stage, kwargs) in enumerate(steps)
    ]


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def walk(client, url):
    """Follow links.next from `url` to the empty page at the end; return the pages."""
    pages = []
    while url:
        page = get_json(client, url)
        pages.append(page)
        url = page["links"].get("next")
    return pages


def ids(package):
    return [release["id"] for release in package["releases"]]


def test_the_feed_is_a_release_package_with_our_metadata(client, published):
    with clock.frozen_at(START + timedelta(days=30)):
        package = get_json(client, FEED)

    assert package["uri"] == f"http://testserver{FEED}"
    assert package["version"] == "1.1"
    assert package["publishedDate"] == "2026-04-01T09:00:00Z"
    assert package["publisher"] == settings.LEVELFIELD_PUBLISHER
    assert package["license"] == settings.LEVELFIELD_OCDS_LICENSE
    assert package["publicationPolicy"] == settings.LEVELFIELD_OCDS_PUBLICATION_POLICY
    assert package["extensions"] == extension_urls()
    # The releases are served exactly as they were stored, oldest first.
    assert package["releases"] == [release.data for release in published]


def test_a_harvester_walking_links_next_gets_every_release_once_in_order(client, published):
    pages = walk(client, f"{FEED}?limit=3")

    assert [len(page["releases"]) for page in pages] == [3, 3, 1, 0]
    seen = [release_id for page in pages for release_id in ids(page)]
    assert seen == [release.release_id for release in published]
    # Each next link carries the position of the last release of its page, and the limit.
    cursors = [parse_qs(urlsplit(page["links"]["next"]).query) for page in pages[:-1]]
    assert [c["cursor"] for c in cursors] == [[str(p)] for p in (3, 6, 7)]
    assert all(c["limit"] == ["3"] for c in cursors)
    # The empty page at the end has no next link: the harvester keeps its URL for later.
    assert pages[-1]["links"] == {}


def test_a_harvester_resuming_from_its_last_page_gets_only_what_is_new(
    client, published, publish_release
):
    pages = walk(client, f"{FEED}?limit=5")
    last_url = pages[-1]["uri"]
    later = [publish_release("D", "tender"), publish_release("A", "tenderAmendment")]

    seen = [i for page in walk(client, last_url) for i in ids(page)]
    assert seen == [release.release_id for release in later]


def test_releases_published_between_pages_are_neither_missed_nor_repeated(client, publish_release):
    expected = [publish_release("A", "tender").release_id]
    url, seen = f"{FEED}?limit=2", []
    for round_ in range(5):
        expected += [
            publish_release(f"N{round_}", "tender").release_id,
            publish_release("A", "tenderAmendment").release_id,
            publish_release(f"M{round_}", "tender").release_id,
        ]
        page = get_json(client, url)
        seen += ids(page)
        url = page["links"]["next"]
    seen += [i for page in walk(client, url) for i in ids(page)]

    assert seen == expected


def test_the_feed_pages_in_a_fixed_number_of_queries(
    client, published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):
        get_json(client, f"{FEED}?limit=1000")


def test_filter_by_ocid_and_buyer_kept_across_pages(client, published):
    ocid_a = publisher.ocid_for("A")
    pages = walk(client, f"{FEED}?ocid={ocid_a}&limit=2")
    assert [i for page in pages for i in ids(page)] == [
        r.release_id for r in published if r.ocid == ocid_a
    ]
    assert all(f"ocid={ocid_a}" in page["links"]["next"] for page in pages[:-1])

    pages = walk(client, f"{FEED}?buyer={OTHER_BUYER_ID}&limit=1")
    assert [i for page in pages for i in ids(page)] == [
        r.release_id for r in published if r.buyer_id == OTHER_BUYER_ID
    ]
    assert get_json(client, f"{FEED}?buyer=GB-NOBODY")["releases"] == []
    assert get_json(client, f"{FEED}?ocid=ocds-nothing-1")["releases"] == []


@pytest.mark.parametrize(
    "since",
    [
        "2026-03-05T09:00:00Z",
        "2026-03-05T09:00:00%2B00:00",
        "2026-03-05T10:00:00%2B01:00",
        # A "+" left unencoded arrives as a space.
        "2026-03-05T10:00:00+01:00",
        "2026-03-05T09:00:00",
        "2026-03-05T07:59:59.5-01:00",
    ],
)
def test_updated_since_keeps_releases_dated_at_or_after_it(client, published, since):
    package = get_json(client, f"{FEED}?updated_since={since}")
    assert ids(package) == [r.release_id for r in published[3:]]


def test_updated_since_a_date_means_its_midnight(client, published):
    assert ids(get_json(client, f"{FEED}?updated_since=2026-03-05")) == [
        r.release_id for r in published[3:]
    ]
    assert get_json(client, f"{FEED}?updated_since=2026-03-09")["releases"] == []


def test_filters_combine(client, published):
    package = get_json(client, f"{FEED}?buyer={OTHER_BUYER_ID}&updated_since=2026-03-06T00:00Z")
    assert ids(package) == [published[6].release_id]


@pytest.mark.parametrize(
    "query, field",
    [
        ("updated_since=yesterday", "updated_since"),
        ("updated_since=2026-13-01", "updated_since"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=many", "limit"),
        ("cursor=-1", "cursor"),
    ],
)
def test_a_bad_query_is_a_422_naming_the_parameter(client, query, field):
    error = get_json(client, f"{FEED}?{query}", status=422)
    assert error["code"] == "validation_error"
    assert field in error["message"]
    assert error["details"] and error["details"][0].startswith(f"{field}:")


def test_parse_updated_since():
    assert parse_updated_since("2026-03-05T10:00:00+01:00") == datetime(2026, 3, 5, 9, tzinfo=UTC)
    assert parse_updated_since(" 2026-03-05 ") == datetime(2026, 3, 5, tzinfo=UTC)
    assert parse_updated_since("2026-03-05 10:00") == datetime(2026, 3, 5, 10, tzinfo=UTC)


def test_one_release_in_a_release_package(client, published):
    release = published[2]
    package = get_json(client, f"{FEED}/{release.release_id}")

    assert package["uri"] == f"http://testserver{FEED}/{release.release_id}"
    assert package["releases"] == [release.data]
    assert package["extensions"] == extension_urls()
    assert "links" not in package


def test_an_unknown_release_is_a_404(client, published):
    error = get_json(client, f"{FEED}/ocds-lvlfld-A-99999999", status=404)
    assert error["code"] == "not_found"
    assert "ocds-lvlfld-A-99999999" in error["message"]


def test_a_record_package_has_the_compiled_and_versioned_release(client, published):
    ocid = publisher.ocid_for("A")
    history = [r.data for r in published if r.ocid == ocid]
    package = get_json(client, f"/api/ocds/records/{ocid}")

    assert package["uri"] == f"http://testserver/api/ocds/records/{ocid}"
    assert package["publisher"] == settings.LEVELFIELD_PUBLISHER
    assert package["extensions"] == extension_urls()
    [record] = package["records"]
    assert record["ocid"] == ocid
    compiled = record["compiledRelease"]
    assert compiled == merge.compile_releases(history) == Record.objects.get(ocid=ocid).compiled
    assert compiled["tender"]["title"] == "Home care (amended)"
    assert compiled["tag"] == ["compiled"]
    assert compiled["awards"][0]["value"] == {"amount": 95000, "currency": "GBP"}
    versioned = record["versionedRelease"]
    assert versioned == merge.versioned_release(history)
    titles = versioned["tender"]["title"]
    assert [(v["releaseID"], v["value"]) for v in titles] == [
        (history[0]["id"], "Home care"),
        (history[1]["id"], "Home care (amended)"),
    ]


def test_a_record_links_each_release_by_url_date_and_tag(client, published):
    ocid = publisher.ocid_for("A")
    [record] = get_json(client, f"/api/ocds/records/{ocid}")["records"]
    history = [r for r in published if r.ocid == ocid]

    assert [(link["date"], link["tag"]) for link in record["releases"]] == [
        (r.data["date"], r.data["tag"]) for r in history
    ]
    for link, release in zip(record["releases"], history, strict=True):
        package_url, fragment = link["url"].split("#")
        assert fragment == release.release_id
        assert get_json(client, package_url)["releases"] == [release.data]


def test_an_unknown_record_is_a_404(client, published):
    error = get_json(client, "/api/ocds/records/ocds-lvlfld-nothing", status=404)
    assert error["code"] == "not_found"


def test_the_api_is_public_and_read_only(client, published):
    ocid = publisher.ocid_for("B")
    for url in (FEED, f"{FEED}/{published[1].release_id}", f"/api/ocds/records/{ocid}"):
        assert client.get(url).status_code == 200
        assert client.post(url).status_code == 405


def test_the_endpoints_are_described_in_openapi(client):
    spec = get_json(client, "/api/openapi.json")
    feed = spec["paths"]["/api/ocds/releases"]["get"]
    assert {p["name"] for p in feed["parameters"]} == {
        "cursor",
        "limit",
        "updated_since",
        "ocid",
        "buyer",
    }
    assert set(feed["responses"]) == {"200", "422", "429"}  # 429: over the rate limit
    assert "ReleasePackageOut" in str(feed["responses"]["200"])
    record = spec["paths"]["/api/ocds/records/{ocid}"]["get"]
    assert "RecordPackageOut" in str(record["responses"]["200"])
    assert "/api/ocds/releases/{release_id}" in spec["paths"]


@pytest.mark.django_db(transaction=True)
def test_a_release_is_published_only_inside_a_transaction():
    with pytest.raises(RuntimeError):
        publisher.publish(ocid="ocds-lvlfld-X", tags=["tender"], data={})
    with transaction.atomic(), pytest.raises(ValueError):
        publisher.publish(ocid="ocds-lvlfld-X", tags=["notATag"], data={})
    assert not Release.objects.exists()
