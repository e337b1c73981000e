"""Feedback (issue 14): every bidder is told when the standstill period ends as a date and time
with its zone, by email when the award notice is published (s.51): until then it may raise its
concerns, and the contract cannot be entered into."""

from datetime import datetime, timedelta

import pytest

from levelfield.contracts import actions as contract_actions
from levelfield.core.display import uk_time
from levelfield.core.models import OutboundEmail
from levelfield.core.workingdays import standstill_end
from levelfield.tenders import actions as tender_actions
from tests.support import testing

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(tender, officer, buyer_admin, evaluator, supplier, other_supplier):
    org_a, user_a = supplier
    org_b, user_b = other_supplier
    bid_a = testing.submitted_bid(tender=tender, supplier=org_a, by=user_a, price="100000")
    bid_b = testing.submitted_bid(tender=tender, supplier=org_b, by=user_b, price="80000")
    with testing.after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)
        testing.score_everything(
            tender=tender,
            officer=officer,
            evaluator=evaluator,
            scores={(bid_a.pk, 1): 100, (bid_a.pk, 2): 100, (bid_b.pk, 1): 50, (bid_b.pk, 2): 50},
        )
        contract_actions.confirm_award(tender=tender, by=buyer_admin)
        yield tender


def standstill_emails():
    return list(
        OutboundEmail.objects.filter(subject__startswith="Standstill period").order_by("id")
    )


def test_the_award_email_says_when_the_standstill_will_be_told(decided):
    summaries = OutboundEmail.objects.filter(subject__startswith="Assessment summary")
    assert summaries.count() == 2
    for email in summaries:
        assert "you will be emailed then with the date and time it ends" in email.body


def test_publishing_the_notice_tells_every_bidder_when_the_standstill_ends_with_its_zone(
    decided, officer, supplier, other_supplier
):
    assert standstill_emails() == []
    tender = contract_actions.publish_award_notice(tender=decided, by=officer)
    emails = standstill_emails()
    assert sorted(e.to[0] for e in emails) == sorted([supplier[1].email, other_supplier[1].email])
    ends = uk_time(tender.standstill_ends_at)
    # The statutory end is midnight: named by the day it ends, with the zone
    assert ends.startswith("midnight at the end of ") and ("GMT" in ends or "BST" in ends)
    for email in emails:
        assert f"The standstill period ends at {ends}" in email.body
        assert f"published at {uk_time(tender.standstill_started_at)}" in email.body
        assert tender.standstill_ends_at.isoformat() not in email.body


def test_a_later_end_chosen_by_the_buyer_is_the_one_told(decided, officer):
    statutory = standstill_end(decided.submission_deadline + timedelta(minutes=1), 8)
    later = datetime.combine(
        statutory.date() + timedelta(days=2), datetime.min.time().replace(hour=17), statutory.tzinfo
    )
    tender = contract_actions.publish_award_notice(
        tender=decided, by=officer, standstill_ends_at=later
    )
    assert tender.standstill_ends_at == later
    for email in standstill_emails():
        assert f"ends at {uk_time(later)}" in email.body
        assert "5:00pm GMT on " in email.body or "5:00pm BST on " in email.body
