"""Failed sign-ins lock an account out only for the address they came from, and that address is
the real one: the connection's own with no proxy trusted (a client writing X-Forwarded-For does
not change it), the one the trusted proxy reports behind one."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.support.testing import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"
ATTACKER = "203.0.113.66"
VICTIM = "198.51.100.20"


def sign_in(client: Client, email: str, password: str, **headers):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **headers
    )


def fail_until_locked(client: Client, email: str, settings, **headers):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, email, "wrong-password", **headers).status_code == 200
    assert sign_in(client, email, "wrong-password", **headers).status_code == 429


def test_with_no_proxy_trusted_a_spoofed_forwarded_address_does_not_dodge_the_lockout(
    settings, supplier
):
    settings.LEVELFIELD_TRUSTED_PROXIES = ""
    _, user = supplier
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for number in range(settings.AXES_FAILURE_LIMIT):
        # A fresh made-up address in X-Forwarded-For each time ...
        response = sign_in(
            attacker, user.email, "wrong-password", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}"
        )
    # ... and still the one address, locked out after the limit.
    assert response.status_code == 429
    assert (
        sign_in(attacker, user.email, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code
        == 429
    )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    # The person themselves, from their own address, signs in.
    assert sign_in(Client(REMOTE_ADDR=VICTIM), user.email, PASSWORD).status_code == 302


def test_behind_a_trusted_proxy_failures_count_against_the_address_it_reports(settings, supplier):
    settings.LEVELFIELD_TRUSTED_PROXIES = "1"
    _, user = supplier
    # Everyone reaches the servers from the proxy's address; it says who they are.
    attacker = Client(REMOTE_ADDR=PROXY)
    fail_until_locked(attacker, user.email, settings, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {ATTACKER}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    # Someone failing sign-ins for another person's account does not lock that person out:
    # through the same proxy, from their own address, they sign in.
    victim = Client(REMOTE_ADDR=PROXY)
    assert sign_in(victim, user.email, PASSWORD, HTTP_X_FORWARDED_FOR=VICTIM).status_code == 302
    # The attacker's address stays locked out, whatever it writes in front of the proxy's entry.
    again = sign_in(
        Client(REMOTE_ADDR=PROXY),
        user.email,
        PASSWORD,
        HTTP_X_FORWARDED_FOR=f"{VICTIM}, {ATTACKER}",
    )
    assert again.status_code == 429
    assert "Too many attempts to sign in" in again.content.decode()
