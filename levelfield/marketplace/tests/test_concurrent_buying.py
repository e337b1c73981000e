"""Several people at once on the catalogue (PostgreSQL: real concurrent writers, each thread its
own connection): officers starting projects together get a reference each, two admins awarding
one project at the same moment make one call-off, and a supplier saving a listing from two
places at once gets two versions one after the other."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections

from levelfield.accounts.models import Role
from levelfield.contracts.models import Contract
from levelfield.core import clock
from levelfield.core.errors import InvalidTransition
from levelfield.core.models import AuditEvent
from levelfield.marketplace.actions import listings as listing_actions
from levelfield.marketplace.actions import outcomes, projects
from levelfield.marketplace.models import Listing, Outcome, Project
from levelfield.marketplace.search import Criteria
from tests.support import testing

from .buying_builders import catalogue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite: tests/test_sqlite_concurrency.py)")


def at_once(*calls):
    """Run each call in its own thread, all released together; what each returned or raised."""
    results: list = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index, call):
        try:
            start.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 (the outcome under test)
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_officers_starting_projects_together_get_a_reference_each():
    shop = catalogue()
    officers = [testing.member(shop.buyer, Role.BUYER_OFFICER) for _ in range(8)]
    results = at_once(
        *[
            (lambda o=officer, n=n: projects.create_project(buyer=shop.buyer, by=o, name=f"P{n}"))
            for n, officer in enumerate(officers)
        ]
    )
    assert all(isinstance(result, Project) for result in results), results
    year = clock.today_uk().year
    references = sorted(
        Project.objects.filter(buyer=shop.buyer).values_list("reference", flat=True)
    )
    assert references == [f"P-{year}-{n:04d}" for n in range(1, 9)]
    assert AuditEvent.objects.filter(action="marketplace.project_created").count() == 8


def test_two_admins_awarding_one_project_at_once_make_one_call_off():
    shop = catalogue()
    second_admin = testing.member(shop.buyer, Role.BUYER_ADMIN)
    project = projects.create_project(buyer=shop.buyer, by=shop.officer, name="Hosting")
    projects.save_search(
        project=project, by=shop.officer, criteria=Criteria(lots=(shop.lots[0].pk,))
    )
    project = projects.end_project(project=project, by=shop.officer)
    entry = project.shortlist.order_by("position").first()
    today = clock.today_uk()

    def award(by, value):
        return lambda: outcomes.award(
            project=project,
            by=by,
            entry_id=entry.pk,
            value=Decimal(value),
            start_date=today,
            end_date=today + timedelta(days=364),
            reason="Cheapest service meeting the need",
        )

    results = at_once(award(shop.admin, "5000.00"), award(second_admin, "6000.00"))
    awarded = [r for r in results if isinstance(r, Outcome)]
    refused = [r for r in results if isinstance(r, InvalidTransition)]
    assert len(awarded) == 1 and len(refused) == 1, results
    assert str(refused[0]) == outcomes.ALREADY
    assert Outcome.objects.filter(project=project).count() == 1
    contracts = Contract.objects.filter(call_off__project=project)
    assert contracts.count() == 1
    assert contracts.get().value == awarded[0].value
    assert AuditEvent.objects.filter(action="marketplace.call_off_awarded").count() == 1


def test_a_listing_saved_from_two_places_at_once_gets_two_versions_in_turn():
    shop = catalogue()
    listing = shop.listings["Secure Object Storage"]
    user = shop.supplier_users["large"]

    def change(summary):
        return lambda: listing_actions.change_listing(
            listing=listing,
            by=user,
            change_note=f"Now: {summary}",
            summary=summary,
            certifications=[],  # the builder's claims have no certificates behind them
        )

    results = at_once(change("Storage in two UK regions"), change("Storage with daily backups"))
    assert not [r for r in results if isinstance(r, Exception)], [
        getattr(r, "problems", r) for r in results
    ]
    numbers = sorted(version.number for version in results)
    assert numbers == [2, 3]
    listing = Listing.objects.get(pk=listing.pk)
    assert listing.version == 3
    assert list(listing.versions.order_by("number").values_list("number", flat=True)) == [1, 2, 3]
    # The listing shows the later of the two changes, as its newest version keeps it.
    newest = listing.versions.get(number=3)
    assert listing.summary == newest.content["summary"]
