"""Service names may hold commas ("Home care, Sandbourne east", as the demo's do): where a report
lists several, on the page and in its CSV, they are separated by semicolons so each name reads
whole."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from levelfield.core import clock
from levelfield.resilience import actions
from levelfield.resilience.actions_scenarios import create_scenario
from tests.support import testing

pytestmark = pytest.mark.django_db

SERVICES = ["Home care, Sandbourne east", "Night response, Sandbourne"]


@pytest.fixture
def scenario():
    org, admin = testing.supplier_with_user("Comma Care Ltd")
    signed = testing.signed_contract(supplier=(org, admin))
    signed.contract.critical = True
    signed.contract.save(update_fields=["critical"])
    buyer = signed.contract.buyer.name
    will = actions.start_living_will(supplier=org, by=admin)
    content = {
        "contracts": [signed.contract.pk],
        "services": [{"name": n, "authorities": [buyer], "people_served": 5} for n in SERVICES],
    }
    review = clock.today_uk() + timedelta(days=90)
    actions.edit_living_will(will=will, by=admin, content=content, owner=admin, review_date=review)
    actions.submit_living_will(will=will, by=admin)
    team = testing.resilience_team_member()
    found = create_scenario(
        name="Comma Care fails",
        supplier_ids=[org.pk],
        as_of=signed.contract.start_date,
        by=team,
    )
    return found, team


def test_several_services_are_separated_by_semicolons_on_the_page_and_in_the_csv(client, scenario):
    found, team = scenario
    client.force_login(team)
    joined = "; ".join(SERVICES)

    page = client.get(reverse("resilience:scenario", args=[found.pk])).content.decode()
    assert page.count(joined) >= 3  # the contracts and authorities tables, the plans missing

    response = client.get(reverse("resilience:scenario_csv", args=[found.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    cells = [cell for row in rows for cell in row]
    assert cells.count(joined) >= 2
