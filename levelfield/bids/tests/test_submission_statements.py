"""The SQL statements a bid's submission through the API runs (issue 17's bids benchmark): the
checklist, the exclusion declarations and the bid's content are read once and passed down, the
tender's data key looked up once for the action, and the token's last use noted at most once a
minute. A pin, not a timing: a change that reads something again for each row, or the
checklist twice, fails here with the statements listed. The checks themselves stay, and the
submission's own tests (test_lifecycle, test_checklist, test_sealed_at_rest) say what they do.

Counted with the commit's own callbacks run (linking the audit event into the chain, sending
the receipt email), as a server's request runs them."""

import pytest
from django.db import connection

from levelfield.accounts.actions import create_api_token
from levelfield.bids.models import Bid, BidStatus
from tests.support import testing

pytestmark = pytest.mark.django_db

# Before issue 17's cut they were 45 on SQLite and 47 on PostgreSQL.
SUBMIT_STATEMENTS = {"sqlite": 27, "postgresql": 29}


@pytest.fixture
def sent_bid(client, buyer, officer, settings, django_capture_on_commit_callbacks):
    """A supplier's bid started and saved through the API (price and every answer), ready to
    submit, and the headers of its token; every audit event so far linked into the chain, as
    their commits would have (so the submission links its own alone)."""
    settings.LEVELFIELD_RATE_LIMITS = {group: "" for group in settings.LEVELFIELD_RATE_LIMITS}
    with django_capture_on_commit_callbacks(execute=True):
        return _sent_bid(client, buyer, officer)


def _sent_bid(client, buyer, officer):
    tender = testing.published_tender(buyer=buyer, by=officer)
    lot = tender.lots.get()
    _, user = testing.supplier_with_user()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=user, name='bench')[1]}"}
    started = client.post(f"/api/supplier/lots/{lot.pk}/bid", **headers)
    assert started.status_code == 200, started.content
    bid_id = started.json()["id"]
    answers = [
        {"question_id": q.pk, "text": f"Our answer to question {q.number}."}
        for q in lot.questions.all()
    ]
    saved = client.patch(
        f"/api/supplier/bids/{bid_id}",
        {"price": "98000.00", "answers": answers},
        content_type="application/json",
        **headers,
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["problems"] == []
    return bid_id, headers


def test_a_submission_runs_a_pinned_number_of_statements(
    client, sent_bid, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    bid_id, headers = sent_bid
    most = SUBMIT_STATEMENTS[connection.vendor]
    with (
        django_assert_max_num_queries(most),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        submitted = client.post(f"/api/supplier/bids/{bid_id}/submit", **headers)
    assert submitted.status_code == 200, submitted.content
    assert callbacks, "the audit event is linked and the receipt sent once the submission commits"
    bid = Bid.objects.get(pk=bid_id)
    assert bid.status == BidStatus.SUBMITTED
    assert bid.receipt_hash == submitted.json()["sha256"]
    assert bid.sealed is not None and bid.declarations.count() == 1
