"""A resilience team member who also belongs to an organisation lands on its dashboard (a
buyer's tenders or a supplier's bids): it links to the team's pages. Nobody else sees the link."""

import pytest
from django.test import Client
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.resilience.actions import grant_platform_role
from tests.support import testing

pytestmark = pytest.mark.django_db


def landing(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("accounts:dashboard"), follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("side", ["buyer", "supplier"])
def test_a_team_member_with_an_organisation_is_linked_to_the_teams_pages(side):
    if side == "buyer":
        person = testing.member(testing.buyer_org(), Role.BUYER_OFFICER)
    else:
        _, person = testing.supplier_with_user("Acorn Care Ltd")
    link = f'href="{reverse("resilience:home")}"'
    assert link not in landing(person)

    grant_platform_role(user=person, by=testing.UserFactory(is_superuser=True, is_staff=True))
    page = landing(person)
    assert 'id="resilience-team-link"' in page and link in page
