"""Email through Django's email backend, sent by a background task after the action commits.

The task queue keeps its tasks' arguments (and the admin lists the queue), so an email is queued
by reference: the action stores it as an `OutboundEmail` in its own transaction, the task takes
only that row's id, and the row is deleted once sent. An email carrying a secret (an invitation
link) is not stored even so: its own task makes the secret when it sends it (see
`levelfield.accounts.tasks`)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task

from . import clock
from .models import OutboundEmail

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


@task()
def send_email(*, email_id: int) -> int:
    """Send the stored email and forget it. Returns how many were sent: 0 when another run has
    already sent it. A failure to send keeps the row (and fails the task) to send it again."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None:
            return 0
        sent = deliver(
            to=email.to, subject=email.subject, body=email.body, what=f"email {email_id}"
        )
        email.delete()
    return sent


def email_on_commit(*, to: list[str] | str, subject: str, body: str) -> None:
    """Queue an email to go once (and only if) the current transaction commits."""
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        return
    email = OutboundEmail.objects.create(
        to=recipients, subject=subject, body=body, created_at=clock.now()
    )
    transaction.on_commit(lambda: send_email.enqueue(email_id=email.pk))
