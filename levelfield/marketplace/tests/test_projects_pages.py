"""The buying pages as a buyer uses them: search with facets and their counts, save the search
into a project, end it, download and compare the shortlist, record the outcome; and who is
turned away (suppliers, another buyer, someone signed out)."""

import csv
import io
import re
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.contracts.actions import records
from levelfield.contracts.models import Contract, Origin
from levelfield.core import clock
from levelfield.marketplace.actions import frameworks as framework_actions
from levelfield.marketplace.actions import outcomes, projects
from levelfield.marketplace.lifecycle import ProjectStatus
from levelfield.marketplace.models import Project
from levelfield.marketplace.search import Criteria
from tests.support import marketplace, testing

from .buying_builders import award_form, catalogue

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def shop():
    return catalogue()


def signed_in(client, user):
    client.force_login(user, backend=BACKEND)
    return client


def ended(shop, criteria):
    project = projects.create_project(buyer=shop.buyer, by=shop.officer, name="Hosting")
    projects.save_search(project=project, by=shop.officer, criteria=criteria)
    return projects.end_project(project=project, by=shop.officer)


def test_the_search_page_shows_results_facets_with_counts_and_pages(shop, client):
    signed_in(client, shop.evaluator)
    page = client.get(reverse("marketplace:search"), {"q": "cloud", "size": "large"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 services found" in html
    assert "Cloud Migration Support" in html and "Casework Cloud" not in html
    # the size facet counts the words' matches of every size
    results = page.context["results"]
    sizes = {v.value: v.count for v in results.facets["size"].values}
    assert sizes == {"micro": 0, "small": 1, "medium": 0, "large": 2}
    assert 'value="large" checked' in html
    # an evaluator reads, but is offered no project to save into
    assert "Save this search" not in html
    bad = client.get(reverse("marketplace:search"), {"price_min": "ten"})
    assert bad.status_code == 200 and "Enter a price in pounds" in bad.content.decode()
    # a lot or a project (read for the officers and admins who save) that is not a number is
    # none (int() refused a superscript two and 5,000 digits: server errors)
    signed_in(client, shop.officer)
    for name in ("lot", "project"):
        for value in ("²", "9" * 5000):
            assert client.get(reverse("marketplace:search"), {name: value}).status_code == 200


def test_a_buyer_saves_ends_downloads_compares_and_awards(shop, client):
    signed_in(client, shop.officer)
    made = client.post(reverse("marketplace:project_create"), {"name": "Storage", "need": "More"})
    project = Project.objects.get(name="Storage")
    assert made.status_code == 302 and f"project={project.pk}" in made["Location"]
    search_page = client.get(reverse("marketplace:search"), {"project": project.pk, "q": "x"})
    assert f"Save this search to {project.reference}" in search_page.content.decode()

    lot1 = shop.lots[0]
    saved = client.post(
        reverse("marketplace:project_save_search", args=[project.pk]),
        {"q": "", "lot": str(lot1.pk), "sort": "price"},
    )
    assert saved.status_code == 302
    assert project.searches.get().filters == {"lot": [lot1.pk], "sort": "price"}
    client.post(reverse("marketplace:project_end", args=[project.pk]))
    project.refresh_from_db()
    assert project.status == ProjectStatus.ENDED
    page = client.get(reverse("marketplace:project", args=[project.pk])).content.decode()
    assert "Secure Object Storage" in page and "Record the outcome" in page

    compare = client.get(
        reverse("marketplace:project_compare", args=[project.pk]), {"quantity": "10"}
    )
    rows = compare.context["rows"]
    assert [row.entry.snapshot["name"] for row in rows] == [
        "Secure Object Storage",
        "Managed Kubernetes Hosting",
    ]
    assert rows[0].cheapest and not rows[1].cheapest
    assert rows[0].total == Decimal("455.0000")
    assert "Cheapest" in compare.content.decode()

    download = client.get(
        reverse("marketplace:project_shortlist_download", args=[project.pk, "csv"])
    )
    assert download["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(download.content.decode())))
    assert lines[0][1] == "Service" and lines[1][1] == "Secure Object Storage"
    assert len(lines) == 3

    # an officer may not award (the award signs): a buyer admin does
    signed_in(client, shop.admin)
    entry = project.shortlist.get(position=1)
    today = clock.today_uk()
    awarded = client.post(
        reverse("marketplace:project_outcome", args=[project.pk]),
        {
            "awarded": "yes",
            "entry": str(entry.pk),
            "value": "£5,000",
            "start_date": today.strftime("%d/%m/%Y"),
            "end_date": today.replace(year=today.year + 1).strftime("%d/%m/%Y"),
            "reason": "Cheapest",
            "previous_cost": "6000",
        },
    )
    assert awarded.status_code == 302, awarded.context["form"].errors
    project.refresh_from_db()
    assert project.status == ProjectStatus.AWARDED
    assert project.outcome.contract.origin == Origin.CALL_OFF
    page = client.get(reverse("marketplace:project", args=[project.pk])).content.decode()
    assert project.outcome.contract.reference in page


def test_the_outcome_form_asks_for_an_awards_details_and_the_reason(shop, client):
    project = ended(shop, Criteria(lots=(shop.lots[0].pk,)))
    signed_in(client, shop.admin)
    url = reverse("marketplace:project_outcome", args=[project.pk])
    refused = client.post(url, {"awarded": "yes", "reason": ""})
    html = refused.content.decode()
    assert refused.status_code == 200
    for words in ("Choose the service awarded", "Enter the call-off value", "Say why"):
        assert words in html
    none = client.post(url, {"awarded": "no", "reason": "Budget withdrawn"})
    assert none.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.NOT_AWARDED


def radio_values(html: str, name: str) -> list[str]:
    radio = rf'<input class="govuk-radios__input"[^>]*name="{name}"[^>]*value="([^"]*)"'
    return re.findall(radio, html)


@pytest.mark.parametrize("who", ["officer", "framework expired"])
def test_who_cannot_award_is_offered_no_alone_and_told_why(shop, client, who):
    """An officer (the award signs a contract) or anyone under a framework no longer live sees
    "No" alone with the reason beside it, and no award fields; a forged "yes" is refused with the
    same reason and saves nothing; "No" records the outcome."""
    project = ended(shop, Criteria(lots=(shop.lots[0].pk,)))
    if who == "officer":
        signed_in(client, shop.officer)
        reason = outcomes.ADMIN_SIGNS
    else:
        framework_actions.expire(framework=shop.framework, by=shop.platform_admin)
        signed_in(client, shop.admin)
        reason = outcomes.FRAMEWORK_NOT_LIVE.format(
            framework=shop.framework.reference, status="expired"
        )
    url = reverse("marketplace:project_outcome", args=[project.pk])
    html = client.get(url).content.decode()
    assert radio_values(html, "awarded") == ["no"]
    assert reason in unescape(html)
    assert 'name="value"' not in html and 'name="entry"' not in html
    forged = client.post(url, award_form(project, end_date=None, reason="Cheapest"))
    assert forged.status_code == 200
    assert forged.context["form"].errors["awarded"] == [reason]
    project.refresh_from_db()
    assert project.status == ProjectStatus.ENDED
    assert not Contract.objects.filter(origin=Origin.CALL_OFF).exists()
    assert client.post(url, {"awarded": "no", "reason": "Not ours"}).status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.NOT_AWARDED


def test_a_buyer_admin_under_a_live_framework_is_offered_the_award(shop, client):
    project = ended(shop, Criteria(lots=(shop.lots[0].pk,)))
    signed_in(client, shop.admin)
    html = client.get(reverse("marketplace:project_outcome", args=[project.pk])).content.decode()
    assert radio_values(html, "awarded") == ["yes", "no"]
    assert 'name="value"' in html and outcomes.ADMIN_SIGNS not in unescape(html)


def test_an_awards_problems_and_its_contracts_are_shown_together(shop, client):
    project = ended(shop, Criteria(lots=(shop.lots[0].pk,)))
    signed_in(client, shop.admin)
    refused = client.post(
        reverse("marketplace:project_outcome", args=[project.pk]), award_form(project)
    )
    assert refused.status_code == 200
    errors = refused.context["form"].errors
    assert errors["reason"] == [outcomes.REASON_NEEDED]
    assert errors["end_date"] == [records.DATES_IN_ORDER]
    html = refused.content.decode()
    assert 'href="#id_reason"' in html and 'href="#id_end_date"' in html
    project.refresh_from_db()
    assert project.status == ProjectStatus.ENDED
    assert not Contract.objects.filter(origin=Origin.CALL_OFF).exists()


def test_a_service_opened_from_the_results_leads_back_to_the_same_search(shop, client):
    signed_in(client, shop.officer)
    search_url = reverse("marketplace:search")
    results = client.get(search_url, {"q": "storage", "size": ["large", "micro"], "page": "1"})
    storage = shop.listings["Secure Object Storage"]
    service_url = reverse("marketplace:service", args=[storage.pk])
    html = results.content.decode()
    [link] = re.findall(rf'href="({re.escape(service_url)}[^"]*)"', html)
    opened = client.get(unescape(link))
    back = re.search(r'<a href="([^"]*)" class="govuk-back-link">', opened.content.decode())
    assert back is not None
    assert unescape(back.group(1)) == f"{search_url}?q=storage&size=large&size=micro&page=1"
    # the back link's search is the one the buyer made
    again = client.get(unescape(back.group(1)))
    assert again.context["criteria"].keywords == "storage"
    assert set(again.context["criteria"].sizes) == {"large", "micro"}


@pytest.mark.parametrize(
    "hostile",
    [
        "//evil.example",
        "//evil.example/marketplace/search/",
        "https://evil.example/marketplace/search/?q=x",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)//marketplace/search/",
        "/\\evil.example",
        "/marketplace/search/\\evil.example",
        "\t//evil.example",
        "/marketplace/projects/",
        "/marketplace/search/../../admin/",
        "/marketplace/search/#x",
        "",
    ],
)
def test_a_service_leads_back_only_to_the_search_never_elsewhere(shop, client, hostile):
    signed_in(client, shop.officer)
    storage = shop.listings["Secure Object Storage"]
    page = client.get(reverse("marketplace:service", args=[storage.pk]), {"back": hostile})
    back = re.search(r'<a href="([^"]*)" class="govuk-back-link">', page.content.decode())
    assert back is not None and back.group(1) == reverse("marketplace:search")


def test_only_the_search_pages_own_parameters_are_kept_in_the_way_back(shop, client):
    signed_in(client, shop.officer)
    storage = shop.listings["Secure Object Storage"]
    search_url = reverse("marketplace:search")
    given = f"{search_url}?q=a%22%3E%3Cscript%3E&next=//evil.example&lot={shop.lots[0].pk}"
    page = client.get(reverse("marketplace:service", args=[storage.pk]), {"back": given})
    html = page.content.decode()
    back = re.search(r'<a href="([^"]*)" class="govuk-back-link">', html)
    assert back is not None
    assert unescape(back.group(1)) == (f"{search_url}?q=a%22%3E%3Cscript%3E&lot={shop.lots[0].pk}")
    assert '"><script>' not in html


def test_the_service_page_has_no_way_back_to_a_search_for_those_who_cannot_search(shop, client):
    storage = shop.listings["Secure Object Storage"]
    url = reverse("marketplace:service", args=[storage.pk])
    back = {"back": f"{reverse('marketplace:search')}?q=storage"}
    for person in (None, shop.supplier_users["large"]):
        if person is not None:
            signed_in(client, person)
        page = client.get(url, back).content.decode()
        assert "govuk-back-link" not in page and "govuk-breadcrumbs" in page


def test_the_shortlist_download_opens_a_hostile_name_as_text(shop, client):
    storage = shop.listings["Secure Object Storage"]
    marketplace.listing(
        storage.application,
        storage.lot,
        by=shop.supplier_users["large"],
        name='=HYPERLINK("http://evil.example","Click")',
        category="+Compute",
        price_unit="@per user",
    )
    project = ended(shop, Criteria(lots=(storage.lot.pk,), keywords="hyperlink"))
    signed_in(client, shop.officer)
    url = reverse("marketplace:project_shortlist_download", args=[project.pk, "csv"])
    lines = list(csv.reader(io.StringIO(client.get(url).content.decode())))
    assert lines[1][1] == '\'=HYPERLINK("http://evil.example","Click")'
    assert lines[1][6] == "'@per user" and lines[1][10] == "'+Compute"
    url = reverse("marketplace:project_shortlist_download", args=[project.pk, "xlsx"])
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url).content), read_only=True).active
    row = [cell.value for cell in list(sheet.iter_rows(min_row=2, max_row=2))[0]]
    assert row[1].startswith("'=") and row[10] == "'+Compute"
    assert row[5] == 100  # a price stays a number


