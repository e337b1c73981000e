"""Procurement Act 2023 s.54 minimum tendering periods at publication, at their boundaries; the
deadline warnings on the draft page; the barrier check agreeing with publication."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.tenders import actions as tender_actions
from levelfield.tenders import barriers, periods
from levelfield.tenders.models import ContractKind, Tender
from tests.support import testing

# Monday 2 March 2026, 10:00 GMT (UK time is UTC until 29 March).
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
ABOVE = "Procurement Act 2023 s.54 requires at least"


def tender(**fields) -> Tender:
    """An unsaved tender: the period rule reads only the tender's own fields."""
    values = {"estimated_value": Decimal("1200000"), **fields}
    return Tender(**values)


def problems(t: Tender, deadline: datetime) -> list[str]:
    return periods.tendering_period_problems(t, published_at=NOW, deadline=deadline)


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


# Published 2 March; the period begins 3 March. 25 days: 3..27 March, a deadline on 27 March.
DAY_24 = noon(date(2026, 3, 26))
DAY_25 = noon(date(2026, 3, 27))
DAY_9 = noon(date(2026, 3, 11))
DAY_10 = noon(date(2026, 3, 12))


def test_above_threshold_25_days_is_lawful_and_24_is_refused():
    assert problems(tender(), DAY_25) == []
    assert problems(tender(), DAY_24) == [
        "The tender gives bidders 24 days from publication to the submission deadline. "
        "Procurement Act 2023 s.54 requires at least 25 days for a tender worth £135,018 or "
        "more (above threshold)"
    ]


def test_a_qualifying_planned_procurement_notice_allows_10_days_not_9():
    # UK3 published 60 days before the tender notice: between 40 days and a year.
    t = tender(s54_planned_notice_published_on=date(2026, 1, 1))
    assert problems(t, DAY_10) == []
    [problem] = problems(t, DAY_9)
    assert "gives bidders 9 days" in problem
    assert "at least 10 days" in problem and "planned procurement notice" in problem


def test_a_planned_notice_published_under_40_days_before_does_not_shorten_the_period():
    # 20 February is 10 days before 2 March: not a qualifying notice, so 25 days.
    t = tender(s54_planned_notice_published_on=date(2026, 2, 20))
    [problem] = problems(t, DAY_10)
    assert "gives bidders 10 days" in problem and "at least 25 days" in problem


def test_recorded_urgency_allows_10_days_not_9():
    t = tender(s54_urgency_reason="The care provider went into administration on 27 February.")
    assert problems(t, DAY_10) == []
    [problem] = problems(t, DAY_9)
    assert "at least 10 days" in problem and "urgency" in problem
    # An urgency without words is no recorded reason.
    assert "at least 25 days" in problems(tender(s54_urgency_reason="  "), DAY_10)[0]


def test_the_threshold_depends_on_the_kind_of_contract_and_the_version_in_force():
    # £200,000 is above the central government threshold (£135,018), below sub-central's
    # (£207,720 from 1 January 2026; £214,904 before).
    value = Decimal("200000")
    assert ABOVE in problems(tender(estimated_value=value), DAY_24)[0]
    sub_central = tender(
        estimated_value=value, s54_contract_kind=ContractKind.SUB_CENTRAL_GOODS_SERVICES
    )
    assert problems(sub_central, DAY_24) == []
    on_threshold = tender(
        estimated_value=Decimal("207720"), s54_contract_kind=ContractKind.SUB_CENTRAL_GOODS_SERVICES
    )
    assert "£207,720 or more" in problems(on_threshold, DAY_24)[0]
    before_2026 = periods.rules_for(date(2025, 12, 31))
    assert before_2026.threshold(ContractKind.SUB_CENTRAL_GOODS_SERVICES) == Decimal("214904")
    assert periods.rules_for(NOW.date()).threshold(ContractKind.WORKS) == Decimal("5193000")


def test_below_threshold_9_days_needs_a_recorded_reason():
    small = tender(estimated_value=Decimal("50000"))
    assert problems(small, DAY_10) == []
    assert problems(small, DAY_9) == [
        "The tender gives bidders 9 days from publication to the submission deadline. Give at "
        "least 10 days, or record why a shorter period is needed"
    ]
    reasoned = tender(
        estimated_value=Decimal("50000"),
        s54_short_period_reason="Replacement supply after the last supplier's fire.",
    )
    assert problems(reasoned, DAY_9) == []


