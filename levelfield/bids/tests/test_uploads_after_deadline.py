"""Files arriving after the deadline (bids/actions_uploads.py): bytes sent after the deadline
are taken only for a file whose SHA-256 was declared before it, and the buyer cannot open the
bids while such files may still join submitted bids, nor can one join after they are opened."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from levelfield.bids import actions as bid_actions
from levelfield.bids import actions_uploads
from levelfield.bids.models import BidAttachment, BidUpload
from levelfield.core import clock
from levelfield.core.display import uk_time
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.tenders import actions as tender_actions
from tests.support import testing

from .test_resumable_uploads import PDF, PDF_SHA256, TUS, begin, partial_files, patch


@pytest.fixture
def lot(tender):
    return tender.lots.get()


@pytest.fixture
def bidder(client, supplier):
    client.force_login(supplier[1])
    return client


@pytest.fixture
def deadline(tender):
    return tender.submission_deadline


def _submitted_with_upload(bidder, tender, supplier, *, sha256=PDF_SHA256):
    """A bid submitted a few minutes before the deadline while an upload to it (begun then, with
    `sha256` declared) has 5000 of its bytes. Returns the bid and the upload's address. `bidder`
    is signed in as `supplier`'s user, or None for a client of its own."""
    org, user = supplier
    if bidder is None:
        bidder = Client()
        bidder.force_login(user)
    with clock.frozen_at(tender.submission_deadline - timedelta(minutes=5)):
        bid = bid_actions.start_bid(lot=tender.lots.get(), supplier=org, by=user)
        location = begin(bidder, bid, sha256=sha256)["Location"]
        assert patch(bidder, location, 0, PDF[:5000]).status_code == 204
        testing.submitted_bid(tender=tender, supplier=org, by=user, price=100)
    return bid, location


# Gap 1: what is sent after the deadline was chosen before it.


def test_without_a_declared_sha256_a_file_must_finish_before_the_deadline(
    bidder, tender, supplier, deadline
):
    _, location = _submitted_with_upload(bidder, tender, supplier, sha256=None)
    with clock.frozen_at(deadline - timedelta(seconds=1)):
        assert patch(bidder, location, 5000, PDF[5000:6000]).status_code == 204
    with clock.frozen_at(deadline):
        asked = bidder.head(location, headers=TUS)
        response = patch(bidder, location, 6000, PDF[6000:])
    assert asked.status_code == 410
    assert response.status_code == 410
    assert response.content.decode() == (
        "Too late to finish this upload: the deadline has passed, and a file may finish after "
        "it only if its SHA-256 was declared when its upload began"
    )
    assert not BidAttachment.objects.exists()
    assert BidUpload.objects.get().offset == 6000


def test_before_the_deadline_a_file_without_a_declared_sha256_is_taken(bidder, tender, supplier):
    bid, location = _submitted_with_upload(bidder, tender, supplier, sha256=None)
    with clock.frozen_at(tender.submission_deadline - timedelta(minutes=1)):
        assert patch(bidder, location, 5000, PDF[5000:]).status_code == 204
    assert bid.attachments.get().sha256 == PDF_SHA256


def test_after_the_deadline_only_the_declared_file_is_taken(
    bidder, tender, supplier, deadline, settings
):
    _, location = _submitted_with_upload(bidder, tender, supplier)
    other = PDF[:5000] + bytes(reversed(PDF[5000:]))  # same start and size, another file
    with clock.frozen_at(deadline + timedelta(minutes=20)):
        response = patch(bidder, location, 5000, other[5000:])
    assert response.status_code == 422
    assert "SHA-256 differs" in response.content.decode()
    assert not BidAttachment.objects.exists() and not BidUpload.objects.exists()
    assert partial_files(settings) == []


