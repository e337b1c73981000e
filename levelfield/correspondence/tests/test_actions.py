"""Starting a thread, sending, reading: what is stored, audited and emailed, and what is
refused."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from levelfield.bids import actions as bid_actions
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.models import AuditEvent
from levelfield.tenders.history import tender_history
from tests.support import testing

from .. import actions
from ..models import Message, MessageAttachment, ReadReceipt, Side, Thread
from .conftest import close, start

pytestmark = pytest.mark.django_db

BODY = "Please confirm your price includes travel time."


def test_the_buyer_writes_to_one_bidder_whose_people_get_a_link_and_not_the_message(
    closed, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        thread = start(closed, body=BODY)

    [message] = thread.messages.all()
    assert (message.side, message.author, message.organisation) == (
        Side.BUYER,
        closed.officer,
        closed.buyer,
    )
    assert message.body == BODY
    # The sender's side has read what it sent; the bidder has not yet.
    assert list(message.receipts.values_list("side", flat=True)) == [Side.BUYER]
    recipients = sorted(address for email in mail.outbox for address in email.to)
    assert recipients == sorted([closed.acorn_admin.email, closed.acorn_member.email])
    for email in mail.outbox:
        assert email.subject == f"New message about {closed.tender.reference}"
        assert f"/correspondence/{thread.pk}/" in email.body
        assert BODY not in email.body and thread.subject not in email.body
    event = AuditEvent.objects.get(action="correspondence.thread_started")
    assert event.data["tender"] == closed.tender.reference
    assert event.organisation_id == closed.buyer.pk


def test_the_bidders_reply_goes_to_the_buyers_officers_and_admins_not_its_evaluators(
    closed, django_capture_on_commit_callbacks
):
    thread = start(closed)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.send_message(thread=thread, by=closed.acorn_member, body="Yes, travel is included.")

    recipients = sorted(address for email in mail.outbox for address in email.to)
    assert recipients == sorted([closed.officer.email, closed.buyer_admin.email])
    assert closed.evaluator.email not in recipients
    reply = thread.messages.last()
    assert (reply.side, reply.organisation) == (Side.BIDDER, closed.acorn)
    assert AuditEvent.objects.filter(action="correspondence.message_sent").count() == 1


def test_writing_before_the_deadline_is_refused_and_nothing_is_kept(
    world, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError) as refused:
        start(world)
    assert refused.value.code == "sealed"
    assert not Thread.objects.exists() and mail.outbox == []


def test_only_a_bidder_can_be_written_to(world):
    """A supplier whose draft was never submitted did not bid (and its draft is no business of
    the buyer's)."""
    drafter, drafter_admin = testing.supplier_with_user("Draft Only Ltd")
    bid_actions.start_bid(lot=world.tender.lots.get(), supplier=drafter, by=drafter_admin)
    close(world.tender)
    with pytest.raises(DomainError) as refused:
        start(world, supplier=drafter)
    assert refused.value.code == "not_a_bidder"
    assert not Thread.objects.exists()


def test_an_evaluator_or_another_buyer_cannot_start_a_thread(closed):
    for person in (closed.evaluator, closed.other_admin, closed.beech_admin):
        with pytest.raises(PermissionDenied):
            start(closed, by=person)


def test_another_bidder_cannot_write_in_the_thread(closed):
    thread = start(closed)
    with pytest.raises(PermissionDenied):
        actions.send_message(thread=thread, by=closed.beech_admin, body="Hello")


def test_reading_is_recorded_once_per_side_with_the_first_reading(closed):
    thread = start(closed)
    assert actions.mark_read(thread=thread, by=closed.acorn_member) == 1
    first = ReadReceipt.objects.get(side=Side.BIDDER)
    assert first.read_by == closed.acorn_member
    assert actions.mark_read(thread=thread, by=closed.acorn_admin) == 0
    assert ReadReceipt.objects.get(side=Side.BIDDER) == first
    assert AuditEvent.objects.filter(action="correspondence.read").count() == 1


def test_a_sent_message_cannot_be_changed_or_deleted(closed):
    message = start(closed).messages.get()
    message.body = "Something else"
    with pytest.raises(InvalidTransition):
        message.save()
    with pytest.raises(InvalidTransition):
        message.delete()
    assert Message.objects.get().body == BODY


def test_an_empty_message_is_refused(closed):
    thread = start(closed)
    with pytest.raises(DomainError) as refused:
        actions.send_message(thread=thread, by=closed.officer, body="   ")
    assert refused.value.code == "invalid_message"


def test_attachments_are_checked_and_kept_with_their_hash(closed, settings):
    thread = start(closed, attachments=[testing.pdf("clarification.pdf")])
    [item] = MessageAttachment.objects.all()
    assert item.name == "clarification.pdf" and len(item.sha256) == 64
    assert item.file.read().startswith(b"%PDF")

    fake = SimpleUploadedFile("answer.pdf", b"not a pdf at all", content_type="application/pdf")
    before = sorted(p.name for p in (settings.MEDIA_ROOT / "correspondence").rglob("*"))
    with pytest.raises(DomainError) as refused:
        actions.send_message(
            thread=thread, by=closed.acorn_admin, body="See attached", attachments=[fake]
        )
    assert refused.value.code == "invalid_file"
    assert thread.messages.count() == 1
    after = sorted(p.name for p in (settings.MEDIA_ROOT / "correspondence").rglob("*"))
    assert after == before


def test_a_file_stored_before_the_action_fails_is_removed(closed, settings, monkeypatch):
    """The file is saved before the rows; if the action then fails, it is deleted again."""
    thread = start(closed)

    def fail(*args, **kwargs):
        raise RuntimeError("mail queue down")

    monkeypatch.setattr(actions, "_tell_other_side", fail)
    with pytest.raises(RuntimeError):
        actions.send_message(
            thread=thread,
            by=closed.acorn_admin,
            body="See attached",
            attachments=[testing.pdf("late.pdf")],
        )
    assert not list((settings.MEDIA_ROOT).rglob("late*.pdf"))
    assert MessageAttachment.objects.count() == 0


def test_each_message_event_is_in_the_tenders_history_in_words(closed):
    thread = start(closed)
    actions.mark_read(thread=thread, by=closed.acorn_admin)
    actions.send_message(thread=thread, by=closed.acorn_admin, body="Yes, it is included.")

    rows = tender_history(closed.tender, with_correspondence=True)
    what = [row.what for row in rows[:3]]
    assert what == [
        "Private message sent",
        "Private messages read",
        "Private correspondence with a bidder started",
    ]
    details = " ".join(row.detail for row in rows[:3])
    assert "Acorn Care Ltd" in details
    # The history says who wrote to whom, never what.
    assert BODY not in details and thread.subject not in details
    # Only for those who may read the correspondence record (the view asks).
    assert not any("Private" in row.what for row in tender_history(closed.tender))


def test_consortium_members_read_but_only_the_lead_writes(
    consortium_thread, django_capture_on_commit_callbacks
):
    c = consortium_thread
    with pytest.raises(PermissionDenied):
        actions.send_message(thread=c.thread, by=c.member_admin, body="From a member")
    assert actions.mark_read(thread=c.thread, by=c.member_admin) == 0
    with pytest.raises(PermissionDenied):
        actions.mark_read(thread=c.thread, by=c.invited_admin)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.send_message(thread=c.thread, by=c.lead_admin, body="From the lead")
    recipients = sorted(address for email in mail.outbox for address in email.to)
    assert recipients == sorted([c.world.officer.email, c.world.buyer_admin.email])
