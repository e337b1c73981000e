"""Financial standing: the resilience team records a supplier's readings; one past its
threshold raises a breach that must be notified within 2 working days (England and Wales bank
holidays excepted), and the platform shows whether it was."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from levelfield.core import clock
from levelfield.core.audit_words import WORDS
from levelfield.core.errors import DomainError, PermissionDenied
from levelfield.core.models import AuditEvent
from levelfield.resilience.actions_financial import (
    add_indicator,
    breach_due_at,
    record_breach_notified,
    record_reading,
)
from levelfield.resilience.models import BreachEvent, Indicator, Reading
from levelfield.resilience.selectors_financial import (
    NoticeStatus,
    breaches_overdue,
    notice_status,
    supplier_breaches,
)
from tests.support import testing
from tests.support.testing import resilience_team_member

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")


def uk(y, m, d, hour=12, minute=0):
    return datetime(y, m, d, hour, minute, tzinfo=UK)


@pytest.fixture
def team():
    return resilience_team_member()


@pytest.fixture
def acorn(supplier):
    return supplier[0]


def record(acorn, team, code="credit_score", value="55", as_of=date(2023, 12, 1), at=None):
    with clock.frozen_at(at or uk(2023, 12, 22)):
        return record_reading(
            supplier=acorn, indicator_code=code, value=value, as_of=as_of, by=team
        )


def test_the_four_default_indicators_are_seeded():
    assert set(Indicator.objects.values_list("code", flat=True)) >= {
        "credit_score",
        "turnover_trend",
        "net_assets",
        "profit_warnings",
    }
    credit = Indicator.objects.get(code="credit_score")
    assert (credit.direction, credit.threshold) == ("below", Decimal("40"))


def test_a_reading_within_its_threshold_raises_no_breach(acorn, team):
    reading = record(acorn, team, value="55")
    assert reading.source == "entered"
    assert reading.recorded_by == team
    assert reading.value == Decimal("55")
    assert not BreachEvent.objects.exists()
    event = AuditEvent.objects.get(action="financial_reading.recorded")
    assert event.organisation_id == acorn.pk
    assert event.actor == team


@pytest.mark.parametrize(
    ("code", "value", "breached"),
    [
        ("credit_score", "39.99", True),
        ("credit_score", "40", False),  # at the threshold is not past it
        ("net_assets", "-1", True),
        ("net_assets", "0", False),
        ("turnover_trend", "-10.5%", True),
        ("profit_warnings", "1", True),
        ("profit_warnings", "0", False),
    ],
)
def test_a_reading_past_its_threshold_raises_a_breach(acorn, team, code, value, breached):
    reading = record(acorn, team, code=code, value=value)
    assert BreachEvent.objects.filter(reading=reading).exists() is breached
    assert AuditEvent.objects.filter(action="financial_breach.raised").exists() is breached


def test_a_custom_indicator_the_team_adds_is_used(acorn, team):
    Indicator.objects.create(
        code="days_cash", name="Days of cash", unit="days", direction="below", threshold=30
    )
    reading = record(acorn, team, code="days_cash", value="12")
    assert reading.breach.indicator.code == "days_cash"


@pytest.mark.parametrize(
    ("code", "value", "as_of", "message"),
    [
        ("no_such", "1", date(2023, 12, 1), "There is no indicator with code 'no_such'"),
        ("credit_score", "lots", date(2023, 12, 1), "The value 'lots' is not a number"),
        ("credit_score", "NaN", date(2023, 12, 1), "The value 'NaN' is not a number"),
        ("credit_score", "1e30", date(2023, 12, 1), "The value '1e30' is not a number"),
        ("credit_score", "", date(2023, 12, 1), "Enter the value as a number"),
        ("credit_score", "50", date(2023, 12, 23), "The reading date 23 December 2023 is in"),
        ("credit_score", "50", None, "Enter the date the reading is as of"),
    ],
)
def test_a_bad_reading_is_refused(acorn, team, code, value, as_of, message):
    with pytest.raises(DomainError) as refused:
        record(acorn, team, code=code, value=value, as_of=as_of)
    assert refused.value.message.startswith(message)
    assert not Reading.objects.exists()


def test_only_the_resilience_team_records_readings(acorn, supplier, team):
    buyer = testing.member(testing.buyer_org(), "buyer_admin")
    platform_admin = testing.UserFactory(is_superuser=True, is_staff=True)  # not on the team
    for person in (supplier[1], buyer, platform_admin):
        with pytest.raises(PermissionDenied):
            record(acorn, person)
    assert not Reading.objects.exists()


def test_readings_are_kept_for_suppliers_only(team):
    with pytest.raises(DomainError) as refused:
        record(testing.buyer_org(), team)
    assert refused.value.code == "not_a_supplier"


# Due times, worked out by hand. The day the breach is raised is not counted; the breach must
# be notified by the end (midnight, UK time) of the second working day after it.
@pytest.mark.parametrize(
    ("raised_at", "due_at"),
    [
        # Tuesday 5 Dec 2023: Wed 6 (1), Thu 7 (2): due at the end of Thursday.
        (uk(2023, 12, 5, 9), uk(2023, 12, 8, 0)),
        # Thursday 7 Dec 2023: Fri 8 (1), [Sat 9, Sun 10], Mon 11 (2): across a weekend.
        (uk(2023, 12, 7, 16), uk(2023, 12, 12, 0)),
        # Friday 22 Dec 2023: [Sat 23, Sun 24, Mon 25 Christmas Day, Tue 26 Boxing Day],
        # Wed 27 (1), Thu 28 (2): across a weekend and two bank holidays.
        (uk(2023, 12, 22, 10), uk(2023, 12, 29, 0)),
        # Thursday 28 Mar 2024: [Fri 29 Good Friday, Sat, Sun, Mon 1 Apr Easter Monday],
        # Tue 2 (1), Wed 3 (2).
        (uk(2024, 3, 28, 11), uk(2024, 4, 4, 0)),
        # 23:30 UTC on Friday 2 Jun 2023 is 00:30 on Saturday 3 Jun in UK summer time: raised
        # on the Saturday, so Mon 5 (1), Tue 6 (2): due at midnight BST, 23:00 UTC on the 6th.
        (datetime(2023, 6, 2, 23, 30, tzinfo=UTC), datetime(2023, 6, 6, 23, 0, tzinfo=UTC)),
    ],
)
def test_a_breach_is_due_by_the_end_of_the_second_working_day(raised_at, due_at):
    assert breach_due_at(raised_at) == due_at


@pytest.fixture
def breach(acorn, team):
    """A breach raised at 10:00 on Friday 22 December 2023 (due by the end of Thu 28 Dec)."""
    reading = record(acorn, team, value="20", at=uk(2023, 12, 22, 10))
    return reading.breach


def test_a_breach_records_its_due_time(breach):
    assert breach.raised_at == uk(2023, 12, 22, 10)
    assert breach.due_at == datetime.combine(date(2023, 12, 29), time(0, 0), tzinfo=UK)
    assert breach.supplier == breach.reading.supplier


def test_a_breach_notified_on_the_last_working_day_is_on_time(breach, team):
    with clock.frozen_at(uk(2023, 12, 28, 23, 59)):
        assert notice_status(breach) == NoticeStatus.DUE
        record_breach_notified(breach=breach, by=team)
    breach.refresh_from_db()
    assert breach.notified_at == uk(2023, 12, 28, 23, 59)
    assert breach.notified_by == team
    assert notice_status(breach) == NoticeStatus.ON_TIME
    event = AuditEvent.objects.get(action="financial_breach.notified")
    assert event.data["on_time"] is True


def test_a_breach_not_notified_by_its_due_time_is_overdue_then_late(breach, team):
    after = uk(2023, 12, 29, 0, 0)
    with clock.frozen_at(after):
        assert notice_status(breach) == NoticeStatus.OVERDUE
        assert list(breaches_overdue()) == [breach]
    with clock.frozen_at(uk(2023, 12, 28, 9)):
        assert list(breaches_overdue()) == []
    with clock.frozen_at(uk(2024, 1, 2, 9)):
        record_breach_notified(breach=breach, by=team)
        assert list(breaches_overdue()) == []
    breach.refresh_from_db()
    assert notice_status(breach) == NoticeStatus.LATE


def test_a_breach_notified_earlier_can_be_recorded_later(breach, team):
    with clock.frozen_at(uk(2024, 1, 2, 9)):
        record_breach_notified(breach=breach, by=team, notified_at=uk(2023, 12, 27, 15))
    breach.refresh_from_db()
    assert notice_status(breach) == NoticeStatus.ON_TIME


@pytest.mark.parametrize(
    ("notified_at", "message"),
    [
        (uk(2023, 12, 22, 9), "The time notified cannot be before the breach was raised"),
        (uk(2023, 12, 28, 13), "The time notified cannot be in the future"),
    ],
)
def test_an_impossible_notified_time_is_refused(breach, team, notified_at, message):
    with clock.frozen_at(uk(2023, 12, 28, 12)), pytest.raises(DomainError, match=message):
        record_breach_notified(breach=breach, by=team, notified_at=notified_at)
    breach.refresh_from_db()
    assert breach.notified_at is None


def test_a_breach_is_notified_once(breach, team):
    with clock.frozen_at(uk(2023, 12, 27, 9)):
        record_breach_notified(breach=breach, by=team)
        with pytest.raises(DomainError, match="already recorded as notified"):
            record_breach_notified(breach=breach, by=team)


def test_only_the_resilience_team_records_a_breach_notified(breach, supplier):
    with clock.frozen_at(uk(2023, 12, 27, 9)), pytest.raises(PermissionDenied):
        record_breach_notified(breach=breach, by=supplier[1])


def test_every_financial_audit_action_has_words():
    for action in (
        "financial_reading.recorded",
        "financial_reading.imported",
        "financial_breach.raised",
        "financial_breach.notified",
        "financial_indicator.added",
    ):
        assert WORDS[action]


def test_the_team_adds_an_indicator_of_its_own(acorn, team):
    with clock.frozen_at(uk(2023, 12, 22)):
        indicator = add_indicator(
            code="days_cash",
            name="Days of cash",
            unit="days",
            direction="below",
            threshold="30",
            by=team,
        )
    assert indicator.threshold == Decimal("30")
    assert AuditEvent.objects.get(action="financial_indicator.added").actor == team
    assert record(acorn, team, code="days_cash", value="12").breach.indicator == indicator


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "Days Cash"}, "Enter a code of up to 40 lower-case letters"),
        ({"code": "credit_score"}, "There is already an indicator with code 'credit_score'"),
        ({"name": "  "}, "Enter the indicator's name"),
        ({"direction": "sideways"}, "Choose whether a breach is below or above"),
        ({"threshold": "many"}, "The threshold 'many' is not a number"),
    ],
)
def test_a_bad_indicator_is_refused(team, fields, message):
    given = {"code": "days_cash", "name": "Days of cash", "direction": "below", "threshold": "30"}
    with clock.frozen_at(uk(2023, 12, 22)), pytest.raises(DomainError) as refused:
        add_indicator(**{**given, **fields}, by=team)
    assert refused.value.message.startswith(message)
    assert not Indicator.objects.filter(code="days_cash").exists()


def test_only_the_resilience_team_adds_indicators(supplier):
    with clock.frozen_at(uk(2023, 12, 22)), pytest.raises(PermissionDenied):
        add_indicator(
            code="days_cash", name="Days", direction="below", threshold="30", by=supplier[1]
        )


def test_a_suppliers_breaches_show_whether_each_was_notified_in_time(acorn, team):
    first = record(acorn, team, value="20", at=uk(2023, 12, 22, 10)).breach
    second = record(acorn, team, code="net_assets", value="-5", at=uk(2024, 1, 2, 9)).breach
    with clock.frozen_at(uk(2024, 1, 2, 10)):
        record_breach_notified(breach=second, by=team)
    other = testing.supplier_org("Elm Services Ltd")
    record(other, team, value="10", at=uk(2024, 1, 2, 9))
    assert supplier_breaches(acorn, now=uk(2024, 1, 2, 11)) == [
        (second, NoticeStatus.ON_TIME),
        (first, NoticeStatus.OVERDUE),
    ]
