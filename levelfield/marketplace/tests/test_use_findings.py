"""What using the demo's marketplace as its people do turned up, each kept fixed by a test.

A refusal or admission decided while the framework is pending is sent at the standstill: until
then nothing a supplier sees (its framework's page, its listings and whether it may list) tells
a decided application from one still waiting."""

import pytest
from django.urls import reverse

from levelfield.core.models import AuditEvent
from levelfield.marketplace import selectors_listings
from levelfield.marketplace.actions import applications, frameworks, listings
from levelfield.marketplace.lifecycle import FrameworkStatus, ListingStatus
from tests.support import marketplace

from .frameworks_builders import framework_at, make_people, submitted


@pytest.fixture
def people(db):
    return make_people()


def _pending_with_listing(people):
    """A framework closed to applications, the supplier's application submitted with a
    submitted listing on lot 1."""
    framework = framework_at(FrameworkStatus.OPEN, by=people.admin)
    application = submitted(framework, people.supplier, people.supplier_admin)
    row = marketplace.listing(
        application,
        framework.lots.get(number=1),
        by=people.supplier_admin,
        name="Managed hosting",
        status=ListingStatus.SUBMITTED,
    )
    frameworks.close_applications(framework=framework, by=people.admin)
    return framework, application, row


def test_the_framework_page_does_not_tell_a_supplier_its_decision_before_the_standstill(
    client, people
):
    framework, application, _ = _pending_with_listing(people)
    applications.refuse_application(application=application, by=people.admin, reason="Late")
    client.force_login(people.supplier_admin)
    page = reverse("marketplace:framework", args=[framework.pk])
    before = client.get(page).content.decode()
    assert "application is submitted" in before and "refused" not in before.lower()
    frameworks.start_standstill(framework=framework, by=people.admin)
    assert "application is refused" in client.get(page).content.decode()


def test_a_refusal_withdraws_the_listings_only_when_it_is_sent(client, people):
    framework, application, row = _pending_with_listing(people)
    applications.refuse_application(application=application, by=people.admin, reason="Late")
    row.refresh_from_db()
    assert row.status == ListingStatus.SUBMITTED  # as for any application still undecided
    # The supplier still lists as an applicant waiting for its decision.
    lot = framework.lots.get(number=2)
    assert (application, lot) in [
        (a, chosen) for a, chosen in selectors_listings.lots_to_list_on(people.supplier)
    ]
    draft = listings.create_listing(
        application=application, lot=lot, by=people.supplier_admin, name="Support"
    )
    client.force_login(people.supplier_admin)
    shown = client.get(reverse("marketplace:listing_detail", args=[row.pk])).content.decode()
    assert "Withdrawn" not in shown
    frameworks.start_standstill(framework=framework, by=people.admin)
    row.refresh_from_db()
    draft.refresh_from_db()
    assert row.status == ListingStatus.WITHDRAWN and draft.status == ListingStatus.WITHDRAWN
    event = AuditEvent.objects.filter(action="marketplace.framework_standstill").get()
    assert event.data["listings_withdrawn"] == 2
    assert selectors_listings.lots_to_list_on(people.supplier) == []


def test_a_submitted_listing_does_not_say_its_application_was_admitted_before_the_standstill(
    client, people
):
    framework, application, row = _pending_with_listing(people)
    applications.admit_application(application=application, by=people.admin)
    client.force_login(people.supplier_admin)
    page = reverse("marketplace:listing_detail", args=[row.pk])
    assert "once your application is admitted" in client.get(page).content.decode()
    frameworks.start_standstill(framework=framework, by=people.admin)
    assert "once your application is admitted" not in client.get(page).content.decode()
