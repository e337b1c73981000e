"""Identifiers on the profile: charity numbers in the three UK registers' formats, Companies
House numbers, the platform identifier, and VCSE types kept in step with the VCSE flag."""

import pytest

from levelfield.core.errors import DomainError
from levelfield.suppliers import actions, selectors
from levelfield.suppliers.models import Region, VcseType
from tests.support import testing

pytestmark = pytest.mark.django_db


def update(org, admin, **fields):
    return actions.update_profile(
        profile=org.supplier_profile,
        by=admin,
        legal_name=org.name,
        region=Region.SOUTH_WEST,
        **fields,
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("123456", "123456"),  # England and Wales, 6 digits
        ("1098765", "1098765"),  # England and Wales, 7 digits
        ("SC012345", "SC012345"),  # Scotland
        ("sc 012345", "SC012345"),
        ("NIC100001", "NIC100001"),  # Northern Ireland
        ("nic100001", "NIC100001"),
        ("", ""),
    ],
)
def test_charity_numbers_in_each_registers_format_are_kept(typed, stored):
    org, admin = testing.supplier_with_user()
    assert update(org, admin, charity_number=typed).charity_number == stored


@pytest.mark.parametrize(
    "typed", ["12345", "12345678", "SC12345", "SC0123456", "NI100001", "NIC10000", "AB123456"]
)
def test_a_badly_formatted_charity_number_is_refused(typed):
    org, admin = testing.supplier_with_user()
    with pytest.raises(DomainError) as refused:
        update(org, admin, charity_number=typed)
    assert "charity number in the correct format" in refused.value.message
    org.supplier_profile.refresh_from_db()
    assert org.supplier_profile.charity_number == ""


def test_a_badly_formatted_companies_house_number_is_refused():
    org, admin = testing.supplier_with_user()
    with pytest.raises(DomainError, match="Companies House number"):
        update(org, admin, companies_house_number="1234567")


def test_the_vcse_flag_follows_the_vcse_type():
    org, admin = testing.supplier_with_user()
    profile = update(org, admin, vcse_type=VcseType.CIC)
    assert profile.is_vcse and profile.get_vcse_type_display() == "Community interest company"
    profile = update(org, admin, vcse_type="")
    assert not profile.is_vcse


def test_a_registered_supplier_is_found_by_platform_identifier_or_companies_house_number():
    org, admin = testing.supplier_with_user()
    update(org, admin, companies_house_number="01234567")
    identifier = org.supplier_profile.platform_identifier
    assert identifier == f"GB-LEVELFIELD-{org.pk}"
    assert selectors.find_supplier(identifier) == org
    assert selectors.find_supplier(identifier.lower()) == org
    assert selectors.find_supplier("01234567") == org
    assert selectors.find_supplier("GB-LEVELFIELD-999999") is None
    assert selectors.find_supplier("") is None
