"""Background work for accounts: emailing an invitation, a password reset link, an address's
verification link.

The task takes only the invitation's id: the task queue keeps its tasks' arguments (and the
admin lists the queue), so the link's secret must never be one of them. The task makes the
secret, keeps its hash and sends the link in one transaction; the secret is in the email only."""

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from levelfield.core import clock
from levelfield.core.notify import EmailNotSent, deliver, retry_later

from .models import ApiToken, Invitation, User, hash_secret

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


VERIFICATION_SALT = "levelfield.accounts.verify-email"
VERIFICATION_DAYS = 7


def verification_token(user: User) -> str:
    """A signed link's secret naming the user and the address: a link sent to an old address
    stops working when the address changes. Nothing is stored."""
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFICATION_SALT, compress=True)


def user_for_verification_token(token: str) -> User | None:
    try:
        data = signing.loads(token, salt=VERIFICATION_SALT, max_age=VERIFICATION_DAYS * 86400)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id = data.get("u")
    if not isinstance(user_id, int):  # the token was signed by verification_token, with the pk
        return None
    return User.objects.filter(pk=user_id, email=data.get("e"), is_active=True).first()


@task()
def send_email_verification(*, user_id: int) -> int:
    """Email the link that proves a self-registered person's address. The task takes only the
    user's id; the link is made here and is in the email only."""
    user = User.objects.filter(pk=user_id, email_verified_at__isnull=True, is_active=True).first()
    if user is None:
        return 0
    link = settings.SITE_URL + reverse("accounts:verify_email", args=[verification_token(user)])
    return deliver(
        to=[user.email],
        subject="Confirm your email address for levelfield",
        body=f"Hello {user},\n\n"
        "Confirm that this is your email address, so you can bid, ask questions and submit on "
        f"levelfield. Follow this link within {VERIFICATION_DAYS} days:\n{link}\n\n"
        "If you did not register, you can ignore this email.\n",
        what=f"email verification for user {user.pk}",
    )


@task()
def send_password_reset(*, user_id: int) -> int:
    """Email a password reset link. The task takes only the user's id; the link's token is made
    here (Django's token generator: it stops working once the password changes, after sign-in,
    or after PASSWORD_RESET_TIMEOUT) and is in the email only."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.SITE_URL + reverse("accounts:password_reset_confirm", args=[uid, token])
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    return deliver(
        to=[user.email],
        subject="Reset your levelfield password",
        body=f"Hello {user},\n\n"
        "Someone asked to reset the password of your levelfield account. To choose a new "
        f"password, follow this link within {hours} hours:\n{link}\n\n"
        "If you did not ask, you can ignore this email: your password has not changed.\n",
        what=f"password reset for user {user.pk}",
    )