def test_the_daily_job_removes_an_upload_without_a_sha256_once_the_deadline_passes(
    bidder, tender, supplier, deadline
):
    _submitted_with_upload(bidder, tender, supplier, sha256=None)
    _submitted_with_upload(None, tender, testing.supplier_with_user())
    with clock.frozen_at(deadline - timedelta(minutes=1)):
        assert actions_uploads.remove_abandoned_uploads() == 0
    with clock.frozen_at(deadline + timedelta(minutes=1)):
        assert actions_uploads.remove_abandoned_uploads() == 1
    assert BidUpload.objects.get().declared_sha256 == PDF_SHA256


def test_the_page_warns_within_the_grace_period_before_the_deadline(
    bidder, lot, supplier, deadline, settings
):
    draft = bid_actions.start_bid(lot=lot, supplier=supplier[0], by=supplier[1])
    url = reverse("bids:edit", args=[lot.pk])
    warning = "Files must finish uploading before the deadline"
    grace = settings.LEVELFIELD_BID_UPLOAD_GRACE
    with clock.frozen_at(deadline - grace - timedelta(minutes=1)):
        early = bidder.get(url).content.decode()
    with clock.frozen_at(deadline - grace + timedelta(minutes=1)):
        near = bidder.get(url).content.decode()
    assert draft.pk and warning not in early
    assert (
        f"{warning}, {uk_time(deadline)}, unless the upload began here before it with "
        "JavaScript on (the page checks the file first): such a file may finish until "
        f"{uk_time(deadline + grace)}."
    ) in near
    assert "build/sha256.min.js" in near


# Gap 2: the bids are not opened while accepted files are arriving.


def test_the_bids_cannot_be_opened_while_a_declared_file_may_still_arrive(
    bidder, tender, supplier, officer, deadline, settings
):
    bid, location = _submitted_with_upload(bidder, tender, supplier)
    _submitted_with_upload(None, tender, testing.supplier_with_user())
    until = deadline + settings.LEVELFIELD_BID_UPLOAD_GRACE
    with clock.frozen_at(deadline + timedelta(minutes=10)):
        with pytest.raises(InvalidTransition) as refused:
            tender_actions.open_evaluation(tender=tender, by=officer)
        assert refused.value.message == (
            "2 files begun before the deadline are still uploading to submitted bids and may "
            f"be accepted until {uk_time(until)}. Open the bids once they have finished, or "
            "after that time."
        )
        assert " GMT " in refused.value.message or " BST " in refused.value.message
        assert patch(bidder, location, 5000, PDF[5000:]).status_code == 204
        with pytest.raises(InvalidTransition, match="^1 file begun before the deadline is "):
            tender_actions.open_evaluation(tender=tender, by=officer)
    assert bid.attachments.get().uploaded_at > deadline
    tender.refresh_from_db()
    assert tender.status == "published"
    # Once the grace period is over, the last one can no longer arrive: the bids open.
    with clock.frozen_at(until):
        tender = tender_actions.open_evaluation(tender=tender, by=officer)
    assert tender.status == "evaluation"


def test_the_bids_open_once_every_declared_file_has_arrived(
    bidder, tender, supplier, officer, deadline
):
    bid, location = _submitted_with_upload(bidder, tender, supplier)
    with clock.frozen_at(deadline + timedelta(minutes=10)):
        assert patch(bidder, location, 5000, PDF[5000:]).status_code == 204
        tender = tender_actions.open_evaluation(tender=tender, by=officer)
    assert tender.status == "evaluation"


