"""An attacker's invoice CSV: null characters (PostgreSQL cannot store them), another buyer's
contract reference, and amounts written in ways a finance export never would. Every one is a
listed problem with its line, nothing is imported, and nothing is a server error."""

from datetime import date

import pytest

from levelfield.contracts.actions.payments_import import import_invoices
from levelfield.contracts.models import Invoice
from levelfield.core.errors import DomainError
from tests.support import testing

from .payments_data import HEADER, at, csv_upload

pytestmark = pytest.mark.django_db
TODAY = date(2027, 5, 15)


@pytest.fixture
def signed():
    return testing.signed_contract()


def refused(signed, lines) -> list[str]:
    with at(TODAY), pytest.raises(DomainError) as caught:
        import_invoices(buyer=signed.buyer, by=signed.officer, upload=csv_upload(lines))
    assert Invoice.objects.count() == 0
    return caught.value.details


@pytest.mark.parametrize("column", ["contract", "reference", "reason"])
def test_a_null_character_in_any_cell_is_refused_saying_on_which_line(signed, column):
    """Refused with every upload's checks (core/uploads.py: a text type has no NUL)."""
    ref = signed.contract.reference
    cells = {"contract": ref, "reference": "A1", "reason": "Hours overstated"}
    cells[column] = cells[column][:2] + "\x00" + cells[column][2:]
    lines = [
        HEADER,
        f"{ref},A0,01/03/2027,10.00,valid,,",
        f"{cells['contract']},{cells['reference']},01/03/2027,10.00,disputed,{cells['reason']},",
    ]
    with at(TODAY), pytest.raises(DomainError) as caught:
        import_invoices(buyer=signed.buyer, by=signed.officer, upload=csv_upload(lines))
    assert Invoice.objects.count() == 0
    assert caught.value.message == (
        "invoices.csv is not a real CSV file: line 3 has a null character (U+0000), which "
        "text cannot have. Save it again from the program that made it"
    )


def test_another_buyers_contract_reference_is_refused_without_saying_it_exists(signed):
    other = testing.signed_contract(buyer=testing.buyer_org("Other Council"))
    problems = refused(signed, [HEADER, f"{other.contract.reference},X1,01/03/2027,10.00,valid,,"])
    assert problems == [
        f"Line 2: Shire County Council has no contract with reference {other.contract.reference}"
    ]


NOT_A_NUMBER = "Enter the amount as an amount in pounds, like 1250.00"


@pytest.mark.parametrize(
    ("amount", "problem"),
    [
        ("Infinity", NOT_A_NUMBER),
        ("NaN", NOT_A_NUMBER),
        ("12 34", NOT_A_NUMBER),
        ("-0", "The amount must be more than £0"),
        ("1000000000000", "The amount must be less than £1,000,000,000,000"),
    ],
)
def test_an_amount_a_finance_export_never_writes_is_refused(signed, amount, problem):
    ref = signed.contract.reference
    problems = refused(signed, [HEADER, f"{ref},A1,01/03/2027,{amount},valid,,"])
    assert problems == [f"Line 2: {problem}"]


def test_a_row_with_a_bad_date_lists_its_other_problems_too(signed):
    """The officer fixes the file once, not once per problem."""
    ref = signed.contract.reference
    problems = refused(signed, [HEADER, f"{ref},A1,31/02/2027,abc,maybe,,"])
    assert problems == [
        "Line 2: the received date '31/02/2027' is not a date like 31/03/2026 or 2026-03-31",
        "Line 2: Enter the amount as an amount in pounds, like 1250.00",
        "Line 2: The status must be valid or disputed",
    ]
