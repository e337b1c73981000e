"""Importing invoices from CSV: UK and ISO dates, every bad row by line, nothing imported if
one is bad, and a second import of the same file changes nothing."""

from datetime import date

import pytest

from levelfield.accounts.models import Role
from levelfield.contracts.actions.payments_import import import_invoices
from levelfield.contracts.models import Invoice
from levelfield.contracts.payments_csv import parse_date
from levelfield.core.errors import DomainError, PermissionDenied
from tests.support import testing

from .payments_data import HEADER, at, csv_upload

pytestmark = pytest.mark.django_db
TODAY = date(2027, 5, 15)


@pytest.fixture
def signed():
    return testing.signed_contract()


def run(signed, lines, by=None):
    with at(TODAY):
        return import_invoices(
            buyer=signed.buyer, by=by or signed.officer, upload=csv_upload(lines)
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01/04/2027", date(2027, 4, 1)),
        ("1/4/2027", date(2027, 4, 1)),
        ("2027-04-01", date(2027, 4, 1)),
        ("01/04/2027 00:00", date(2027, 4, 1)),
        ("04/31/2027", None),  # a US date: there is no 31st month
        ("31/04/2027", None),
        ("1/4/27", None),
    ],
)
def test_dates_as_a_council_spreadsheet_writes_them(text, expected):
    assert parse_date(text) == expected


def test_a_good_file_is_imported(signed):
    ref = signed.contract.reference
    result = run(
        signed,
        [
            HEADER,
            f'{ref},A1,01/03/2027,"£1,250.00",valid,,31/03/2027',
            f"{ref},A2,2027-03-01,99.99,,,",
            f"{ref},A3,02/03/2027,10,Disputed,Hours overstated,",
        ],
    )
    assert (len(result.created), len(result.paid), result.unchanged) == (3, 0, 0)
    rows = {
        i.reference: (i.received_on, str(i.amount), i.status, i.paid_on, i.source)
        for i in Invoice.objects.all()
    }
    assert rows == {
        "A1": (date(2027, 3, 1), "1250.00", "valid", date(2027, 3, 31), "import"),
        "A2": (date(2027, 3, 1), "99.99", "valid", None, "import"),
        "A3": (date(2027, 3, 2), "10.00", "disputed", None, "import"),
    }


def test_a_bad_row_imports_nothing_and_every_bad_line_is_listed(signed):
    ref = signed.contract.reference
    with pytest.raises(DomainError) as refused:
        run(
            signed,
            [
                HEADER,
                f"{ref},OK1,01/03/2027,100,valid,,",
                f"{ref},BAD1,31/02/2027,100,valid,,",
                "NO-SUCH,X,01/03/2027,100,valid,,",
                f"{ref},BAD2,01/03/2027,0,valid,,",
                f"{ref},BAD3,01/03/2027,100,disputed,,",
                f"{ref},OK1,01/03/2027,100,valid,,",
            ],
        )
    assert refused.value.message == "Nothing was imported: invoices.csv has 5 problems"
    assert refused.value.details == [
        "Line 3: the received date '31/02/2027' is not a date like 31/03/2026 or 2026-03-31",
        "Line 4: Shire County Council has no contract with reference NO-SUCH",
        "Line 5: The amount must be more than £0",
        "Line 6: Say why the invoice is disputed",
        f"Line 7: invoice OK1 on contract {ref} is already on line 2",
    ]
    assert not Invoice.objects.exists()


def test_row_problems_are_listed_with_their_lines(signed):
    ref = signed.contract.reference
    with pytest.raises(DomainError) as refused:
        run(
            signed,
            [
                HEADER,
                f"{ref},OK1,01/03/2027,100,valid,,",
                "NO-SUCH,X,01/03/2027,100,valid,,",
                f"{ref},BAD2,01/03/2027,0,valid,,",
                f"{ref},BAD3,01/03/2027,100,disputed,,",
                f"{ref},BAD4,01/03/2027,100,valid,,28/02/2027",
                f"{ref},OK1,01/03/2027,100,valid,,",
            ],
        )
    assert refused.value.details == [
        "Line 3: Shire County Council has no contract with reference NO-SUCH",
        "Line 4: The amount must be more than £0",
        "Line 5: Say why the invoice is disputed",
        "Line 6: The date paid cannot be before the invoice was received (1 March 2027)",
        f"Line 7: invoice OK1 on contract {ref} is already on line 2",
    ]
    assert not Invoice.objects.exists()


def test_importing_the_same_file_again_changes_nothing(signed):
    ref = signed.contract.reference
    lines = [HEADER, f"{ref},A1,01/03/2027,100,valid,,", f"{ref},A2,01/03/2027,200,valid,,"]
    run(signed, lines)
    again = run(signed, lines)
    assert (len(again.created), len(again.paid), again.unchanged) == (0, 0, 2)
    assert Invoice.objects.count() == 2

    # The next export has A1's paid date: it is marked paid; a changed amount is refused.
    later = run(signed, [HEADER, f"{ref},A1,01/03/2027,100,valid,,20/03/2027"])
    assert [i.reference for i in later.paid] == ["A1"]
    with pytest.raises(DomainError) as refused:
        run(signed, [HEADER, f"{ref},A2,01/03/2027,250,valid,,"])
    assert refused.value.details == [
        f"Line 2: invoice A2 is already recorded on contract {ref} with different details "
        "(amount £200.00): correct it on the contract's invoices page"
    ]
    assert Invoice.objects.get(reference="A2").amount == 200


def test_another_buyers_contract_is_not_found_and_suppliers_cannot_import(signed):
    other = testing.signed_contract()
    with pytest.raises(DomainError) as refused:
        run(signed, [HEADER, f"{other.contract.reference}-X,A1,01/03/2027,100,valid,,"])
    assert "has no contract with reference" in refused.value.details[0]
    with pytest.raises(PermissionDenied):
        run(signed, [HEADER], by=signed.supplier_user)
    with pytest.raises(PermissionDenied):
        run(signed, [HEADER], by=testing.member(signed.buyer, Role.EVALUATOR))


def test_a_file_without_the_columns_is_refused(signed):
    with pytest.raises(DomainError) as refused:
        run(signed, ["reference,amount", "A1,100"])
    assert refused.value.details == [
        "Line 1: the first row must name the columns contract reference, invoice reference, "
        "received date, amount, status, dispute reason and paid date; missing: contract "
        "reference, invoice reference, received date"
    ]
