"""What a buyer types into the tender forms that is no date, weight or amount is refused beside
its field, never a server error (each was one: tests/test_page_forms_fuzz.py found them)."""

import pytest

from levelfield.core import clock
from levelfield.tenders.forms import LotForm
from levelfield.tenders.models import Tender

from .test_buyer_pages import IN_BST, lot_form, tender_form, url

pytestmark = pytest.mark.django_db

NOT_MONEY = "Estimated value of this lot (£) must be an amount of money, like 250000 or £250,000.50"


@pytest.mark.parametrize(
    ("day", "month"),
    [
        pytest.param("9" * 40, "6", id="a day of forty digits"),
        pytest.param("1", "9" * 40, id="a month of forty digits"),
        pytest.param("²", "6", id="a superscript day"),
        pytest.param("٣", "6", id="an Arabic-Indic day"),
        pytest.param("1", "１２", id="a full-width month"),
    ],
)
def test_a_date_with_digits_that_are_no_day_or_month_is_not_a_real_date(
    client, officer, day, month
):
    client.force_login(officer)
    with clock.frozen_at(IN_BST):
        response = client.post(
            url("create"), tender_form(submission_date_day=day, submission_date_month=month)
        )
    assert response.status_code == 200
    assert response.context["form"].errors["submission_date"] == [
        "Submission deadline date must be a real date"
    ]
    assert not Tender.objects.exists()


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        pytest.param("-1", "must be 0 or more", id="below 0"),
        pytest.param("101", "must be 100 or less", id="above 100"),
        pytest.param("9" * 40, "must be 100 or less", id="forty digits"),
        pytest.param("12.345", "can have at most 2 decimal places", id="three places"),
    ],
)
def test_a_weight_out_of_range_is_refused_in_words_naming_the_percent_field(typed, said):
    lot = LotForm(data=lot_form(price_weight=typed, quality_threshold=typed))
    assert set(lot.errors["price_weight"]) == {f"Price weight (%) {said}"}
    assert set(lot.errors["quality_threshold"]) == {f"Quality threshold (%) (optional) {said}"}


@pytest.mark.parametrize("typed", ["NaN", "Infinity", "-Infinity", "sNaN", "lots"])
def test_a_weight_that_is_no_number_is_refused_in_words_naming_the_percent_field(typed):
    lot = LotForm(data=lot_form(price_weight=typed))
    assert lot.errors["price_weight"] == ["Price weight (%) must be a number, like 40 or 12.5"]


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        pytest.param(
            "9" * 40,
            NOT_MONEY,
            id="forty digits",
        ),
        pytest.param(
            "1e309",
            NOT_MONEY,
            id="1e309",
        ),
        pytest.param(
            "9" * 20,
            "The estimated value of the lot must be less than £1,000,000,000,000",
            id="twenty digits, past the columns",
        ),
    ],
)
def test_an_amount_too_large_for_money_is_refused_beside_its_field(typed, said):
    lot = LotForm(data=lot_form(estimated_value=typed))
    assert lot.errors["estimated_value"] == [said]
