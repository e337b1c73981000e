"""Start a thread with a bidder, send a message, mark a thread read. Each checks permission
and state, writes in one transaction with its audit event (which carries the tender's
reference, so the tender's history shows it), and emails the other side after commit.

The emails carry a link and no content: a clarification of a bid or a standstill letter may
hold prices, scores or a challenge, and email leaves the platform's record and its access
rules. They name the tender and the purpose only. Reading is recorded, not emailed: the other
side sees the receipt on the thread."""

from pathlib import PurePath
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from levelfield.accounts.models import Organisation, Role
from levelfield.core import audit, clock
from levelfield.core.errors import DomainError, RuleFailed
from levelfield.core.notify import email_on_commit
from levelfield.core.permissions import require
from levelfield.core.uploads import check_upload, files_removed_on_failure, store
from levelfield.suppliers import selectors as supplier_selectors
from levelfield.tenders.models import Tender

from .models import Message, MessageAttachment, Purpose, ReadReceipt, Side, Thread
from .selectors import bidders_of, side_of

SUBJECT_MAX = 150
BODY_MAX = 20000
ATTACHMENTS_MAX = 5


class Sealed(DomainError):
    """Before the submission deadline nothing shows who has bid."""

    code = "sealed"
    status = 409


# The subject as given: a str to check (a new thread's), or None (a reply has none).
_Subject = TypeVar("_Subject", str, None)


def _clean_text(subject: _Subject, body: str) -> tuple[_Subject, str]:
    problems = []
    body = (body or "").strip()
    if not body:
        problems.append("Enter a message")
    elif len(body) > BODY_MAX:
        problems.append(f"The message must be {BODY_MAX:,} characters or fewer")
    if subject is not None:
        subject = subject.strip()
        if not subject:
            problems.append("Enter a subject")
        elif len(subject) > SUBJECT_MAX:
            problems.append(f"The subject must be {SUBJECT_MAX} characters or fewer")
    if problems:
        raise RuleFailed(problems[0], code="invalid_message", details=problems)
    return subject, body


def _checked(attachments) -> list[tuple[object, str]]:
    attachments = list(attachments or [])
    if len(attachments) > ATTACHMENTS_MAX:
        raise RuleFailed(
            f"Attach at most {ATTACHMENTS_MAX} files to a message", code="invalid_file"
        )
    checked = []
    for upload in attachments:
        try:
            checked.append((upload, check_upload(upload)))
        except ValidationError as exc:
            raise RuleFailed(exc.messages[0], code="invalid_file") from exc
    return checked


def _post(*, thread: Thread, side: str, organisation, by, body: str, attachments) -> Message:
    now = clock.now()
    message = Message.objects.create(
        thread=thread, side=side, organisation=organisation, author=by, sent_at=now, body=body
    )
    for upload, digest in attachments:
        item = MessageAttachment(
            message=message, name=PurePath(upload.name).name[:255], size=upload.size, sha256=digest
        )
        store(item.file, upload)
        item.save()
    Thread.objects.filter(pk=thread.pk).update(last_message_at=now)
    thread.last_message_at = now
    # The author's side has read what it sent.
    ReadReceipt.objects.create(message=message, side=side, read_at=now, read_by=by)
    return message


def _record(action: str, *, thread: Thread, by, organisation, summary: str, **data) -> None:
    audit.record(
        action=action,
        obj=thread,
        actor=by,
        organisation=organisation,
        summary=summary,
        tender=thread.tender.reference,
        supplier=thread.supplier_id,
        **data,
    )


def buyer_emails(tender: Tender, *, but=None) -> list[str]:
    """The buyer's admins and officers (who read the threads), without `but`."""
    people = tender.buyer.memberships.filter(role__in=[Role.BUYER_ADMIN, Role.BUYER_OFFICER])
    if but is not None:
        people = people.exclude(user=but)
    return list(people.order_by("user__email").values_list("user__email", flat=True).distinct())


def bidder_emails(thread: Thread, *, but=None) -> list[str]:
    """The bidder's people: its own, or for a consortium every accepted member's."""
    emails = supplier_selectors.contact_emails(thread.supplier)
    if but is not None:
        emails = [e for e in emails if e != but.email]
    return sorted(set(emails))


def _tell_other_side(thread: Thread, *, sender_side: str, by) -> None:
    tender = thread.tender
    link = settings.SITE_URL.rstrip("/") + reverse("correspondence:thread", args=[thread.pk])
    purpose = Purpose(thread.purpose).label.lower()
    if sender_side == Side.BUYER:
        recipients = bidder_emails(thread, but=by)
        who = f"{tender.buyer.name} has sent {thread.supplier.name}"
    else:
        recipients = buyer_emails(tender, but=by)
        who = f"{thread.supplier.name} has sent {tender.buyer.name}"
    body = (
        f"{who} a private message about {tender.reference}: {tender.title} ({purpose}).\n\n"
        "The message is not in this email. Sign in to read it and reply:\n"
        f"{link}"
    )
    for email in recipients:
        email_on_commit(to=email, subject=f"New message about {tender.reference}", body=body)


