"""Two of a supplier's admins editing its living will at once: the form carries the draft's
`updated_at` as it was when opened, and a save made after someone else's is refused with a clear
message, what was typed kept and the other person's change kept; saving again then goes
through. The API does the same with `updated_at` (409 `changed_since`)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.resilience import actions
from levelfield.resilience.models import LivingWill
from tests.support import testing

pytestmark = pytest.mark.django_db

ENTITY_A = {"name": "Alpha Holdings plc", "company_number": "01234567", "parent": ""}
ENTITY_B = {"name": "Beta Services Ltd", "company_number": "07654321", "parent": ""}


@pytest.fixture
def two_admins():
    org, first = testing.supplier_with_user("Big Services Ltd")
    second = testing.member(org, Role.SUPPLIER_ADMIN)
    will = actions.start_living_will(supplier=org, by=first)
    a, b = Client(), Client()
    a.force_login(first)
    b.force_login(second)
    return will, a, b


def seen(page) -> str:
    found = re.search(r'name="seen" value="([^"]+)"', page.content.decode())
    assert found, "the form carries the draft's updated_at"
    return found.group(1)


def test_two_admins_adding_at_once_lose_nothing(two_admins):
    will, a, b = two_admins
    url = reverse("resilience:will_item_add", args=["group-structure"])
    a_seen, b_seen = seen(a.get(url)), seen(b.get(url))

    assert a.post(url, {**ENTITY_A, "seen": a_seen}).status_code == 302
    refused = b.post(url, {**ENTITY_B, "seen": b_seen})

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Someone else saved the living will after you opened" in page
    assert 'value="Beta Services Ltd"' in page  # what B typed is kept
    names = [e["name"] for e in LivingWill.objects.get(pk=will.pk).draft["entities"]]
    assert names == ["Alpha Holdings plc"]  # A's entity is not overwritten

    # saving again, knowingly, goes through and keeps both
    assert b.post(url, {**ENTITY_B, "seen": seen(refused)}).status_code == 302
    names = [e["name"] for e in LivingWill.objects.get(pk=will.pk).draft["entities"]]
    assert names == ["Alpha Holdings plc", "Beta Services Ltd"]


def test_changing_an_item_someone_else_changed_meanwhile_is_refused(two_admins):
    will, a, b = two_admins
    add = reverse("resilience:will_item_add", args=["group-structure"])
    a.post(add, {**ENTITY_A, "seen": seen(a.get(add))})
    change = reverse("resilience:will_item_change", args=["group-structure", 1])
    a_seen, b_seen = seen(a.get(change)), seen(b.get(change))

    assert (
        a.post(change, {**ENTITY_A, "name": "Alpha Group plc", "seen": a_seen}).status_code == 302
    )
    refused = b.post(change, {**ENTITY_A, "name": "Alpha Ltd", "seen": b_seen})

    assert refused.status_code == 200
    assert "your change was not saved" in refused.content.decode()
    assert LivingWill.objects.get(pk=will.pk).draft["entities"][0]["name"] == "Alpha Group plc"


def test_owner_and_linked_contracts_forms_refuse_a_stale_save(two_admins):
    will, a, b = two_admins
    owner_url = reverse("resilience:will_owner")
    stale = seen(b.get(owner_url))
    add = reverse("resilience:will_item_add", args=["group-structure"])
    a.post(add, {**ENTITY_A, "seen": seen(a.get(add))})

    refused = b.post(owner_url, {"owner": "", "review_date": "1/1/2099", "seen": stale})
    assert refused.status_code == 200
    assert "your change was not saved" in refused.content.decode()
    assert LivingWill.objects.get(pk=will.pk).review_date is None

    contracts_url = reverse("resilience:will_contracts")
    refused = b.post(contracts_url, {"seen": stale})
    assert refused.status_code == 200
    assert "your change was not saved" in refused.content.decode()


def test_the_api_refuses_a_put_over_someone_elses_save(two_admins):
    will, _a, _b = two_admins
    admin = will.owner
    _, secret = create_api_token(user=admin, name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = "/api/supplier/living-will"
    read = client.get(url).json()
    body = {"content": {"entities": [ENTITY_A]}, "updated_at": read["updated_at"]}

    first = client.put(url, body, content_type="application/json")
    assert first.status_code == 200, first.content
    again = client.put(
        url,
        {"content": {"entities": [ENTITY_B]}, "updated_at": read["updated_at"]},
        content_type="application/json",
    )
    assert again.status_code == 409, again.content
    assert again.json()["code"] == "changed_since"
    names = [e["name"] for e in LivingWill.objects.get(pk=will.pk).draft["entities"]]
    assert names == ["Alpha Holdings plc"]
    # without updated_at the whole draft is replaced, as before
    assert client.put(url, {"content": {}}, content_type="application/json").status_code == 200


def test_removing_an_item_after_someone_else_saved_is_refused(two_admins):
    will, a, b = two_admins
    add = reverse("resilience:will_item_add", args=["group-structure"])
    a.post(add, {**ENTITY_A, "seen": seen(a.get(add))})
    listed = b.get(reverse("resilience:will_section", args=["group-structure"]))
    stale = seen(listed)  # the Remove button carries the draft's updated_at
    a.post(add, {**ENTITY_B, "seen": seen(a.get(add))})

    remove = reverse("resilience:will_item_remove", args=["group-structure", 1])
    refused = b.post(remove, {"title": "Alpha Holdings plc", "seen": stale}, follow=True)
    assert "Entity 1 was not removed" in refused.content.decode() or (
        "was not removed" in refused.content.decode()
    )
    assert "Someone else saved the living will" in refused.content.decode()
    names = [e["name"] for e in LivingWill.objects.get(pk=will.pk).draft["entities"]]
    assert names == ["Alpha Holdings plc", "Beta Services Ltd"]

    gone = b.post(remove, {"title": "Alpha Holdings plc", "seen": seen(refused)})
    assert gone.status_code == 302
    names = [e["name"] for e in LivingWill.objects.get(pk=will.pk).draft["entities"]]
    assert names == ["Beta Services Ltd"]
