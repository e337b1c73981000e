"""The frameworks' pages: anyone reads the frameworks and a framework's lots; the platform admin
creates one (refusals beside their fields), walks it through its lifecycle with buttons and
decides applications; a supplier's admin applies (lots, declaration, statements, check answers,
submit) and is sent to its declaration when it has none current; others get 404 or 403."""

from datetime import timedelta

import pytest
from django.urls import reverse

from levelfield.core import clock
from levelfield.marketplace.actions import applications, frameworks, projects
from levelfield.marketplace.lifecycle import ApplicationStatus, FrameworkStatus
from levelfield.marketplace.models import Application, Framework, Listing
from levelfield.marketplace.search import Criteria
from levelfield.suppliers.models import ExclusionDeclaration

from .buying_builders import catalogue
from .frameworks_builders import framework_at, make_people, submitted


@pytest.fixture
def people(db):
    return make_people()


def _date(days: int) -> str:
    day = clock.today_uk() + timedelta(days=days)
    return f"{day.day}/{day.month}/{day.year}"


FORM = {
    "reference": "LF-CLOUD-7",
    "name": "Cloud services 7",
    "description": "Hosting and support",
    "applications_open_on": _date(0),
    "applications_close_on": _date(30),
    "live_from": _date(60),
    "expires_on": _date(800),
    "lots": "Cloud hosting | Compute, Storage | 72400000\nCloud support | Migration",
    "statements": "We keep our listings accurate.\nWe honour our listed prices.",
    "requires_exclusion_declaration": "on",
}


def test_anyone_reads_the_frameworks_and_a_frameworks_lots(client, people):
    framework = framework_at(FrameworkStatus.OPEN, by=people.admin)
    listed = client.get(reverse("marketplace:frameworks"))
    assert listed.status_code == 200
    assert framework.name in listed.content.decode()
    page = client.get(reverse("marketplace:framework", args=[framework.pk])).content.decode()
    assert "Lot 1: Cloud hosting" in page and "72400000" in page
    assert "Open for applications" in page
    assert "We honour our listed prices." in page
    assert "Apply to this framework" not in page  # signed out


def test_the_platform_admin_creates_a_framework_with_its_lots(client, people):
    client.force_login(people.admin)
    response = client.post(reverse("marketplace:admin_framework_create"), FORM)
    framework = Framework.objects.get(reference="LF-CLOUD-7")
    assert response.status_code == 302
    assert response.url == reverse("marketplace:admin_framework", args=[framework.pk])
    lots = list(framework.lots.all())
    assert [(lot.title, lot.categories, lot.cpv_code) for lot in lots] == [
        ("Cloud hosting", ["Compute", "Storage"], "72400000"),
        ("Cloud support", ["Migration"], ""),
    ]
    assert framework.statements == [
        "We keep our listings accurate.",
        "We honour our listed prices.",
    ]


