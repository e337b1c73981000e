"""The supplier's living will pages: started, filled section by section (completeness moves and
names what is missing), a bad entry shown beside its field with nothing lost, linked contracts
only the supplier's own, submitted as versions; its members read; its readers read what was
submitted, never the draft."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.core import clock
from levelfield.resilience.models import LivingWill, LivingWillVersion
from tests.support import testing

pytestmark = pytest.mark.django_db

WILL = reverse("resilience:will")


def add(section: str) -> str:
    return reverse("resilience:will_item_add", args=[section])


def score(client) -> int:
    page = client.get(WILL).content.decode()
    return int(re.search(r"(\d+)% complete", page).group(1))


def missing(client) -> str:
    page = client.get(WILL).content.decode()
    found = re.search(r'<ul class="govuk-list govuk-list--bullet" id="missing">(.*?)</ul>', page)
    return found.group(1) if found else ""


@pytest.fixture
def supplier():
    org, admin = testing.supplier_with_user("Big Services Ltd")
    return org, admin


@pytest.fixture
def started(client, supplier):
    org, admin = supplier
    client.force_login(admin)
    response = client.post(reverse("resilience:will_start"))
    assert response.status_code == 302
    return LivingWill.objects.get(supplier=org)


def test_a_supplier_without_a_will_is_offered_to_start_one_and_told_when_it_needs_one(
    client, supplier
):
    org, admin = supplier
    client.force_login(admin)
    page = client.get(WILL).content.decode()
    assert "You have not started a living will" in page
    assert "Start your living will" in page
    assert "You need a current living will" not in page
    signed = testing.signed_contract(supplier=supplier)
    signed.contract.critical = True
    signed.contract.save(update_fields=["critical"])
    assert "You need a current living will" in client.get(WILL).content.decode()
    client.post(reverse("resilience:will_start"))
    page = client.get(WILL).content.decode()
    assert "You need a current living will" in page
    assert "Nothing submitted yet" in page


def test_completeness_moves_as_each_section_is_filled_through_the_pages(client, started):
    scores = [score(client)]
    assert "The group structure: at least one entity" in missing(client)

    def filled(section, data, gone):
        response = client.post(add(section), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        scores.append(score(client))
        assert scores[-1] > scores[-2], (section, scores)
        assert gone not in missing(client)

    filled(
        "group-structure",
        {"name": "Big Group plc", "company_number": "01234567", "parent": ""},
        "The group structure",
    )
    filled(
        "other-contracts",
        {"title": "Waste collection", "authority": "Wessex Council", "annual_value": "£50,000"},
        "The public contracts",
    )
    filled(
        "services",
        {"name": "Meals", "authorities": "Shire Council\nWessex Council", "people_served": "1,200"},
        "The critical services",
    )
    filled(
        "continuity-plans",
        {
            "service": "Meals",
            "steps": "Tell the council\nMove the kitchens",
            "days_to_transfer": "30",
            "data": "Client lists",
            "assets": "Vans",
            "staff": "40 cooks",
            "tell": "Shire adult social care",
        },
        "A continuity plan for Meals",
    )
    filled(
        "dependencies",
        {"name": "Van Co", "kind": "subcontractor", "services": ["Meals"]},
        "Key subcontractors",
    )
    review = clock.today_uk() + timedelta(days=90)
    response = client.post(
        reverse("resilience:will_owner"),
        {"owner": str(started.owner_id), "review_date": review.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302
    assert score(client) == 100
    assert missing(client) == ""
    started.refresh_from_db()
    assert started.draft["services"] == [
        {"name": "Meals", "authorities": ["Shire Council", "Wessex Council"], "people_served": 1200}
    ]
    assert started.draft["other_contracts"][0]["annual_value"] == 50000

    response = client.post(reverse("resilience:will_submit"), follow=True)
    page = response.content.decode()
    assert "Version 1 submitted (100% complete)" in page
    version = LivingWillVersion.objects.get()
    assert version.score == 100
    assert reverse("resilience:will_version", args=[1]) in page
    version_page = client.get(reverse("resilience:will_version", args=[1])).content.decode()
    assert "Move the kitchens" in version_page and "Van Co" in version_page


def test_a_bad_entry_is_shown_beside_its_field_and_nothing_typed_is_lost(client, started):
    response = client.post(
        add("group-structure"), {"name": "Big Group plc", "company_number": "123", "parent": ""}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert re.search(r'<a href="#id_company_number">[^<]*must be 8 characters', page)
    assert 'value="Big Group plc"' in page and 'value="123"' in page
    started.refresh_from_db()
    assert started.draft["entities"] == []
    # A number that is not one is the form's to read; a negative one the domain refuses.
    response = client.post(
        add("services"), {"name": "Meals", "authorities": "", "people_served": "lots"}
    )
    assert re.search(
        r'<a href="#id_people_served">Enter the number of people served', response.content.decode()
    )
    response = client.post(add("services"), {"name": "", "people_served": "-3"})
    page = response.content.decode()
    assert re.search(r'<a href="#id_name">Enter the name of service 1', page)
    assert re.search(r'<a href="#id_people_served">The people served by service 1 must be', page)


def test_items_are_changed_and_removed_and_a_removal_that_breaks_another_is_refused(
    client, started
):
    client.post(add("services"), {"name": "Meals", "authorities": "Shire", "people_served": "5"})
    client.post(add("continuity-plans"), {"service": "Meals", "steps": "Move"})
    change = reverse("resilience:will_item_change", args=["services", 1])
    form = client.get(change).content.decode()
    assert 'value="Meals"' in form and "Shire</textarea>" in form
    response = client.post(change, {"name": "Meals", "authorities": "Shire\nWessex"})
    assert response.status_code == 302
    started.refresh_from_db()
    assert started.draft["services"][0]["authorities"] == ["Shire", "Wessex"]
    remove = reverse("resilience:will_item_remove", args=["services", 1])
    section = client.get(reverse("resilience:will_section", args=["services"])).content.decode()
    assert f'action="{remove}"' in section and 'name="title" value="Meals"' in section
    page = client.post(remove, {"title": "Laundry"}, follow=True).content.decode()
    assert "Service 1 has changed since the page was opened: nothing was removed" in page
    page = client.post(remove, {"title": "Meals"}, follow=True).content.decode()
    assert "Service 1 was not removed" in page and "unknown service: Meals" in page
    started.refresh_from_db()
    assert len(started.draft["services"]) == 1
    client.post(
        reverse("resilience:will_item_remove", args=["continuity-plans", 1]),
        {"title": "Plan for Meals"},
    )
    page = client.post(remove, {"title": "Meals"}, follow=True).content.decode()
    assert "Service 1 removed" in page
    started.refresh_from_db()
    assert started.draft["services"] == [] and started.draft["plans"] == []
    assert (
        client.get(reverse("resilience:will_item_change", args=["services", 1])).status_code == 404
    )
    assert client.get(reverse("resilience:will_section", args=["nothing"])).status_code == 404


def test_only_the_suppliers_own_contracts_can_be_linked(client, supplier, started):
    own = testing.signed_contract(supplier=supplier).contract
    other = testing.signed_contract(buyer=testing.buyer_org("Wessex Council")).contract
    url = reverse("resilience:will_contracts")
    page = client.get(url).content.decode()
    assert own.title in page and other.reference not in page
    response = client.post(url, {"contracts": [str(other.pk)]})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    started.refresh_from_db()
    assert started.draft["contracts"] == []
    assert client.post(url, {"contracts": [str(own.pk)]}).status_code == 302
    started.refresh_from_db()
    assert started.draft["contracts"] == [own.pk]
    assert "1 on the platform" in client.get(WILL).content.decode()


def test_submitting_without_a_review_date_says_why(client, started):
    page = client.post(reverse("resilience:will_submit"), follow=True).content.decode()
    assert "Enter a review date from today on" in page
    assert not LivingWillVersion.objects.exists()


def test_a_member_reads_the_draft_but_changes_nothing(client, supplier, started):
    org, _ = supplier
    client.post(add("services"), {"name": "Meals", "steps": ""})
    person = testing.member(org, Role.SUPPLIER_MEMBER)
    client.force_login(person)
    page = client.get(WILL).content.decode()
    assert "Meals" in page and "Submit your living will" not in page
    assert ">Change<" not in page
    assert "Meals" in client.get(reverse("resilience:will_draft")).content.decode()
    section = client.get(reverse("resilience:will_section", args=["services"])).content.decode()
    assert "Meals" in section and "Remove" not in section and "Add another" not in section
    assert client.get(add("services")).status_code == 403
    assert client.post(add("services"), {"name": "Laundry"}).status_code == 403
    assert client.post(reverse("resilience:will_submit")).status_code == 302
    assert not LivingWillVersion.objects.exists()
    started.refresh_from_db()
    assert [s["name"] for s in started.draft["services"]] == ["Meals"]


def test_readers_see_the_latest_submitted_version_never_the_draft(client, supplier, started):
    signed = testing.signed_contract(supplier=supplier)
    signed.contract.critical = True
    signed.contract.save(update_fields=["critical"])
    client.post(add("services"), {"name": "Meals"})
    client.post(
        reverse("resilience:will_owner"),
        {
            "owner": str(started.owner_id),
            "review_date": (clock.today_uk() + timedelta(days=30)).strftime("%d/%m/%Y"),
        },
    )
    client.post(reverse("resilience:will_submit"))
    client.post(add("services"), {"name": "Laundry"})
    client.post(reverse("resilience:will_submit"))
    client.post(add("services"), {"name": "Secret draft service"})

    client.force_login(signed.officer)
    listing = client.get(reverse("resilience:wills")).content.decode()
    assert "Big Services Ltd" in listing and "Version 2" in listing
    detail = client.get(reverse("resilience:will_detail", args=[started.pk])).content.decode()
    assert "Laundry" in detail and "Secret draft service" not in detail
    assert reverse("resilience:will_version_detail", args=[started.pk, 1]) in detail
    first = client.get(
        reverse("resilience:will_version_detail", args=[started.pk, 1])
    ).content.decode()
    assert "Meals" in first and "Laundry" not in first
    assert (
        client.get(reverse("resilience:will_version_detail", args=[started.pk, 9])).status_code
        == 404
    )


def test_the_readers_list_is_paginated_and_has_an_empty_state(
    client, django_assert_max_num_queries
):
    team = testing.resilience_team_member()
    client.force_login(team)
    assert (
        "There are no living wills for you to read"
        in client.get(reverse("resilience:wills")).content.decode()
    )
    from levelfield.resilience import actions

    for n in range(21):
        org, admin = testing.supplier_with_user(f"Supplier {n:02}")
        will = actions.start_living_will(supplier=org, by=admin)
        actions.edit_living_will(
            will=will,
            by=admin,
            content={},
            owner=admin,
            review_date=clock.today_uk() + timedelta(days=5),
        )
        actions.submit_living_will(will=will, by=admin)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("resilience:wills")).content.decode()
    assert "Supplier 19" in page and "Supplier 20" not in page
    assert "Supplier 20" in client.get(reverse("resilience:wills") + "?page=2").content.decode()
