"""Dates out of range (year 1, year 9999) typed for an assessment's period (even one marked at
termination), a performance failure or an outcome period: each is refused with the platform's
date range, and nothing is published (the UK9 notice carried 0001-01-01T00:01:15Z, London's
local mean time in year 1)."""

from datetime import date, timedelta

import pytest

from levelfield.contracts.actions import outcomes, performance
from levelfield.contracts.models import ContractNotice
from levelfield.contracts.models.performance import OutcomeClaim, PerformanceAssessment
from levelfield.core.errors import DomainError
from tests.support import testing

from .kpis_builders import on

pytestmark = pytest.mark.django_db

YEAR_1 = date(1, 1, 1)
RANGE = "must be between 1 January 2000 and 31 December 2099"


@pytest.fixture
def signed():
    return testing.signed_contract(value="250000")


def later(signed):
    return signed.contract.start_date + timedelta(days=400)


@pytest.mark.parametrize("at_termination", [False, True])
def test_an_assessment_of_a_period_in_year_1_is_refused(signed, at_termination):
    with on(later(signed)), pytest.raises(DomainError) as caught:
        performance.record_assessment(
            contract=signed.contract,
            by=signed.officer,
            period_start=YEAR_1,
            period_end=YEAR_1,
            rating="good",
            narrative="All visits on time",
            at_termination=at_termination,
        )
    assert RANGE in caught.value.message
    assert not PerformanceAssessment.objects.exists()
    assert not ContractNotice.objects.filter(notice_type="UK9").exists()


def test_a_failure_in_year_1_is_refused(signed):
    with on(later(signed)), pytest.raises(DomainError) as caught:
        performance.record_failure(
            contract=signed.contract,
            by=signed.officer,
            kind="damages",
            description="Visits missed in the snow",
            occurred_on=YEAR_1,
        )
    assert caught.value.message == f"The date it happened {RANGE}"


def test_an_outcome_claim_for_a_period_in_year_1_is_refused(signed):
    outcome = outcomes.add_priced_outcome(
        contract=signed.contract, by=signed.officer, name="Tenancy", unit_price="100", budget="1000"
    )
    with on(later(signed)), pytest.raises(DomainError) as caught:
        outcomes.claim_outcome(
            outcome=outcome,
            by=signed.supplier_user,
            period_start=YEAR_1,
            period_end=YEAR_1 + timedelta(days=30),
            quantity="1",
            narrative="One family kept its home",
        )
    assert caught.value.message == f"The period's start {RANGE}"
    assert not OutcomeClaim.objects.exists()
