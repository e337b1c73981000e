"""`notify.email_once`: an email that must go once goes once, whoever else tries at the same
moment (two workers running the same reminders), because its claim is a unique row."""

import pytest

from levelfield.core.models import EmailSentOnce, OutboundEmail
from levelfield.core.notify import email_once


def send(key="bid:1:deadline:2026-12-07T12:00:00+00:00", to=("a@example.com",)):
    return email_once(kind="test.reminder", key=key, to=list(to), subject="Hello", body="Body")


@pytest.mark.django_db
def test_it_goes_once_per_kind_and_key():
    assert send() is True
    assert send() is False
    assert send(key="bid:1:deadline:2026-12-10T12:00:00+00:00") is True
    assert OutboundEmail.objects.count() == 2
    assert EmailSentOnce.objects.count() == 2


@pytest.mark.django_db
def test_a_claim_made_by_another_worker_first_stops_it_without_an_error():
    """The other worker's row is there before this one's insert (there is no look first: the
    insert is the claim), so this one queues no email and the transaction goes on."""
    from levelfield.core import clock

    EmailSentOnce.objects.create(
        kind="test.reminder", key="bid:1:deadline:2026-12-07T12:00:00+00:00", sent_at=clock.now()
    )
    assert send() is False
    assert not OutboundEmail.objects.exists()
    assert EmailSentOnce.objects.count() == 1


@pytest.mark.django_db
def test_with_nobody_to_write_to_nothing_is_claimed():
    assert send(to=("", "")) is False
    assert not EmailSentOnce.objects.exists()
    assert send(to=("b@example.com", "b@example.com")) is True
    assert OutboundEmail.objects.get().to == ["b@example.com"]
