"""The outcome of an ended project: an award creates a signed call-off contract, managed like any
other contract (in the buyer's register, its notices published) and published in OCDS with the
framework as a related process; or no award, with the reason. Refused for another buyer, the
suppliers, a project not ended, a service not on the shortlist."""

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from levelfield.accounts.models import Membership, Role
from levelfield.contracts.actions import performance, records
from levelfield.contracts.lifecycle import ContractStatus
from levelfield.contracts.models import Contract, ContractNotice, Origin
from levelfield.contracts.tests.kpis_builders import on, release_errors
from levelfield.core import clock
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.models import AuditEvent
from levelfield.marketplace import ocds
from levelfield.marketplace.actions import frameworks as framework_actions
from levelfield.marketplace.actions import listings as listing_actions
from levelfield.marketplace.actions import outcomes, projects
from levelfield.marketplace.lifecycle import ProjectStatus
from levelfield.marketplace.models import Outcome
from levelfield.marketplace.search import Criteria
from levelfield.opendata import merge
from levelfield.opendata.models import Release
from tests.support import testing

from .buying_builders import acting_for, award_form, catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return catalogue()


def ended(shop, criteria=None):
    project = projects.create_project(buyer=shop.buyer, by=shop.officer, name="Cloud hosting")
    projects.save_search(
        project=project, by=shop.officer, criteria=criteria or Criteria(lots=(shop.lots[0].pk,))
    )
    return projects.end_project(project=project, by=shop.officer)


def award(shop, project, entry=None, **changes):
    today = clock.today_uk()
    entry = entry or project.shortlist.order_by("position").first()
    arguments = {
        "project": project,
        "by": shop.admin,
        "entry_id": entry.pk,
        "value": Decimal("5460.00"),
        "start_date": today,
        "end_date": today + timedelta(days=364),
        "reason": "Cheapest service meeting the need",
        "previous_cost": Decimal("8000.00"),
        "previous_supplier": "Old Hosting Ltd",
        **changes,
    }
    return outcomes.award(**arguments)


def test_an_award_creates_a_signed_call_off_in_the_buyers_register(shop, client):
    project = ended(shop)
    entry = project.shortlist.get(listing=shop.listings["Secure Object Storage"])
    outcome = award(shop, project, entry)
    project.refresh_from_db()
    assert project.status == ProjectStatus.AWARDED
    contract = outcome.contract
    assert contract.origin == Origin.CALL_OFF
    assert contract.status == ContractStatus.SIGNED and contract.signed_by == shop.admin
    assert contract.supplier == shop.suppliers["large"]
    assert contract.value == Decimal("5460.00")
    assert contract.reference.startswith("CO-")
    assert outcome.entry == entry and outcome.saving == Decimal("2540.00")
    assert Contract.objects.get(call_off__project=project) == contract
    event = AuditEvent.objects.get(action="marketplace.call_off_awarded")
    assert event.data["contract"] == contract.pk and event.actor == shop.admin

    # in the buyer's register, as any contract; the supplier sees it among its contracts
    acting_for(client, shop.admin, shop.buyer)
    page = client.get("/buyer/contracts/")
    assert page.status_code == 200 and contract.reference in page.content.decode()
    assert contract in Contract.objects.for_supplier(shop.suppliers["large"])


def test_the_call_offs_release_names_the_framework_and_validates(shop):
    project = ended(shop)
    outcome = award(shop, project)
    contract = outcome.contract
    [release] = Release.objects.filter(ocid=ocds.contract_ocds.contract_ocid(contract))
    data = release.data
    assert release_errors(data) == []
    assert data["relatedProcesses"] == [
        {
            "id": "framework",
            "relationship": ["framework"],
            "title": shop.framework.name,
            "scheme": "ocid",
            "identifier": ocds.framework_ocid(shop.framework),
            "uri": data["relatedProcesses"][0]["uri"],
        }
    ]
    assert data["contracts"][0]["awardID"] == data["awards"][0]["id"]
    assert data["tender"]["techniques"] == {"hasFrameworkAgreement": True}
    # the framework's own process was published, and validates too
    [framework] = Release.objects.filter(ocid=ocds.framework_ocid(shop.framework))
    assert release_errors(framework.data) == []
    assert framework.data["tender"]["techniques"]["hasFrameworkAgreement"] is True
    assert len(framework.data["awards"]) == len(shop.suppliers)


