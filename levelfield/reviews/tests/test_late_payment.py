"""A late payment case about an invoice on levelfield: accepted by the system when the invoice
is valid and unpaid more than 30 days (s.68(2)), audited as the system's; otherwise left to the
team. The case shows the contract's invoices."""

from datetime import timedelta
from decimal import Decimal

import pytest

from levelfield.contracts.actions import payments
from levelfield.contracts.models import InvoiceSource
from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.core.models import AuditEvent
from levelfield.reviews import actions, selectors
from levelfield.reviews.lifecycle import CaseStatus
from levelfield.reviews.models import CaseKind, Outcome
from levelfield.reviews.targets import Sector
from tests.support import testing


@pytest.fixture
def contract(world):
    today = clock.today_uk()
    return testing.contract_let_elsewhere(
        buyer=world.buyer,
        supplier=world.supplier,
        start_date=today - timedelta(days=200),
        end_date=today + timedelta(days=500),
    )


def invoice(world, contract, *, days_ago: int, reference: str = "INV-1", **extra):
    return payments.record_invoice(
        contract=contract,
        by=world.buyer_admin,
        reference=reference,
        received_on=clock.today_uk() - timedelta(days=days_ago),
        amount=Decimal("4250.00"),
        source=InvoiceSource.PAGE,
        **extra,
    )


def raise_about(world, the_invoice, *, buyer_may_know: bool = True):
    return actions.raise_case(
        by=world.raiser,
        kind=CaseKind.LATE_PAYMENT,
        description="Invoice unpaid for weeks.",
        invoice=the_invoice,
        buyer_may_know=buyer_may_know,
    )


def test_a_valid_invoice_unpaid_31_days_is_accepted_by_the_system(
    world, contract, mailoutbox, django_capture_on_commit_callbacks
):
    late = invoice(world, contract, days_ago=31)
    with django_capture_on_commit_callbacks(execute=True):
        case = raise_about(world, late)
    assert case.status == CaseStatus.ACCEPTED
    assert case.accepted_automatically and case.accepted_by is None
    assert case.authority == world.buyer and case.contract == contract
    assert case.raiser_organisation == world.supplier
    # A contract let elsewhere has no tender to say central government: the wider sector's 3.
    assert case.sector == Sector.WIDER and case.target_months == 3
    accepted = AuditEvent.objects.get(action="review.accepted", object_id=str(case.pk))
    assert accepted.actor is None and accepted.data["automatic"] is True
    assert "automatically" in accepted.summary
    subjects = [m.subject for m in mailoutbox]
    assert f"Review case {case.reference}: accepted" in subjects
    assert f"Review case {case.reference}: accepted automatically" in subjects


@pytest.mark.parametrize(
    ("days_ago", "extra", "why"),
    [
        (30, {}, "30 days is not yet late"),
        (45, {"status": "disputed", "dispute_reason": "Hours not evidenced"}, "disputed"),
        (45, {"paid_on": "late"}, "paid, though late"),
    ],
)
def test_an_invoice_not_valid_and_unpaid_over_30_days_waits_for_the_team(
    world, contract, days_ago, extra, why
):
    if extra.get("paid_on") == "late":
        extra = {"paid_on": clock.today_uk() - timedelta(days=2)}
    case = raise_about(world, invoice(world, contract, days_ago=days_ago, **extra))
    assert case.status == CaseStatus.RAISED, why
    assert not case.accepted_automatically


def test_a_case_about_an_invoice_on_levelfield_cannot_be_anonymous(world, contract):
    late = invoice(world, contract, days_ago=40)
    with pytest.raises(DomainError) as refusal:
        raise_about(world, late, buyer_may_know=False)
    assert refusal.value.code == "anonymous_invoice"


def test_only_the_invoices_supplier_raises_a_case_about_it(world, contract):
    late = invoice(world, contract, days_ago=40)
    _other, stranger = testing.supplier_with_user("Someone Else Ltd")
    with pytest.raises(DomainError) as refusal:
        actions.raise_case(
            by=stranger,
            kind=CaseKind.LATE_PAYMENT,
            description="Not mine.",
            invoice=late,
            buyer_may_know=True,
        )
    assert refusal.value.code == "not_your_invoice"


def test_the_case_shows_the_contracts_invoices_and_the_pounds_unblocked(world, contract):
    invoice(
        world,
        contract,
        days_ago=80,
        reference="INV-0",
        paid_on=clock.today_uk() - timedelta(days=60),
    )
    late = invoice(world, contract, days_ago=41)
    case = raise_about(world, late)
    shown = selectors.case_invoices(case)
    assert [(i["reference"], i["late"], i["named_in_case"]) for i in shown] == [
        ("INV-1", True, True),
        ("INV-0", False, False),
    ]
    assert shown[0]["days_open"] == 41
    case = actions.close_case(
        case=case,
        by=world.manager,
        outcome=Outcome.PAID,
        summary="The council paid the invoice.",
        amount_unblocked="4250.00",
    )
    assert case.amount_unblocked == Decimal("4250.00")


def test_a_late_invoice_described_by_hand_waits_for_triage(world):
    case = actions.raise_case(
        by=world.raiser,
        kind=CaseKind.LATE_PAYMENT,
        description="A council not on levelfield has not paid us.",
        raiser_organisation=world.supplier,
        authority_name="Loamshire District Council",
        invoice_reference="AW-2026-117",
        invoice_amount="1,980.50",
        invoice_received_on=clock.today_uk() - timedelta(days=64),
    )
    assert case.status == CaseStatus.RAISED
    assert case.invoice_amount == Decimal("1980.50")
    assert case.authority is None and case.authority_name == "Loamshire District Council"


def test_the_raiser_reads_its_own_invoices_but_a_subcontractor_never_its_primes(world, contract):
    late = invoice(world, contract, days_ago=41)
    case = raise_about(world, late)
    assert [i["reference"] for i in selectors.raiser_invoices(case)] == ["INV-1"]
    _sub, subcontractor = testing.supplier_with_user("Small Sub Ltd")
    about_prime = actions.raise_case(
        by=subcontractor,
        kind=CaseKind.SUBCONTRACT,
        description="The prime pays us at 90 days.",
        contract=contract,
    )
    assert about_prime.prime_contractor == world.supplier
    assert selectors.raiser_invoices(about_prime) == []
    assert [i["reference"] for i in selectors.case_invoices(about_prime)] == ["INV-1"]  # the team
