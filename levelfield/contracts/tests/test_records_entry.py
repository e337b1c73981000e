"""A buyer's officer enters a contract let elsewhere by hand: what it records, and each rule
that refuses what was typed."""

from datetime import date
from decimal import Decimal

import pytest

from levelfield.contracts.actions import records
from levelfield.contracts.models import Contract, ContractStatus, Origin
from levelfield.core.errors import DomainError, PermissionDenied
from levelfield.core.models import AuditEvent
from tests.support import testing

from .records_data import buyer_with_people, entered

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return buyer_with_people()


@pytest.fixture
def acorn():
    return testing.supplier_with_user("Acorn Grounds Ltd")


def test_an_officer_enters_a_contract_let_elsewhere_and_it_starts_recorded(people, acorn):
    buyer, admin, officer, evaluator = people
    contract = entered(
        buyer=buyer,
        by=officer,
        supplier=acorn[0],
        title="  Grounds maintenance  ",
        description="Parks and verges.",
        notice_reference="FTS-012345-2027",
        contract_manager=evaluator,
        supplier_contact_name="Sam Supplier",
        supplier_contact_email="sam@acorn.example",
        risk="medium",
        outcome_measure="hectares maintained",
    )

    contract.refresh_from_db()
    assert contract.status == ContractStatus.RECORDED
    assert contract.origin == Origin.LET_ELSEWHERE
    assert contract.award is None and contract.lot is None
    assert contract.title == "Grounds maintenance"
    assert contract.supplier == acorn[0]
    assert contract.reference == f"LE-{date.today().year}-0001"
    assert contract.value == Decimal("120000.00") == contract.original_value
    assert contract.end_date == date(2029, 3, 31) == contract.original_end_date
    assert contract.contract_manager == evaluator
    # Medium risk makes it silver whatever its value (under £500,000).
    assert contract.tier == "silver"
    event = AuditEvent.objects.get(action="contract.recorded", object_id=str(contract.pk))
    assert event.actor == officer
    assert event.organisation_id == buyer.pk
    assert event.data["origin"] == "let_elsewhere"


def test_references_are_numbered_per_buyer_and_a_reference_given_is_kept(people, acorn):
    buyer, _, officer, _ = people
    first = entered(buyer=buyer, by=officer, supplier=acorn[0])
    second = entered(buyer=buyer, by=officer, supplier=acorn[0])
    own = entered(buyer=buyer, by=officer, supplier=acorn[0], reference="GM/2027/7")
    other_buyer, _, other_officer, _ = buyer_with_people("Vale District Council")
    elsewhere = entered(buyer=other_buyer, by=other_officer, supplier=acorn[0])

    year = date.today().year
    assert [first.reference, second.reference] == [f"LE-{year}-0001", f"LE-{year}-0002"]
    assert own.reference == "GM/2027/7"
    assert elsewhere.reference == f"LE-{year}-0001"


def test_a_reference_already_used_by_the_buyer_is_refused(people, acorn):
    buyer, _, officer, _ = people
    entered(buyer=buyer, by=officer, supplier=acorn[0], reference="GM-1")

    with pytest.raises(DomainError) as refused:
        entered(buyer=buyer, by=officer, supplier=acorn[0], reference="GM-1")

    assert refused.value.message == "You already have a contract with this reference"
    assert Contract.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"value": Decimal("0")}, "The contract value must be more than £0"),
        ({"value": Decimal("-5")}, "The contract value must be more than £0"),
        (
            {"start_date": date(2027, 4, 2), "end_date": date(2027, 4, 1)},
            "The contract must start on or before the day it ends",
        ),
        (
            {"start_date": date(1999, 12, 31)},
            "The start date must be between 1 January 2000 and 31 December 2099",
        ),
        (
            {"end_date": date(2100, 1, 1)},
            "The end date must be between 1 January 2000 and 31 December 2099",
        ),
        ({"title": "   "}, "Enter the contract's title"),
        ({"supplier_identifier": "GB-LEVELFIELD-999999"}, records.SUPPLIER_UNKNOWN),
        ({"category": "stationery"}, "Choose goods, services or works"),
        ({"risk": "extreme"}, "Choose low, medium or high risk"),
        (
            {"supplier_contact_email": "not an email"},
            "Enter the supplier contact's email address, like name@example.com",
        ),
    ],
)
def test_what_was_typed_wrongly_is_refused_with_its_reason(people, acorn, fields, message):
    buyer, _, officer, _ = people

    with pytest.raises(DomainError) as refused:
        entered(buyer=buyer, by=officer, supplier=acorn[0], **fields)

    assert message in refused.value.details
    assert refused.value.code == "validation_error"
    assert not Contract.objects.exists()


def test_a_single_day_contract_is_allowed(people, acorn):
    buyer, _, officer, _ = people
    one_day = date(2027, 4, 1)

    contract = entered(
        buyer=buyer, by=officer, supplier=acorn[0], start_date=one_day, end_date=one_day
    )

    assert contract.start_date == contract.end_date == one_day


def test_the_manager_must_be_one_of_the_buyers_people(people, acorn):
    buyer, _, officer, _ = people
    _, _, stranger, _ = buyer_with_people("Vale District Council")

    with pytest.raises(DomainError) as refused:
        entered(buyer=buyer, by=officer, supplier=acorn[0], contract_manager=stranger)

    assert refused.value.message == records.MANAGER_NOT_MEMBER
    with pytest.raises(DomainError):
        entered(buyer=buyer, by=officer, supplier=acorn[0], contract_manager=acorn[1])


def test_a_supplier_is_found_by_its_companies_house_number_too(people):
    buyer, _, officer, _ = people
    supplier, _ = testing.supplier_with_user("Birch Ltd")
    profile = supplier.supplier_profile
    profile.companies_house_number = "01234567"
    profile.save()

    contract = entered(buyer=buyer, by=officer, supplier=supplier, supplier_identifier="0123 4567")

    assert contract.supplier == supplier


def test_a_buyer_organisation_cannot_be_named_as_the_supplier(people):
    buyer, _, officer, _ = people

    with pytest.raises(DomainError) as refused:
        records.enter_contract(
            buyer=buyer,
            by=officer,
            title="Shared service",
            supplier_identifier=f"GB-LEVELFIELD-{buyer.pk}",
            value=Decimal("1000"),
            start_date=date(2027, 1, 1),
            end_date=date(2027, 12, 31),
        )

    assert refused.value.message == records.SUPPLIER_UNKNOWN


@pytest.mark.parametrize("who", ["evaluator", "supplier", "other_officer"])
def test_only_the_buyers_admins_and_officers_enter_contracts(people, acorn, who):
    buyer, admin, _, evaluator = people
    _, _, other_officer, _ = buyer_with_people("Vale District Council")
    user = {"evaluator": evaluator, "supplier": acorn[1], "other_officer": other_officer}[who]

    with pytest.raises(PermissionDenied):
        entered(buyer=buyer, by=user, supplier=acorn[0])

    assert entered(buyer=buyer, by=admin, supplier=acorn[0]).recorded_by == admin
