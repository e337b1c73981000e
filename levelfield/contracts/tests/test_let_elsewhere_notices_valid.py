"""A contract let elsewhere (entered by hand, not awarded here) publishes valid OCDS too: OCDS
needs every contract to name its award, so its notices carry an award of its own (the supplier
it was let to, its value, the day it was signed) and the contract names it."""

from datetime import timedelta

import pytest

from levelfield.accounts.models import Role
from levelfield.contracts.actions import performance
from levelfield.contracts.models import ContractNotice
from levelfield.core import clock
from levelfield.opendata import merge
from levelfield.opendata.models import Release
from tests.support import testing

from .kpis_builders import on, release_errors

pytestmark = pytest.mark.django_db


def test_assessing_a_contract_let_elsewhere_publishes_a_valid_uk9_notice():
    buyer = testing.buyer_org("Shire County Council")
    supplier, _ = testing.supplier_with_user("Elsewhere Care Ltd")
    today = clock.today_uk()
    contract = testing.contract_let_elsewhere(
        buyer=buyer,
        supplier=supplier,
        start_date=today - timedelta(days=200),
        end_date=today + timedelta(days=500),
        title="Meals let elsewhere",
    )
    officer = testing.member(buyer, Role.BUYER_OFFICER)
    with on(today):
        performance.record_assessment(
            contract=contract,
            by=officer,
            period_start=contract.start_date,
            period_end=today - timedelta(days=1),
            rating="good",
            narrative="Meals delivered on time.",
        )
    notice = ContractNotice.objects.get(contract=contract, notice_type="UK9")
    release = notice.data
    assert release_errors(release) == []
    [section] = release["contracts"]
    [award] = release["awards"]
    assert section["awardID"] == award["id"]
    assert award["suppliers"][0]["name"] == "Elsewhere Care Ltd"

    # every release of its process validates, and so does the compiled record
    releases = [r.data for r in Release.objects.filter(ocid=release["ocid"])]
    for each in releases:
        assert release_errors(each) == []
    compiled = merge.compile_releases(releases)
    assert compiled["contracts"][0]["awardID"] == compiled["awards"][0]["id"]