def test_the_call_off_is_managed_like_any_contract_and_its_notices_name_the_framework(shop):
    project = ended(shop)
    today = clock.today_uk()
    contract = award(shop, project, start_date=today - timedelta(days=100)).contract
    with on(today):
        performance.record_assessment(
            contract=contract,
            by=shop.officer,
            period_start=contract.start_date,
            period_end=today - timedelta(days=1),
            rating="good",
            narrative="Hosting up all quarter.",
        )
    notice = ContractNotice.objects.get(contract=contract, notice_type="UK9")
    assert release_errors(notice.data) == []
    assert notice.data["relatedProcesses"][0]["identifier"] == ocds.framework_ocid(shop.framework)
    releases = [r.data for r in Release.objects.filter(ocid=notice.data["ocid"])]
    compiled = merge.compile_releases(releases)
    assert compiled["relatedProcesses"][0]["relationship"] == ["framework"]


def test_no_award_is_recorded_with_the_reason(shop):
    project = ended(shop)
    outcome = outcomes.not_awarded(project=project, by=shop.officer, reason="Budget withdrawn")
    project.refresh_from_db()
    assert project.status == ProjectStatus.NOT_AWARDED
    assert (outcome.awarded, outcome.contract, outcome.reason) == (False, None, "Budget withdrawn")
    assert not Contract.objects.filter(origin=Origin.CALL_OFF).exists()
    with pytest.raises(InvalidTransition, match="already recorded"):
        award(shop, project)
    with pytest.raises(DomainError, match="Say why"):
        outcomes.not_awarded(project=ended(shop), by=shop.officer, reason=" ")


def test_refusals_change_nothing(shop):
    project = ended(shop)
    other = testing.buyer_org("Sandbourne Borough Council")
    for who in (
        testing.member(other, Role.BUYER_ADMIN),
        shop.supplier_users["large"],
        shop.evaluator,
    ):
        with pytest.raises(PermissionDenied):
            award(shop, project, by=who)
        with pytest.raises(PermissionDenied):
            outcomes.not_awarded(project=project, by=who, reason="No")
    # an officer may record no award, but an award signs the contract: admins only
    with pytest.raises(PermissionDenied, match="buyer admin"):
        award(shop, project, by=shop.officer)

    # a service not on this project's shortlist (another project's entry)
    elsewhere = ended(shop, Criteria(lots=(shop.lots[1].pk,)))
    with pytest.raises(DomainError, match=outcomes.NOT_ON_SHORTLIST):
        award(shop, project, entry=elsewhere.shortlist.first())
    # the contract's own rules: dates in order
    with pytest.raises(DomainError, match="start on or before"):
        award(shop, project, end_date=clock.today_uk() - timedelta(days=1))
    # a project still searching
    searching = projects.create_project(buyer=shop.buyer, by=shop.officer, name="Still looking")
    with pytest.raises(InvalidTransition, match="End the project's search first"):
        outcomes.not_awarded(project=searching, by=shop.officer, reason="No")

    project.refresh_from_db()
    assert project.status == ProjectStatus.ENDED
    assert not Outcome.objects.exists()
    assert not Contract.objects.filter(origin=Origin.CALL_OFF).exists()
    assert not Release.objects.exists()


def nothing_saved(project):
    project.refresh_from_db()
    assert project.status == ProjectStatus.ENDED
    assert not Outcome.objects.exists()
    assert not Contract.objects.filter(origin=Origin.CALL_OFF).exists()
    assert not AuditEvent.objects.filter(action="marketplace.call_off_awarded").exists()


