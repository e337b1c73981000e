"""Email through Django's email backend, sent by a background task after the action commits.

The task queue keeps its tasks' arguments (and the admin lists the queue), so an email is queued
by reference: the action stores it as an `OutboundEmail` in its own transaction, the task takes
only that row's id, and the row is deleted once sent (or, if the mail server keeps refusing
it, once every try has failed). An email carrying a secret (an invitation
link) is not stored even so: its own task makes the secret when it sends it (see
`levelfield.accounts.tasks`)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from . import clock
from .models import EmailSentOnce, OutboundEmail

logger = logging.getLogger(__name__)


class EmailNotSent(Exception):
    """An email task failed. Says which email, never to whom: the task queue keeps a failed
    task's traceback, and the mail server's error would name the recipient."""


def deliver(*, to: list[str], subject: str, body: str, what: str) -> int:
    """Send now (from a task). A failure is logged in full and raised as `EmailNotSent`,
    naming only `what`."""
    try:
        return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)
    except Exception as exc:
        logger.exception("Sending %s failed", what)
        raise EmailNotSent(f"Sending {what} failed ({type(exc).__name__})") from None


RETRY_AFTER = (
    timedelta(minutes=1),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
)
"""How long after each failure an email is tried again. Once the last try has failed too (about
seven hours on), the email is logged as given up and deleted: no one else would send it, and
its row says who was written to about what."""


@task()
def send_email(*, email_id: int) -> int:
    """Send the stored email and forget it. Returns how many were sent: 0 when it is no longer
    there. A failure to send fails the task and keeps the email to try again later
    (RETRY_AFTER).

    No transaction is open while the mail server is spoken to: on SQLite a transaction holds
    the one write lock from its start, and every other writer would wait on the mail server.
    Only one run of an email is ever queued at a time (the next only once one has failed), so
    nothing else sends it meanwhile."""
    email = OutboundEmail.objects.filter(pk=email_id).first()
    if email is None:
        return 0
    try:
        sent = deliver(
            to=email.to, subject=email.subject, body=email.body, what=f"email {email_id}"
        )
    except EmailNotSent:
        with transaction.atomic():
            _try_again_later(email)
        raise
    email.delete()
    return sent


def _try_again_later(email: OutboundEmail) -> None:
    """Count the failure and queue the next try, or give up once every try has failed."""
    email.attempts += 1
    if retry_later(send_email, failed=email.attempts, email_id=email.pk):
        email.save(update_fields=["attempts"])
    else:
        logger.error("Gave up sending email %s after %s attempts", email.pk, email.attempts)
        email.delete()


def retry_later(task, *, failed: int, **kwargs) -> bool:
    """Queue `task` (with `kwargs`) again after the wait RETRY_AFTER gives once it has `failed`
    that many times. False once every wait is used, or when the task queue cannot run a task
    later."""
    if failed > len(RETRY_AFTER):
        return False
    # The task queue runs a task on its own (real) time, not on the platform's clock.
    retry = task.using(run_after=timezone.now() + RETRY_AFTER[failed - 1])
    if not retry.get_backend().supports_defer:
        return False
    # Queued in the caller's transaction, if any (the database queue commits it with the
    # caller's changes); it runs at least a minute on, long after the commit.
    retry.enqueue(**kwargs)
    return True


def email_on_commit(*, to: list[str] | str, subject: str, body: str) -> None:
    """Queue an email to go once (and only if) the current transaction commits.

    With the database task queue the task is queued in that transaction, committed with the
    email and the action's rows or not at all: queued after the commit, a process killed between
    the two left an email, and its action's record that it was sent, with no task ever to send
    it. Another queue (the tests' immediate one) is given the task after the commit."""
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        return
    email = OutboundEmail.objects.create(
        to=recipients, subject=subject, body=body, created_at=clock.now()
    )
    if queued_in_the_database(send_email):
        send_email.enqueue(email_id=email.pk)
    else:
        transaction.on_commit(lambda: send_email.enqueue(email_id=email.pk))


def queued_in_the_database(task) -> bool:
    """Whether `task` is queued as a row of this database (django-tasks-db), so that queueing it
    inside a transaction commits or undoes it with the transaction."""
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task.get_backend(), DatabaseBackend)


def email_once(*, kind: str, key: str, to: list[str], subject: str, body: str) -> bool:
    """Email `to` (after the current transaction commits) unless an email of this `kind` about
    this `key` went before, and return whether it goes now. The `EmailSentOnce` row is the
    claim: two runs at once (two workers) send it once. With nobody to write to, nothing is
    claimed, so it can go once somebody is there."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return False
    try:
        with transaction.atomic():
            EmailSentOnce.objects.create(kind=kind, key=key, sent_at=clock.now())
            email_on_commit(to=recipients, subject=subject, body=body)
    except IntegrityError:
        return False
    return True
