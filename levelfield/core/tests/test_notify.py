"""Emails are queued by reference: the task queue (kept in the database, listed in the admin)
holds only ids, never whom an email goes to, its subject, its body or a secret in it; the
worker sends it and forgets it."""

import importlib
import json

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from levelfield.accounts.models import User
from levelfield.core import clock, notify
from levelfield.core.models import OutboundEmail
from tests.support import testing

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = DB_TASKS


def stored(result) -> str:
    return json.dumps([result.args_kwargs, result.return_value])


def test_a_bid_receipt_is_queued_by_reference_and_forgotten_once_sent(
    client, db_tasks, tender, supplier, django_capture_on_commit_callbacks
):
    org, user = supplier
    with django_capture_on_commit_callbacks(execute=True):
        bid = testing.submitted_bid(tender=tender, supplier=org, by=user, price="100000")
    result = DBTaskResult.objects.get(task_path="levelfield.core.notify.send_email")
    queued = stored(result)
    for secret in (user.email, "Bid receipt", tender.reference, bid.receipt_hash):
        assert secret not in queued

    # The admin shows what ran and when, never the arguments or the result.
    admin = User.objects.create_superuser("root@levelfield.example", "pass-1", full_name="Root")
    client.force_login(admin)
    pages = [
        reverse("admin:django_tasks_database_dbtaskresult_changelist"),
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[result.pk]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert "send_email" in body
        assert "email_id" not in body and "kwargs" not in body.lower(), url
        assert user.email not in body

    testing.run_db_worker()
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([user.email], f"Bid receipt: {tender.reference} lot 1")
    ]
    assert bid.receipt_hash in mail.outbox[0].body
    assert not OutboundEmail.objects.exists()
    result.refresh_from_db()
    assert result.status == "SUCCESSFUL"
    for secret in (user.email, "Bid receipt", bid.receipt_hash):
        assert secret not in stored(result)


def test_email_tasks_queued_before_the_change_are_converted(db_tasks):
    """The migration: an email task not yet run becomes an outbound email sent as before; one
    already run keeps no arguments."""
    old = {"to": ["invitee@example.com"], "subject": "Join", "body": "/account/invitation/lf_x/"}
    path = "levelfield.core.notify.send_email"
    common = {"task_path": path, "backend_name": "default", "run_after": clock.now()}
    waiting = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": old}, status="READY", **common
    )
    done = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": old}, status="SUCCESSFUL", return_value=1, **common
    )
    module = importlib.import_module("levelfield.core.migrations.0003_outboundemail")
    module.by_reference(django_apps, None)
    email = OutboundEmail.objects.get()
    assert (email.to, email.subject, email.body) == (old["to"], old["subject"], old["body"])
    waiting.refresh_from_db()
    done.refresh_from_db()
    assert waiting.args_kwargs == {"args": [], "kwargs": {"email_id": email.pk}}
    assert done.args_kwargs == {"args": [], "kwargs": {}} and done.return_value is None
    testing.run_db_worker()
    assert [m.body for m in mail.outbox] == [old["body"]]
    assert not OutboundEmail.objects.exists()


@pytest.fixture
def refused_receipt(db_tasks, settings, tender, supplier, django_capture_on_commit_callbacks):
    """A supplier submits a bid while the mail server refuses every email: its receipt is
    queued. Returns the supplier's user."""
    settings.EMAIL_BACKEND = "tests.support.testing.RefusingMailServer"
    org, user = supplier
    with django_capture_on_commit_callbacks(execute=True):
        testing.submitted_bid(tender=tender, supplier=org, by=user, price="100000")
    return user


def test_a_failed_email_keeps_no_recipient_in_the_queue_and_is_kept_to_send_again(
    refused_receipt,
):
    user = refused_receipt
    testing.run_db_worker()
    result = DBTaskResult.objects.get(
        task_path="levelfield.core.notify.send_email", status="FAILED"
    )
    assert "EmailNotSent" in result.exception_class_path
    assert "SMTPRecipientsRefused" in result.traceback
    assert user.email not in result.traceback + stored(result)
    assert OutboundEmail.objects.get().to == [user.email]


SEND_EMAIL = "levelfield.core.notify.send_email"


def test_a_failed_email_is_tried_again_later_and_sent_when_the_server_takes_it(
    refused_receipt, settings
):
    user = refused_receipt
    before = timezone.now()
    testing.run_db_worker()

    email = OutboundEmail.objects.get()
    retry = testing.waiting_runs(SEND_EMAIL).get()
    assert retry.args_kwargs == {"args": [], "kwargs": {"email_id": email.pk}}
    assert retry.run_after > before  # later, not at once

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert testing.run_db_worker_as_time_passes(SEND_EMAIL) == 1
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert not OutboundEmail.objects.exists()


@pytest.mark.usefixtures("refused_receipt")
def test_an_email_the_server_keeps_refusing_is_given_up_and_forgotten():
    assert testing.run_db_worker_as_time_passes(SEND_EMAIL) == len(notify.RETRY_AFTER) + 1
    assert not OutboundEmail.objects.exists()  # who was written to about what is not kept
    assert mail.outbox == []


def test_with_the_database_queue_an_email_and_its_task_commit_together(db_tasks):
    """Queued after the commit, a worker killed between the commit and the queueing left the
    email (and the action's note that it went) with no task ever to send it."""
    from django.db import transaction

    with transaction.atomic():
        notify.email_on_commit(to="a@example.com", subject="Hello", body="Hi")
        email = OutboundEmail.objects.get()
        # in the same transaction as the email: the worker sees both at the commit, or neither
        queued = DBTaskResult.objects.get(task_path="levelfield.core.notify.send_email")
        assert queued.args_kwargs["kwargs"] == {"email_id": email.pk}
        transaction.set_rollback(True)
    assert not OutboundEmail.objects.exists() and not DBTaskResult.objects.exists()
