"""What using the demo's catalogue buying as its people do turned up, each kept fixed by a test.

- A person on the staff of two organisations reads and runs only the projects of the one they
  act for (as a tender is the current organisation's): acting for their supplier, or for
  another council, their first council's project is as if it did not exist, on the pages and
  through the API, as the project list already was.
- An award refused for its value (or another field's rule of the award or its contract) says so
  beside that field, as the reason and the dates already did, not only at the top; and a form
  refused before the award is tried says the contract's problems too (an end before the start),
  as it already said a missing reason.
- On SQLite (the demo), the catalogue's words box reads quotes, "-" and "or" as PostgreSQL's
  websearch syntax does, as the page's hint promises, rather than looking for the quotes."""

from datetime import timedelta

import pytest
from django.urls import reverse

from levelfield.accounts.models import Membership, Role
from levelfield.contracts.actions import records
from levelfield.core import clock
from levelfield.marketplace import search
from levelfield.marketplace.actions import outcomes, projects
from levelfield.marketplace.lifecycle import ProjectStatus
from levelfield.marketplace.search import Criteria
from tests.support import testing

from .buying_builders import acting_for, award_form, catalogue

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def shop():
    return catalogue()


def _ended(shop):
    project = projects.create_project(buyer=shop.buyer, by=shop.officer, name="Hosting")
    projects.save_search(
        project=project, by=shop.officer, criteria=Criteria(lots=(shop.lots[0].pk,))
    )
    return projects.end_project(project=project, by=shop.officer)


@pytest.mark.parametrize("other_kind", ["supplier", "buyer"])
def test_a_project_is_read_and_run_only_while_acting_for_its_buyer(shop, client, other_kind):
    project = _ended(shop)
    searching = projects.create_project(buyer=shop.buyer, by=shop.officer, name="Storage")
    person = shop.admin
    if other_kind == "supplier":
        other = shop.suppliers["micro"]
        Membership.objects.create(user=person, organisation=other, role=Role.SUPPLIER_ADMIN)
    else:
        other = testing.buyer_org("Sandbourne Borough Council")
        Membership.objects.create(user=person, organisation=other, role=Role.BUYER_ADMIN)
    pages = [
        reverse("marketplace:project", args=[project.pk]),
        reverse("marketplace:project_compare", args=[project.pk]),
        reverse("marketplace:project_shortlist_download", args=[project.pk, "csv"]),
        reverse("marketplace:project_outcome", args=[project.pk]),
    ]
    api = f"/api/marketplace/projects/{project.pk}"

    acting_for(client, person, shop.buyer)
    for url in pages:
        assert client.get(url).status_code == 200, url
    assert client.get(api).status_code == 200
    assert project.reference in client.get(reverse("marketplace:projects")).content.decode()

    acting_for(client, person, other)
    for url in pages:
        assert client.get(url).status_code == 404, url
    assert client.get(api).status_code == 404
    a_year_on = (clock.today_uk() + timedelta(days=365)).strftime("%d/%m/%Y")
    award = award_form(project, end_date=a_year_on, reason="Cheapest")
    assert client.post(pages[-1], award).status_code == 404
    ended = reverse("marketplace:project_end", args=[searching.pk])
    assert client.post(ended).status_code == 404
    project.refresh_from_db()
    searching.refresh_from_db()
    assert project.status == ProjectStatus.ENDED
    assert searching.status == ProjectStatus.SEARCHING
    if other_kind == "buyer":
        # the other council's own pages: its list and its search offer nothing of the first's
        listed = client.get(reverse("marketplace:projects")).content.decode()
        assert project.reference not in listed and searching.reference not in listed
        search = client.get(reverse("marketplace:search"), {"project": searching.pk})
        assert searching.reference not in search.content.decode()
        assert client.get("/api/marketplace/projects").json()["items"] == []


def test_an_awards_value_problem_is_shown_beside_the_value(shop, client):
    project = _ended(shop)
    acting_for(client, shop.admin, shop.buyer)
    refused = client.post(
        reverse("marketplace:project_outcome", args=[project.pk]),
        award_form(project, value="0", previous_cost="0"),
    )
    assert refused.status_code == 200
    errors = refused.context["form"].errors
    assert errors["value"] == ["The contract value must be more than £0"]
    assert errors["previous_cost"] == ["The previous cost must be more than £0"]
    assert "__all__" not in errors
    html = refused.content.decode()
    assert 'href="#id_value"' in html and 'href="#id_previous_cost"' in html
    assert '<li><a href="#main-content">' not in html  # nothing at the top of the summary


def test_an_award_refused_by_the_form_also_names_the_contracts_problems(shop, client):
    """A form refused before the action (no service chosen, a date that is not one) still says
    the end is before the start and the value is not more than £0, rather than on the next
    submit."""
    project = _ended(shop)
    acting_for(client, shop.admin, shop.buyer)
    url = reverse("marketplace:project_outcome", args=[project.pk])
    refused = client.post(url, award_form(project, entry=None, value="-5"))
    errors = refused.context["form"].errors
    assert errors["entry"] == ["Choose the service awarded"]
    assert errors["value"] == ["The contract value must be more than £0"]
    assert errors["end_date"] == [records.DATES_IN_ORDER]
    assert errors["reason"] == [outcomes.REASON_NEEDED]
    html = refused.content.decode()
    assert 'href="#id_value"' in html and 'href="#id_end_date"' in html
    # a field the form refused is told its own problem only, not the contract's too
    refused = client.post(
        url,
        {"awarded": "yes", "value": "", "start_date": "31/2/2027", "end_date": "1/1/2027"},
    )
    errors = refused.context["form"].errors
    assert errors["value"] == ["Enter the call-off value"]
    assert errors["start_date"] == ["Enter a real start date"]
    assert "end_date" not in errors
    project.refresh_from_db()
    assert project.status == ProjectStatus.ENDED


def _names(criteria: Criteria) -> set[str]:
    return {listing.name for listing in search.search(criteria).listings}


def test_the_words_box_reads_quotes_minus_and_or_on_sqlite_as_on_postgresql(shop):
    """The search page says "Use quotes for a phrase": the demo (SQLite) found nothing for a
    quoted phrase, as it looked for the quotes themselves, and nothing for "-" or "or"."""
    assert _names(Criteria(keywords='"kubernetes hosting"')) == {"Managed Kubernetes Hosting"}
    assert _names(Criteria(keywords='"Kubernetes Hosting"')) == {"Managed Kubernetes Hosting"}
    assert _names(Criteria(keywords='"hosting kubernetes"')) == set()
    hosting = _names(Criteria(keywords="hosting"))
    assert "Managed Kubernetes Hosting" in hosting and len(hosting) > 1
    assert _names(Criteria(keywords="hosting -kubernetes")) == hosting - {
        "Managed Kubernetes Hosting"
    }
    assert _names(Criteria(keywords="kubernetes or encrypted")) == {
        "Managed Kubernetes Hosting",
        "Secure Object Storage",
    }
    # a quote left open is a phrase to the end, as PostgreSQL reads it
    assert _names(Criteria(keywords='"kubernetes')) == {"Managed Kubernetes Hosting"}
    # a name holding the phrase still comes first
    ranked = search.search(Criteria(keywords='"hosting"')).listings
    assert ranked[0].name.casefold().endswith("hosting")
