"""What using the demo's marketplace as its people do turned up, each kept fixed by a test.

A refusal or admission decided while the framework is pending is sent at the standstill: until
then nothing a supplier sees (its framework's page, its listings and whether it may list) tells
a decided application from one still waiting."""

import pytest
from django.urls import reverse

from levelfield.core.models import AuditEvent
from levelfield.marketplace import search, selectors_listings
from levelfield.marketplace.actions import applications, frameworks, listings, projects
from levelfield.marketplace.lifecycle import FrameworkStatus, ListingStatus
from levelfield.marketplace.models import Application
from tests.support import marketplace

from . import buying_builders
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


def test_a_projects_page_shows_its_searches_filters_and_shortlist_prices_as_the_buyer_chose_them(
    client, db
):
    """The saved searches read in words (the project page showed "lot: [1]" and codes like
    "iso_27001"), and the frozen shortlist's prices as money ("£1,250", not "£1250.00")."""
    shop = buying_builders.catalogue()
    project = projects.create_project(buyer=shop.buyer, by=shop.officer, name="Hosting")
    lot = shop.lots[0]
    criteria, problems = search.read_criteria(
        {
            "lot": [str(lot.pk)],
            "price_max": "1250",
            "size": ["large"],
            "certification": ["iso_27001"],
            "sort": "price",
        }
    )
    assert problems == {}
    projects.save_search(project=project, by=shop.officer, criteria=criteria)
    marketplace.listing(
        Application.objects.get(supplier=shop.suppliers["large"]),
        lot,
        by=shop.supplier_users["large"],
        name="Dedicated hosting",
        price="1250.00",
        certifications=("iso_27001",),
    )
    projects.end_project(project=project, by=shop.officer)
    client.force_login(shop.officer)
    page = client.get(reverse("marketplace:project", args=[project.pk])).content.decode()
    assert f"lot 1: {lot.title}" in page
    assert "price up to £1,250" in page and "supplier size large" in page
    assert "holding ISO 27001" in page and "sorted by price, lowest first" in page
    assert "[" not in page.split("Searches saved")[1].split("Shortlist")[0]
    assert "£1,250 " in page and "£1250.00" not in page


def test_an_empty_framework_form_names_every_problem_at_once(client, people):
    """It named only the four dates; the reference, name and lots were refused only once the
    dates had been put right, on a second try."""
    client.force_login(people.admin)
    response = client.post(
        reverse("marketplace:admin_framework_create"),
        {"applications_open_on": "1/1/2027", "live_from": "31/2/2027", "lots": "| Compute"},
    )
    assert response.status_code == 400
    shown = response.content.decode()
    for message in (
        "Enter a reference of 2 to 40 capital letters",
        "Enter the framework&#x27;s name",
        "Enter the title of lot 1",
        "Enter the day applications close",
        "Enter the day the framework goes live as a real date",
    ):
        assert message in shown
    assert "Enter every date of the framework" not in shown
    assert "| Compute" in shown  # what was typed is kept


def test_choosing_lots_is_not_offered_on_a_framework_not_open(client, people):
    """Opened by its address, the first step of applying offered the lots and "Save and
    continue" on a live framework (applications long closed), for the action to refuse."""
    framework = framework_at(FrameworkStatus.PENDING, by=people.admin)
    client.force_login(people.supplier_admin)
    page = client.get(reverse("marketplace:apply", args=[framework.pk])).content.decode()
    assert "suppliers apply only while it is open" in page
    assert "Save and continue" not in page
    refused = client.post(
        reverse("marketplace:apply", args=[framework.pk]),
        {"lots": [str(framework.lots.first().pk)]},
    )
    assert refused.status_code == 400 and "govuk-error-summary" in refused.content.decode()


def test_too_long_a_name_is_refused_in_the_domains_words(client, people):
    """A project's or a framework's name too long was refused in Django's words ("Ensure this
    value has at most 200 characters (it has 300)."), not the domain's."""
    client.force_login(people.officer)
    project = client.post(
        reverse("marketplace:project_create"), {"name": "x" * 300, "need": "n" * 6000}
    ).content.decode()
    assert "The name must be 200 characters or fewer" in project
    assert "The need must be 5000 characters or fewer" in project
    client.force_login(people.admin)
    framework = client.post(
        reverse("marketplace:admin_framework_create"), {"reference": "X" * 60, "name": "n" * 300}
    ).content.decode()
    assert "Enter a reference of 2 to 40 capital letters" in framework
    assert "The name must be 200 characters or fewer" in framework
    assert "Ensure this value" not in project + framework


def test_saving_a_search_says_so_once(client, db):
    """Saving a search showed two success banners, "Search saved into the project" and
    "Search 1 saved into P-...: 2 services"."""
    shop = buying_builders.catalogue()
    project = projects.create_project(buyer=shop.buyer, by=shop.officer, name="Hosting")
    client.force_login(shop.officer)
    page = client.post(
        reverse("marketplace:project_save_search", args=[project.pk]), {"q": "hosting"}, follow=True
    ).content.decode()
    assert page.count("govuk-notification-banner--success") == 1
    assert f"Search 1 saved into {project.reference}" in page


def test_the_search_pages_filters_chosen_are_named_as_the_buyer_chose_them(client, db):
    """The links to remove a filter said "Remove lot: 3", "Remove certification: iso_27001"."""
    shop = buying_builders.catalogue()
    client.force_login(shop.officer)
    lot = shop.lots[0]
    page = client.get(
        reverse("marketplace:search"),
        {"lot": lot.pk, "certification": "iso_27001", "size": "large", "price_min": "10"},
    ).content.decode()
    assert f"Remove lot 1: {lot.title}" in page
    assert "Remove holding ISO 27001 (information security)" in page
    assert "Remove supplier size large" in page and "Remove price from £10" in page
    assert "iso_27001</a>" not in page
