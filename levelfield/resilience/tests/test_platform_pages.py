"""The platform admin's pages for supplier resilience: the resilience team (give the role by
email, end it) and strategic suppliers (find one by name, mark it with a reason, end the mark
with a reason). Nobody but a platform admin finds them, the resilience team included (404)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from levelfield.core.models import AuditEvent
from levelfield.resilience.actions import mark_strategic
from levelfield.resilience.models import PlatformRole, StrategicMark
from levelfield.resilience.rules import is_resilience_team
from tests.support import testing

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return testing.UserFactory(is_superuser=True, is_staff=True, full_name="Pat Platform")


@pytest.fixture
def as_admin(client, admin):
    client.force_login(admin)
    return client


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.mark.parametrize("who", ["resilience team", "supplier", "buyer admin", "staff"])
def test_nobody_but_a_platform_admin_finds_the_pages(client, admin, supplier, who):
    acorn = supplier[0]
    colleague = testing.resilience_team_member()
    grant = PlatformRole.objects.get(user=colleague)
    mark_strategic(organisation=acorn, reason="Runs prisons", by=admin)
    person = {
        "resilience team": lambda: colleague,
        "supplier": lambda: supplier[1],
        "buyer admin": lambda: testing.member(testing.buyer_org(), "buyer_admin"),
        "staff": lambda: testing.UserFactory(is_staff=True),
    }[who]()
    client.force_login(person)
    stranger = testing.UserFactory()
    for method, url, data in [
        ("get", reverse("resilience:platform_team"), None),
        ("post", reverse("resilience:platform_team"), {"email": stranger.email}),
        ("post", reverse("resilience:platform_team_end", args=[grant.pk]), {}),
        ("get", reverse("resilience:strategic"), {"q": "acorn"}),
        ("get", reverse("resilience:strategic_mark", args=[acorn.pk]), None),
        ("post", reverse("resilience:strategic_end", args=[acorn.pk]), {"reason": "Sold"}),
        ("get", reverse("resilience:strategic_end", args=[acorn.pk]), None),
    ]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (who, method, url)
    assert not is_resilience_team(stranger)
    assert is_resilience_team(colleague)
    assert StrategicMark.objects.active().filter(organisation=acorn).exists()


def test_the_admin_gives_a_person_the_role_by_email_and_ends_it(as_admin):
    person = testing.UserFactory(email="rita@example.org", full_name="Rita Resilience")
    response = as_admin.post(
        reverse("resilience:platform_team"), {"email": " RITA@example.org "}, follow=True
    )
    words = text(response)
    assert "Rita Resilience is now on the resilience team" in words
    assert "Rita Resilience rita@example.org" in words
    assert "by Pat Platform" in words
    assert is_resilience_team(person)
    grant = PlatformRole.objects.get(user=person)
    response = as_admin.post(reverse("resilience:platform_team_end", args=[grant.pk]), follow=True)
    assert "Rita Resilience is no longer on the resilience team" in text(response)
    assert "No one holds a platform role." in text(response)
    assert not is_resilience_team(person)
    assert list(
        AuditEvent.objects.filter(action__startswith="resilience.role_")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["resilience.role_granted", "resilience.role_revoked"]


def test_the_role_reaches_the_financial_pages(as_admin):
    person = testing.UserFactory(email="rita@example.org")
    client = Client()
    client.force_login(person)
    assert client.get(reverse("resilience:financial")).status_code == 404
    as_admin.post(reverse("resilience:platform_team"), {"email": "rita@example.org"})
    assert client.get(reverse("resilience:financial")).status_code == 200


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter the email address of the person to give the role"),
        ("nobody@example.org", "No one has an account with that email address"),
    ],
)
def test_an_unknown_email_is_refused_beside_the_field(as_admin, email, message):
    response = as_admin.post(reverse("resilience:platform_team"), {"email": email})
    assert response.status_code == 400
    assert message in text(response)
    assert 'href="#id_email"' in response.content.decode()
    assert not PlatformRole.objects.exists()


def test_a_person_already_on_the_team_is_not_given_the_role_twice(as_admin):
    person = testing.resilience_team_member(full_name="Rita Resilience")
    response = as_admin.post(reverse("resilience:platform_team"), {"email": person.email})
    assert response.status_code == 400
    assert "Rita Resilience already has the role Resilience team" in text(response)
    assert PlatformRole.objects.filter(user=person).count() == 1


def test_ending_a_grant_already_ended_is_404(as_admin, admin):
    person = testing.resilience_team_member()
    grant = PlatformRole.objects.get(user=person)
    as_admin.post(reverse("resilience:platform_team_end", args=[grant.pk]))
    response = as_admin.post(reverse("resilience:platform_team_end", args=[grant.pk]))
    assert response.status_code == 404
    assert as_admin.get(reverse("resilience:platform_team_end", args=[grant.pk])).status_code == 405


def test_the_admin_finds_a_supplier_by_name_and_marks_it_strategic(as_admin, supplier, buyer):
    acorn = supplier[0]
    response = as_admin.get(reverse("resilience:strategic"), {"q": "  ACORN "})
    assert response.status_code == 200
    mark_url = reverse("resilience:strategic_mark", args=[acorn.pk])
    assert f'href="{mark_url}"' in response.content.decode()
    assert "Mark Acorn Care Ltd strategic" in text(response)
    # A buyer is no supplier: never found, and its page is 404.
    assert buyer.name not in text(as_admin.get(reverse("resilience:strategic"), {"q": "shire"}))
    assert as_admin.get(reverse("resilience:strategic_mark", args=[buyer.pk])).status_code == 404

    response = as_admin.post(mark_url, {"reason": "Runs care homes for 12 councils"}, follow=True)
    words = text(response)
    assert "Acorn Care Ltd is marked a strategic supplier" in words
    assert "Acorn Care Ltd Runs care homes for 12 councils" in words
    assert "by Pat Platform" in words
    # Marked, it is no longer offered to mark.
    response = as_admin.get(reverse("resilience:strategic"), {"q": "acorn"})
    assert "Mark Acorn Care Ltd strategic" not in text(response)


def test_a_mark_needs_a_reason(as_admin, supplier):
    acorn = supplier[0]
    response = as_admin.post(
        reverse("resilience:strategic_mark", args=[acorn.pk]), {"reason": "   "}
    )
    assert response.status_code == 400
    assert "Enter why the supplier is strategic" in text(response)
    assert 'href="#id_reason"' in response.content.decode()
    assert not StrategicMark.objects.exists()


def test_the_admin_ends_a_mark_with_a_reason(as_admin, admin, supplier):
    acorn = supplier[0]
    mark_strategic(organisation=acorn, reason="Runs prisons", by=admin)
    end_url = reverse("resilience:strategic_end", args=[acorn.pk])
    response = as_admin.get(reverse("resilience:strategic"))
    assert f'href="{end_url}"' in response.content.decode()
    response = as_admin.post(end_url, {"reason": ""})
    assert response.status_code == 400
    assert "Enter why the supplier is no longer strategic" in text(response)
    response = as_admin.post(end_url, {"reason": "Sold the business"}, follow=True)
    assert "Acorn Care Ltd is no longer marked a strategic supplier" in text(response)
    assert "No supplier is marked strategic." in text(response)
    assert AuditEvent.objects.filter(
        action="resilience.strategic_unmarked", data__reason="Sold the business"
    ).exists()
    assert as_admin.get(end_url).status_code == 404
