"""Whether a person is on the resilience team is asked one way (`rules.is_resilience_team`,
`rules.require_team`): every action of the team's refuses anyone else, a platform admin (a
superuser Django would grant every permission) not given the role included; the team's pages
answer 404 and its API 403 to them."""

from datetime import date

import pytest
from django.test import Client

from levelfield.accounts.actions import create_api_token
from levelfield.core.errors import PermissionDenied
from levelfield.resilience import rules
from levelfield.resilience.actions_financial import (
    add_indicator,
    record_breach_notified,
    record_reading,
)
from levelfield.resilience.actions_scenarios import create_scenario
from levelfield.resilience.models import BreachEvent
from tests.support import testing

pytestmark = pytest.mark.django_db


@pytest.fixture
def root():
    return testing.UserFactory(is_superuser=True, is_staff=True)


def test_a_platform_admin_not_on_the_team_is_refused_every_team_action(root):
    team = testing.resilience_team_member()
    supplier, _ = testing.supplier_with_user("Acorn Care Ltd")
    assert rules.is_resilience_team(team) and not rules.is_resilience_team(root)
    with pytest.raises(PermissionDenied):
        rules.require_team(root)
    with pytest.raises(PermissionDenied):
        record_reading(
            supplier=supplier,
            indicator_code="credit_score",
            value="10",
            as_of=date(2023, 12, 1),
            by=root,
        )
    record_reading(
        supplier=supplier,
        indicator_code="credit_score",
        value="10",
        as_of=date(2023, 12, 1),
        by=team,
    )
    breach = BreachEvent.objects.get()
    with pytest.raises(PermissionDenied):
        record_breach_notified(breach=breach, by=root)
    with pytest.raises(PermissionDenied):
        add_indicator(code="gearing", name="Gearing", direction="above", threshold="2", by=root)
    with pytest.raises(PermissionDenied):
        create_scenario(name="Drill", supplier_ids=[supplier.pk], as_of=date(2024, 1, 1), by=root)


@pytest.mark.parametrize(
    "page",
    ["/resilience/", "/resilience/financial/", "/resilience/scenarios/"],
)
def test_the_teams_pages_are_404_to_a_platform_admin(root, page):
    client = Client()
    client.force_login(root)
    assert client.get(page).status_code == 404
    client.force_login(testing.resilience_team_member())
    assert client.get(page).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/resilience/concentration",
        "/api/resilience/financial/indicators",
        "/api/resilience/scenarios",
    ],
)
def test_the_teams_api_is_403_to_a_platform_admin(root, url):
    _, secret = create_api_token(user=root, name="test")
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(url)
    assert answer.status_code == 403
    assert answer.json()["code"] == "forbidden"
