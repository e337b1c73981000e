"""The buyer's checklist pages: the template, a contract's checklist and its items, the
dashboard's overdue items, the contract page's card, and people and accreditation. Another
buyer sees none of it."""

from datetime import date

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.contracts.actions import checklists as actions
from levelfield.contracts.models import Accreditation, AccreditationLevel, Tier
from levelfield.core.models import AuditEvent
from tests.support import testing

from .capability_data import contract, manager

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def buyer():
    return testing.buyer_org()


@pytest.fixture
def officer(buyer):
    return testing.member(buyer, Role.BUYER_OFFICER)


@pytest.fixture
def signed(buyer, officer):
    """A contract whose mobilisation items are long overdue (it started in 2020)."""
    made = contract(buyer, signed=date(2020, 1, 1))
    actions.start_checklist(contract=made, by=officer)
    return made


def signed_in(client, user):
    client.force_login(user, backend=BACKEND)
    return client


def test_an_officer_adds_an_item_to_the_template(client, officer):
    signed_in(client, officer)
    page = client.get(reverse("contracts:checklist_template"))
    assert page.status_code == 200
    assert "Hold the kick-off meeting with the supplier" in page.content.decode()
    assert "14 days before the start date" in page.content.decode()

    response = client.post(
        reverse("contracts:checklist_template_add"),
        {"stage": "exit", "text": "Archive the records", "anchor": "end", "offset_days": "30"},
    )

    assert response.status_code == 302
    page = client.get(reverse("contracts:checklist_template"))
    assert "Archive the records" in page.content.decode()
    assert "30 days after the end date" in page.content.decode()


