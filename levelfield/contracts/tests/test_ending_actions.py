"""Ending a contract: termination with its assessment and UK11, expiry by the daily job,
completion with the final value; who may do each."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from jsonschema.validators import Draft4Validator

from levelfield.accounts.models import Role
from levelfield.contracts.actions import ending, records_lifecycle
from levelfield.contracts.models import ContractNotice, PerformanceAssessment, Reminder
from levelfield.core import clock
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.models import AuditEvent, OutboundEmail
from levelfield.opendata.tests import schema
from tests.support import testing

pytestmark = pytest.mark.django_db

GOOD = ending.AssessmentAtTermination("requires_improvement", "Visits were often late")


@pytest.fixture(scope="module")
def release_errors():
    validator = Draft4Validator(
        schema.patched_release_schema(), format_checker=Draft4Validator.FORMAT_CHECKER
    )

    def errors(release):
        return [
            f"/{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(release)
        ]

    return errors


@pytest.fixture
def signed():
    return testing.signed_contract(value="100000", years=1)


def at(day, hour=10):
    return clock.frozen_at(datetime.combine(day, time(hour, 0), tzinfo=clock.UK))


def live(signed):
    with at(signed.contract.start_date):
        records_lifecycle.go_live(contract=signed.contract, by=signed.officer)
    signed.contract.refresh_from_db()
    return signed.contract


def terminate(signed, *, by=None, on=None, assessment=GOOD, classification="breach"):
    return ending.terminate(
        contract=signed.contract,
        by=by or signed.buyer_admin,
        reason="Repeated missed visits after two warnings",
        classification=classification,
        terminated_on=on or clock.today_uk(),
        assessment=assessment,
    )


def test_termination_publishes_uk11_and_the_assessment_at_termination(signed, release_errors):
    contract = live(signed)
    day = contract.start_date + timedelta(days=40)
    with at(day):
        terminate(signed)
    contract.refresh_from_db()
    assert contract.status == "terminated"
    assert contract.termination_classification == "breach"
    assert contract.final_end_date == day
    assessment = PerformanceAssessment.objects.get(contract=contract)
    assert assessment.at_termination
    assert (assessment.period_start, assessment.period_end) == (contract.start_date, day)
    assert assessment.rating == "requires_improvement"
    uk9 = ContractNotice.objects.get(contract=contract, notice_type="UK9")
    uk11 = ContractNotice.objects.get(contract=contract, notice_type="UK11")
    assert release_errors(uk9.data) == []
    release = uk11.data
    assert release_errors(release) == []
    assert release["tag"] == ["contractTermination"]
    (section,) = release["contracts"]
    assert section["status"] == "terminated"
    (document,) = [d for d in section["documents"] if d.get("noticeType") == "UK11"]
    assert document["documentType"] == "contractTerminationNotice"
    assert section["terminationRationaleClassifications"][0]["id"] == "breach"
    assert section["implementation"]["endDate"].startswith(day.isoformat())
    email = OutboundEmail.objects.filter(subject__endswith="contract terminated").get()
    assert signed.supplier_user.email in email.to
    assert "Repeated missed visits" in email.body


def after_signing(signed):
    return clock.frozen_at(signed.contract.signed_at + timedelta(days=1))


def test_termination_needs_the_assessment_a_reason_and_a_date_not_ahead(signed):
    contract = signed.contract
    with after_signing(signed):
        refused_terminations(signed)
    contract.refresh_from_db()
    assert contract.status == "signed"
    assert not ContractNotice.objects.filter(notice_type__in=["UK9", "UK11"]).exists()


def refused_terminations(signed):
    with pytest.raises(DomainError, match="s.71 requires an assessment"):
        terminate(signed, assessment=None)
    with pytest.raises(DomainError, match="s.71 requires an assessment"):
        terminate(signed, assessment=ending.AssessmentAtTermination("good", "  "))
    with pytest.raises(DomainError, match="after today"):
        terminate(signed, on=clock.today_uk() + timedelta(days=1))
    with pytest.raises(DomainError, match="kind of reason"):
        terminate(signed, classification="boredom")
    with pytest.raises(DomainError, match="before it was signed"):
        terminate(signed, on=clock.today_uk() - timedelta(days=2))


def test_only_buyer_admins_terminate(signed):
    other = testing.member(testing.buyer_org("Other Council"), Role.BUYER_ADMIN)
    with after_signing(signed):
        for person in (signed.officer, other, signed.supplier_user, AnonymousUser()):
            with pytest.raises(PermissionDenied):
                terminate(signed, by=person)
        terminate(signed)
        with pytest.raises(InvalidTransition, match="cannot be terminated"):
            terminate(signed)


def test_expiry_by_the_daily_job_once(signed):
    contract = live(signed)
    end = contract.end_date
    with at(end):
        assert ending.expire_ended(today=end) == 0
    day_after = end + timedelta(days=1)
    with at(day_after, hour=6):
        assert ending.expire_ended(today=day_after) == 1
        assert ending.expire_ended(today=day_after) == 0
    contract.refresh_from_db()
    assert contract.status == "expired" and contract.expired_at is not None
    event = AuditEvent.objects.get(action="contract.expired", object_id=str(contract.pk))
    assert event.actor is None
    assert Reminder.objects.filter(kind="contract_expired", key=str(contract.pk)).count() == 1
    email = OutboundEmail.objects.get(subject__endswith="contract expired, complete it")
    assert "assessment of the supplier's performance up to its end" in email.body
    assert "due with completion" in email.body


def test_a_signed_contract_not_live_does_not_expire(signed):
    day_after = signed.contract.end_date + timedelta(days=1)
    with at(day_after):
        assert ending.expire_ended(today=day_after) == 0
    signed.contract.refresh_from_db()
    assert signed.contract.status == "signed"


def test_completion_of_an_expired_contract_publishes_its_final_value(signed, release_errors):
    contract = live(signed)
    day_after = contract.end_date + timedelta(days=1)
    with at(day_after):
        ending.expire_ended(today=day_after)
        ending.complete(
            contract=contract,
            by=signed.officer,
            final_value=Decimal("98500.00"),
            final_end_date=contract.end_date,
            assessment=GOOD,
        )
    contract.refresh_from_db()
    assert contract.status == "completed" and contract.final_value == Decimal("98500.00")
    release = ContractNotice.objects.get(contract=contract, notice_type="UK11").data
    assert release_errors(release) == []
    assert release["tag"] == ["contractTermination"]
    implementation = release["contracts"][0]["implementation"]
    assert implementation["finalValue"] == {"amount": 98500.0, "currency": "GBP"}
    assert "£98,500.00 paid in all" in implementation["finalValueDetails"]
    assert implementation["endDate"].startswith(contract.end_date.isoformat())
    assert release["contracts"][0]["terminationRationaleClassifications"][0]["id"] == "completed"


def test_completion_rules_and_permissions(signed):
    contract = signed.contract
    with pytest.raises(InvalidTransition, match="once live or expired"):
        ending.complete(
            contract=contract, by=signed.officer, final_value="1", final_end_date=clock.today_uk()
        )
    live(signed)
    with at(contract.start_date + timedelta(days=10)):
        with pytest.raises(DomainError, match="final value"):
            ending.complete(
                contract=contract,
                by=signed.officer,
                final_value="0",
                final_end_date=contract.start_date,
            )
        with pytest.raises(DomainError, match="after today"):
            ending.complete(
                contract=contract,
                by=signed.officer,
                final_value="10",
                final_end_date=contract.start_date + timedelta(days=11),
            )
        for person in (signed.supplier_user, AnonymousUser()):
            with pytest.raises(PermissionDenied):
                ending.complete(
                    contract=contract,
                    by=person,
                    final_value="10",
                    final_end_date=contract.start_date,
                    assessment=GOOD,
                )
        ending.complete(
            contract=contract,
            by=signed.officer,
            final_value="10",
            final_end_date=contract.start_date,
            assessment=GOOD,
        )
    contract.refresh_from_db()
    assert contract.status == "completed"


def test_termination_publishes_the_reason_in_the_buyers_words(signed, release_errors):
    contract = live(signed)
    with at(contract.start_date + timedelta(days=40)):
        terminate(signed)
    release = ContractNotice.objects.get(contract=contract, notice_type="UK11").data
    assert release_errors(release) == []
    (section,) = release["contracts"]
    (item,) = section["terminationRationaleClassifications"]
    assert item["id"] == "breach"
    assert item["description"] == (
        "The supplier breached the contract or did not perform it well enough: "
        "Repeated missed visits after two warnings"
    )
    assert section["terminationRationaleClassification"] == item


def complete_on(contract, by, *, end, assessment=None):
    return ending.complete(
        contract=contract,
        by=by,
        final_value=Decimal("99000.00"),
        final_end_date=end,
        assessment=assessment,
    )


def test_completion_needs_the_assessment_at_the_end_s71(signed, release_errors):
    contract = live(signed)
    end = contract.start_date + timedelta(days=200)
    with at(end + timedelta(days=1)):
        with pytest.raises(DomainError, match="s.71 requires an assessment when a contract ends"):
            complete_on(contract, signed.officer, end=end)
        with pytest.raises(DomainError, match="s.71 requires an assessment"):
            complete_on(
                contract,
                signed.officer,
                end=end,
                assessment=ending.AssessmentAtTermination("good", "  "),
            )
        contract.refresh_from_db()
        assert contract.status == "live"
        assert (
            not ContractNotice.objects.filter(contract=contract).exclude(notice_type="UK7").exists()
        )
        complete_on(contract, signed.officer, end=end, assessment=GOOD)
    contract.refresh_from_db()
    assert contract.status == "completed"
    assessment = PerformanceAssessment.objects.get(contract=contract)
    assert assessment.at_termination
    assert (assessment.period_start, assessment.period_end) == (contract.start_date, end)
    assert assessment.rating == "requires_improvement"
    uk9 = ContractNotice.objects.get(contract=contract, notice_type="UK9")
    assert release_errors(uk9.data) == []
    assert ContractNotice.objects.filter(contract=contract, notice_type="UK11").count() == 1
    email = OutboundEmail.objects.get(subject__endswith="contract completed")
    assert "with the assessment of your performance up to its end" in email.body


def test_completion_after_an_assessment_up_to_the_end_needs_no_other(signed):
    from levelfield.contracts.actions.performance import record_assessment

    contract = live(signed)
    end = contract.start_date + timedelta(days=200)
    with at(end + timedelta(days=1)):
        record_assessment(
            contract=contract,
            by=signed.officer,
            period_start=contract.start_date,
            period_end=end,
            rating="good",
            narrative="On time throughout",
        )
        with pytest.raises(DomainError, match="already assessed up to"):
            complete_on(contract, signed.officer, end=end, assessment=GOOD)
        complete_on(contract, signed.officer, end=end)
    contract.refresh_from_db()
    assert contract.status == "completed"
    assert PerformanceAssessment.objects.filter(contract=contract).count() == 1


def test_completion_assesses_from_the_day_after_the_last_assessment(signed):
    from levelfield.contracts.actions.performance import record_assessment

    contract = live(signed)
    assessed = contract.start_date + timedelta(days=99)
    end = contract.start_date + timedelta(days=200)
    with at(end + timedelta(days=1)):
        record_assessment(
            contract=contract,
            by=signed.officer,
            period_start=contract.start_date,
            period_end=assessed,
            rating="good",
            narrative="On time",
        )
        with pytest.raises(DomainError, match="none covers the period up to"):
            complete_on(contract, signed.officer, end=end)
        complete_on(contract, signed.officer, end=end, assessment=GOOD)
    last = PerformanceAssessment.objects.get(contract=contract, at_termination=True)
    assert (last.period_start, last.period_end) == (assessed + timedelta(days=1), end)


def test_the_final_value_is_read_by_the_apps_one_money_rule(signed):
    contract = live(signed)
    end = contract.start_date + timedelta(days=20)
    with at(end + timedelta(days=1)):
        with pytest.raises(DomainError, match="The final value paid must be more than £0"):
            ending.complete(
                contract=contract,
                by=signed.officer,
                final_value="-1",
                final_end_date=end,
                assessment=GOOD,
            )
        ending.complete(
            contract=contract,
            by=signed.officer,
            final_value="£98,500.50",
            final_end_date=end,
            assessment=GOOD,
        )
    contract.refresh_from_db()
    assert contract.final_value == Decimal("98500.50")