def test_an_awards_problems_and_its_contracts_come_together(shop):
    project = ended(shop)
    today = clock.today_uk()
    with pytest.raises(DomainError) as refused:
        award(shop, project, reason=" ", end_date=today - timedelta(days=1))
    assert refused.value.details == [outcomes.REASON_NEEDED, records.DATES_IN_ORDER]
    nothing_saved(project)


def test_a_service_withdrawn_since_the_shortlist_was_frozen_is_not_awarded(shop):
    project = ended(shop)
    entry = project.shortlist.get(listing=shop.listings["Secure Object Storage"])
    listing_actions.withdraw_listing(
        listing=entry.listing, by=shop.supplier_users["large"], reason="No longer offered"
    )
    with pytest.raises(DomainError) as refused:
        award(shop, project, entry, reason="")
    assert refused.value.details == [
        "Secure Object Storage has been withdrawn since the shortlist was frozen: it cannot be "
        "awarded a call-off. Choose another service, or record that no call-off was awarded",
        outcomes.REASON_NEEDED,
    ]
    nothing_saved(project)
    # the frozen shortlist stays as the record, and the project may end without a call-off
    assert project.shortlist.filter(pk=entry.pk).exists()
    assert entry.snapshot["name"] == "Secure Object Storage"
    outcomes.not_awarded(project=project, by=shop.officer, reason="Service withdrawn")
    project.refresh_from_db()
    assert project.status == ProjectStatus.NOT_AWARDED


def test_a_buyer_admin_on_the_suppliers_staff_may_not_award_it_the_call_off(shop, client):
    """A supplier's admin also on a buyer's staff: the form marks their own organisation's
    service, the award to it is refused with every other problem, and another admin awards."""
    project = ended(shop)
    entry = project.shortlist.get(listing=shop.listings["Secure Object Storage"])
    own = entry.listing.supplier
    Membership.objects.create(user=shop.admin, organisation=own, role=Role.SUPPLIER_ADMIN)
    assert outcomes.conflicted_entries(shop.admin, project.shortlist.all()) == {entry.pk}
    with pytest.raises(DomainError) as refused:
        award(shop, project, entry, reason="")
    assert refused.value.details == [
        f"You are on the staff of {own.name}, which offers this service: another buyer admin "
        "must award it the call-off",
        outcomes.REASON_NEEDED,
    ]
    nothing_saved(project)

    acting_for(client, shop.admin, shop.buyer)
    page = client.get(reverse("marketplace:project_outcome", args=[project.pk])).content.decode()
    marked = re.findall(r"<option [^>]*>([^<]*own organisation[^<]*)</option>", unescape(page))
    assert marked == [
        f"Secure Object Storage: {own.name} (your own organisation: another buyer admin must "
        "award it)"
    ]
    url = reverse("marketplace:project_outcome", args=[project.pk])
    a_year_on = (clock.today_uk() + timedelta(days=364)).strftime("%d/%m/%Y")
    posted = client.post(url, award_form(project, entry=str(entry.pk), end_date=a_year_on))
    errors = posted.context["form"].errors
    assert errors["entry"] == [refused.value.details[0]]
    assert errors["reason"] == [outcomes.REASON_NEEDED]
    nothing_saved(project)

    colleague = testing.member(shop.buyer, Role.BUYER_ADMIN, full_name="Bea Colleague")
    assert outcomes.conflicted_entries(colleague, [entry]) == set()
    outcome = award(shop, project, entry, by=colleague)
    assert outcome.contract.supplier == own and outcome.contract.signed_by == colleague


def test_no_call_off_under_a_framework_that_has_expired(shop):
    project = ended(shop)
    framework_actions.expire(framework=shop.framework, by=shop.platform_admin)
    with pytest.raises(DomainError) as refused:
        award(shop, project)
    reference = shop.framework.reference
    assert refused.value.details == [
        f"The framework {reference} is no longer live (expired): no call-off can be awarded "
        "under it. Record that no call-off was awarded"
    ]
    nothing_saved(project)
    outcomes.not_awarded(project=project, by=shop.officer, reason="Framework expired")
