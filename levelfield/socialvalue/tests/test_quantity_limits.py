"""How many a supplier commits to or reports has one rule, whichever way it comes in (the
commitment form and its live value, the report form, the API): a number more than 0 (0 allowed
for a report), less than 10,000,000,000 and with at most 2 decimal places, the most the columns
hold. A bigger number once reached the value sum or the database and gave a server error."""

from decimal import Decimal

import pytest

from levelfield.accounts.actions import create_api_token
from levelfield.core import clock
from levelfield.socialvalue.models import Commitment, DeliveryReport, Obligation

from .test_bid import commitments_url, draft_bid, form_data, sv_tender  # noqa: F401
from .test_contract import at, contract, report_url  # noqa: F401

pytestmark = pytest.mark.django_db

TOO_BIG = "Enter how many as a number less than 10,000,000,000"
DELIVERED_TOO_BIG = "Enter the number delivered as a number less than 10,000,000,000"
PLACES = "with at most 2 decimal places"


def live_value(client, bid, quantity: str):
    """What htmx asks as the supplier types how many."""
    return client.post(
        commitments_url(bid, "commitment_value"),
        form_data(bid, quantity=quantity),
        HTTP_HX_REQUEST="true",
    )


def api_auth(user) -> dict:
    _, secret = create_api_token(user=user, name="api")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.parametrize(
    ("typed", "message"),
    [("1e40", TOO_BIG), ("10000000000", TOO_BIG), ("1e-40", PLACES), ("6.125", PLACES)],
)
def test_the_live_value_says_what_is_wrong_with_how_many(
    client, draft_bid, supplier, typed, message  # noqa: F811
):
    client.force_login(supplier[1])
    client.raise_request_exception = False
    response = live_value(client, draft_bid, typed)
    assert response.status_code == 422
    fragment = response.content.decode()
    assert message in fragment
    assert "<html" not in fragment


def test_the_live_value_of_the_largest_quantity(client, draft_bid, supplier):  # noqa: F811
    client.force_login(supplier[1])
    response = live_value(client, draft_bid, "9,999,999,999.99")
    assert response.status_code == 200
    # 9,999,999,999.99 x £2,500 = £24,999,999,999,975
    assert "£24,999,999,999,975" in response.content.decode()
    # Empty while typing is no error: the hint to enter how many.
    response = live_value(client, draft_bid, "")
    assert response.status_code == 200
    assert "enter how many to see its value" in response.content.decode()


@pytest.mark.parametrize(("typed", "message"), [("1e40", TOO_BIG), ("6.125", PLACES)])
def test_the_commitment_form_refuses_a_quantity_that_does_not_fit(
    client, draft_bid, supplier, typed, message  # noqa: F811
):
    client.force_login(supplier[1])
    response = client.post(commitments_url(draft_bid), form_data(draft_bid, quantity=typed))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Commitment.objects.exists()
    response = client.post(
        commitments_url(draft_bid), form_data(draft_bid, quantity="9999999999.99")
    )
    assert response.status_code == 302
    assert Commitment.objects.get().quantity == Decimal("9999999999.99")


@pytest.mark.parametrize(
    ("quantity", "message"), [(1e40, TOO_BIG), ("1e40", TOO_BIG), ("6.125", PLACES)]
)
def test_the_api_refuses_a_commitment_quantity_that_does_not_fit(
    client, draft_bid, supplier, quantity, message  # noqa: F811
):
    question = draft_bid.lot.questions.get(kind="social_value")
    fields = {
        "question_id": question.pk,
        "metric_code": "G1-M2",
        "description": "apprenticeships",
        "contract_year": 1,
        "location": "Shaston",
        "beneficiaries": "young people",
    }
    url = f"/api/social-value/supplier/bids/{draft_bid.pk}/commitments"
    auth = api_auth(supplier[1])
    response = client.post(
        url, {**fields, "quantity": quantity}, content_type="application/json", **auth
    )
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    assert message in response.json()["message"]
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    ("quantity", "message"), [("1e40", DELIVERED_TOO_BIG), ("2.555", PLACES)]
)
def test_a_report_of_more_than_fits_is_refused_on_the_page_and_the_api(
    client, contract, supplier, quantity, message  # noqa: F811
):
    org, user = supplier
    obligation = Obligation.objects.filter(contract=contract).first()
    period = contract.social_value_periods.get(number=1)
    with clock.frozen_at(at(period.starts_on)):
        client.force_login(user)
        response = client.post(
            report_url(contract, obligation),
            {"period": period.pk, "quantity": quantity, "narrative": "Too many."},
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        response = client.post(
            f"/api/social-value/supplier/contracts/{contract.pk}/obligations/1/reports",
            {"period": 1, "quantity": quantity, "narrative": "Too many."},
            **api_auth(user),
        )
        assert response.status_code == 422, response.content
        assert message in response.json()["message"]
        assert not DeliveryReport.objects.exists()