def test_suppliers_another_buyer_and_strangers_are_turned_away(shop, client):
    project = ended(shop, Criteria(lots=(shop.lots[0].pk,)))
    project_pages = [
        reverse("marketplace:project", args=[project.pk]),
        reverse("marketplace:project_compare", args=[project.pk]),
        reverse("marketplace:project_shortlist_download", args=[project.pk, "csv"]),
    ]
    assert client.get(reverse("marketplace:search")).status_code == 302  # to sign in
    signed_in(client, shop.supplier_users["micro"])
    assert client.get(reverse("marketplace:search")).status_code == 404
    for url in project_pages:
        assert client.get(url).status_code == 404
    other = testing.buyer_org("Sandbourne Borough Council")
    signed_in(client, testing.member(other, Role.BUYER_ADMIN))
    assert client.get(reverse("marketplace:search")).status_code == 200
    for url in project_pages:
        assert client.get(url).status_code == 404
    assert client.post(reverse("marketplace:project_end", args=[project.pk])).status_code == 404
    # the buyer's evaluator reads the project but changes nothing
    signed_in(client, shop.evaluator)
    assert client.get(project_pages[0]).status_code == 200
    outcome = reverse("marketplace:project_outcome", args=[project.pk])
    assert client.get(outcome).status_code == 403
    assert client.post(outcome, {"awarded": "no", "reason": "x"}).status_code == 403
    project.refresh_from_db()
    assert project.status == ProjectStatus.ENDED
