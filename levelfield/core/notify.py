"""Email through Django's email backend, sent by a background task after the action commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)


def email_on_commit(*, to: list[str] | str, subject: str, body: str) -> None:
    """Queue an email to go once (and only if) the current transaction commits."""
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        return
    transaction.on_commit(lambda: send_email.enqueue(to=recipients, subject=subject, body=body))
