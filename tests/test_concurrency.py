"""Fifty suppliers submit in parallel across the deadline (PostgreSQL: real concurrent writers).

Every bid accepted before the deadline is stored exactly once; none after it is accepted."""

import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections

from levelfield.bids import actions as bid_actions
from levelfield.bids.models import Bid, BidReceipt, BidStatus
from levelfield.core import clock
from levelfield.core.errors import DeadlinePassed, InvalidTransition
from tests.support import testing

SUPPLIERS = 50


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrency across the deadline needs PostgreSQL: run with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/levelfield"
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_suppliers_submitting_across_the_deadline(postgres_only, buyer, officer):
    tender = testing.published_tender(buyer=buyer, by=officer)
    lot = tender.lots.get()
    drafts = []
    for n in range(SUPPLIERS):
        organisation, user = testing.supplier_with_user(f"Parallel Supplier {n}")
        bid = bid_actions.start_bid(lot=lot, supplier=organisation, by=user)
        answers = {q.pk: f"Answer {n}" for q in lot.questions.all()}
        bid_actions.save_bid(bid=bid, by=user, price=Decimal(10000 + n), answers=answers)
        drafts.append((bid, user))

    # Once every thread is ready (on a loaded machine starting 100 threads takes a while), move
    # the deadline to just ahead, then fire submissions spread from 0.6 s before it to 0.6 s
    # after it, two at once for every bid (a double click).
    spread = timedelta(seconds=1.2) / SUPPLIERS
    outcomes: list[tuple[int, str, object]] = []
    lock = threading.Lock()
    timing: dict[str, object] = {}

    def set_deadline():
        deadline = clock.now() + timedelta(seconds=1)
        type(tender).objects.filter(pk=tender.pk).update(
            submission_deadline=deadline, clarification_deadline=deadline - timedelta(seconds=1)
        )
        connections.close_all()
        timing["deadline"] = deadline

    start = threading.Barrier(SUPPLIERS * 2, action=set_deadline)

    def submit(bid, user, n):
        try:
            start.wait()
            fire_at = timing["deadline"] - timedelta(seconds=0.6) + spread * n
            pause = (fire_at - clock.now()).total_seconds()
            if pause > 0:
                time.sleep(pause)
            try:
                receipt = bid_actions.submit_bid(bid=bid, by=user)
                outcome = ("accepted", receipt.at)
            except DeadlinePassed:
                outcome = ("late", None)
            except InvalidTransition:
                outcome = ("duplicate", None)
            with lock:
                outcomes.append((bid.pk, *outcome))
        finally:
            connections.close_all()

    threads = []
    for n, (bid, user) in enumerate(drafts):
        for _ in range(2):
            threads.append(threading.Thread(target=submit, args=(bid, user, n)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == SUPPLIERS * 2
    deadline = timing["deadline"]
    accepted = [(bid_id, at) for bid_id, kind, at in outcomes if kind == "accepted"]
    late = {bid_id for bid_id, kind, _ in outcomes if kind == "late"}
    # The run really crossed the deadline: some bids made it, some did not.
    assert accepted and late
    # Nothing accepted at or after the deadline.
    assert all(at < deadline for _, at in accepted)
    # Each accepted bid exactly once, despite the double submission.
    accepted_ids = [bid_id for bid_id, _ in accepted]
    assert len(accepted_ids) == len(set(accepted_ids))
    stored = Bid.objects.filter(lot=lot, status=BidStatus.SUBMITTED)
    assert sorted(stored.values_list("pk", flat=True)) == sorted(accepted_ids)
    assert all(b.submitted_at < deadline for b in stored)
    assert BidReceipt.objects.filter(bid__lot=lot, kind="submitted").count() == len(accepted_ids)
    # A bid refused as late (and never accepted) is still a draft, with no receipt.
    late_only = late - set(accepted_ids)
    assert late_only
    assert not BidReceipt.objects.filter(bid_id__in=late_only).exists()
    assert not Bid.objects.filter(pk__in=late_only).exclude(status=BidStatus.DRAFT).exists()