@files_removed_on_failure
@transaction.atomic
def start_thread(
    *,
    tender: Tender,
    supplier: Organisation | None,
    by,
    purpose: str,
    subject: str,
    body: str,
    attachments=(),
) -> Thread:
    """The buyer writes privately to one bidder, after the submission deadline only: before it,
    questions go through the public clarifications, and nothing may show who has bid. A
    `supplier` of None (an id naming no organisation) is not a bidder, once that may be said."""
    require(by, "correspondence.start_thread", tender, "Only the tender's buyer writes to bidders")
    tender = Tender.objects.select_for_update().select_related("buyer").get(pk=tender.pk)
    if not tender.bids_unsealed:
        raise Sealed(
            "You can write to a bidder once the submission deadline has passed. Before it, "
            "answer questions through the published clarifications."
        )
    if purpose not in Purpose.values:
        raise RuleFailed("Choose what the correspondence is about", code="invalid_message")
    if supplier is None:
        raise RuleFailed("No bidder has that id", code="not_a_bidder")
    if not bidders_of(tender).filter(pk=supplier.pk).exists():
        raise RuleFailed(
            f"{supplier.name} did not submit a bid for {tender.reference}", code="not_a_bidder"
        )
    subject, body = _clean_text(subject, body)
    checked = _checked(attachments)
    now = clock.now()
    thread = Thread.objects.create(
        tender=tender,
        supplier=supplier,
        purpose=purpose,
        subject=subject,
        started_by=by,
        started_at=now,
        last_message_at=now,
    )
    message = _post(
        thread=thread,
        side=Side.BUYER,
        organisation=tender.buyer,
        by=by,
        body=body,
        attachments=checked,
    )
    _record(
        "correspondence.thread_started",
        thread=thread,
        by=by,
        organisation=tender.buyer,
        summary=f"{Purpose(purpose).label}, with {supplier.name}",
        message=message.pk,
        side=Side.BUYER,
        attachments=[digest for _, digest in checked],
    )
    _tell_other_side(thread, sender_side=Side.BUYER, by=by)
    return thread


@files_removed_on_failure
@transaction.atomic
def send_message(*, thread: Thread, by, body: str, attachments=()) -> Message:
    """A message in a thread, from whichever side `by` is on. Sent messages never change: a
    correction is another message."""
    require(by, "correspondence.send_message", thread, "You cannot write in this correspondence")
    thread = (
        Thread.objects.select_for_update()
        .select_related("tender__buyer", "supplier")
        .get(pk=thread.pk)
    )
    side = side_of(by, thread)
    assert side is not None  # send_message is only for readers of the thread, who have a side
    _, body = _clean_text(None, body)
    checked = _checked(attachments)
    organisation = thread.tender.buyer if side == Side.BUYER else thread.supplier
    message = _post(
        thread=thread,
        side=side,
        organisation=organisation,
        by=by,
        body=body,
        attachments=checked,
    )
    to = thread.supplier.name if side == Side.BUYER else thread.tender.buyer.name
    purpose = Purpose(thread.purpose).label.lower()
    _record(
        "correspondence.message_sent",
        thread=thread,
        by=by,
        organisation=organisation,
        summary=f"From {organisation.name} to {to} ({purpose})",
        message=message.pk,
        side=side,
        attachments=[digest for _, digest in checked],
    )
    _tell_other_side(thread, sender_side=side, by=by)
    return message


@transaction.atomic
def mark_read(*, thread: Thread, by) -> int:
    """Record that `by`'s side has read every message the other side sent; the first reading
    of each message is kept. Returns how many messages were read for the first time (nothing
    is recorded when there were none)."""
    require(by, "correspondence.view_thread", thread, "You cannot read this correspondence")
    side = side_of(by, thread)
    assert side is not None  # a reader of the thread (view_thread) has a side
    unread = list(
        Message.objects.filter(thread=thread)
        .exclude(side=side)
        .exclude(receipts__side=side)
        .values_list("pk", flat=True)
    )
    if not unread:
        return 0
    now = clock.now()
    ReadReceipt.objects.bulk_create(
        [ReadReceipt(message_id=pk, side=side, read_at=now, read_by=by) for pk in unread],
        ignore_conflicts=True,
    )
    organisation = thread.tender.buyer if side == Side.BUYER else thread.supplier
    _record(
        "correspondence.read",
        thread=thread,
        by=by,
        organisation=organisation,
        summary=f"{len(unread)} message{'s' if len(unread) != 1 else ''} read by "
        f"{organisation.name} ({Purpose(thread.purpose).label.lower()})",
        messages=unread,
        side=side,
    )
    return len(unread)
