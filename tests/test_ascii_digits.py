"""Digits are 0 to 9. Python's `\\d` (and pydantic's regex engine, which the API's `pattern`s
run on) also matches the digits of other scripts: "٨٥٣٠٠٠٠٠" passed the checks of a CPV code,
so could be stored and published as typed, and "١٠:٣٠" was read as a closing time.
JSON Schema's `\\d`, which the OpenAPI documents, is 0 to 9 alone. So the product writes
`[0-9]`, and these tests hold each kind of entry point to it. (An amount is read as the number it
is, as `Decimal` reads it: "١٠٠٠" is 1000, so nothing is stored as typed.)"""

import io
import tokenize
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from levelfield.contracts.payments_csv import parse_date
from levelfield.insights.matching import ch_number
from levelfield.suppliers.models import CpvInterest, SupplierProfile
from levelfield.tenders.forms import parse_uk_time
from levelfield.tenders.models import TenderCPV

PRODUCT = Path(__file__).resolve().parent.parent / "levelfield"
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
OTHER_DIGITS = [
    pytest.param(ARABIC_INDIC, id="arabic-indic"),
    pytest.param(FULL_WIDTH, id="full-width"),
]


def test_no_product_string_uses_backslash_d():
    found = []
    for path in sorted(PRODUCT.rglob("*.py")):
        relative = path.relative_to(PRODUCT)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue  # migrations are history; tests may match what they read however they like
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
        for token in tokens:
            if token.type == tokenize.STRING and "\\d" in token.string:
                found.append(f"levelfield/{relative}:{token.start[0]}")
    assert not found, "write [0-9]: \\d also matches other scripts' digits\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (TenderCPV._meta.get_field("code"), "85300000-2"),
        (CpvInterest._meta.get_field("code"), "853"),
        (SupplierProfile._meta.get_field("companies_house_number"), "SC012345"),
        (SupplierProfile._meta.get_field("charity_number"), "1123456"),
    ],
    ids=["tender-cpv", "cpv-interest", "companies-house", "charity"],
)
@pytest.mark.parametrize("digits", OTHER_DIGITS)
def test_model_validators_take_ascii_digits_alone(field, value, digits):
    field.run_validators(value)  # the ASCII form is good
    with pytest.raises(ValidationError):
        field.run_validators(value.translate(digits))


@pytest.mark.parametrize("digits", OTHER_DIGITS)
def test_readers_of_typed_text_take_ascii_digits_alone(digits):
    assert parse_uk_time("10:30").hour == 10
    with pytest.raises(ValueError):
        parse_uk_time("10:30".translate(digits))
    assert parse_date("01/04/2026") is not None and parse_date("2026-04-01") is not None
    assert parse_date("01/04/2026".translate(digits)) is None
    assert parse_date("2026-04-01".translate(digits)) is None
    assert ch_number("SC012345") == "SC012345"
    assert ch_number("SC012345".translate(digits)) == ""


@pytest.mark.django_db
@pytest.mark.parametrize("digits", OTHER_DIGITS)
def test_the_api_refuses_other_digits_as_documented(client, digits):
    assert client.get("/api/opportunities", {"cpv": "85"}).status_code == 200
    response = client.get("/api/opportunities", {"cpv": "85".translate(digits)})
    assert response.status_code == 422
