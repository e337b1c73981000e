"""Forgotten passwords (a link by email, the same page whether or not an address has an
account, limited per hour, one use) and proving a self-registered supplier's address before it
may act."""

import pytest
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from levelfield.accounts.models import User
from levelfield.bids.models import Bid
from tests.support import testing
from tests.support.testing import PASSWORD
from tests.test_accounts import REGISTRATION

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "fresh-orchard-lantern-42"


def link_in(email, marker: str) -> str:
    line = next(line for line in email.body.splitlines() if marker in line)
    return line[line.index("/account/") :]


def ask_for_reset(client, email: str, capture):
    with capture(execute=True):
        return client.post(reverse("accounts:forgot_password"), {"email": email})


def test_a_forgotten_password_is_reset_by_the_emailed_link(
    client, supplier, django_capture_on_commit_callbacks
):
    _, user = supplier
    sign_in = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:forgot_password") in sign_in

    page = ask_for_reset(client, user.email.upper(), django_capture_on_commit_callbacks)
    assert "Check your email" in page.content.decode()
    [email] = mail.outbox
    assert email.to == [user.email]
    assert email.subject == "Reset your levelfield password"
    assert "within 2 hours" in email.body
    path = link_in(email, "/reset-password/")

    # Django moves the token out of the address bar, then asks for the password twice.
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    mismatch = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": "other"})
    assert "The two passwords do not match" in mismatch.content.decode()
    weak = client.post(set_url, {"new_password1": "password", "new_password2": "password"})
    assert "This password is too short" in weak.content.decode()
    done = client.post(
        set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert done.redirect_chain[-1][0] == reverse("accounts:login")
    assert "Your password has been changed" in done.content.decode()

    login = reverse("accounts:login")
    old = client.post(login, {"username": user.email, "password": PASSWORD})
    assert "Enter a correct email address and password" in old.content.decode()
    assert client.post(login, {"username": user.email, "password": NEW_PASSWORD}).status_code == 302
    client.post(reverse("accounts:logout"))
    # The link works once.
    again = client.get(path, follow=True)
    assert "This password reset link is not valid" in again.content.decode()


def test_an_unknown_address_gets_the_same_page_and_no_email(
    client, supplier, django_capture_on_commit_callbacks
):
    _, user = supplier
    known = ask_for_reset(client, user.email, django_capture_on_commit_callbacks)
    unknown = ask_for_reset(client, "nobody@nowhere.example", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    strip = lambda page, address: page.content.decode().replace(address, "ADDRESS")  # noqa: E731
    assert strip(known, user.email) == strip(unknown, "nobody@nowhere.example")


def test_reset_links_are_limited_to_three_an_hour_and_never_queued(
    client, supplier, settings, django_capture_on_commit_callbacks
):
    _, user = supplier
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for _ in range(4):
        page = ask_for_reset(client, user.email, django_capture_on_commit_callbacks)
        assert "Check your email" in page.content.decode()
    testing.run_db_worker()
    assert len(mail.outbox) == 3
    for result in DBTaskResult.objects.all():
        assert result.args_kwargs["kwargs"] == {"user_id": user.pk}


def test_an_expired_reset_link_is_refused(
    client, supplier, settings, django_capture_on_commit_callbacks
):
    _, user = supplier
    ask_for_reset(client, user.email, django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0], "/reset-password/")
    settings.PASSWORD_RESET_TIMEOUT = -1
    page = client.get(path, follow=True)
    assert "This password reset link is not valid" in page.content.decode()


def test_a_registered_supplier_cannot_act_until_it_follows_the_emailed_link(
    client, buyer, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registered = client.post(reverse("accounts:register"), REGISTRATION, follow=True)
    assert "We have emailed a link to hazel@hedgerow.example" in registered.content.decode()
    user = User.objects.get(email="hazel@hedgerow.example")
    assert user.email_verified_at is None
    [email] = mail.outbox
    assert email.subject == "Confirm your email address for levelfield"
    path = link_in(email, "/verify-email/")

    # Signed in, it may look, but starting a bid is refused with a page that says why.
    tender = testing.published_tender(buyer=buyer, by=officer)
    lot = tender.lots.get()
    assert client.get(reverse("bids:edit", args=[lot.pk])).status_code == 200
    refused = client.post(reverse("bids:start", args=[lot.pk]))
    assert refused.status_code == 403
    body = refused.content.decode()
    assert "Confirm your email address before you do this" in body
    assert "hazel@hedgerow.example" in body
    assert "Send the email again" in body
    assert not Bid.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:resend_verification"))
    assert len(mail.outbox) == 2

    confirmed = client.get(path, follow=True)
    assert "Your email address is confirmed" in confirmed.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is not None
    started = client.post(reverse("bids:start", args=[lot.pk]))
    assert started.status_code == 302
    assert Bid.objects.filter(lot=lot, supplier__memberships__user=user).count() == 1


def test_the_api_refuses_an_unverified_session_too(client, supplier):
    _, user = supplier
    User.objects.filter(pk=user.pk).update(email_verified_at=None)
    client.force_login(user)
    response = client.post("/api/v1/bids/", {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "email_unverified"


def test_a_verification_link_for_an_old_address_or_too_old_is_refused(
    client, supplier, django_capture_on_commit_callbacks
):
    from levelfield.accounts.tasks import VERIFICATION_DAYS, verification_token

    _, user = supplier
    User.objects.filter(pk=user.pk).update(email_verified_at=None)
    user.refresh_from_db()
    token = verification_token(user)
    User.objects.filter(pk=user.pk).update(email="changed@acorn.example")
    page = client.get(reverse("accounts:verify_email", args=[token]))
    assert page.status_code == 404
    assert "This confirmation link is not valid" in page.content.decode()
    assert User.objects.get(pk=user.pk).email_verified_at is None
    assert VERIFICATION_DAYS == 7


def test_invited_and_existing_people_count_as_verified(supplier, buyer_admin):
    _, user = supplier
    assert user.email_verified and buyer_admin.email_verified
