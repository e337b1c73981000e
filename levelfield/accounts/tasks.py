"""Background work for accounts: emailing an invitation.

The task takes only the invitation's id: the task queue keeps its tasks' arguments (and the
admin lists the queue), so the link's secret must never be one of them. The task makes the
secret, keeps its hash and sends the link in one transaction; the secret is in the email only."""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django_tasks import task

from levelfield.core import clock
from levelfield.core.notify import EmailNotSent, deliver, retry_later

from .models import ApiToken, Invitation, hash_secret

logger = logging.getLogger(__name__)


@task()
def send_invitation(*, invitation_id: int, failures: int = 0) -> int:
    """Email the invitation's link. Returns how many were sent: 0 when the invitation has been
    sent already (its link stays the one emailed), accepted or expired. A failure to send
    rolls back, and a later run, queued here (`notify.retry_later`), makes a fresh link;
    `failures` counts the runs that failed before."""
    try:
        return _send_invitation(invitation_id)
    except EmailNotSent:
        failed = failures + 1
        if not retry_later(
            send_invitation, failed=failed, invitation_id=invitation_id, failures=failed
        ):
            logger.error("Gave up sending invitation %s", invitation_id)
        raise


def _send_invitation(invitation_id: int) -> int:
    """Make the link and keep its hash (committed), then send it with no transaction open (on
    SQLite one would hold the write lock while the mail server answers). If sending fails, the
    hash is cleared again, so the next run makes a fresh link."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(
                pk=invitation_id,
                token_hash__isnull=True,
                accepted_at__isnull=True,
                expires_at__gt=clock.now(),
            )
            .first()
        )
        if invitation is None:
            return 0
        token = ApiToken.new_secret()
        invitation.token_hash = hash_secret(token)
        invitation.save(update_fields=["token_hash"])
    organisation, by = invitation.organisation, invitation.invited_by
    link = settings.SITE_URL + reverse("accounts:accept_invitation", args=[token])
    try:
        return deliver(
            to=[invitation.email],
            subject=f"Join {organisation} on levelfield",
            body=f"{by} has invited you to join {organisation} on levelfield.\n"
            f"Accept within {(invitation.expires_at - invitation.created_at).days} days: {link}\n",
            what=f"invitation {invitation.pk}",
        )
    except EmailNotSent:
        Invitation.objects.filter(pk=invitation.pk, token_hash=invitation.token_hash).update(
            token_hash=None
        )
        raise
