"""Two-factor sign-in with a time-based code (TOTP, RFC 6238) from an authenticator app, through
django-otp: a `TOTPDevice` per person (confirmed once a code from it has been checked) and a
`StaticDevice` of ten recovery codes, each usable once. Optional for everyone; required for a
buyer admin where LEVELFIELD_REQUIRE_2FA_FOR_BUYER_ADMINS is on (`RequireTwoFactorMiddleware`)."""

import base64
import secrets
from urllib.parse import quote

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from levelfield.core import audit
from levelfield.core.errors import DomainError

from .models import Role, User

RECOVERY_CODES = 10
APP = "levelfield"


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def must_have_two_factor(user: User, memberships=None) -> bool:
    """Whether `user` is a buyer admin anywhere; `memberships`: theirs, already read."""
    if memberships is not None:
        return any(membership.role == Role.BUYER_ADMIN for membership in memberships)
    return user.memberships.filter(role=Role.BUYER_ADMIN).exists()


def secret_of(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it (base32, no padding)."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def otpauth_uri(device: TOTPDevice) -> str:
    label = quote(f"{APP}:{device.user.email}")
    return f"otpauth://totp/{label}?secret={secret_of(device)}&issuer={APP}&digits=6&period=30"


@transaction.atomic
def start_setup(*, user: User) -> TOTPDevice:
    """A new unconfirmed key (replacing any earlier unconfirmed one): it does nothing until a
    code from it is checked by `confirm_setup`."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def _check(device, code: str) -> bool:
    code = "".join(code.split())
    return bool(code) and code.isdigit() and device.verify_token(code)


@transaction.atomic
def confirm_setup(*, user: User, code: str) -> list[str]:
    """Switch two-factor sign-in on once a code from the new key is right. Returns the recovery
    codes, shown once (only django-otp's copies are kept, to be used once each)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise DomainError("Start setting up two-factor sign-in again", code="validation_error")
    if not _check(device, code):
        raise DomainError(
            "The code is not right. Enter the 6-digit code your app shows now",
            code="validation_error",
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save()
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="Recovery codes")
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    for code in codes:
        StaticToken.objects.create(device=static, token=code)
    audit.record(action="user.two_factor_on", obj=user, actor=user)
    return codes


@transaction.atomic
def turn_off(*, user: User) -> None:
    if must_have_two_factor(user):
        raise DomainError(
            "A buyer admin must keep two-factor sign-in on", code="two_factor_required"
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(action="user.two_factor_off", obj=user, actor=user)


@transaction.atomic
def device_for_code(*, user: User, code: str):
    """The device a sign-in code is right for: the app's code, or a recovery code (used up)."""
    device = confirmed_device(user)
    if device is not None and _check(device, code):
        return device
    code = "".join(code.split()).lower()
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if code and static.verify_token(code):
            audit.record(action="user.recovery_code_used", obj=user, actor=user)
            return static
    return None
