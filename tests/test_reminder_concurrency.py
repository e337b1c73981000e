"""Two workers running the bid deadline reminders at the same moment, and two schedulers queueing
the frequent job in the same slot (PostgreSQL: real concurrent writers): each reminder is
emailed once, and the slot is queued once."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection, connections

from levelfield.bids import actions as bid_actions
from levelfield.bids import reminders
from levelfield.core import clock, scheduler
from levelfield.core.models import EmailSentOnce, FrequentRun
from tests.support import testing

DRAFTS = 6
WORKERS = 2


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrent workers need PostgreSQL: run with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/levelfield"
        )


def in_threads(work, count):
    """Run `work(n)` in `count` threads released together; return what each returned."""
    start = threading.Barrier(count)
    results = [None] * count

    def run(n):
        try:
            start.wait()
            results[n] = work(n)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_once(postgres_only, buyer, officer):
    tender = testing.published_tender(buyer=buyer, by=officer)
    lot = tender.lots.get()
    for n in range(DRAFTS):
        organisation, user = testing.supplier_with_user(f"Reminded Supplier {n}")
        bid = bid_actions.start_bid(lot=lot, supplier=organisation, by=user)
        answers = {q.pk: f"Answer {n}" for q in lot.questions.all()}
        bid_actions.save_bid(bid=bid, by=user, price=Decimal(10000 + n), answers=answers)
    mail.outbox.clear()
    now = tender.submission_deadline - timedelta(hours=24)

    results = in_threads(lambda n: reminders.send_due(now), WORKERS)

    assert sum(r["complete"] for r in results) == DRAFTS
    # committed, so sent at once (the tests' task backend runs tasks immediately)
    assert len([m for m in mail.outbox if m.subject.startswith("Your bid is not submitted")]) == (
        DRAFTS
    )
    assert EmailSentOnce.objects.count() == DRAFTS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_queue_a_slot_once(postgres_only):
    job = scheduler.FrequentJob(
        name="ticking", task="levelfield.core.tests.test_scheduler.note_the_moment", every=5
    )
    moment = clock.now()

    def one_pass(n):
        with clock.frozen_at(moment):
            return scheduler.run_due([job])

    results = in_threads(one_pass, WORKERS)

    assert sorted(results) == [[], ["ticking"]]
    assert FrequentRun.objects.filter(job="ticking").count() == 1
