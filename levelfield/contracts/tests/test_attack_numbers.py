"""Numbers too big to be money or a KPI figure, typed on a page, sent to the API or put in a CSV
file: each is refused with the rule's own message (the form again with its error, or the API's
422), never a server error. Decimal's quantize raised InvalidOperation for anything with more
than 28 digits, such as 1e30 or 1e999999, when the pence were checked before the size."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from levelfield.accounts.actions import create_api_token
from levelfield.contracts.actions import changes, kpis, outcomes, payments, performance
from levelfield.contracts.models import Invoice, Kpi, PricedOutcome
from levelfield.core.errors import DomainError
from tests.support import testing

from .kpis_builders import on, signed_in

pytestmark = pytest.mark.django_db

HUGE = ["1e30", "1e999999", "9" * 40]


@pytest.fixture
def signed():
    return testing.signed_contract(value="250000")


@pytest.mark.parametrize("typed", HUGE)
def test_the_rules_say_a_huge_number_is_too_big(typed):
    assert kpis.number_problem(typed, "target") == "The target must be less than 1,000,000,000,000"
    assert payments.amount_problem(typed) == "The amount must be less than £1,000,000,000,000"
    assert changes.value_problem(typed) == "The value must be less than £1,000,000,000,000"
    with pytest.raises(DomainError) as caught:
        outcomes._decimal(typed, "budget", money=True)
    assert caught.value.message == "The budget must be less than £1,000,000,000,000"
    with pytest.raises(DomainError) as caught:
        performance._amount(typed)
    assert caught.value.message == "The amount must be less than £1,000,000,000,000"


@pytest.mark.parametrize("typed", ["-1e999999", "-1e30"])
def test_a_huge_negative_number_is_refused_too(typed):
    assert kpis.number_problem(typed, "target") == "The target must be more than -1,000,000,000,000"
    assert payments.amount_problem(typed) == "The amount must be more than £0"
    with pytest.raises(DomainError) as caught:
        outcomes._decimal(typed, "budget", money=True)
    assert caught.value.message == "The budget must be more than £0"


def test_a_kpi_target_of_1e999999_on_the_page_is_the_forms_error(client, signed):
    signed_in(client, signed.officer)
    response = client.post(
        f"/buyer/contracts/{signed.contract.pk}/kpis/add/",
        {
            "name": "Calls answered",
            "target": "1e999999",
            "unit": "%",
            "direction": "higher",
            "frequency": "quarterly",
        },
    )
    assert response.status_code == 200  # the form again, with its error
    assert "The target must be less than 1,000,000,000,000" in response.content.decode()
    assert not Kpi.objects.exists()


def test_a_priced_outcome_budget_of_1e999999_on_the_page_is_the_forms_error(client, signed):
    signed_in(client, signed.officer)
    response = client.post(
        f"/buyer/contracts/{signed.contract.pk}/outcomes/priced/add/",
        {"name": "Tenancy sustained", "unit_price": "100", "budget": "1e999999"},
    )
    assert response.status_code == 200
    assert "The budget must be less than £1,000,000,000,000" in response.content.decode()
    assert not PricedOutcome.objects.exists()


def test_an_invoice_of_1e30_through_the_api_is_refused_before_the_action(client, signed):
    day = signed.contract.start_date + timedelta(days=20)
    with on(day):
        # made on the day it is used: tokens expire (90 days by default)
        _, secret = create_api_token(user=signed.officer, name="finance system")
        response = client.post(
            f"/api/buyer/contracts/{signed.contract.pk}/invoices",
            data=json.dumps({"reference": "INV-1", "received_on": str(day), "amount": "1e30"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
    assert response.status_code == 422, response.content
    assert response.json()["message"] == (
        "The request is not valid: payload.amount: Decimal input should have no more than 14 "
        "digits in total"
    )
    assert not Invoice.objects.exists()


def test_a_csv_amount_of_1e999999_is_a_listed_problem(signed):
    from levelfield.contracts.actions.payments_import import import_invoices

    from .payments_data import HEADER, csv_upload

    day = signed.contract.start_date + timedelta(days=20)
    ref = signed.contract.reference
    with on(day), pytest.raises(DomainError) as caught:
        import_invoices(
            buyer=signed.buyer,
            by=signed.officer,
            upload=csv_upload([HEADER, f"{ref},A1,{day.isoformat()},1e999999,valid,,"]),
        )
    assert caught.value.details == ["Line 2: The amount must be less than £1,000,000,000,000"]
    assert Decimal("0") == sum(i.amount for i in Invoice.objects.all())