def test_a_framework_breaking_a_rule_is_shown_beside_its_field(client, people):
    client.force_login(people.admin)
    response = client.post(
        reverse("marketplace:admin_framework_create"),
        {**FORM, "lots": "", "expires_on": _date(10)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Add at least one lot" in page
    assert "The framework must expire after it goes live" in page
    assert "govuk-error-summary" in page
    assert not Framework.objects.exists()


def test_the_lifecycle_buttons_move_the_framework_and_refusals_show(client, people):
    client.force_login(people.admin)
    framework = framework_at(FrameworkStatus.COMING, by=people.admin)
    page = client.get(reverse("marketplace:admin_framework", args=[framework.pk]))
    assert "Open for applications" in page.content.decode()
    step = reverse("marketplace:admin_framework_step", args=[framework.pk, "open"])
    assert client.get(step).status_code == 405
    followed = client.post(step, follow=True)
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.OPEN
    assert "The framework is open" in followed.content.decode()
    assert "Framework opened for applications" in followed.content.decode()  # its history
    # A step not in the table: refused, the reason shown, nothing changed.
    live = reverse("marketplace:admin_framework_step", args=[framework.pk, "live"])
    refused = client.post(live, follow=True).content.decode()
    assert "cannot become live" in refused
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.OPEN


def test_expiring_a_framework_asks_first_saying_what_happens(client, db):
    shop = catalogue()
    framework = shop.framework
    project = projects.create_project(buyer=shop.buyer, by=shop.officer, name="Hosting")
    projects.save_search(project=project, by=shop.officer, criteria=Criteria(keywords="storage"))
    projects.end_project(project=project, by=shop.officer)
    client.force_login(shop.platform_admin)
    admin_page = client.get(reverse("marketplace:admin_framework", args=[framework.pk]))
    confirm = reverse("marketplace:admin_framework_expire", args=[framework.pk])
    # the framework's page links to the question; no button there expires it
    html = admin_page.content.decode()
    assert f'href="{confirm}"' in html
    assert "/step/expire/" not in html
    asked = client.get(confirm)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert f"Expire {framework.reference}?" in page
    assert "its 6 live listings, from 5 suppliers, expire with it" in page
    assert "leave the catalogue's search" in page
    assert "1 buyer project with a frozen shortlist" in page
    assert '<form method="post" novalidate>' in page
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.LIVE  # asking changes nothing

    # the old button's address no longer expires it
    step = reverse("marketplace:admin_framework_step", args=[framework.pk, "expire"])
    assert client.post(step).status_code == 404
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.LIVE

    done = client.post(confirm, follow=True)
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.EXPIRED
    assert done.redirect_chain[-1][0] == reverse("marketplace:admin_framework", args=[framework.pk])
    assert f"The framework {framework.reference} has expired" in done.content.decode()
    assert not Listing.objects.live().exists()
    # asked again once expired: sent back, saying why
    again = client.get(confirm, follow=True)
    assert "Only a live framework can expire" in again.content.decode()


def test_the_expiry_question_is_404_to_anyone_but_the_platform_admin(client, people):
    framework = framework_at(FrameworkStatus.LIVE, by=people.admin)
    confirm = reverse("marketplace:admin_framework_expire", args=[framework.pk])
    for person in (people.supplier_admin, people.buyer_admin, people.officer):
        client.force_login(person)
        assert client.get(confirm).status_code == 404
        assert client.post(confirm).status_code == 404
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.LIVE


def test_the_platform_admins_pages_are_404_to_anyone_else(client, people):
    framework = framework_at(FrameworkStatus.OPEN, by=people.admin)
    pages = [
        reverse("marketplace:admin_frameworks"),
        reverse("marketplace:admin_framework_create"),
        reverse("marketplace:admin_framework", args=[framework.pk]),
        reverse("marketplace:admin_applications", args=[framework.pk]),
    ]
    for person in (people.supplier_admin, people.buyer_admin, people.officer):
        client.force_login(person)
        for url in pages:
            assert client.get(url).status_code == 404, (person, url)
        step = reverse("marketplace:admin_framework_step", args=[framework.pk, "close"])
        assert client.post(step).status_code == 404
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.OPEN


def test_a_supplier_applies_through_the_pages(client, people):
    framework = framework_at(FrameworkStatus.OPEN, by=people.admin)
    client.force_login(people.supplier_admin)
    page = client.get(reverse("marketplace:framework", args=[framework.pk])).content.decode()
    assert "Apply to this framework" in page
    lots = [str(pk) for pk in framework.lots.values_list("pk", flat=True)]
    response = client.post(reverse("marketplace:apply", args=[framework.pk]), {"lots": lots[:1]})
    application = Application.objects.get(supplier=people.supplier)
    assert response.url == reverse("marketplace:application_declare", args=[application.pk])
    declare = reverse("marketplace:application_declare", args=[application.pk])
    refused = client.post(declare, {"statements": ["1"]})
    assert refused.status_code == 400
    assert "statement 2 is not agreed" in refused.content.decode()
    response = client.post(declare, {"statements": ["1", "2"]})
    check = reverse("marketplace:application_check", args=[application.pk])
    assert response.url == check
    answers = client.get(check).content.decode()
    assert "Lot 1: Cloud hosting" in answers and "There is a problem" not in answers
    followed = client.post(check, follow=True).content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert "Your application is submitted" in followed
    mine = client.get(reverse("marketplace:supplier_applications")).content.decode()
    assert framework.name in mine and "Submitted" in mine


def test_a_supplier_without_a_current_declaration_is_sent_to_make_one(client, people):
    ExclusionDeclaration.objects.filter(organisation=people.supplier).delete()
    framework = framework_at(FrameworkStatus.OPEN, by=people.admin)
    application = applications.start_application(
        framework=framework,
        supplier=people.supplier,
        by=people.supplier_admin,
        lot_ids=framework.lots.values_list("pk", flat=True),
    )
    client.force_login(people.supplier_admin)
    page = client.get(
        reverse("marketplace:application_declare", args=[application.pk])
    ).content.decode()
    assert "no current exclusion declaration" in page
    assert reverse("suppliers:declaration") in page
    check = client.post(reverse("marketplace:application_check", args=[application.pk]))
    assert check.status_code == 400
    assert reverse("suppliers:declaration") in check.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_a_supplier_member_reads_but_does_not_apply_and_others_see_nothing(client, people):
    framework = framework_at(FrameworkStatus.OPEN, by=people.admin)
    application = submitted(framework, people.supplier, people.supplier_admin)
    client.force_login(people.supplier_member)
    own = reverse("marketplace:supplier_application", args=[application.pk])
    assert client.get(own).status_code == 200
    assert client.get(reverse("marketplace:apply", args=[framework.pk])).status_code == 403
    withdraw = reverse("marketplace:application_withdraw", args=[application.pk])
    assert client.post(withdraw).status_code == 403
    client.force_login(people.other_admin)
    assert client.get(own).status_code == 404
    assert client.post(withdraw).status_code == 404
    client.force_login(people.buyer_admin)
    assert client.get(reverse("marketplace:supplier_applications")).status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_the_platform_admin_decides_and_the_supplier_sees_it_only_at_the_standstill(client, people):
    framework = framework_at(FrameworkStatus.OPEN, by=people.admin)
    application = submitted(framework, people.supplier, people.supplier_admin)
    frameworks.close_applications(framework=framework, by=people.admin)
    client.force_login(people.admin)
    listed = client.get(reverse("marketplace:admin_applications", args=[framework.pk]))
    assert people.supplier.name in listed.content.decode()
    decide = reverse("marketplace:admin_application", args=[application.pk])
    refused = client.post(decide, {"decision": "refuse", "reason": ""})
    assert refused.status_code == 400
    assert "Say why the application is refused" in refused.content.decode()
    done = client.post(
        decide, {"decision": "refuse", "reason": "No evidence of ISO 27001"}, follow=True
    )
    assert "The application is refused" in done.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REFUSED
    client.force_login(people.supplier_admin)
    own = reverse("marketplace:supplier_application", args=[application.pk])
    before = client.get(own).content.decode()
    assert "Refused" not in before and "ISO 27001" not in before
    frameworks.start_standstill(framework=framework, by=people.admin)
    after = client.get(own).content.decode()
    assert "Refused" in after and "ISO 27001" in after


def test_the_dashboards_link_to_the_marketplace_by_role(client, people):
    client.force_login(people.supplier_admin)
    supplier = client.get(reverse("bids:dashboard")).content.decode()
    assert "Catalogue marketplace" in supplier
    assert reverse("marketplace:supplier_applications") in supplier
    assert reverse("marketplace:admin_frameworks") not in supplier
    client.force_login(people.officer)
    buyer = client.get(reverse("tenders:dashboard")).content.decode()
    assert "Catalogue marketplace" in buyer
    assert reverse("marketplace:frameworks") in buyer
    assert reverse("marketplace:supplier_applications") not in buyer
    client.force_login(people.admin)
    admin = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("marketplace:admin_frameworks") in admin


def test_the_platform_admin_changes_a_coming_framework_and_not_an_open_one(client, people):
    framework = framework_at(FrameworkStatus.COMING, by=people.admin)
    client.force_login(people.admin)
    edit = reverse("marketplace:admin_framework_edit", args=[framework.pk])
    shown = client.get(edit).content.decode()
    assert "Cloud hosting | Compute, Storage | 72400000" in shown  # the lots as typed
    client.post(edit, {**FORM, "reference": framework.reference, "name": "Renamed"})
    framework.refresh_from_db()
    assert framework.name == "Renamed"
    assert [lot.title for lot in framework.lots.all()] == ["Cloud hosting", "Cloud support"]
    frameworks.open_applications(framework=framework, by=people.admin)
    response = client.get(edit, follow=True)
    assert "Only a coming framework can be changed" in response.content.decode()
