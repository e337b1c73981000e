"""A buyer's project: created with a reference of its own, searches saved and refined into it,
ended with a frozen shortlist that stays as it was when listings change afterwards."""

from datetime import date
from decimal import Decimal

import pytest

from levelfield.accounts.models import Role
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied, RuleFailed
from levelfield.core.models import AuditEvent
from levelfield.marketplace import indexing
from levelfield.marketplace.actions import projects
from levelfield.marketplace.lifecycle import ProjectStatus
from levelfield.marketplace.models import Listing, ListingVersion, ShortlistEntry
from levelfield.marketplace.search import Criteria
from tests.support import marketplace, testing

from .buying_builders import catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return catalogue()


def started(shop, name="Hosting for the library service"):
    return projects.create_project(buyer=shop.buyer, by=shop.officer, name=name, need="Hosting")


def test_a_project_gets_the_buyers_next_reference_and_is_audited(shop):
    year = date.today().year
    first = started(shop)
    second = started(shop, "Finance system")
    assert first.reference.startswith("P-") and first.reference.endswith("-0001")
    assert second.reference.endswith("-0002")
    assert str(year - 1) in first.reference or str(year) in first.reference
    other = testing.buyer_org("Sandbourne Borough Council")
    theirs = projects.create_project(
        buyer=other, by=testing.member(other, Role.BUYER_OFFICER), name="Theirs"
    )
    assert theirs.reference.endswith("-0001")
    assert first.status == ProjectStatus.SEARCHING
    event = AuditEvent.objects.get(action="marketplace.project_created", object_id=str(first.pk))
    assert event.actor == shop.officer and event.organisation_id == shop.buyer.pk


def test_a_project_needs_a_name_and_only_the_buyers_admins_and_officers_start_one(shop):
    with pytest.raises(DomainError, match=projects.NAME_NEEDED):
        projects.create_project(buyer=shop.buyer, by=shop.officer, name="  ")
    for who in (shop.evaluator, shop.supplier_users["micro"], shop.platform_admin):
        with pytest.raises(PermissionDenied):
            projects.create_project(buyer=shop.buyer, by=who, name="Hosting")
    other = testing.buyer_org("Sandbourne Borough Council")
    with pytest.raises(PermissionDenied):
        projects.create_project(
            buyer=shop.buyer, by=testing.member(other, Role.BUYER_ADMIN), name="Hosting"
        )


def test_searches_are_saved_numbered_and_refining_keeps_the_earlier(shop):
    project = started(shop)
    first = projects.save_search(project=project, by=shop.officer, criteria=Criteria())
    lot1 = shop.lots[0]
    refined = projects.save_search(
        project=project,
        by=shop.admin,
        criteria=Criteria(keywords="storage", lots=(lot1.pk,), price_max=Decimal("100")),
    )
    assert (first.number, first.result_count) == (1, 6)
    assert (refined.number, refined.result_count) == (2, 1)
    assert refined.filters == {"lot": [lot1.pk], "price_max": "100"}
    assert projects.latest_search(project) == refined
    assert project.searches.count() == 2


def test_ending_freezes_the_latest_searchs_results_in_its_order(shop):
    project = started(shop)
    projects.save_search(project=project, by=shop.officer, criteria=Criteria())
    projects.save_search(
        project=project,
        by=shop.officer,
        criteria=Criteria(lots=(shop.lots[0].pk, shop.lots[1].pk), sort="price"),
    )
    ended = projects.end_project(project=project, by=shop.officer)
    assert ended.status == ProjectStatus.ENDED and ended.ended_by == shop.officer
    assert ended.framework == shop.framework
    entries = list(ended.shortlist.order_by("position"))
    assert [e.snapshot["name"] for e in entries] == [
        "Casework Cloud",
        "Secure Object Storage",
        "Ledger Finance Suite",
        "Managed Kubernetes Hosting",
    ]
    casework = entries[0]
    assert casework.snapshot["supplier"] == "Wessex Community Tech CIC"
    assert casework.snapshot["supplier_is_vcse"] is True
    assert casework.snapshot["price"] == "30.00"
    assert casework.snapshot["price_unit"] == "per user per month"
    assert casework.snapshot["lot"] == 2 and casework.snapshot["category"] == "Case management"
    assert casework.listing_version.number == 1
    assert AuditEvent.objects.filter(action="marketplace.project_ended").count() == 1
    # once ended, nothing more is saved or ended
    with pytest.raises(InvalidTransition):
        projects.save_search(project=ended, by=shop.officer, criteria=Criteria())
    with pytest.raises(InvalidTransition):
        projects.end_project(project=ended, by=shop.officer)


def test_a_frozen_shortlist_does_not_change_when_listings_change_afterwards(shop):
    project = started(shop)
    projects.save_search(project=project, by=shop.officer, criteria=Criteria(keywords="storage"))
    projects.end_project(project=project, by=shop.officer)
    [entry] = ShortlistEntry.objects.filter(project=project)
    before = dict(entry.snapshot)

    # the supplier changes the listing: its row, and a new kept version
    listing = Listing.objects.get(pk=entry.listing_id)
    listing.name = "Secure Object Storage (now dearer)"
    listing.price = Decimal("99.00")
    listing.version = 2
    listing.save()
    indexing.index_listing(listing)
    ListingVersion.objects.create(
        listing=listing,
        number=2,
        content=marketplace.content(listing),
        created_by=shop.supplier_users["large"],
        created_at=listing.updated_at,
    )
    # and another service appears that the search would now find
    storage = shop.listings["Secure Object Storage"]
    marketplace.listing(
        storage.application, storage.lot, by=shop.supplier_users["large"], name="Cold storage"
    )

    [entry] = ShortlistEntry.objects.filter(project=project)
    assert entry.snapshot == before
    assert entry.snapshot["name"] == "Secure Object Storage"
    assert entry.snapshot["price"] == "45.50"
    assert entry.listing_version.number == 1
    assert entry.listing_version.content["price"] == "45.50"
    with pytest.raises(ValueError):
        entry.save()


def test_ending_is_refused_with_no_search_no_results_or_too_many(shop, monkeypatch):
    project = started(shop)
    with pytest.raises(RuleFailed, match="Save a search"):
        projects.end_project(project=project, by=shop.officer)
    projects.save_search(project=project, by=shop.officer, criteria=Criteria(keywords="zzzz"))
    with pytest.raises(RuleFailed, match="finds no services"):
        projects.end_project(project=project, by=shop.officer)
    projects.save_search(project=project, by=shop.officer, criteria=Criteria())
    monkeypatch.setattr(projects, "SHORTLIST_LIMIT", 5)
    with pytest.raises(RuleFailed, match="more than"):
        projects.end_project(project=project, by=shop.officer)
    project.refresh_from_db()
    assert project.status == ProjectStatus.SEARCHING
    assert not ShortlistEntry.objects.filter(project=project).exists()


def test_another_buyer_and_suppliers_cannot_save_or_end_a_project(shop):
    project = started(shop)
    other = testing.buyer_org("Sandbourne Borough Council")
    outsiders = (
        testing.member(other, Role.BUYER_ADMIN),
        shop.supplier_users["large"],
        shop.evaluator,
    )
    for who in outsiders:
        with pytest.raises(PermissionDenied):
            projects.save_search(project=project, by=who, criteria=Criteria())
        with pytest.raises(PermissionDenied):
            projects.end_project(project=project, by=who)
