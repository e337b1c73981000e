"""A supplier's size is worked out from its staff, turnover and balance sheet at each boundary
of the SME definition (DOMAIN.md, PPN 001), shown with how, and kept in the profile's size.

The rule: an organisation is the smallest band whose staff limit it is under AND whose
turnover OR balance sheet limit it is within; if none, it is large (not an SME).

    micro   fewer than 10 staff,  and turnover up to £2m  or balance sheet up to £2m
    small   fewer than 50 staff,  and turnover up to £10m or balance sheet up to £10m
    medium  fewer than 250 staff, and turnover up to £44m or balance sheet up to £38m
    large   anything else

"Up to" includes the figure itself: £44m exactly is within, £44m and a penny is not.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.core.errors import DomainError
from levelfield.suppliers import actions, sizing
from levelfield.suppliers.models import Region, Size
from tests.support import testing

M = Decimal("1000000")
DEFINITION = sizing.definition_for(date(2026, 1, 1))


def size_of(staff, turnover=None, balance_sheet=None) -> str:
    return sizing.classify(
        staff=staff, turnover=turnover, balance_sheet=balance_sheet, definition=DEFINITION
    ).size


@pytest.mark.parametrize(
    ("staff", "turnover", "balance_sheet", "size"),
    [
        # Staff: fewer than 250 for an SME.
        (249, 44 * M, 38 * M, "medium"),
        (250, 44 * M, 38 * M, "large"),
        (250, 1 * M, 1 * M, "large"),
        (249, 44 * M + Decimal("0.01"), 38 * M + Decimal("0.01"), "large"),
        (249, 44 * M + Decimal("0.01"), None, "large"),
        (249, None, 38 * M, "medium"),
        # Turnover up to £44m (or balance sheet up to £38m).
        (100, 44 * M, None, "medium"),
        (100, 44 * M + Decimal("0.01"), None, "large"),
        (100, 44 * M + Decimal("0.01"), 38 * M, "medium"),
        (100, 44 * M + Decimal("0.01"), 38 * M + Decimal("0.01"), "large"),
        # Balance sheet up to £38m, whatever the turnover.
        (100, 90 * M, 38 * M, "medium"),
        (100, None, 38 * M, "medium"),
        (100, None, 38 * M + Decimal("0.01"), "large"),
        # Micro: fewer than 10 staff and turnover or balance sheet up to £2m.
        (9, 2 * M, None, "micro"),
        (10, 2 * M, None, "small"),
        (9, 2 * M + Decimal("0.01"), 2 * M + Decimal("0.01"), "small"),
        (9, 3 * M, 2 * M, "micro"),
        (0, Decimal("0"), None, "micro"),
        # Small: fewer than 50 staff and turnover or balance sheet up to £10m.
        (49, 10 * M, None, "small"),
        (50, 10 * M, None, "medium"),
        (49, 10 * M + Decimal("0.01"), 10 * M + Decimal("0.01"), "medium"),
        (49, 12 * M, 10 * M, "small"),
    ],
)
def test_size_at_each_boundary(staff, turnover, balance_sheet, size):
    assert size_of(staff, turnover, balance_sheet) == size


def test_the_working_shows_each_band_tried_and_why():
    result = sizing.classify(
        staff=249, turnover=45 * M, balance_sheet=38 * M, definition=DEFINITION
    )
    assert result.size == "medium" and result.is_sme
    assert len(result.steps) == 3
    assert "249 staff is not fewer than 10" in result.steps[0]
    assert result.steps[0].endswith("so it is not micro.")
    assert "turnover £45,000,000 is not at most £44m" in result.steps[2]
    assert "balance sheet total £38,000,000 is at most £38m" in result.steps[2]
    assert result.steps[2].endswith("so it is medium.")
    large = sizing.classify(staff=250, turnover=M, balance_sheet=M, definition=DEFINITION)
    assert large.steps[-1] == "It fits none of the smaller bands, so it is large (not an SME)."
    assert not large.is_sme


def test_the_definition_is_versioned_data_with_its_source():
    assert sizing.definition_for(date(2020, 1, 1)) == sizing.SIZE_DEFINITIONS[0]
    assert DEFINITION.code == "UK-SME-PPN001"
    assert "PPN 001" in DEFINITION.source
    assert sizing.definition_by_code(DEFINITION.code) is DEFINITION
    with pytest.raises(LookupError):
        sizing.definition_by_code("nope")


def test_giving_figures_sets_the_profile_size_and_clearing_them_keeps_a_declared_size(db):
    org, admin = testing.supplier_with_user("Hedgerow Gardening CIC", size=Size.MICRO)
    profile = org.supplier_profile

    def update(**fields):
        return actions.update_profile(
            profile=profile,
            by=admin,
            legal_name="Hedgerow Gardening CIC",
            region=Region.SOUTH_WEST,
            **fields,
        )

    profile = update(staff_headcount=250, annual_turnover=M, balance_sheet_total=M)
    assert (profile.size, profile.size_basis) == ("large", DEFINITION.code)
    assert not profile.is_sme and profile.size_result().size == "large"

    profile = update(staff_headcount=249, annual_turnover=44 * M)
    assert profile.size == "medium" and profile.is_sme

    # No figures: the declared size stands and nothing claims it was worked out.
    profile = update(declared_size=Size.SMALL)
    assert (profile.size, profile.size_basis, profile.size_result()) == ("small", "", None)


def test_figures_must_be_enough_to_work_the_size_out(db):
    org, admin = testing.supplier_with_user()
    with pytest.raises(DomainError) as refused:
        actions.update_profile(
            profile=org.supplier_profile,
            by=admin,
            legal_name=org.name,
            region=Region.SOUTH_WEST,
            staff_headcount=12,
        )
    assert "turnover or the balance sheet total" in refused.value.message


def test_a_supplier_member_cannot_change_the_profile(db):
    org, _admin = testing.supplier_with_user()
    member = testing.member(org, Role.SUPPLIER_MEMBER)
    with pytest.raises(DomainError) as refused:
        actions.update_profile(
            profile=org.supplier_profile, by=member, legal_name="X", region=Region.LONDON
        )
    assert refused.value.code == "forbidden"


def test_the_profile_page_shows_the_size_and_how_it_was_worked_out(client, db):
    org, admin = testing.supplier_with_user("Byte Bridge Digital Ltd", size=Size.SMALL)
    client.force_login(admin)
    response = client.post(
        reverse("suppliers:profile_edit"),
        {
            "legal_name": "Byte Bridge Digital Ltd",
            "companies_house_number": "13468257",
            "charity_number": "",
            "vcse_type": "",
            "staff_headcount": "9",
            "annual_turnover": "£2,000,000",
            "balance_sheet_total": "",
            "declared_size": "small",
            "region": "UKK",
            "regions_served": ["UKK", "UKJ"],
            "cpv_interests": "72, 30213000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "Your supplier profile has been updated" in body
    assert "Micro" in body and "an SME" in body
    assert "9 staff is fewer than 10" in body
    assert "turnover £2,000,000 is at most £2m" in body
    assert org.supplier_profile.platform_identifier in body
    profile = org.supplier_profile.__class__.objects.get(pk=org.supplier_profile.pk)
    assert profile.size == "micro"
    assert sorted(r.region for r in profile.served_regions.all()) == ["UKJ", "UKK"]
    assert [c.code for c in profile.cpv_interests.all()] == ["30213000", "72"]


def test_a_refused_profile_keeps_what_was_typed(client, db):
    _org, admin = testing.supplier_with_user()
    client.force_login(admin)
    response = client.post(
        reverse("suppliers:profile_edit"),
        {
            "legal_name": "Typed Name Ltd",
            "staff_headcount": "12",
            "region": "UKK",
            "cpv_interests": "85",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter the annual turnover or the balance sheet total" in body
    assert "Typed Name Ltd" in body


def test_a_member_cannot_open_the_edit_page(client, db):
    org, _admin = testing.supplier_with_user()
    client.force_login(testing.member(org, Role.SUPPLIER_MEMBER))
    assert client.get(reverse("suppliers:profile")).status_code == 200
    assert client.get(reverse("suppliers:profile_edit")).status_code == 403


def test_buyers_have_no_supplier_profile_pages(client, buyer_admin):
    client.force_login(buyer_admin)
    assert client.get(reverse("suppliers:profile")).status_code == 404
