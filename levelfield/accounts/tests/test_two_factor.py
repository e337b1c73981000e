"""Two-factor sign-in: set up with a key and a code checked before it is on, asked for after
the password, recovery codes usable once, and required of a buyer admin. The codes are worked
out here from the key shown on the page (RFC 6238), not by the library under test."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from django.urls import reverse

from tests.support.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_wait_after_a_wrong_code(settings):
    """django-otp makes each wrong code double the wait before the next is looked at (1 s, 2 s,
    ...); these tests follow a wrong code with a right one at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def totp(secret: str, at: float | None = None) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def set_up(client) -> tuple[str, list[str], str]:
    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    secret = re.search(r'id="two-factor-secret">([A-Z2-7]+)<', page).group(1)
    refused = client.post(reverse("accounts:two_factor_setup"), {"code": wrong(totp(secret))})
    assert "The code is not right" in refused.content.decode()
    used = totp(secret)
    done = client.post(reverse("accounts:two_factor_setup"), {"code": used}, follow=True)
    body = done.content.decode()
    assert "Two-factor sign-in is on" in body
    codes = re.findall(r'<li class="lf-receipt-hash">([0-9a-f]{10})</li>', body)
    assert len(codes) == 10
    # Shown once.
    again = client.get(reverse("accounts:two_factor_recovery_codes"))
    assert again.status_code == 302
    return secret, codes, used


def sign_in(client, email, code=None):
    response = client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})
    if code is None:
        return response
    return client.post(reverse("accounts:two_factor_code"), {"code": code}, follow=True)


def test_a_supplier_turns_on_two_factor_and_is_asked_for_the_code(client, supplier):
    _, user = supplier
    client.force_login(user)
    secret, _, used = set_up(client)
    client.post(reverse("accounts:logout"))

    after_password = sign_in(client, user.email)
    assert after_password.url == reverse("accounts:two_factor_code")
    # Not signed in until the code is right.
    assert client.get(reverse("accounts:account")).status_code == 302
    refused = client.post(reverse("accounts:two_factor_code"), {"code": wrong(totp(secret))})
    assert "The code is not right" in refused.content.decode()
    # The code used to set up cannot be used again: the next 30 seconds' code (accepted a step
    # either side) is.
    reused = client.post(reverse("accounts:two_factor_code"), {"code": used})
    assert "The code is not right" in reused.content.decode()
    next_code = totp(secret, time.time() + 30)
    signed_in = client.post(reverse("accounts:two_factor_code"), {"code": next_code})
    assert signed_in.status_code == 302
    account = client.get(reverse("accounts:account")).content.decode()
    assert "On: after your password you enter a code" in account


def test_a_recovery_code_works_once(client, supplier):
    _, user = supplier
    client.force_login(user)
    _, codes, _ = set_up(client)
    client.post(reverse("accounts:logout"))

    page = sign_in(client, user.email, codes[0])
    assert page.redirect_chain[-1][0] != reverse("accounts:two_factor_code")
    assert client.get(reverse("accounts:account")).status_code == 200
    client.post(reverse("accounts:logout"))

    page = sign_in(client, user.email, codes[0])
    assert "The code is not right" in page.content.decode()
    assert client.get(reverse("accounts:account")).status_code == 302


def test_a_buyer_admin_must_set_up_two_factor_before_anything_else(
    client, buyer_admin, officer, settings
):
    settings.LEVELFIELD_REQUIRE_2FA_FOR_BUYER_ADMINS = True
    client.force_login(buyer_admin)
    page = client.get(reverse("tenders:dashboard"))
    assert page.url == reverse("accounts:two_factor_setup")
    setup = client.get(page.url).content.decode()
    assert "As a buyer admin you must set up two-factor sign-in before you continue" in setup
    api = client.get("/api/v1/buyer/tenders")
    assert api.status_code == 403 and api.json()["code"] == "two_factor_required"

    set_up(client)
    assert client.get(reverse("tenders:dashboard")).status_code == 200
    off = client.post(reverse("accounts:two_factor_turn_off"), follow=True)
    assert "A buyer admin must keep two-factor sign-in on" in off.content.decode()

    # An officer is not made to.
    client.force_login(officer)
    assert client.get(reverse("tenders:dashboard")).status_code == 200


def test_anyone_else_may_turn_it_off(client, supplier):
    _, user = supplier
    client.force_login(user)
    set_up(client)
    off = client.post(reverse("accounts:two_factor_turn_off"), follow=True)
    assert "Two-factor sign-in is off" in off.content.decode()
    client.post(reverse("accounts:logout"))
    assert sign_in(client, user.email).url == reverse("accounts:dashboard")