def test_uploads_that_cannot_be_accepted_do_not_hold_the_bids_back(
    bidder, tender, lot, supplier, officer, deadline
):
    # Without a declared SHA-256 (it cannot finish after the deadline) ...
    _submitted_with_upload(bidder, tender, supplier, sha256=None)
    # ... and to a draft, which is not considered.
    stranger, stranger_user = testing.supplier_with_user()
    other = Client()
    other.force_login(stranger_user)
    with clock.frozen_at(deadline - timedelta(minutes=5)):
        draft = bid_actions.start_bid(lot=lot, supplier=stranger, by=stranger_user)
        location = begin(other, draft, sha256=PDF_SHA256)["Location"]
    with clock.frozen_at(deadline + timedelta(minutes=1)):
        tender = tender_actions.open_evaluation(tender=tender, by=officer)
        # Nor can the draft's file join its bid once the bids are open.
        response = patch(other, location, 0, PDF)
    assert tender.status == "evaluation"
    assert response.status_code == 410
    assert response.content.decode() == (
        "Too late to finish this upload: the buyer has opened the bids for evaluation"
    )
    assert not BidAttachment.objects.exists()


def test_the_buyers_button_and_the_api_say_why_the_bids_stay_closed(
    bidder, tender, supplier, officer, deadline
):
    from levelfield.accounts.actions import create_api_token

    _submitted_with_upload(bidder, tender, supplier)
    buyer = Client()
    buyer.force_login(officer)
    _, secret = create_api_token(user=officer, name="tests")
    with clock.frozen_at(deadline + timedelta(minutes=10)):
        page = buyer.post(reverse("evaluation:open", args=[tender.pk]), follow=True)
        api = Client().post(
            f"/api/buyer/tenders/{tender.pk}/open-evaluation",
            headers={"Authorization": f"Bearer {secret}"},
        )
    assert "1 file begun before the deadline is still uploading" in page.content.decode()
    assert api.status_code == 409
    assert api.json()["code"] == "invalid_state"
    assert "still uploading to submitted bids" in api.json()["message"]
    tender.refresh_from_db()
    assert tender.status == "published"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_file_finishing_while_the_bids_open_waits_for_them_and_is_refused(
    tender, lot, supplier, officer, settings
):
    """PostgreSQL, real concurrent transactions: the buyer's opening holds the tender's row; the
    last chunk of a draft's upload (not counted, so it does not hold the opening back) waits for
    it, then finds the bids open and is refused. Without the lock it would have read the tender
    as still published and joined the bid."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL (DATABASE_URL=postgres://...)")
    org, user = supplier
    deadline = tender.submission_deadline
    with clock.frozen_at(deadline - timedelta(minutes=5)):
        draft = bid_actions.start_bid(lot=lot, supplier=org, by=user)
        upload = actions_uploads.begin_upload(
            bid=draft, by=user, filename="method.pdf", length=len(PDF), sha256=PDF_SHA256
        )
        actions_uploads.receive_chunk(upload=upload, by=user, offset=0, data=PDF[:5000])
    after = deadline + timedelta(minutes=5)
    opened, release = threading.Event(), threading.Event()
    outcome = {}

    def open_bids():
        try:
            with clock.frozen_at(after), transaction.atomic():
                tender_actions.open_evaluation(tender=tender, by=officer)
                opened.set()
                release.wait(timeout=60)
        finally:
            connections.close_all()

    def last_chunk():
        try:
            opened.wait(timeout=60)
            with clock.frozen_at(after):
                actions_uploads.receive_chunk(
                    upload=BidUpload.objects.get(pk=upload.pk),
                    by=user,
                    offset=5000,
                    data=PDF[5000:],
                )
            outcome["result"] = "accepted"
        except DomainError as exc:
            outcome["result"] = exc.message
        finally:
            connections.close_all()

    threads = [threading.Thread(target=open_bids), threading.Thread(target=last_chunk)]
    for thread in threads:
        thread.start()
    assert opened.wait(timeout=60)
    # The chunk's transaction waits for the tender's row (bounded: a lock wait, not a sleep).
    for _ in range(600):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            if cursor.fetchone()[0] or "result" in outcome:
                break
        threading.Event().wait(0.05)
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert outcome["result"] == (
        "Too late to finish this upload: the buyer has opened the bids for evaluation"
    )
    assert not BidAttachment.objects.exists()
    tender.refresh_from_db()
    assert tender.status == "evaluation"
