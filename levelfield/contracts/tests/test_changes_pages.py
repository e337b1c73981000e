"""The changes pages: record a change with its s.75 answer shown before confirming, use an
option, make a change after its standstill, terminate and complete; who may see them."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from levelfield.accounts.models import Role
from levelfield.contracts.actions import changes, records, records_lifecycle
from levelfield.contracts.models import ContractChange, ContractNotice, PerformanceAssessment
from levelfield.core import clock
from tests.support import testing

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def signed():
    return testing.signed_contract(value="100000", years=3)


def url(contract, tail=""):
    return f"/buyer/contracts/{contract.pk}/{tail}"


def as_(client, user):
    client.force_login(user, backend=BACKEND)
    return client


def test_record_a_change_shows_the_s75_answer_before_confirming(client, signed):
    contract = signed.contract
    as_(client, signed.officer)
    page = client.get(url(contract, "changes/record/"))
    assert page.status_code == 200
    assert "Record a change" in page.content.decode()
    assert 'data-module="govuk-button">Continue</button>' in page.content.decode()
    form = {
        "description": "Two more care workers",
        "value_after": "£112,500",
        "end_date_after": contract.end_date.strftime("%d/%m/%Y"),
    }
    preview = client.post(url(contract, "changes/record/"), form)
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "A contract change notice (UK10) is required" in text
    assert "12.50% of the original value (limit 10%)" in text
    assert "voluntary standstill of 8 working days" in text
    assert not ContractChange.objects.exists()
    done = client.post(url(contract, "changes/record/"), {**form, "confirm": "1"}, follow=True)
    assert "Change 1 made and its contract change notice published" in done.content.decode()
    change = ContractChange.objects.get()
    assert change.value_after == Decimal("112500") and change.notice_required
    assert ContractNotice.objects.filter(notice_type="UK10", key="1").exists()
    listing = client.get(url(contract, "changes/")).content.decode()
    assert "Notice required" in listing and "12.50%" in listing


def test_going_back_keeps_what_was_typed(client, signed):
    contract = signed.contract
    as_(client, signed.officer)
    form = {
        "description": "Fewer visits",
        "value_after": "95000",
        "end_date_after": contract.end_date.strftime("%d/%m/%Y"),
        "edit": "1",
    }
    page = client.post(url(contract, "changes/record/"), form)
    assert page.status_code == 200
    assert 'value="95000"' in page.content.decode()
    assert not ContractChange.objects.exists()


def test_a_refused_change_shows_the_reason(client, signed):
    contract = signed.contract
    as_(client, signed.officer)
    page = client.post(
        url(contract, "changes/record/"),
        {"description": "x", "value_after": "100000", "end_date_after": "1/1/2001"},
    )
    assert "The end date cannot be before the contract&#x27;s start" in page.content.decode()


def test_use_an_option_with_a_voluntary_standstill_and_make_it(client, signed):
    contract = signed.contract
    option = records.add_option(
        contract=contract,
        by=signed.officer,
        description="A fourth year",
        months=12,
        value=Decimal("33000"),
    )
    as_(client, signed.officer)
    day = date(clock.today_uk().year + 1, 7, 1)
    while day.weekday() != 3:
        day += timedelta(days=1)
    published = datetime.combine(day, time(10, 0), tzinfo=clock.UK)
    with clock.frozen_at(published):
        preview = client.post(url(contract, f"options/{option.pk}/use/"), {"description": "Use it"})
        assert "33.00% of the original value" in preview.content.decode()
        client.post(
            url(contract, f"options/{option.pk}/use/"),
            {"description": "Use it", "confirm": "1", "voluntary_standstill": "on"},
        )
    change = ContractChange.objects.get()
    assert change.status == "in_standstill" and change.option == option
    with clock.frozen_at(published + timedelta(days=1)):
        early = client.post(url(contract, "changes/1/make/"), follow=True)
        assert "The voluntary standstill ends" in early.content.decode()
    with clock.frozen_at(change.standstill_ends_at + timedelta(hours=8)):
        listing = client.get(url(contract, "changes/")).content.decode()
        assert "Make the change" in listing
        made = client.post(url(contract, "changes/1/make/"), follow=True)
        assert "Change 1 made" in made.content.decode()
    contract.refresh_from_db()
    assert contract.value == Decimal("133000")


def test_terminate_page_with_the_assessment(client, signed):
    contract = signed.contract
    as_(client, signed.buyer_admin)
    with clock.frozen_at(contract.signed_at + timedelta(days=2)):
        page = client.get(url(contract, "terminate/"))
        assert "Approaching target" in page.content.decode()
        done = client.post(
            url(contract, "terminate/"),
            {
                "classification": "agreement",
                "reason": "The service moves in-house",
                "terminated_on": clock.today_uk().strftime("%d/%m/%Y"),
                "rating": "good",
                "narrative": "Reliable throughout",
            },
            follow=True,
        )
    assert "Contract terminated" in done.content.decode()
    contract.refresh_from_db()
    assert contract.status == "terminated"
    assert ContractNotice.objects.filter(notice_type="UK11").count() == 1
    assert ContractNotice.objects.filter(notice_type="UK9").count() == 1


def test_terminate_page_refuses_without_the_assessment(client, signed):
    contract = signed.contract
    as_(client, signed.buyer_admin)
    page = client.post(
        url(contract, "terminate/"),
        {"classification": "agreement", "reason": "In-house", "terminated_on": "1/1/2027"},
    )
    assert "Choose a rating for the supplier" in page.content.decode()
    contract.refresh_from_db()
    assert contract.status == "signed"


def test_complete_page(client, signed):
    contract = signed.contract
    with clock.frozen_at(datetime.combine(contract.start_date, time(10), tzinfo=clock.UK)):
        records_lifecycle.go_live(contract=contract, by=signed.officer)
    as_(client, signed.officer)
    with clock.frozen_at(
        datetime.combine(contract.start_date, time(10), tzinfo=clock.UK) + timedelta(days=30)
    ):
        form = client.get(url(contract, "complete/")).content.decode()
        assert "The supplier&#x27;s performance up to the end" in form
        assert "No assessment has been recorded yet" in form
        body = {
            "final_value": "12,000",
            "final_end_date": (contract.start_date + timedelta(days=29)).strftime("%d/%m/%Y"),
        }
        refused = client.post(url(contract, "complete/"), body).content.decode()
        assert "s.71 requires an assessment when a contract ends" in refused
        contract.refresh_from_db()
        assert contract.status == "live"
        done = client.post(
            url(contract, "complete/"),
            {**body, "rating": "good", "narrative": "Reliable throughout"},
            follow=True,
        )
    assert "Contract completed" in done.content.decode()
    contract.refresh_from_db()
    assert contract.status == "completed" and contract.final_value == Decimal("12000")
    assessment = PerformanceAssessment.objects.get(contract=contract)
    assert assessment.at_termination and assessment.rating == "good"
    assert assessment.period_end == contract.start_date + timedelta(days=29)
    assert ContractNotice.objects.filter(contract=contract, notice_type="UK9").count() == 1


def test_the_contract_page_card(client, signed):
    contract = signed.contract
    changes.record_change(
        contract=contract,
        by=signed.officer,
        kind="modification",
        description="More",
        value_after=Decimal("120000"),
        end_date_after=contract.end_date,
    )
    as_(client, signed.officer)
    page = client.get(url(contract)).content.decode()
    assert "Changes and the end of the contract" in page
    assert "1, 1 with a contract change notice" in page


def test_who_may_see_and_use_the_pages(client, signed):
    contract = signed.contract
    evaluator = testing.member(signed.buyer, Role.EVALUATOR)
    as_(client, evaluator)
    assert client.get(url(contract, "changes/")).status_code == 200
    assert client.get(url(contract, "changes/record/")).status_code == 403
    as_(client, signed.officer)
    assert client.get(url(contract, "terminate/")).status_code == 403
    assert "Terminate the contract" not in client.get(url(contract, "changes/")).content.decode()
    as_(client, testing.member(testing.buyer_org("Other Council"), Role.BUYER_ADMIN))
    assert client.get(url(contract, "changes/")).status_code == 404
    assert client.get(url(contract, "terminate/")).status_code == 404
    as_(client, signed.supplier_user)
    assert client.get(url(contract, "changes/")).status_code == 404
    client.logout()
    assert client.get(url(contract, "changes/")).status_code == 302


def test_an_ended_contract_says_why_no_change_can_be_recorded(client, signed):
    from levelfield.contracts.actions import ending

    contract = signed.contract
    with clock.frozen_at(contract.signed_at + timedelta(days=1)):
        ending.terminate(
            contract=contract,
            by=signed.buyer_admin,
            reason="Ended",
            classification="other",
            terminated_on=clock.today_uk(),
            assessment=ending.AssessmentAtTermination("other", "Too early to say"),
        )
    as_(client, signed.officer)
    page = client.get(url(contract, "changes/record/"), follow=True)
    assert page.redirect_chain[-1][0] == url(contract, "changes/")
    assert "Changes can be recorded only while the contract is in force" in page.content.decode()
    listing = client.get(url(contract, "changes/")).content.decode()
    assert "Record a change" not in listing and "No changes have been recorded" in listing


def test_the_changes_list_queries_do_not_grow_with_changes(client, signed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    contract = signed.contract
    as_(client, signed.officer)

    def record(value):
        contract.refresh_from_db()
        changes.record_change(
            contract=contract,
            by=signed.officer,
            kind="modification",
            description="More",
            value_after=Decimal(value),
            end_date_after=contract.end_date,
        )

    record("101000")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url(contract, "changes/")).status_code == 200
    for value in ("102000", "103000", "104000", "130000"):
        record(value)
    with CaptureQueriesContext(connection) as five:
        page = client.get(url(contract, "changes/"))
    assert page.content.decode().count("No notice needed") == 4
    assert len(five) == len(one)
