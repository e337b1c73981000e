"""The import keeps the open opportunities of other publishers (Find a Tender, Contracts Finder)
for the opportunity search: open ones in, closed and cancelled ones out, each with its source
and the link to its notice; importing again changes nothing."""

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

from levelfield.opendata.importer import import_paths
from levelfield.opendata.models import (
    ExternalOpportunity,
    ExternalOpportunityGeneration,
    OpportunitySource,
)
from levelfield.opendata.opportunities import (
    closing_text,
    notice_url,
    opportunity,
    reindex_all,
    source_of,
)

UK = Path(__file__).parent / "data" / "uk"
CF_OPEN = "ocds-b5fd17-8d32d7f9-d329-4b4f-bb2f-d2ce3ba23436"
CF_CLOSED = "ocds-b5fd17-3c1ac4c0-e172-43a2-aefe-6963abc6e715"
FTS_OPEN = "ocds-h6vhtk-04f1a2"
FTS_CANCELLED = "ocds-h6vhtk-04f1b3"

pytestmark = pytest.mark.django_db


def import_uk(*paths):
    summary, problems = import_paths(paths or [UK], workers=1)
    assert problems == []
    return summary


def generation() -> str:
    return ExternalOpportunityGeneration.objects.get(pk=1).token


def test_open_notices_are_indexed_with_their_source_and_link():
    import_uk()
    assert set(ExternalOpportunity.objects.values_list("ocid", flat=True)) == {CF_OPEN, FTS_OPEN}

    cf = ExternalOpportunity.objects.get(ocid=CF_OPEN)
    assert cf.source == OpportunitySource.CONTRACTS_FINDER
    assert cf.source_label == "Contracts Finder"
    assert cf.buyer_name == "Durham County Council"
    assert cf.cpv_list == ["75240000", "79710000"]
    assert cf.region_list == ["UKC"]  # Contracts Finder names the region: North East
    assert cf.value == Decimal("45000.00")
    assert (cf.sme, cf.vcse) == (True, True)
    # The notice's own page, as Contracts Finder gives it: its id is not the one in the OCID.
    assert cf.url == (
        "https://www.contractsfinder.service.gov.uk/Notice/aac989dd-14c8-47fa-8c45-87435ca201cb"
    )

    fts = ExternalOpportunity.objects.get(ocid=FTS_OPEN)
    assert fts.source == OpportunitySource.FIND_A_TENDER
    assert fts.source_label == "Find a Tender"
    assert fts.cpv_list == ["55524000", "55523100"]
    assert fts.region_list == ["UKK"]  # NUTS UKK2 is in the South West
    assert fts.value == Decimal("1200000.00")
    assert fts.url == "https://www.find-tender.service.gov.uk/Notice/034567-2026"
    assert fts.deadline.isoformat() == "2031-03-15T12:00:00+00:00"


def test_importing_again_changes_nothing():
    import_uk()
    before = list(ExternalOpportunity.objects.order_by("ocid").values())
    token = generation()

    summary = import_uk()
    assert summary.stored == 0
    assert list(ExternalOpportunity.objects.order_by("ocid").values()) == before
    assert generation() == token  # cached searches stay valid


def test_a_notice_cancelled_by_a_later_import_leaves(tmp_path):
    import_uk()
    token = generation()
    package = json.loads((UK / "contracts-finder.json").read_text())
    cancellation = copy.deepcopy(package["releases"][0])
    cancellation.update(id="aac989dd-cancel-900001", date="2026-11-29T10:00:00Z")
    cancellation["tag"] = ["tenderCancellation"]
    cancellation["tender"] = {"id": "OPEN202653", "status": "cancelled"}
    package["releases"] = [cancellation]
    (tmp_path / "cancel.json").write_text(json.dumps(package))

    import_uk(tmp_path / "cancel.json")
    assert set(ExternalOpportunity.objects.values_list("ocid", flat=True)) == {FTS_OPEN}
    assert generation() != token


def test_a_later_release_updates_the_notice_and_keeps_when_it_was_first_seen(tmp_path):
    import_uk()
    first_seen = ExternalOpportunity.objects.get(ocid=FTS_OPEN).first_seen
    package = json.loads((UK / "find-a-tender.json").read_text())
    update = copy.deepcopy(package["releases"][0])
    update.update(id="034999-2026", date="2026-11-29T10:00:00Z", tag=["tenderUpdate"])
    update["tender"]["tenderPeriod"] = {"endDate": "2031-04-01T12:00:00Z"}
    package["releases"] = [update]
    (tmp_path / "update.json").write_text(json.dumps(package))

    import_uk(tmp_path / "update.json")
    notice = ExternalOpportunity.objects.get(ocid=FTS_OPEN)
    assert notice.deadline.isoformat() == "2031-04-01T12:00:00+00:00"
    assert notice.first_seen == first_seen


def test_rebuilding_finds_the_same_notices():
    import_uk()
    before = set(ExternalOpportunity.objects.values_list("ocid", "title", "url"))
    assert reindex_all() == 2
    assert set(ExternalOpportunity.objects.values_list("ocid", "title", "url")) == before


