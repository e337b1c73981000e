"""The platform admin's capability view ranks buyers by need, on hand-built data across three
buyers with every figure worked out by hand."""

from datetime import date

import pytest

from levelfield.contracts.models import AccreditationLevel, ContractStatus, Tier
from levelfield.contracts.selectors_capability import BuyerCapability, capability
from tests.support import testing

from .capability_data import assessment, checklist_item, contract, invoice, manager

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)
EXPERT, PRACTITIONER, FOUNDATION = (
    AccreditationLevel.EXPERT,
    AccreditationLevel.PRACTITIONER,
    AccreditationLevel.FOUNDATION,
)


def three_buyers():
    # Avon: one expert manages everything; nothing needs support.
    avon = testing.buyer_org("Avon Council")
    expert = manager(avon, EXPERT)
    contract(avon, manager=expert)
    contract(avon, manager=expert)
    # Signed a year ago to the day: in force for 12 months, not more, so no assessment is due.
    contract(avon, manager=expert, signed=date(2025, 12, 1))
    # In force for more than 12 months, assessed exactly 12 months ago: in time.
    assessed = contract(avon, manager=expert, signed=date(2025, 11, 30))
    assessment(assessed, assessed=date(2025, 12, 1))

    # Bexley: an unmanaged contract (3), a gold contract with a foundation manager (2), one
    # invoice paid on day 31 (1). Need 6.
    bexley = testing.buyer_org("Bexley Council")
    contract(bexley)
    contract(bexley, tier=Tier.GOLD, manager=manager(bexley, FOUNDATION))
    silver = contract(bexley, tier=Tier.SILVER, manager=manager(bexley, PRACTITIONER))
    invoice(silver, received=date(2026, 10, 1), paid=date(2026, 11, 1))  # day 31: late
    invoice(silver, received=date(2026, 10, 1), paid=date(2026, 10, 31))  # day 30: on time
    invoice(silver, received=date(2026, 9, 1), paid=None, status="disputed")  # not counted

    # Camden: an assessment overdue (2), a manager with no accreditation (2), two overdue
    # checklist items (2), an invoice unpaid for 31 days (1). Need 7.
    camden = testing.buyer_org("Camden Council")
    overdue = contract(
        camden, tier=Tier.SILVER, manager=manager(camden, PRACTITIONER), signed=date(2024, 11, 1)
    )
    assessment(overdue, assessed=date(2025, 11, 15))  # more than 12 months before today
    assessed = contract(camden, manager=manager(camden, FOUNDATION), signed=date(2024, 6, 1))
    assessment(assessed, assessed=date(2026, 3, 1))
    contract(camden, manager=manager(camden))  # no accreditation at all
    checklist_item(assessed, due=date(2026, 11, 30))
    checklist_item(assessed, due=date(2026, 11, 1))
    checklist_item(assessed, due=date(2026, 11, 1), done=True)  # done: not overdue
    checklist_item(assessed, due=TODAY)  # due today: not overdue yet
    invoice(assessed, received=date(2026, 10, 31), paid=None)  # 31 days unpaid: late
    invoice(assessed, received=date(2026, 11, 1), paid=None)  # 30 days: not yet

    # Dover: only an expired contract, paid late. Not in the view: nothing in force.
    dover = testing.buyer_org("Dover Council")
    ended = contract(dover, status=ContractStatus.EXPIRED)
    invoice(ended, received=date(2026, 1, 1), paid=date(2026, 6, 1))


def test_buyers_most_in_need_of_support_come_first():
    three_buyers()

    rows = capability(TODAY)

    assert [(r.name, r.need) for r in rows] == [
        ("Camden Council", 7),
        ("Bexley Council", 6),
        ("Avon Council", 0),
    ]
    camden, bexley, avon = rows
    assert (camden.in_force, camden.managers, camden.unmanaged, camden.mismatched) == (3, 3, 0, 1)
    assert (camden.overdue_assessments, camden.late_payments) == (1, 1)
    assert camden.overdue_checklist_items == 2
    assert (bexley.in_force, bexley.managers, bexley.unmanaged, bexley.mismatched) == (3, 2, 1, 1)
    assert (bexley.overdue_assessments, bexley.late_payments) == (0, 1)
    assert str(bexley.contracts_per_manager) == "1.0"
    assert (avon.in_force, avon.managers, avon.overdue_assessments) == (4, 1, 0)
    assert str(avon.contracts_per_manager) == "4.0"


def test_equal_need_puts_the_buyer_with_more_contracts_first():
    small = testing.buyer_org("Aldershot Council")
    contract(small)  # unmanaged: 3
    large = testing.buyer_org("Zennor Council")
    contract(large)  # unmanaged: 3
    contract(large, manager=manager(large, EXPERT))

    assert [r.name for r in capability(TODAY)] == ["Zennor Council", "Aldershot Council"]


def test_need_score_adds_the_weighted_problems_and_contracts_over_capacity():
    # 24 managed contracts and 2 managers: 4 beyond 10 each. 3×1 + 2×2 + 2×1 + 1×5 + 1×3 + 4.
    row = BuyerCapability(
        buyer_id=1,
        name="Hand-worked",
        in_force=25,
        managers=2,
        managed=24,
        unmanaged=1,
        mismatched=2,
        overdue_assessments=1,
        late_payments=5,
        overdue_checklist_items=3,
    )
    assert row.over_capacity == 4
    assert row.need == 3 + 4 + 2 + 5 + 3 + 4
    assert str(row.contracts_per_manager) == "12.0"


def test_no_manager_means_no_contracts_per_manager():
    row = BuyerCapability(1, "None managed", 2, 0, 0, 2, 0, 0)
    assert row.contracts_per_manager is None
    assert row.need == 6


def test_an_assessment_counts_for_the_period_it_covers_as_on_the_contract_page():
    """s.71: the next assessment falls due 12 months after the last assessed period ended (as
    the contract's performance page and the reminders count it), not 12 months after the day
    the assessment was written."""
    from datetime import UTC, datetime, timedelta

    from levelfield.contracts.selectors_kpis import assessment_summary

    buyer = testing.buyer_org("Ealing Council")
    late = contract(buyer, manager=manager(buyer, EXPERT), signed=date(2023, 6, 1))
    # Covers the year to 30 September 2025 (due again by 30 September 2026), written late, on
    # 1 January 2026: within the last 12 months, but the period after it is overdue.
    written_late = assessment(late, assessed=date(2025, 9, 30))
    written_late.assessed_at = datetime(2026, 1, 1, 12, tzinfo=UTC)
    written_late.save()
    # Signed 6 months ago, never assessed: its first assessment is not due yet.
    contract(buyer, manager=manager(buyer, EXPERT), signed=TODAY - timedelta(days=183))

    (row,) = capability(TODAY)

    assert assessment_summary(late, today=TODAY).overdue
    assert row.overdue_assessments == 1
