"""A tender's dates fall between 1 January 2000 and 31 December 2099, on the pages and in the API,
with a message naming the date. A draft dated year 1 was once accepted by the API and its page
then failed to show the date in UK time; a date already stored out of range still shows."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.core import clock
from levelfield.core.templatetags.govuk import uk_date, uk_time
from levelfield.tenders.models import Tender
from tests.support import testing

from .test_buyer_pages import IN_BST, tender_form

pytestmark = pytest.mark.django_db

RANGE = "between 1 January 2000 and 31 December 2099"


@pytest.fixture
def buyer_api(officer):
    _, secret = create_api_token(user=officer, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def draft(**dates) -> dict:
    return {"title": "Home care services", "description": "Care at home.", **dates}


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("submission_deadline", "0001-01-01T00:00:00Z", "submission deadline"),
        ("submission_deadline", "0001-01-01T00:00:00+05:00", "submission deadline"),
        ("clarification_deadline", "9999-12-31T23:00:00-05:00", "clarification deadline"),
        ("submission_deadline", "2100-01-01T00:00:00Z", "submission deadline"),
        ("expected_award_date", "0001-01-01", "expected award date"),
        ("contract_start", "1999-12-31", "contract start date"),
        ("contract_end", "9999-12-31", "contract end date"),
    ],
)
def test_the_api_refuses_a_date_out_of_range_on_create_and_change(
    client, buyer_api, field, value, label
):
    client.raise_request_exception = False
    response = client.post(
        "/api/buyer/tenders", draft(**{field: value}), content_type="application/json", **buyer_api
    )
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["code"] == "validation_error"
    assert f"The {label} must be {RANGE}" in error["message"]
    assert not Tender.objects.exists()

    created = client.post(
        "/api/buyer/tenders", draft(), content_type="application/json", **buyer_api
    )
    assert created.status_code == 201, created.content
    tender_id = created.json()["id"]
    response = client.patch(
        f"/api/buyer/tenders/{tender_id}",
        {field: value},
        content_type="application/json",
        **buyer_api,
    )
    assert response.status_code == 400, response.content
    assert f"The {label} must be {RANGE}" in response.json()["message"]
    assert getattr(Tender.objects.get(pk=tender_id), field) is None


def test_the_first_and_last_days_of_the_range_are_taken(client, buyer_api):
    response = client.post(
        "/api/buyer/tenders",
        draft(
            clarification_deadline="2000-01-01T00:00:00Z",
            submission_deadline="2099-12-31T23:59:00Z",
            contract_start="2000-01-01",
            contract_end="2099-12-31",
        ),
        content_type="application/json",
        **buyer_api,
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("prefix", "field", "label"),
    [
        ("submission_date", "submission_date", "submission deadline"),
        ("contract_end", "contract_end", "contract end date"),
    ],
)
@pytest.mark.parametrize("year", ["0001", "9999", "1999"])
def test_the_page_refuses_a_date_out_of_range_beside_the_field(
    client, officer, prefix, field, label, year
):
    client.force_login(officer)
    with clock.frozen_at(IN_BST):
        response = client.post(reverse("tenders:create"), tender_form(**{f"{prefix}_year": year}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [f"The {label} must be {RANGE}"]
    assert f"The {label} must be {RANGE}" in response.content.decode()
    assert not Tender.objects.exists()


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(1, 1, 1, tzinfo=UTC), "00:00 UTC on 1 January 1"),
        (datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "11:59pm GMT on 31 December 9999"),
        (datetime.max.replace(tzinfo=UTC), "11:59pm GMT on 31 December 9999"),
    ],
)
def test_a_date_already_stored_out_of_range_still_shows(client, buyer, officer, moment, shown):
    tender = testing.draft_tender(buyer=buyer, by=officer)
    Tender.objects.filter(pk=tender.pk).update(
        clarification_deadline=None, submission_deadline=moment
    )
    client.force_login(officer)
    for name in ("detail", "edit"):
        response = client.get(reverse(f"tenders:{name}", args=[tender.pk]))
        assert response.status_code == 200, name
    page = client.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
    assert shown in page


def test_uk_time_and_uk_date_show_moments_at_the_ends_of_the_calendar():
    assert uk_time(datetime(1, 1, 1, tzinfo=UTC)) == "00:00 UTC on 1 January 1"
    assert uk_time(datetime.max.replace(tzinfo=UTC)) == "11:59pm GMT on 31 December 9999"
    # In summer UK time is an hour ahead: the last hour of 9999 there would be in year 10000.
    summer = datetime(9999, 7, 1, tzinfo=UTC)
    assert uk_time(summer) == "1:00am BST on 1 July 9999"
    assert uk_date(datetime(1, 1, 1, tzinfo=UTC)) == "1 January 1"
    # Inside the calendar, UK time as ever: 1 May 2026 is in British Summer Time.
    assert uk_time(datetime(2026, 5, 1, 11, 30, tzinfo=UTC)) == "12:30pm BST on 1 May 2026"
    assert uk_date(date(9999, 12, 31)) == "31 December 9999"
