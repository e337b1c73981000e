"""Recording, paying, disputing and correcting invoices: the rules, who may, the audit, and
the day-25 reminder (once, and never once paid)."""

from datetime import date, timedelta

import pytest
from django.core import mail

from levelfield.accounts.models import Role
from levelfield.contracts.actions import payments as actions
from levelfield.contracts.models import Invoice
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.models import AuditEvent
from tests.support import testing

from .payments_data import at, invoice

pytestmark = pytest.mark.django_db
TODAY = date(2027, 5, 15)


@pytest.fixture
def signed():
    return testing.signed_contract()


def record(signed, by=None, **overrides):
    fields = {
        "reference": "INV-1",
        "received_on": date(2027, 5, 1),
        "amount": "1250.00",
        "source": "page",
    } | overrides
    with at(TODAY):
        return actions.record_invoice(contract=signed.contract, by=by or signed.officer, **fields)


def test_recording_an_invoice_is_audited(signed):
    saved = record(signed, paid_on=date(2027, 5, 10))
    assert (saved.amount, saved.paid_on, saved.status) == (1250, date(2027, 5, 10), "valid")
    event = AuditEvent.objects.get(action="invoice.recorded", object_id=str(saved.pk))
    assert event.actor == signed.officer
    assert event.data["amount"] == "1250.00"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": "0"}, "The amount must be more than £0"),
        ({"amount": "-5"}, "The amount must be more than £0"),
        ({"amount": "1.005"}, "The amount can have at most two decimal places (pence)"),
        ({"received_on": date(2027, 5, 16)}, "The date received cannot be in the future"),
        ({"received_on": date(1999, 12, 31)}, "The date received must be between"),
        (
            {"paid_on": date(2027, 4, 30)},
            "The date paid cannot be before the invoice was received (1 May 2027)",
        ),
        ({"paid_on": date(2027, 5, 16)}, "The date paid cannot be in the future"),
        ({"status": "disputed"}, "Say why the invoice is disputed"),
        ({"reference": "  "}, "Enter the invoice reference"),
    ],
)
def test_an_invoice_that_breaks_a_rule_is_refused(signed, overrides, message):
    with pytest.raises(DomainError) as refused:
        record(signed, **overrides)
    assert refused.value.message.startswith(message)
    assert not Invoice.objects.exists()


def test_a_reference_is_recorded_once_per_contract(signed):
    record(signed)
    with pytest.raises(DomainError) as refused:
        record(signed, amount="10.00")
    assert refused.value.message == (
        f"Invoice INV-1 is already recorded on contract {signed.contract.reference}: correct "
        "it instead of recording it again"
    )
    # The same reference on another contract is another invoice.
    other = testing.signed_contract(buyer=signed.buyer)
    record(other)
    assert Invoice.objects.count() == 2


def test_only_the_buyers_staff_running_the_contract_record_invoices(signed):
    evaluator = testing.member(signed.buyer, Role.EVALUATOR)
    stranger = testing.member(testing.buyer_org("Another Council"), Role.BUYER_ADMIN)
    for person in (signed.supplier_user, evaluator, stranger):
        with pytest.raises(PermissionDenied):
            record(signed, by=person)
    assert not Invoice.objects.exists()


def test_mark_paid_then_it_cannot_be_paid_again_or_disputed(signed):
    saved = record(signed)
    with at(TODAY):
        actions.mark_paid(invoice=saved, by=signed.officer, paid_on=TODAY)
        with pytest.raises(InvalidTransition, match="already paid on 15 May 2027"):
            actions.mark_paid(invoice=saved, by=signed.officer, paid_on=TODAY)
        with pytest.raises(InvalidTransition, match="A paid invoice cannot be disputed"):
            actions.dispute_invoice(invoice=saved, by=signed.officer, reason="Wrong")
    assert AuditEvent.objects.filter(action="invoice.paid").count() == 1


def test_dispute_and_resolve(signed):
    saved = record(signed)
    with at(TODAY):
        actions.dispute_invoice(invoice=saved, by=signed.officer, reason="Hours overstated")
        with pytest.raises(InvalidTransition, match="resolve the dispute first"):
            actions.mark_paid(invoice=saved, by=signed.officer, paid_on=TODAY)
        actions.resolve_dispute(invoice=saved, by=signed.officer)
        actions.mark_paid(invoice=saved, by=signed.officer, paid_on=TODAY)
    saved.refresh_from_db()
    assert (saved.status, saved.dispute_reason, saved.paid_on) == ("valid", "", TODAY)
    resolved = AuditEvent.objects.get(action="invoice.dispute_resolved")
    assert resolved.data["dispute_reason"] == "Hours overstated"


def test_correct_keeps_what_changed_in_the_audit(signed):
    saved = record(signed)
    with at(TODAY):
        actions.correct_invoice(
            invoice=saved,
            by=signed.officer,
            reference="INV-1A",
            received_on=date(2027, 5, 2),
            amount="1250.00",
            paid_on=None,
        )
    saved.refresh_from_db()
    assert (saved.reference, saved.received_on) == ("INV-1A", date(2027, 5, 2))
    event = AuditEvent.objects.get(action="invoice.corrected")
    assert event.data["changed"] == {
        "reference": ["INV-1", "INV-1A"],
        "received_on": ["2027-05-01", "2027-05-02"],
    }


def test_day_25_reminder_goes_once_and_not_once_paid(signed, django_capture_on_commit_callbacks):
    received = date(2027, 4, 1)
    unpaid = invoice(signed, "UNPAID", received, today=TODAY)
    paid = invoice(signed, "PAID", received, paid_on=date(2027, 4, 20), today=TODAY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.remind_invoices_due(today=received + timedelta(days=24)) == 0
        assert actions.remind_invoices_due(today=received + timedelta(days=25)) == 1
        assert actions.remind_invoices_due(today=received + timedelta(days=26)) == 0
    # s.68(2): 30 days beginning with the day received, 1 April being day 1: day 30 is 30 April.
    assert [m.subject for m in mail.outbox] == ["Invoice UNPAID must be paid by 30 April 2027"]
    assert "within 30 days beginning with the day it was received, by 30 April 2027" in (
        mail.outbox[0].body
    )
    # No contract manager: the buyer's admins are told.
    assert mail.outbox[0].to == [signed.buyer_admin.email]
    assert paid.paid_on is not None

    # Paid before day 25: no reminder.
    other = invoice(signed, "LATER", date(2027, 4, 10), today=TODAY)
    with at(TODAY):
        actions.mark_paid(invoice=other, by=signed.officer, paid_on=date(2027, 4, 30))
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.remind_invoices_due(today=date(2027, 5, 5)) == 0
    assert unpaid.pk


def test_invoices_need_a_signed_contract_and_an_ended_one_still_takes_them(signed):
    from levelfield.contracts.models import Contract

    Contract.objects.filter(pk=signed.contract.pk).update(status="recorded")
    signed.contract.refresh_from_db()
    with pytest.raises(DomainError, match="Invoices can be recorded once the contract is signed"):
        record(signed)
    Contract.objects.filter(pk=signed.contract.pk).update(status="terminated")
    signed.contract.refresh_from_db()
    assert record(signed).contract_id == signed.contract.pk


def test_invoice_status_moves_only_through_its_table(signed, monkeypatch):
    from levelfield.contracts.models.payments import INVOICE_ALLOWED, InvoiceStatus

    assert INVOICE_ALLOWED == {
        InvoiceStatus.VALID: {InvoiceStatus.DISPUTED},
        InvoiceStatus.DISPUTED: {InvoiceStatus.VALID},
    }
    unsaved = Invoice(reference="X", status="valid")
    with pytest.raises(InvalidTransition, match="Invoice X is not disputed"):
        unsaved.transition("valid")
    unsaved.transition("disputed")
    assert unsaved.status == "disputed"
    with pytest.raises(InvalidTransition, match="Invoice X is already disputed"):
        unsaved.transition("disputed")

    # The actions move the status through Invoice.transition, not by assigning it.
    moves = []
    original = Invoice.transition
    monkeypatch.setattr(
        Invoice, "transition", lambda self, target: (moves.append(target), original(self, target))
    )
    saved = record(signed)
    with at(TODAY):
        actions.dispute_invoice(invoice=saved, by=signed.officer, reason="Wrong rate")
        actions.resolve_dispute(invoice=saved, by=signed.officer)
    saved.refresh_from_db()
    assert (moves, saved.status, saved.dispute_reason) == (["disputed", "valid"], "valid", "")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the amount of the invoice"),
        ("NaN", "Enter the amount as an amount in pounds, like 1250.00"),
        (True, "Enter the amount as an amount in pounds, like 1250.00"),
        ("0", "The amount must be more than £0"),
        ("1000000000000", "The amount must be less than £1,000,000,000,000"),
        ("1.005", "The amount can have at most two decimal places (pence)"),
        ("£1,250.50", None),
    ],
)
def test_the_amount_is_read_by_the_apps_one_money_rule(typed, message):
    assert actions.amount_problem(typed) == message


def test_an_amount_typed_with_pound_sign_and_commas_is_recorded(signed):
    # core.money reads "£1,250.50" as 1250.50; it used to be refused as not a number.
    saved = record(signed, amount="£1,250.50")
    assert str(saved.amount) == "1250.50"
