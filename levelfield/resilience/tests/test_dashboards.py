"""Where each person finds supplier resilience from their dashboard: the resilience team (a
platform role, so perhaps no organisation) its home, the platform admin its own pages, and
someone else with no organisation nothing of it."""

import pytest
from django.urls import reverse

from tests.support import testing

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


def dashboard(client, user) -> str:
    client.force_login(user, backend=BACKEND)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_resilience_team_member_with_no_organisation_finds_the_teams_home(client):
    page = dashboard(client, testing.resilience_team_member())
    assert f'href="{reverse("resilience:home")}"' in page
    assert "Resilience team" in page
    assert "register your organisation as a supplier" not in page


def test_the_platform_admin_finds_its_pages(client):
    page = dashboard(client, testing.UserFactory(is_superuser=True, is_staff=True))
    for name in ("contracts:capability", "resilience:platform_team", "resilience:strategic"):
        assert f'href="{reverse(name)}"' in page
    assert f'href="{reverse("resilience:home")}"' not in page  # not on the team


def test_someone_with_no_organisation_and_no_role_is_told_how_to_join_one(client):
    page = dashboard(client, testing.UserFactory())
    assert "You do not belong to an organisation" in page
    assert "/resilience/" not in page


def test_a_resilience_team_member_who_is_also_the_platform_admin_finds_both(client):
    page = dashboard(client, testing.resilience_team_member(is_superuser=True, is_staff=True))
    for name in ("resilience:home", "resilience:platform_team", "resilience:strategic"):
        assert f'href="{reverse(name)}"' in page
