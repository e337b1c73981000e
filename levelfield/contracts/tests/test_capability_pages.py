"""The capability view's page and API: for platform admins only, ranked, with the need formula
shown, and a query count that does not grow with the number of buyers."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role, User
from levelfield.contracts.models import AccreditationLevel, Tier
from tests.support import testing

from .capability_data import checklist_item, contract, invoice, manager

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"
URL = "/platform/capability/"
API = "/api/platform/capability"


@pytest.fixture
def platform_admin():
    return User.objects.create_superuser(
        email="admin@levelfield.example", password="a long admin password", full_name="Pat Admin"
    )


def buyer_needing(name: str, unmanaged: int):
    buyer = testing.buyer_org(name)
    for _ in range(unmanaged):
        contract(buyer)
    contract(buyer, tier=Tier.GOLD, manager=manager(buyer, AccreditationLevel.FOUNDATION))
    return buyer


def test_the_platform_admin_sees_buyers_ranked_with_the_formula(client, platform_admin):
    buyer_needing("Little Need Council", unmanaged=0)  # one mismatch: need 2
    buyer_needing("Great Need Council", unmanaged=2)  # 3×2 + 2 = 8
    client.force_login(platform_admin, backend=BACKEND)

    page = client.get(URL)

    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("Great Need Council") < text.index("Little Need Council")
    assert "need = 3 × unmanaged contracts + 2 × under-accredited" in text
    assert reverse("contracts:capability") == URL


def test_the_api_gives_the_same_ranking_with_scores(client, platform_admin):
    buyer_needing("Little Need Council", unmanaged=0)
    great = buyer_needing("Great Need Council", unmanaged=2)
    _, secret = create_api_token(user=platform_admin, name="tests")

    response = client.get(API, HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first = body["items"][0]
    assert (first["name"], first["buyer_id"], first["need"]) == ("Great Need Council", great.pk, 8)
    assert (first["in_force"], first["unmanaged"], first["mismatched"]) == (3, 2, 1)
    assert first["contracts_per_manager"] == "1.00"
    assert body["items"][1]["need"] == 2


def test_buyers_cannot_see_the_capability_view(client):
    buyer = buyer_needing("Shire County Council", unmanaged=1)
    admin = testing.member(buyer, Role.BUYER_ADMIN)
    client.force_login(admin, backend=BACKEND)
    assert client.get(URL).status_code == 403
    _, secret = create_api_token(user=admin, name="tests")
    response = client.get(API, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    client.logout()
    assert client.get(API).status_code == 401


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_the_page_query_count_does_not_grow_with_the_buyers(client, platform_admin):
    client.force_login(platform_admin, backend=BACKEND)

    def busy_buyer(name):
        buyer = buyer_needing(name, unmanaged=1)
        late = contract(buyer, signed=date(2020, 1, 1))
        invoice(late, received=date(2020, 2, 1), paid=date(2020, 6, 1))
        checklist_item(late, due=date(2020, 3, 1))
        return buyer

    busy_buyer("First Council")
    busy_buyer("Second Council")
    two = _queries(client)
    for name in ("Third Council", "Fourth Council", "Fifth Council"):
        busy_buyer(name)
    five = _queries(client)

    assert five == two


def test_the_platform_admins_dashboard_links_to_the_view(client, platform_admin):
    client.force_login(platform_admin, backend=BACKEND)
    page = client.get(reverse("accounts:dashboard"))
    assert URL in page.content.decode()
