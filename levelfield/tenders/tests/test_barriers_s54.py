"""The barrier check's tender window is the publication rule (Procurement Act 2023 s.54,
periods.py), not a second one: at the boundaries, with a planned procurement notice or recorded
urgency, for a deadline already passed, and with times in UK time with their zone."""

import re
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

# Monday 2 March 2026, 10:00 GMT; the period begins on 3 March.
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
WINDOW = {barriers.SHORT_WINDOW, barriers.DEADLINE_PASSED}
URGENCY = "The current provider went into administration on 27 February."


def crafted(**fields) -> Tender:
    """An unsaved draft with nothing but its window to find: £1.2m, above every threshold but
    works'."""
    values = {
        "estimated_value": Decimal("1200000"),
        "minimum_turnover": None,
        "insurance_before_award": False,
        "insurance_cover": "",
        "certificates_required": [],
        "lots_not_divided_reason": "",
        **fields,
    }
    return Tender(**values)


def window(tender: Tender, days: int) -> list[barriers.Finding]:
    tender.submission_deadline = NOW + timedelta(days=days)
    return [f for f in barriers.check(tender, lots=[], at=NOW) if f.code in WINDOW]


def test_above_threshold_24_days_is_a_barrier_and_25_is_not():
    [finding] = window(crafted(), 24)
    assert finding.code == barriers.SHORT_WINDOW and finding.blocks_publication
    assert finding.title == "The tender window is shorter than 25 days"
    assert "gives bidders 24 days" in finding.reason
    assert "Procurement Act 2023 s.54 requires at least 25 days" in finding.reason
    assert window(crafted(), 25) == []


def test_with_a_qualifying_planned_notice_9_days_is_a_barrier_and_10_is_not():
    notified = crafted(s54_planned_notice_published_on=date(2026, 1, 1))  # 60 days before
    [finding] = window(notified, 9)
    assert finding.title == "The tender window is shorter than 10 days"
    assert "planned procurement notice" in finding.reason
    assert window(notified, 10) == []


def test_recorded_urgency_makes_10_days_no_barrier():
    assert window(crafted(s54_urgency_reason=URGENCY), 10) == []
    assert [f.code for f in window(crafted(s54_urgency_reason=URGENCY), 9)] == [
        barriers.SHORT_WINDOW
    ]
    # Without the reason's words, 10 days is short.
    assert [f.code for f in window(crafted(s54_urgency_reason=" "), 10)] == [barriers.SHORT_WINDOW]


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"s54_urgency_reason": URGENCY},
        {"s54_planned_notice_published_on": date(2026, 1, 1)},
        {"s54_planned_notice_published_on": date(2026, 2, 20)},  # too late to qualify
        {"estimated_value": Decimal("50000")},
        {"estimated_value": Decimal("50000"), "s54_short_period_reason": "Storm repairs."},
        {"s54_contract_kind": ContractKind.WORKS},  # £1.2m is below the works threshold
    ],
)
def test_the_barrier_check_finds_a_short_window_exactly_when_publication_refuses_it(fields):
    for days in range(1, 32):
        t = crafted(**fields)
        found = window(t, days)
        refused = periods.tendering_period_problems(
            t, published_at=NOW, deadline=t.submission_deadline
        )
        assert bool(found) == bool(refused), (fields, days)


def test_a_deadline_already_passed_is_always_found_with_its_zone():
    for deadline in (NOW - timedelta(hours=1), NOW, datetime(2026, 1, 10, 23, tzinfo=UTC)):
        t = crafted(s54_urgency_reason=URGENCY, estimated_value=Decimal("50000"))
        t.submission_deadline = deadline
        [finding] = [f for f in barriers.check(t, lots=[], at=NOW) if f.code in WINDOW]
        assert finding.code == barriers.DEADLINE_PASSED and finding.blocks_publication
        assert "GMT on" in finding.reason
    assert "11:00pm GMT on 10 January 2026" in finding.reason


def test_times_are_in_uk_time_with_their_zone():
    # 24 days to Thursday 26 March, 17:00 GMT; in summer, BST.
    t = crafted(submission_deadline=datetime(2026, 3, 26, 17, 0, tzinfo=UTC))
    [finding] = barriers.check(t, lots=[], at=NOW)
    assert "5:00pm GMT on 26 March 2026" in finding.reason
    assert "5:00pm GMT on 26 March 2026" in finding.subject
    summer = datetime(2026, 6, 1, 9, tzinfo=UTC)
    t = crafted(submission_deadline=datetime(2026, 6, 20, 16, 0, tzinfo=UTC))
    [finding] = barriers.check(t, lots=[], at=summer)
    assert "5:00pm BST on 20 June 2026" in finding.reason
    # No bare clock time without its zone ("17:00 on ...").
    assert not re.search(r"\d{1,2}:\d{2} on", finding.reason + finding.subject)


# On the buyer's page.


@pytest.mark.django_db
def test_a_lawful_urgent_window_is_no_barrier_and_publication_agrees(client, buyer, officer):
    with clock.frozen_at(NOW):
        t = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=10)
        client.force_login(officer)
        body = client.get(reverse("tenders:detail", args=[t.pk])).content.decode()
        assert "The tender window is shorter than 25 days" in body
        assert "Blocks publication" in body
        assert reverse("tenders:tendering_period", args=[t.pk]) in body
        t = tender_actions.update_tender(tender=t, by=officer, s54_urgency_reason=URGENCY)
        body = client.get(reverse("tenders:detail", args=[t.pk])).content.decode()
    assert "No barriers found" in body and "The tender meets every publication rule" in body


@pytest.mark.django_db
def test_a_passed_deadline_is_never_no_barriers_and_cannot_be_gone_ahead_with(
    client, buyer, officer
):
    with clock.frozen_at(NOW):
        t = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=30)
    with clock.frozen_at(NOW + timedelta(days=31)):
        client.force_login(officer)
        body = client.get(reverse("tenders:detail", args=[t.pk])).content.decode()
        assert f'id="barrier-{barriers.DEADLINE_PASSED}"' in body
        assert "The submission deadline has passed" in body and "No barriers found" not in body
        assert "11:00am BST on 1 April 2026" in body
        assert f'action="/buyer/tenders/{t.pk}/barriers/{barriers.DEADLINE_PASSED}' not in body
        with pytest.raises(DomainError, match="cannot be published like this"):
            tender_actions.record_barrier_reason(
                tender=t, by=officer, code=barriers.DEADLINE_PASSED, reason="We want to."
            )
        refused = client.post(
            reverse("tenders:barrier_reason", args=[t.pk, barriers.DEADLINE_PASSED]),
            {f"barrier-{barriers.DEADLINE_PASSED}-reason": "We want to."},
        )
        assert refused.status_code == 200
        assert "cannot be published like this" in refused.content.decode()
        assert not t.barrier_decisions.exists()
