"""An invitation the mail server refuses is tried again later, with a fresh link each time (no
link is kept or queued), until it goes or every try has failed."""

import json

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from levelfield.accounts import actions
from levelfield.accounts.models import Invitation, Role
from levelfield.core import notify
from tests.support import testing

pytestmark = pytest.mark.django_db

SEND_INVITATION = "levelfield.accounts.tasks.send_invitation"


@pytest.fixture
def refused_invitation(settings, buyer, buyer_admin, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "tests.support.testing.RefusingMailServer"
    with django_capture_on_commit_callbacks(execute=True):
        return actions.invite_member(
            organisation=buyer,
            by=buyer_admin,
            email="new.admin@shire.example",
            role=Role.BUYER_ADMIN,
        )


def test_a_refused_invitation_is_sent_later_with_a_link_that_works(
    refused_invitation, settings, client
):
    before = timezone.now()
    testing.run_db_worker()

    refused_invitation.refresh_from_db()
    assert refused_invitation.token_hash is None  # the link of the failed try is not kept
    retry = testing.waiting_runs(SEND_INVITATION).get()
    assert retry.run_after > before
    assert retry.args_kwargs["kwargs"]["invitation_id"] == refused_invitation.pk

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert testing.run_db_worker_as_time_passes(SEND_INVITATION) == 1
    [email] = mail.outbox
    link = next(line for line in email.body.splitlines() if "/invitation/" in line)
    path = link[link.index("/account/") :]
    for result in DBTaskResult.objects.all():
        assert path not in json.dumps([result.args_kwargs, result.return_value])
    response = client.post(path, {"full_name": "Nia Newcomer", "password": "another-pass-9x"})
    assert response.status_code == 302
    assert Invitation.objects.get().accepted_at is not None


@pytest.mark.usefixtures("refused_invitation")
def test_an_invitation_the_server_keeps_refusing_is_given_up():
    runs = testing.run_db_worker_as_time_passes(SEND_INVITATION)
    assert runs == len(notify.RETRY_AFTER) + 1
    assert mail.outbox == []
