"""Contract management reminders: each one goes once, and only while the thing it is about is
still to do. Each concern's action module finds what is due and calls `send_once`; the daily
job (tasks.py) runs them all."""

from django.db import IntegrityError, transaction

from levelfield.core import clock
from levelfield.core.notify import email_on_commit

from .models import Reminder


def send_once(*, kind: str, key: str, contract, to: list[str], subject: str, body: str) -> bool:
    """Email `to` unless a reminder of this kind about this key went before. Returns whether
    it was sent now. The Reminder row is the claim, so two runs at once send it once."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return False
    try:
        with transaction.atomic():
            Reminder.objects.create(kind=kind, key=key, contract=contract, sent_at=clock.now())
            email_on_commit(to=recipients, subject=subject, body=body)
    except IntegrityError:
        return False
    return True
