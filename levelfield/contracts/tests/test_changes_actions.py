"""Recording contract changes: the s.75 answer kept, UK10 published only when required, the
voluntary standstill, options to extend, permissions."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from jsonschema.validators import Draft4Validator

from levelfield.accounts.models import Role
from levelfield.contracts.actions import changes, records
from levelfield.contracts.models import ContractChange, ContractNotice
from levelfield.core import clock
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.models import AuditEvent
from levelfield.opendata.tests import schema
from tests.support import testing

pytestmark = pytest.mark.django_db


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
    return testing.signed_contract(value="100000", years=3)


def modify(signed, value_after, end_date_after=None, *, by=None, standstill=False):
    contract = signed.contract
    contract.refresh_from_db()
    return changes.record_change(
        contract=contract,
        by=by or signed.officer,
        kind="modification",
        description="More home visits in the winter",
        value_after=Decimal(value_after),
        end_date_after=end_date_after or contract.end_date,
        voluntary_standstill=standstill,
    )


def test_a_change_within_ten_percent_is_made_at_once_with_no_notice(signed):
    change = modify(signed, "110000")
    signed.contract.refresh_from_db()
    assert change.status == "made" and change.made_at is not None
    assert change.notice_required is False
    assert change.value_change_percent == Decimal("10.00")
    assert change.value_limit_percent == Decimal("10")
    assert change.assessment.startswith("No contract change notice is required")
    assert signed.contract.value == Decimal("110000")
    assert not ContractNotice.objects.filter(notice_type="UK10").exists()
    assert (
        AuditEvent.objects.filter(
            action="contract.change_made", object_id=str(signed.contract.pk)
        ).count()
        == 1
    )


def test_a_change_over_ten_percent_publishes_uk10_valid_against_the_schema(signed, release_errors):
    change = modify(signed, "110010")
    assert change.notice_required and change.status == "made"
    notice = ContractNotice.objects.get(notice_type="UK10", contract=signed.contract)
    assert notice.key == "1"
    release = notice.data
    assert release["tag"] == ["contractAmendment"]
    assert release_errors(release) == []
    (section,) = release["contracts"]
    (document,) = [d for d in section["documents"] if d.get("noticeType") == "UK10"]
    assert document["documentType"] == "contractNotice"
    (amendment,) = section["amendments"]
    assert amendment["id"] == "amendment-1"
    assert amendment["value"] == {"amount": 110010.0, "currency": "GBP"}
    assert amendment["standstill"] is False
    assert amendment["rationale"] == "More home visits in the winter"
    # Published before the change: the contract as it stood.
    assert section["value"] == {"amount": 100000.0, "currency": "GBP"}
    signed.contract.refresh_from_db()
    assert signed.contract.value == Decimal("110010")


def test_changes_aggregate_six_then_five_percent(signed):
    first = modify(signed, "106000")
    second = modify(signed, "111000")
    assert (first.notice_required, second.notice_required) == (False, True)
    assert second.value_change_percent == Decimal("11.00")
    assert second.number == 2
    assert ContractNotice.objects.filter(notice_type="UK10").values_list("key", flat=True)[::1] == [
        "2"
    ]


def test_a_decrease_counts(signed):
    change = modify(signed, "89000")
    assert change.notice_required
    assert change.value_before == Decimal("100000") and change.value_after == Decimal("89000")
    assert change.value_change_percent == Decimal("11.00")


def test_term_over_ten_percent_needs_a_notice(signed):
    contract = signed.contract
    term_days = (contract.original_end_date - contract.start_date).days + 1
    tenth = term_days // 10  # whole days within 10% of the term
    within = modify(signed, "100000", contract.end_date + timedelta(days=tenth))
    assert not within.notice_required
    over = modify(signed, "100000", contract.end_date + timedelta(days=tenth + 1))
    assert over.notice_required
    assert over.term_change_percent > Decimal("10")


def test_an_extension_option_is_a_change_counted_once(signed, release_errors):
    contract = signed.contract
    option = records.add_option(
        contract=contract,
        by=signed.officer,
        description="One more year",
        months=12,
        value=Decimal("30000"),
    )
    end = contract.end_date
    change = changes.record_change(
        contract=contract,
        by=signed.officer,
        kind="extension",
        description="Using the option to extend by a year",
        option=option,
    )
    contract.refresh_from_db()
    assert change.kind == "extension" and change.option == option
    assert contract.value == Decimal("130000")
    assert contract.end_date == end.replace(year=end.year + 1)
    # 30% of value and a year on a three-year term: a notice.
    assert change.notice_required and change.value_change_percent == Decimal("30.00")
    assert release_errors(ContractNotice.objects.get(notice_type="UK10").data) == []
    with pytest.raises(DomainError, match="option can be used once only"):
        changes.record_change(
            contract=contract,
            by=signed.officer,
            kind="extension",
            description="Again",
            option=option,
        )


def test_check_answers_without_recording(signed):
    proposal = changes.check_change(
        contract=signed.contract,
        by=signed.officer,
        kind="modification",
        value_after=Decimal("120000"),
        end_date_after=signed.contract.end_date,
    )
    assert proposal.answer.notice_required
    assert proposal.answer.value_change_percent == Decimal("20.00")
    assert not ContractChange.objects.exists()


def first_thursday_of_july_next_year() -> datetime:
    day = date(clock.today_uk().year + 1, 7, 1)
    while day.weekday() != 3:
        day += timedelta(days=1)
    return datetime.combine(day, time(10, 0), tzinfo=clock.UK)


def test_voluntary_standstill_waits_eight_working_days(signed):
    published = first_thursday_of_july_next_year()
    with clock.frozen_at(published):
        change = modify(signed, "120000", standstill=True)
    assert change.status == "in_standstill" and change.made_at is None
    # Published on a Thursday in July (no bank holidays): Fri, Mon-Fri, Mon, Tue are the eight
    # working days after it; the standstill ends at midnight that Tuesday night.
    assert change.standstill_ends_at == datetime.combine(
        published.date() + timedelta(days=13), time(0, 0), tzinfo=clock.UK
    )
    assert (
        ContractNotice.objects.get(notice_type="UK10").data["contracts"][0]["amendments"][0][
            "standstill"
        ]
        is True
    )
    signed.contract.refresh_from_db()
    assert signed.contract.value == Decimal("100000")
    # No other change while this one waits.
    with (
        clock.frozen_at(published + timedelta(days=1)),
        pytest.raises(DomainError, match="standstill"),
    ):
        modify(signed, "101000")
    # The buyer cannot make it early; the daily job does nothing before the end.
    just_before = change.standstill_ends_at - timedelta(seconds=1)
    with clock.frozen_at(just_before):
        with pytest.raises(InvalidTransition, match="voluntary standstill ends"):
            changes.make_change(change=change, by=signed.officer)
        assert changes.make_changes_after_standstill(now=just_before) == 0
    with clock.frozen_at(change.standstill_ends_at):
        assert changes.make_changes_after_standstill(now=change.standstill_ends_at) == 1
        assert changes.make_changes_after_standstill(now=change.standstill_ends_at) == 0
    change.refresh_from_db()
    signed.contract.refresh_from_db()
    assert change.status == "made" and signed.contract.value == Decimal("120000")
    event = AuditEvent.objects.get(action="contract.change_made")
    assert event.actor is None


def test_the_buyer_makes_a_change_once_the_standstill_has_ended(signed):
    published = first_thursday_of_july_next_year()
    with clock.frozen_at(published):
        change = modify(signed, "120000", standstill=True)
    with clock.frozen_at(change.standstill_ends_at + timedelta(hours=9)):
        changes.make_change(change=change, by=signed.officer)
        with pytest.raises(InvalidTransition, match="already been made"):
            changes.make_change(change=change, by=signed.officer)
    signed.contract.refresh_from_db()
    assert signed.contract.value == Decimal("120000")


def test_a_standstill_needs_a_notice(signed):
    with pytest.raises(DomainError, match="needs none"):
        modify(signed, "101000", standstill=True)


def test_a_change_crossing_the_tier_boundary_retiers(signed):
    modify(signed, "600000")  # silver from £500,000
    signed.contract.refresh_from_db()
    assert signed.contract.tier == "silver"


def test_who_may_record_a_change(signed):
    modify(signed, "101000", by=signed.buyer_admin)
    modify(signed, "102000", by=signed.officer)
    other_buyer = testing.member(testing.buyer_org("Other Council"), Role.BUYER_ADMIN)
    evaluator = testing.member(signed.buyer, Role.EVALUATOR)
    for person in (other_buyer, signed.supplier_user, evaluator):
        with pytest.raises(PermissionDenied):
            modify(signed, "103000", by=person)
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        modify(signed, "103000", by=AnonymousUser())
    assert ContractChange.objects.count() == 2


def test_an_ended_contract_takes_no_change(signed):
    from levelfield.contracts.actions import ending

    with clock.frozen_at(signed.contract.signed_at + timedelta(days=1)):
        ending.terminate(
            contract=signed.contract,
            by=signed.buyer_admin,
            reason="The service is no longer needed",
            classification="agreement",
            terminated_on=clock.today_uk(),
            assessment=ending.AssessmentAtTermination("good", "Delivered well until the end"),
        )
        with pytest.raises(DomainError, match="only while the contract is in force"):
            modify(signed, "101000")


def test_bad_input_is_refused_with_a_message(signed):
    with pytest.raises(DomainError, match="more than £0"):
        modify(signed, "0")
    with pytest.raises(DomainError, match="before the contract's start"):
        modify(signed, "100000", signed.contract.start_date - timedelta(days=1))
    with pytest.raises(DomainError, match="Describe the change"):
        changes.record_change(
            contract=signed.contract,
            by=signed.officer,
            kind="modification",
            description=" ",
            value_after=Decimal("1"),
            end_date_after=signed.contract.end_date,
        )


def test_a_change_moves_only_through_its_table(signed):
    """ChangeStatus is a lifecycle table like the contract's: in standstill -> made, and a
    made change goes nowhere."""
    from levelfield.contracts.models.changes import CHANGE_ALLOWED, ChangeStatus

    assert CHANGE_ALLOWED == {
        ChangeStatus.IN_STANDSTILL: {ChangeStatus.MADE},
        ChangeStatus.MADE: set(),
    }
    waiting = ContractChange(status=ChangeStatus.IN_STANDSTILL)
    at = datetime(2027, 7, 1, 12, tzinfo=clock.UK)
    waiting.transition(ChangeStatus.MADE, at)
    assert (waiting.status, waiting.made_at) == ("made", at)
    with pytest.raises(InvalidTransition, match="A change that is made cannot become made"):
        waiting.transition(ChangeStatus.MADE, at)
    with pytest.raises(InvalidTransition, match="cannot become in voluntary standstill"):
        waiting.transition(ChangeStatus.IN_STANDSTILL, at)


def test_the_value_is_read_by_the_apps_one_money_rule(signed):
    """core.money: "£112,500" is £112,500.00 (as typed on every other page); a float, a
    boolean or a fraction of a penny is refused with the rule's own words."""
    assert changes.value_problem("£112,500") is None
    assert changes.value_problem(True) == "Enter the value as an amount in pounds, like 1250.00"
    assert changes.value_problem("-5") == "The value must be more than £0"
    assert changes.value_problem("") == "Enter the contract's value after the change"
    with pytest.raises(DomainError, match="at most two decimal places"):
        changes.check_change(
            contract=signed.contract,
            by=signed.officer,
            kind="modification",
            value_after="100000.005",
            end_date_after=signed.contract.end_date,
        )
    change = changes.record_change(
        contract=signed.contract,
        by=signed.officer,
        kind="modification",
        description="Two more care workers",
        value_after="£112,500",
        end_date_after=signed.contract.end_date,
    )
    assert change.value_after == Decimal("112500.00")
    # 12,500 of 100,000: 12.5%, over the 10% for services.
    assert change.value_change_percent == Decimal("12.50") and change.notice_required
