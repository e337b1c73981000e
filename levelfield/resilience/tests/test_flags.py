"""A buyer marks a contract critical (on the page or through the API, audited in words); a
critical contract in force whose supplier has no current living will is flagged on both sides:
the buyer's contract page (a warning) and register (a tag), the supplier's contract page and
dashboard ("N critical contracts and no current living will", linking to its living will).
Once the supplier submits a current will, the buyer's page links to it instead."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.contracts.actions import records
from levelfield.core import clock
from levelfield.core.audit_words import event_words
from levelfield.core.models import AuditEvent
from levelfield.resilience import actions, selectors_flags
from tests.support import testing

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"
NO_WILL = "has no current living will"


@pytest.fixture
def people():
    buyer = testing.buyer_org("Shire County Council")
    supplier, supplier_admin = testing.supplier_with_user("Meals on Wheels Ltd")
    return {
        "buyer": buyer,
        "admin": testing.member(buyer, Role.BUYER_ADMIN),
        "officer": testing.member(buyer, Role.BUYER_OFFICER),
        "supplier": supplier,
        "supplier_admin": supplier_admin,
    }


def contract_for(people, *, critical=True, signed=True, title="Meals at home"):
    today = clock.today_uk()
    contract = records.enter_contract(
        buyer=people["buyer"],
        by=people["officer"],
        title=title,
        supplier_identifier=people["supplier"].supplier_profile.platform_identifier,
        value=Decimal("400000"),
        start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=700),
        critical=critical,
    )
    if signed:
        contract = records.sign_let_elsewhere(contract=contract, by=people["admin"])
    return contract


def submitted_will(people, *, review_in_days=180):
    admin = people["supplier_admin"]
    will = actions.start_living_will(supplier=people["supplier"], by=admin)
    actions.edit_living_will(
        will=will,
        by=admin,
        content={"services": [{"name": "Meals", "authorities": ["Shire"], "people_served": 900}]},
        owner=admin,
        review_date=clock.today_uk() + timedelta(days=review_in_days),
    )
    actions.submit_living_will(will=will, by=admin)
    return will


def text(client, user, url) -> str:
    client.force_login(user, backend=BACKEND)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# --- Marking a contract critical ---------------------------------------------------------------


def test_a_buyer_marks_a_contract_critical_on_its_page_and_the_history_says_so(client, people):
    contract = contract_for(people, critical=False)
    client.force_login(people["officer"], backend=BACKEND)

    response = client.post(
        reverse("contracts:edit", args=[contract.pk]),
        {"title": contract.title, "category": "services", "risk": "low", "critical": "on"},
    )

    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.critical and contract.tier == "gold"
    event = AuditEvent.objects.filter(action="contract.updated").latest("id")
    assert event_words(event.action) == "Contract details changed"
    assert event.summary == "Marked critical; Tier bronze to gold"
    assert event.actor == people["officer"]
    assert NO_WILL in text(
        client, people["officer"], reverse("contracts:detail", args=[contract.pk])
    )


def test_a_buyer_unmarks_it_through_the_api_and_the_history_says_so(client, people):
    contract = contract_for(people)
    _, secret = create_api_token(user=people["officer"], name="test")

    response = client.patch(
        f"/api/buyer/contracts/{contract.pk}",
        data=json.dumps({"critical": False}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )

    assert response.status_code == 200, response.content
    assert response.json()["critical"] is False
    event = AuditEvent.objects.filter(action="contract.updated").latest("id")
    assert event.summary.startswith("No longer marked critical")
    assert event.data["changed"]["critical"] == {"from": True, "to": False}
    contract.refresh_from_db()
    assert selectors_flags.contract_will_flag(contract) is None


# --- The flag on both sides --------------------------------------------------------------------


def test_a_critical_contract_without_a_will_is_flagged_on_both_sides(client, people):
    contract = contract_for(people)
    plain = contract_for(people, critical=False, title="Garden tidying")
    buyer_page = text(client, people["officer"], reverse("contracts:detail", args=[contract.pk]))
    assert (
        "This contract is critical, and Meals on Wheels Ltd has no current living will: "
        "none submitted." in buyer_page
    )
    assert NO_WILL not in text(
        client, people["officer"], reverse("contracts:detail", args=[plain.pk])
    )
    register = text(client, people["officer"], reverse("contracts:register"))
    assert register.count("Critical: no current living will") == 1

    supplier = people["supplier_admin"]
    page = text(client, supplier, reverse("contracts:supplier_contract", args=[contract.pk]))
    assert "Shire County Council has marked this contract critical" in page
    assert reverse("resilience:will") in page
    dashboard = text(client, supplier, reverse("bids:dashboard"))
    assert "1 critical contract and no current living will" in dashboard
    assert f'href="{reverse("resilience:will")}"' in dashboard


def test_two_flagged_contracts_are_counted_on_the_supplier_dashboard(client, people):
    contract_for(people)
    contract_for(people, title="Day centres")
    contract_for(people, signed=False, title="Not signed: not in force")
    dashboard = text(client, people["supplier_admin"], reverse("bids:dashboard"))
    assert "2 critical contracts and no current living will" in dashboard


def test_a_current_will_lifts_the_flag_and_the_buyer_reads_it_until_its_review_date(client, people):
    contract = contract_for(people)
    will = submitted_will(people, review_in_days=10)
    detail = reverse("contracts:detail", args=[contract.pk])

    page = text(client, people["officer"], detail)
    assert NO_WILL not in page
    assert reverse("resilience:will_detail", args=[will.pk]) in page
    assert "Critical: no current living will" not in text(
        client, people["officer"], reverse("contracts:register")
    )
    dashboard = text(client, people["supplier_admin"], reverse("bids:dashboard"))
    assert "no current living will" not in dashboard
    assert f'href="{reverse("resilience:will")}"' in dashboard  # it keeps one

    with clock.frozen_at(clock.now() + timedelta(days=11)):
        page = text(client, people["officer"], detail)
        assert NO_WILL in page and "has passed" in page
        assert reverse("resilience:will_detail", args=[will.pk]) not in page
        assert "Critical: no current living will" in text(
            client, people["officer"], reverse("contracts:register")
        )
        dashboard = text(client, people["supplier_admin"], reverse("bids:dashboard"))
        assert "1 critical contract and no current living will" in dashboard


def test_only_those_who_may_read_the_will_are_given_the_link(people):
    contract = contract_for(people)
    will = submitted_will(people)
    other_buyer = testing.buyer_org("Vale District Council")
    stranger = testing.member(other_buyer, Role.BUYER_OFFICER)

    assert selectors_flags.contract_will_flag(contract, user=people["officer"]).readable
    flag = selectors_flags.contract_will_flag(contract, user=stranger)
    assert not flag.missing and flag.will == will and not flag.readable


def test_the_flag_reason_names_the_review_date_that_passed(people):
    contract = contract_for(people)
    submitted_will(people, review_in_days=3)
    later = clock.today_uk() + timedelta(days=4)
    flag = selectors_flags.contract_will_flag(contract, today=later)
    review = clock.today_uk() + timedelta(days=3)
    assert flag.missing
    assert flag.reason == (
        f"the review date of the last one submitted, {review.day} "
        f"{review.strftime('%B %Y')}, has passed"
    )
    ids = selectors_flags.flagged_contract_ids(
        buyer=people["buyer"], contract_ids=[contract.pk], today=later
    )
    assert ids == {contract.pk}
    assert not selectors_flags.flagged_contract_ids(
        buyer=people["buyer"], contract_ids=[contract.pk], today=clock.today_uk()
    )


def test_a_supplier_with_nothing_critical_and_no_mark_sees_no_living_will(client, people):
    contract_for(people, critical=False)
    dashboard = text(client, people["supplier_admin"], reverse("bids:dashboard"))
    assert reverse("resilience:will") not in dashboard
    assert selectors_flags.supplier_will_flag(people["supplier"]).keeps_one is False


def test_a_supplier_marked_strategic_sees_its_living_will_on_its_dashboard(client, people):
    platform_admin = testing.UserFactory(is_superuser=True, is_staff=True)
    actions.mark_strategic(
        organisation=people["supplier"], reason="Meals for a third of the county", by=platform_admin
    )
    dashboard = text(client, people["supplier_admin"], reverse("bids:dashboard"))
    assert f'href="{reverse("resilience:will")}"' in dashboard
    assert "no current living will" not in dashboard  # no critical contract to flag


def test_the_register_asks_one_query_for_the_tags_whatever_the_page_holds(
    client, people, django_assert_max_num_queries
):
    contract_for(people)
    client.force_login(people["officer"], backend=BACKEND)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("contracts:register"))
    for n in range(4):
        contract_for(people, title=f"Service {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("contracts:register"))
    assert response.content.decode().count("Critical: no current living will") == 5


def test_when_the_review_date_passes_the_day_is_the_uk_day(people):
    """A review date of today is still current; tomorrow it has passed."""
    contract = contract_for(people)
    submitted_will(people, review_in_days=0)
    today = clock.today_uk()
    assert not selectors_flags.contract_will_flag(contract, today=today).missing
    assert selectors_flags.contract_will_flag(contract, today=today + timedelta(days=1)).missing


def test_an_evaluator_who_may_not_read_the_will_sees_only_that_it_is_current(client, people):
    contract = contract_for(people)
    will = submitted_will(people)
    evaluator = testing.member(people["buyer"], Role.EVALUATOR)
    assert not selectors_flags.contract_will_flag(contract, user=evaluator).readable

    page = text(client, evaluator, reverse("contracts:detail", args=[contract.pk]))
    assert "Meals on Wheels Ltd's living will is current." in page
    assert "version 1" not in page and "% complete" not in page
    assert "due for review" not in page
    assert reverse("resilience:will_detail", args=[will.pk]) not in page

    page = text(client, people["officer"], reverse("contracts:detail", args=[contract.pk]))
    assert "version 1" in page and "due for review" in page
