"""A contract not yet tiered is judged by the tier rules in force on levelfield's clock (UK
day), not the server's date: a version starting on a frozen day is the one used."""

import dataclasses
from datetime import date, datetime
from decimal import Decimal

from levelfield.contracts import tiering
from levelfield.contracts.models import AccreditationLevel, Contract, Tier
from levelfield.core import clock


def test_manager_problem_uses_the_rules_of_the_uk_day(monkeypatch):
    [first] = tiering.TIER_RULES
    stricter = dataclasses.replace(
        first,
        code="LF-TIERS-2031",
        valid_from=date(2031, 1, 1),
        expected_level={**first.expected_level, Tier.BRONZE: AccreditationLevel.PRACTITIONER},
    )
    monkeypatch.setattr(tiering, "TIER_RULES", (first, stricter))
    contract = Contract(
        value=Decimal("1000"), tier=Tier.BRONZE, tier_rules="", contract_manager_id=1
    )
    # The server's date.today() is years before 2031: only the clock says which day it is.
    with clock.frozen_at(datetime(2030, 12, 31, 23, 30, tzinfo=clock.UK)):
        assert tiering.manager_problem(contract, AccreditationLevel.FOUNDATION) is None
    with clock.frozen_at(datetime(2031, 1, 1, 0, 30, tzinfo=clock.UK)):
        assert tiering.manager_problem(contract, AccreditationLevel.FOUNDATION) == (
            "A bronze contract needs a practitioner contract manager; its manager has "
            "foundation accreditation"
        )


def test_apply_records_the_version_it_tiered_by():
    contract = Contract(value=Decimal("600000"), risk="low", critical=False, tier_rules="")
    tiering.apply(contract, date(2030, 6, 1))
    assert (contract.tier, contract.tier_rules) == (Tier.SILVER, "LF-TIERS-2025")