@pytest.mark.parametrize(
    ("ocid", "source"),
    [
        ("ocds-h6vhtk-04f1a2", OpportunitySource.FIND_A_TENDER),
        ("ocds-b5fd17-8d32d7f9", OpportunitySource.CONTRACTS_FINDER),
        ("ocds-213czf-000-00001", OpportunitySource.OTHER),
    ],
)
def test_the_source_comes_from_the_ocid_prefix(ocid, source):
    assert source_of(ocid) == source


def test_only_a_link_to_the_publishers_own_notice_is_taken():
    def tender(*urls):
        return {
            "documents": [
                {"id": str(i), "documentType": "tenderNotice", "url": url}
                for i, url in enumerate(urls)
            ]
        }

    fts = OpportunitySource.FIND_A_TENDER
    good = "https://www.find-tender.service.gov.uk/Notice/034567-2026"
    assert notice_url(tender(good), fts) == good
    assert notice_url(tender("javascript:alert(1)"), fts) == ""
    assert notice_url(tender("https://find-tender.example.com/Notice/1"), fts) == ""
    assert notice_url(tender("http://www.find-tender.service.gov.uk/Notice/1"), fts) == ""
    other = OpportunitySource.OTHER
    assert notice_url(tender("https://portal.example.org/n/1"), other) == (
        "https://portal.example.org/n/1"
    )
    assert notice_url(tender("javascript:alert(1)"), other) == ""
    # Not a notice: the tender's other documents are not links to it
    assert notice_url({"documents": [{"documentType": "biddingDocuments", "url": good}]}, fts) == ""


def test_planned_tenders_are_open_and_others_are_not():
    from django.utils import timezone

    now = timezone.now()
    base = {
        "tender": {
            "title": "Road resurfacing",
            "status": "planned",
            "tenderPeriod": {"endDate": "2031-01-01T00:00:00Z"},
        }
    }
    assert opportunity("ocds-x-1", base, now=now) is not None
    for status in ("complete", "cancelled", "unsuccessful", "withdrawn"):
        data = copy.deepcopy(base)
        data["tender"]["status"] = status
        assert opportunity("ocds-x-1", data, now=now) is None
    data = copy.deepcopy(base)
    del data["tender"]["tenderPeriod"]
    assert opportunity("ocds-x-1", data, now=now) is None


def test_the_compiles_closing_text_never_hides_an_open_notice():
    """The import's workers hand the index each compiled release's closing_text, so that it
    parses only those that may be open: every compiled release opportunity() takes has one
    with a deadline to come, and those without are not opportunities."""
    from django.utils import timezone

    from levelfield.opendata.importing.checks import parse_datetime

    now = timezone.now()
    cases = [
        {
            "tender": {
                "status": "active",
                "title": "A",
                "tenderPeriod": {"endDate": "2031-01-01T00:00:00Z"},
            }
        },
        {
            "tender": {
                "status": "planned",
                "title": "P",
                "tenderPeriod": {"endDate": "2031-01-01T00:00:00Z"},
            }
        },
        {
            "tender": {
                "status": "active",
                "title": "Past",
                "tenderPeriod": {"endDate": "2021-01-01T00:00:00Z"},
            }
        },
        {
            "tender": {
                "status": "complete",
                "title": "C",
                "tenderPeriod": {"endDate": "2031-01-01T00:00:00Z"},
            }
        },
        {"tender": {"status": "active", "title": "No period"}},
        {"tender": {"status": "active", "title": "Odd", "tenderPeriod": {"endDate": 2031}}},
        {"tender": {"status": "active", "title": "Odd", "tenderPeriod": ["2031"]}},
        {"tender": "active"},
        {},
    ]
    for compiled in cases:
        closing = closing_text(compiled)
        taken = opportunity("ocds-x-1", compiled, now=now) is not None
        may_be_open = closing is not None and parse_datetime(closing) > now
        assert taken == may_be_open, compiled
    assert closing_text(cases[0]) == "2031-01-01T00:00:00Z"
    assert closing_text(cases[3]) is None


def test_a_record_package_of_linked_releases_gives_its_open_notice(tmp_path):
    """Find a Tender also publishes record packages: with only links to the releases, the
    compiled release taken as published is where the opportunity comes from."""
    release = json.loads((UK / "find-a-tender.json").read_text())["releases"][0]
    record = {
        "ocid": FTS_OPEN,
        "releases": [
            {
                "url": "https://www.find-tender.service.gov.uk/api/1.0/ocdsReleasePackages/1",
                "date": release["date"],
                "tag": release["tag"],
            }
        ],
        "compiledRelease": {**release, "id": f"{FTS_OPEN}-compiled", "tag": ["compiled"]},
    }
    path = tmp_path / "records.json"
    path.write_text(json.dumps({"version": "1.1", "records": [record, copy.deepcopy(record)]}))
    import_uk(path)
    (notice,) = ExternalOpportunity.objects.all()
    assert (notice.ocid, notice.source) == (FTS_OPEN, OpportunitySource.FIND_A_TENDER)
    assert notice.url == "https://www.find-tender.service.gov.uk/Notice/034567-2026"