def test_a_refused_template_item_is_shown_on_the_form(client, officer):
    signed_in(client, officer)
    response = client.post(
        reverse("contracts:checklist_template_add"),
        {"stage": "exit", "text": "", "anchor": "end", "offset_days": "99999"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Enter what has to be done" in text
    assert "govuk-error-summary" in text


def test_an_evaluator_cannot_edit_the_template(client, buyer):
    signed_in(client, testing.member(buyer, Role.EVALUATOR))
    assert client.get(reverse("contracts:checklist_template")).status_code == 403


def test_the_checklist_shows_stages_owners_and_overdue_items(client, officer, signed):
    signed_in(client, officer)
    page = client.get(reverse("contracts:checklist", args=[signed.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    for stage in ("Mobilisation", "Delivery", "Review", "Exit"):
        assert stage in text
    assert "Overdue" in text
    assert "0 of 4 done, 4 overdue" in text  # the four mobilisation items


def test_marking_an_item_done_and_changing_its_due_date(client, officer, signed):
    item = signed.checklist.get(text__startswith="Agree the contract management plan")
    url = reverse("contracts:checklist_item", args=[signed.pk, item.pk])
    signed_in(client, officer)

    bad = client.post(url, {"do": "due", "due_on": "31/2/2027"})
    assert bad.status_code == 200
    assert "Enter a real due date" in bad.content.decode()

    assert client.post(url, {"do": "due", "due_on": "20/1/2030"}).status_code == 302
    assert client.post(url, {"do": "done", "note": "Agreed"}).status_code == 302
    item.refresh_from_db()
    assert (item.due_on, item.note, item.done_by) == (date(2030, 1, 20), "Agreed", officer)
    assert client.post(url, {"do": "reopen"}).status_code == 302
    item.refresh_from_db()
    assert item.done_at is None


def test_an_owner_is_one_of_the_buyers_people(client, buyer, officer, signed):
    item = signed.checklist.first()
    url = reverse("contracts:checklist_item", args=[signed.pk, item.pk])
    colleague = testing.member(buyer, Role.BUYER_ADMIN)
    membership = colleague.memberships.get()
    signed_in(client, officer)
    assert client.post(url, {"do": "owner", "owner": membership.pk}).status_code == 302
    item.refresh_from_db()
    assert item.owner == colleague


def test_another_buyer_cannot_see_or_change_the_checklist(client, signed):
    stranger = testing.member(testing.buyer_org("Avon Council"), Role.BUYER_ADMIN)
    item = signed.checklist.first()
    signed_in(client, stranger)
    assert client.get(reverse("contracts:checklist", args=[signed.pk])).status_code == 404
    url = reverse("contracts:checklist_item", args=[signed.pk, item.pk])
    assert client.post(url, {"do": "done", "note": "x"}).status_code == 404
    item.refresh_from_db()
    assert item.done_at is None


def test_an_evaluator_sees_the_checklist_but_cannot_change_it(client, buyer, signed):
    item = signed.checklist.first()
    signed_in(client, testing.member(buyer, Role.EVALUATOR))
    page = client.get(reverse("contracts:checklist_item", args=[signed.pk, item.pk]))
    assert page.status_code == 200
    assert "Mark as done" not in page.content.decode()
    url = reverse("contracts:checklist_item", args=[signed.pk, item.pk])
    assert client.post(url, {"do": "done"}).status_code == 403


def _dashboard_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("tenders:dashboard"))
    assert page.status_code == 200
    return len(captured), page.content.decode()


def test_the_dashboard_lists_overdue_items_with_a_flat_query_count(
    client, buyer, officer, signed
):
    signed_in(client, officer)
    one_contract, text = _dashboard_queries(client)
    assert "Overdue contract checklist items" in text
    item = signed.checklist.get(text__startswith="Hold the kick-off")
    assert reverse("contracts:checklist_item", args=[signed.pk, item.pk]) in text
    assert f"{signed.reference}: Hold the kick-off meeting with the supplier" in text

    for _ in range(3):
        actions.start_checklist(contract=contract(buyer, signed=date(2020, 1, 1)), by=officer)
    four_contracts, text = _dashboard_queries(client)
    assert four_contracts == one_contract
    assert "The 10 oldest are shown" in text


def test_the_dashboard_says_nothing_when_nothing_is_overdue(client, officer):
    signed_in(client, officer)
    _, text = _dashboard_queries(client)
    assert "Overdue contract checklist items" not in text


def test_the_contract_pages_card_counts_items_per_stage(officer, signed):
    for item in signed.checklist.filter(stage="mobilisation")[:1]:
        actions.mark_done(item=item, by=officer)
    with CaptureQueriesContext(connection) as captured:
        html = render_to_string("contracts/hub/_checklists.html", {"contract": signed})
    assert len(captured) == 1
    assert "1 of 4 done" in html  # mobilisation
    # It ran from 2020 to 2023: all 11 items are past due, and one is done.
    assert "10 overdue" in html
    assert reverse("contracts:checklist", args=[signed.pk]) in html


def test_people_and_accreditation_flags_and_records(client, buyer):
    admin = testing.member(buyer, Role.BUYER_ADMIN, full_name="Alex Admin")
    foundation = manager(buyer, AccreditationLevel.FOUNDATION)
    contract(buyer, tier=Tier.GOLD, manager=foundation)
    contract(buyer)  # no manager
    signed_in(client, admin)

    page = client.get(reverse("contracts:people"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "1 contract in force with no contract manager" in text
    assert "Under-accredited" in text
    assert "needs an expert contract manager; its manager has foundation accreditation" in text

    response = client.post(
        reverse("contracts:accreditation", args=[foundation.pk]),
        {"level": "3", "reference": "CMCP-123", "awarded_on": "1/6/2026"},
    )
    assert response.status_code == 302
    assert Accreditation.objects.get(user=foundation).level == AccreditationLevel.EXPERT
    event = AuditEvent.objects.get(action="contracts.accreditation_recorded")
    assert (event.actor, event.data["level"], event.data["before"]) == (admin, 3, 1)
    text = client.get(reverse("contracts:people")).content.decode()
    assert "Under-accredited" not in text


def test_only_a_buyer_admin_records_accreditation_of_its_own_people(client, buyer, officer):
    colleague = testing.member(buyer, Role.BUYER_OFFICER)
    signed_in(client, officer)
    url = reverse("contracts:accreditation", args=[colleague.pk])
    assert client.post(url, {"level": "3"}).status_code == 403
    other_admin = testing.member(testing.buyer_org("Avon Council"), Role.BUYER_ADMIN)
    signed_in(client, other_admin)
    assert client.post(url, {"level": "3"}).status_code == 404
    assert not Accreditation.objects.filter(user=colleague).exists()
