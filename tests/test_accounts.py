"""People and organisations: registering a supplier, signing in, throttling, inviting, tokens,
and settings that refuse to start unsafely."""

import os
import subprocess
import sys

import pytest
from django.core import mail
from django.urls import reverse

from levelfield.accounts.models import ApiToken, Membership, Role, User
from levelfield.suppliers.models import SupplierProfile
from tests.support.testing import PASSWORD

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "legal_name": "Hedgerow Gardening CIC",
    "companies_house_number": "12345678",
    "size": "micro",
    "is_vcse": "on",
    "region": "UKK",
    "full_name": "Hazel Hedge",
    "email": "hazel@hedgerow.example",
    "password": "a-long-and-unusual-passphrase",
}


def test_a_supplier_registers_its_organisation_and_becomes_its_admin(client):
    response = client.post(reverse("accounts:register"), REGISTRATION, follow=True)
    assert response.status_code == 200
    profile = SupplierProfile.objects.get()
    assert (profile.legal_name, profile.size, profile.is_vcse) == (
        "Hedgerow Gardening CIC",
        "micro",
        True,
    )
    membership = Membership.objects.get(user__email="hazel@hedgerow.example")
    assert membership.role == Role.SUPPLIER_ADMIN
    assert response.context["user"].is_authenticated


@pytest.mark.parametrize("number", ["1234567", "ABC12345", "12-345678"])
def test_a_badly_formatted_companies_house_number_is_refused_and_nothing_is_saved(client, number):
    response = client.post(
        reverse("accounts:register"), {**REGISTRATION, "companies_house_number": number}
    )
    assert response.status_code == 200
    assert "Companies House number in the correct format" in response.content.decode()
    assert not User.objects.exists() and not SupplierProfile.objects.exists()
    # What was typed is kept.
    assert "Hedgerow Gardening CIC" in response.content.decode()


def test_a_weak_password_is_refused_with_the_validators_message(client):
    response = client.post(reverse("accounts:register"), {**REGISTRATION, "password": "password"})
    assert "too common" in response.content.decode()
    assert not User.objects.exists()


def test_sign_in_with_email_any_case(client, supplier):
    _, user = supplier
    response = client.post(
        reverse("accounts:login"), {"username": user.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302


def test_failed_sign_ins_are_throttled(client, supplier, settings):
    _, user = supplier
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(
            reverse("accounts:login"), {"username": user.email, "password": "wrong-password"}
        )
        assert "Enter a correct email address and password" in response.content.decode()
    # The failure that reaches the limit locks the account out for this address.
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": "wrong-password"}
    )
    assert response.status_code == 429
    # Even the right password is refused now.
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()


def test_a_supplier_admin_invites_a_colleague_who_joins(
    client, supplier, django_capture_on_commit_callbacks
):
    organisation, admin = supplier
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invite"),
            {"email": "colleague@acorn.example", "role": Role.SUPPLIER_MEMBER},
        )
    assert response.status_code == 302
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/invitation/" in line)
    path = link[link.index("/account/") :]
    client.logout()
    response = client.post(
        path, {"full_name": "Colin League", "password": "another-long-passphrase"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="colleague@acorn.example")
    assert membership.organisation == organisation and membership.role == Role.SUPPLIER_MEMBER
    # The link works once.
    assert client.get(path).status_code == 404


def test_an_invitation_link_is_never_stored_nor_queued(
    client, settings, buyer, buyer_admin, django_capture_on_commit_callbacks
):
    """With the database task queue (which the admin lists): the queued task holds the
    invitation's id only, and the link's secret is made by the worker when it sends the email
    (only its hash kept). The invitee joins through the emailed link."""
    import json

    from django_tasks_db.models import DBTaskResult

    from levelfield.accounts.models import Invitation, hash_secret
    from tests.support import testing

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(buyer_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invite"),
            {"email": "new.admin@shire.example", "role": Role.BUYER_ADMIN},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.token_hash is None  # no link can accept it yet
    assert mail.outbox == []
    queued = json.dumps([r.args_kwargs for r in DBTaskResult.objects.all()])
    assert queued == json.dumps([{"args": [], "kwargs": {"invitation_id": invitation.pk}}])

    testing.run_db_worker()
    [email] = mail.outbox
    assert email.to == ["new.admin@shire.example"]
    link = next(line for line in email.body.splitlines() if "/invitation/" in line)
    path = link[link.index("/account/") :]
    token = path.rstrip("/").rsplit("/", 1)[1]
    invitation.refresh_from_db()
    assert invitation.token_hash == hash_secret(token)
    for result in DBTaskResult.objects.all():
        assert token not in json.dumps([result.args_kwargs, result.return_value])
        assert result.status == "SUCCESSFUL"

    # A second run of the task sends nothing and keeps the link emailed.
    from levelfield.accounts.tasks import send_invitation

    assert send_invitation.call(invitation_id=invitation.pk) == 0
    assert len(mail.outbox) == 1

    client.logout()
    response = client.post(path, {"full_name": "Nia Newcomer", "password": "another-passphrase-9"})
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="new.admin@shire.example")
    assert membership.organisation == buyer and membership.role == Role.BUYER_ADMIN


def test_a_supplier_member_cannot_invite(client, supplier):
    organisation, _ = supplier
    from tests.support import testing

    member = testing.member(organisation, Role.SUPPLIER_MEMBER)
    client.force_login(member)
    assert client.get(reverse("accounts:invite")).status_code == 404


def test_an_api_token_is_shown_once_and_stored_only_as_a_hash(client, supplier):
    _, user = supplier
    client.force_login(user)
    response = client.post(
        reverse("accounts:create_token"),
        {"name": "finance system", "scope": "read", "lifetime_days": "90"},
    )
    secret = response.context["secret"]
    assert secret.startswith("lf_") and secret in response.content.decode()
    token = ApiToken.objects.get()
    assert token.token_hash != secret and secret not in str(token.__dict__)
    assert secret not in client.get(reverse("accounts:account")).content.decode()
    client.post(reverse("accounts:revoke_token", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def _settings_with(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import levelfield.settings"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_debug_a_missing_secret_key_stops_startup_with_a_clear_message():
    result = _settings_with({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_without_debug_a_secret_key_lets_it_start():
    result = _settings_with({"DEBUG": "false", "SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr
