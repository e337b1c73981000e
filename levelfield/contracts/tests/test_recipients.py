"""Who is emailed about a contract (recipients.py): at the supplier its named contact and its
admins, not its other members; at the buyer the contract manager, else the buyer's admins."""

import pytest
from django.core import mail

from levelfield.accounts.models import Role
from levelfield.contracts import recipients
from levelfield.contracts.actions import records_lifecycle
from tests.support import testing

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed():
    return testing.signed_contract(value="250000")


def test_the_supplier_contact_first_then_its_admins_each_once(signed):
    contract = signed.contract
    second_admin = testing.member(signed.supplier, Role.SUPPLIER_ADMIN, email="b@supplier.test")
    testing.member(signed.supplier, Role.SUPPLIER_MEMBER, email="member@supplier.test")
    contract.supplier_contact_email = "contact@supplier.test"
    assert recipients.supplier_emails(contract) == [
        "contact@supplier.test",
        signed.supplier_user.email,
        second_admin.email,
    ]
    contract.supplier_contact_email = signed.supplier_user.email.upper()
    assert recipients.supplier_emails(contract) == [
        signed.supplier_user.email.upper(),
        second_admin.email,
    ]
    contract.supplier_contact_email = ""
    assert recipients.supplier_emails(contract) == [signed.supplier_user.email, second_admin.email]


def test_the_manager_else_the_buyers_admins(signed):
    contract = signed.contract
    contract.contract_manager = signed.officer
    assert recipients.manager_emails(contract) == [signed.officer.email]
    contract.contract_manager = None
    second = testing.member(signed.buyer, Role.BUYER_ADMIN)
    expected = [signed.buyer_admin.email, second.email]
    assert recipients.manager_emails(contract) == expected
    admins = recipients.buyer_admin_emails([contract.buyer_id])
    assert recipients.manager_emails(contract, admins=admins) == expected


def test_suspension_tells_the_contact_and_the_admins(signed, django_capture_on_commit_callbacks):
    contract = signed.contract
    contract.supplier_contact_email = "contact@supplier.test"
    contract.save(update_fields=["supplier_contact_email"])
    testing.member(signed.supplier, Role.SUPPLIER_MEMBER, email="member@supplier.test")
    records_lifecycle.go_live(contract=contract, by=signed.officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        records_lifecycle.suspend(contract=contract, by=signed.buyer_admin, reason="Site closed")
    [email] = mail.outbox
    assert email.to == ["contact@supplier.test", signed.supplier_user.email]
