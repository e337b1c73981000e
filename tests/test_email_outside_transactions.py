"""The mail server is spoken to with no database transaction open: on SQLite every transaction
holds the one write lock from its start, so an email sent inside one (seconds to a slow mail
server, for ever to one that hangs) made every other writer wait and then fail with 'database
is locked'."""

from datetime import timedelta

import pytest
from django.core.mail import get_connection
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection

from levelfield.accounts.models import Invitation, Organisation, Role, User
from levelfield.accounts.tasks import send_invitation
from levelfield.core import clock, notify
from levelfield.core.models import OutboundEmail

pytestmark = pytest.mark.django_db(transaction=True)

IN_TRANSACTION: list[bool] = []


class Recording(EmailBackend):
    """Django's in-memory backend, noting whether a transaction is open as each email goes."""

    def send_messages(self, messages):
        IN_TRANSACTION.append(connection.in_atomic_block)
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def recording(settings):
    settings.EMAIL_BACKEND = f"{__name__}.Recording"
    IN_TRANSACTION.clear()


def test_a_queued_email_is_sent_outside_any_transaction():
    email = OutboundEmail.objects.create(
        to=["someone@example.org"], subject="Hello", body="Hello", created_at=clock.now()
    )

    assert notify.send_email.call(email_id=email.pk) == 1

    assert IN_TRANSACTION == [False]
    assert not OutboundEmail.objects.exists()


def test_an_invitation_is_sent_outside_any_transaction():
    buyer = Organisation.objects.create(name="Shire Council", kind=Organisation.Kind.BUYER)
    admin = User.objects.create_user("admin@shire.example", "pass-1", full_name="Ada Admin")
    now = clock.now()
    invitation = Invitation.objects.create(
        organisation=buyer,
        email="new@shire.example",
        role=Role.BUYER_OFFICER,
        invited_by=admin,
        created_at=now,
        expires_at=now + timedelta(days=14),
    )

    assert send_invitation.call(invitation_id=invitation.pk) == 1

    assert IN_TRANSACTION == [False]
    invitation.refresh_from_db()
    assert invitation.token_hash


def test_a_mail_server_that_never_answers_is_given_up_on():
    """The worker runs one task at a time: a mail server that accepts the connection and then
    says nothing must not hold every later task for ever (Django waits for ever by default)."""
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend")

    assert connection.timeout is not None
