"""A contract's dates keep to the range of a tender's (tenders/dates.py), on the page and in the
API: a contract starting in year 9999 was once recorded and then failed to sign."""

import pytest

from levelfield.accounts.actions import create_api_token
from levelfield.contracts.models import Contract
from levelfield.core import clock

from .test_pages import awarded, in_standstill, scored, signed_in, url  # noqa: F401

pytestmark = pytest.mark.django_db

RANGE = "between 1 January 2000 and 31 December 2099"


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("9999-01-01", "9999-12-31", f"The contract start date must be {RANGE}"),
        ("0001-01-01", "0001-12-31", f"The contract start date must be {RANGE}"),
        ("2026-01-01", "9999-12-31", f"The contract end date must be {RANGE}"),
    ],
)
def test_a_contract_dated_out_of_range_is_refused(
    client, in_standstill, officer, start, end, message  # noqa: F811
):
    tender = in_standstill.tender
    lot = tender.lots.get()
    _, secret = create_api_token(user=officer, name="tests")
    with clock.frozen_at(tender.standstill_ends_at):
        response = client.post(
            f"/api/buyer/tenders/{tender.pk}/lots/{lot.pk}/contract",
            {"value": "100000", "start_date": start, "end_date": end},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
        assert response.status_code == 400, response.content
        assert response.json()["message"] == message
        signed_in(client, officer)
        day = "{2}/{1}/{0}".format
        response = client.post(
            url("record", tender, lot.pk),
            {"value": "100000", "start_date": day(*start.split("-")),
             "end_date": day(*end.split("-"))},
        )
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Contract.objects.exists()


@pytest.mark.parametrize("end", ["9999-12-31T23:00:00-05:00", "2100-01-01T00:00:00Z"])
def test_a_standstill_ending_out_of_range_is_refused(client, awarded, officer, end):  # noqa: F811
    tender = awarded.tender
    _, secret = create_api_token(user=officer, name="tests")
    response = client.post(
        f"/api/buyer/tenders/{tender.pk}/award-notice",
        {"standstill_ends_at": end},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 400, response.content
    assert response.json()["message"] == f"The end of the standstill period must be {RANGE}"
    tender.refresh_from_db()
    assert tender.standstill_ends_at is None