def test_the_day_of_publication_is_not_counted_and_the_time_of_day_does_not_matter():
    late_publication = NOW.replace(hour=23, minute=30)
    early_deadline = DAY_25.replace(hour=9)
    assert periods.period_days(late_publication, early_deadline) == 25
    assert periods.period_days(NOW, DAY_24.replace(hour=23, minute=59)) == 24


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (datetime(2026, 3, 26, 23, 59, tzinfo=UTC), ["near midnight"]),
        (datetime(2026, 3, 28, 12, 0, tzinfo=UTC), ["weekend"]),
        (datetime(2026, 12, 25, 12, 0, tzinfo=UTC), ["bank holiday"]),
        # 00:30 on Monday: the bidder's last evening is a Sunday.
        (datetime(2026, 3, 23, 0, 30, tzinfo=UTC), ["near midnight", "weekend"]),
        # 23:00 BST on Wednesday 1 July is 22:00 UTC.
        (datetime(2026, 7, 1, 22, 0, tzinfo=UTC), ["near midnight"]),
        (datetime(2026, 3, 26, 12, 0, tzinfo=UTC), []),
        (datetime(2026, 3, 26, 22, 59, tzinfo=UTC), []),
    ],
)
def test_deadline_warnings(deadline, expected):
    warnings = periods.deadline_warnings(deadline)
    assert len(warnings) == len(expected)
    for warning, words in zip(warnings, expected, strict=True):
        assert words in warning


def test_the_warning_names_the_uk_time():
    [warning] = periods.deadline_warnings(datetime(2026, 12, 25, 12, 0, tzinfo=UTC))
    assert warning.startswith(
        "The submission deadline, midday GMT on 25 December 2026, falls on a bank holiday"
    )


# Through publication and the draft page.


def detail(client, t) -> str:
    response = client.get(reverse("tenders:detail", args=[t.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_publication_refuses_24_days_above_threshold_and_takes_25(client, buyer, officer):
    with clock.frozen_at(NOW):
        short = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=24)
        with pytest.raises(DomainError) as refused:
            tender_actions.publish_tender(tender=short, by=officer)
        assert "24 days" in str(refused.value)
        client.force_login(officer)
        assert "gives bidders 24 days" in detail(client, short)
        assert Tender.objects.get(pk=short.pk).published_at is None

        lawful = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=25, title="B")
        assert tender_actions.publish_tender(tender=lawful, by=officer).published_at == NOW


@pytest.mark.django_db
def test_the_draft_page_warns_of_a_saturday_deadline_but_publishing_is_allowed(
    client, buyer, officer
):
    with clock.frozen_at(NOW):
        # 2 March + 33 days: Saturday 4 April 2026, 11:00 BST.
        t = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=33)
        client.force_login(officer)
        body = detail(client, t)
        assert "The tender meets every publication rule" in body
        assert 'id="deadline-warnings"' in body
        assert "The submission deadline, 11:00am BST on 4 April 2026, falls on a weekend" in body
        assert tender_actions.publication_problems(t) == []

        weekday = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=30, title="B")
        assert 'id="deadline-warnings"' not in detail(client, weekday)


@pytest.mark.django_db
def test_a_deadline_passed_before_publishing_is_refused_and_the_barrier_check_says_so(
    client, buyer, officer
):
    with clock.frozen_at(NOW):
        t = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=30)
    later = NOW + timedelta(days=31)
    with clock.frozen_at(later):
        assert "The submission deadline must be in the future" in (
            tender_actions.publication_problems(t)
        )
        with pytest.raises(DomainError):
            tender_actions.publish_tender(tender=t, by=officer)
        codes = [f.code for f in barriers.check(t)]
        assert barriers.DEADLINE_PASSED in codes
        client.force_login(officer)
        body = detail(client, t)
        assert "The submission deadline has passed" in body
        assert "No barriers found" not in body


def test_a_window_under_the_minimum_is_never_no_barriers():
    # 24 days refused at publication; the barrier check finds the short window too.
    t = tender(submission_deadline=DAY_24, minimum_turnover=None, insurance_before_award=False)
    codes = [f.code for f in barriers.check(t, lots=[], at=NOW)]
    assert codes == [barriers.SHORT_WINDOW]


@pytest.mark.django_db
def test_the_buyer_api_records_urgency_and_the_period_follows(client, buyer, officer):
    from levelfield.accounts.actions import create_api_token

    _, secret = create_api_token(user=officer, name="tests")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    with clock.frozen_at(NOW):
        t = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=10)
        url = f"/api/buyer/tenders/{t.pk}"
        before = client.get(url, **auth).json()
        assert before["s54_contract_kind"] == "central"
        assert any("gives bidders 10 days" in p for p in before["publication_problems"])

        reason = "The current provider stops on 31 March."
        response = client.patch(
            url, {"s54_urgency_reason": reason}, content_type="application/json", **auth
        )
        assert response.status_code == 200, response.content
        assert response.json()["s54_urgency_reason"] == reason
        assert response.json()["publication_problems"] == []

        client.raise_request_exception = False
        wrong = client.patch(
            url, {"s54_contract_kind": "galactic"}, content_type="application/json", **auth
        )
        assert wrong.status_code in (400, 422)
        assert Tender.objects.get(pk=t.pk).s54_contract_kind == "central"
