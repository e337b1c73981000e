"""The invoices and payments pages: the buyer records, pays and disputes on the contract's
invoices page; the supplier sees its invoices and days to pay; the buyer's payments page shows
the 30-day figures, imports a CSV (listing the bad rows) and publishes the notices due."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from levelfield.accounts.models import Role
from levelfield.contracts.models import ContractNotice, Invoice
from tests.support import testing

from .payments_data import HEADER, at, invoice

pytestmark = pytest.mark.django_db
TODAY = date(2027, 5, 15)
BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def signed():
    return testing.signed_contract()


def as_user(client, user):
    client.force_login(user, backend=BACKEND)
    return client


def page(client, path, data=None, **extra):
    with at(TODAY):
        if data is None:
            return client.get(path, **extra)
        return client.post(path, data, **extra)


def test_the_buyer_records_an_invoice_and_sees_it_late(client, signed):
    as_user(client, signed.officer)
    path = f"/buyer/contracts/{signed.contract.pk}/invoices/"
    response = page(
        client,
        path,
        {
            "reference": "INV-1",
            "received_on": "1/3/2027",
            "amount": "£1,200.00",
            "status": "valid",
            "dispute_reason": "",
            "paid_on": "2027-04-01",
        },
    )
    assert response.status_code == 302
    saved = Invoice.objects.get()
    assert (saved.received_on, saved.amount, saved.paid_on) == (
        date(2027, 3, 1),
        1200,
        date(2027, 4, 1),
    )
    shown = page(client, path).content.decode()
    assert "Invoice INV-1 recorded" in shown
    assert "Late" in shown
    assert ">31<" in shown  # days to pay


def test_a_refused_invoice_shows_the_reason_on_the_form(client, signed):
    as_user(client, signed.officer)
    response = page(
        client,
        f"/buyer/contracts/{signed.contract.pk}/invoices/",
        {
            "reference": "INV-1",
            "received_on": "10/3/2027",
            "amount": "100",
            "status": "valid",
            "paid_on": "9/3/2027",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert "The date paid cannot be before the invoice was received (10 March 2027)" in text
    assert not Invoice.objects.exists()


def test_mark_paid_and_dispute_pages(client, signed):
    first = invoice(signed, "P1", date(2027, 5, 1), today=TODAY)
    second = invoice(signed, "D1", date(2027, 5, 1), today=TODAY)
    as_user(client, signed.officer)
    base = f"/buyer/contracts/{signed.contract.pk}/invoices"
    assert page(client, f"{base}/{first.pk}/paid/").status_code == 200
    assert page(client, f"{base}/{first.pk}/paid/", {"paid_on": "15/05/2027"}).status_code == 302
    assert (
        page(client, f"{base}/{second.pk}/dispute/", {"reason": "No timesheets"}).status_code == 302
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.paid_on, second.status) == (TODAY, "disputed")
    shown = page(client, f"{base}/").content.decode()
    assert "On time" in shown and "Disputed" in shown and "No timesheets" in shown
    assert page(client, f"{base}/{second.pk}/resolve/", {}).status_code == 302
    second.refresh_from_db()
    assert second.status == "valid"


def test_the_supplier_sees_its_invoices_but_cannot_record(client, signed):
    invoice(signed, "S1", date(2027, 3, 1), paid_on=date(2027, 3, 31))
    as_user(client, signed.supplier_user)
    seen = page(client, f"/supplier/contracts/{signed.contract.pk}/invoices/")
    assert seen.status_code == 200
    text = seen.content.decode()
    assert "S1" in text and "On time" in text and ">30<" in text
    assert "Record an invoice" not in text
    # The buyer's pages are not the supplier's.
    assert page(client, f"/buyer/contracts/{signed.contract.pk}/invoices/").status_code == 404
    body = {"reference": "X", "received_on": "1/3/2027", "amount": "1", "status": "valid"}
    assert page(client, f"/buyer/contracts/{signed.contract.pk}/invoices/", body).status_code == 404
    assert not Invoice.objects.filter(reference="X").exists()


def test_an_evaluator_sees_but_cannot_record(client, signed):
    as_user(client, testing.member(signed.buyer, Role.EVALUATOR))
    path = f"/buyer/contracts/{signed.contract.pk}/invoices/"
    seen = page(client, path)
    assert seen.status_code == 200 and "Record an invoice" not in seen.content.decode()
    body = {"reference": "X", "received_on": "1/3/2027", "amount": "1", "status": "valid"}
    assert page(client, path, body).status_code == 403


def test_another_buyer_and_anonymous(client, signed):
    path = f"/buyer/contracts/{signed.contract.pk}/invoices/"
    anonymous = page(client, path)
    assert anonymous.status_code == 302 and "sign-in" in anonymous["Location"]
    assert page(client, "/buyer/payments/").status_code == 302
    other = testing.member(testing.buyer_org("Another Council"), Role.BUYER_ADMIN)
    as_user(client, other)
    assert page(client, path).status_code == 404
    other_supplier = testing.signed_contract()
    as_user(client, other_supplier.supplier_user)
    assert page(client, f"/supplier/contracts/{signed.contract.pk}/invoices/").status_code == 404


def test_the_buyers_payments_page_and_period_selector(client, signed):
    invoice(signed, "A", date(2027, 3, 1), paid_on=date(2027, 3, 31))
    invoice(signed, "B", date(2027, 3, 1), paid_on=date(2027, 4, 1))
    as_user(client, signed.officer)
    whole = page(client, "/buyer/payments/").content.decode()
    assert "1 (50.0%)" in whole  # paid within 30 days, of 2
    period = page(client, "/buyer/payments/?period=2027-03-31").content.decode()
    assert "1 (100.0%)" in period
    assert "UK17 payments compliance notice for 1 October 2026 to 31 March 2027" in period


def test_csv_import_lists_bad_rows_and_imports_nothing(client, signed):
    as_user(client, signed.officer)
    ref = signed.contract.reference
    body = f"{HEADER}\n{ref},A1,01/03/2027,100,valid,,\n{ref},A2,2027-03-01,-1,valid,,\n"
    upload = SimpleUploadedFile("march.csv", body.encode(), content_type="text/csv")
    response = page(client, "/buyer/payments/import/", {"file": upload})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nothing was imported: march.csv has 1 problem" in text
    assert "Line 3: The amount must be more than £0" in text
    assert not Invoice.objects.exists()

    good = SimpleUploadedFile("march.csv", body.replace(",-1,", ",1,").encode())
    done = page(client, "/buyer/payments/import/", {"file": good}, follow=True)
    assert "2 invoices imported, 0 marked as paid, 0 already recorded and unchanged" in (
        done.content.decode()
    )
    assert Invoice.objects.count() == 2


def test_publish_the_notices_due_from_the_page(client, signed):
    invoice(signed, "BIG", date(2027, 3, 1), "45000.00", paid_on=date(2027, 3, 2))
    as_user(client, testing.member(signed.buyer, Role.EVALUATOR))
    assert page(client, "/buyer/payments/publish/", {}).status_code == 403
    as_user(client, signed.officer)
    done = page(client, "/buyer/payments/publish/", {}, follow=True)
    assert "2 notices published" in done.content.decode()
    assert ContractNotice.objects.count() == 2


def test_the_contract_page_card(client, signed):
    invoice(signed, "OLD", date(2027, 3, 1), today=TODAY)  # unpaid after 30 days
    as_user(client, signed.officer)
    text = page(client, f"/buyer/contracts/{signed.contract.pk}/").content.decode()
    assert "Invoices and payments" in text
    assert "1 after 30 days" in text


def test_the_suppliers_contract_page_links_to_its_invoices(client, signed):
    invoice(signed, "S1", date(2027, 3, 1), today=TODAY)
    as_user(client, signed.supplier_user)
    text = page(client, f"/supplier/contracts/{signed.contract.pk}/").content.decode()
    assert f"/supplier/contracts/{signed.contract.pk}/invoices/" in text
    assert "1 after 30 days" in text


def test_the_payments_page_lists_what_is_unpaid_after_30_days(client, signed):
    invoice(signed, "DAY31", date(2027, 4, 14), today=TODAY)
    invoice(signed, "DAY30", date(2027, 4, 15), today=TODAY)
    as_user(client, signed.officer)
    text = page(client, "/buyer/payments/").content.decode()
    assert "Not paid after 30 days" in text
    assert ">DAY31<" in text and ">DAY30<" not in text
