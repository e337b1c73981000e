"""People and organisations: invitations, API tokens."""

from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from levelfield.core import audit, clock
from levelfield.core.display import uk_time
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.permissions import require

from .models import (
    BUYER_ROLES,
    SUPPLIER_ROLES,
    ApiToken,
    Invitation,
    Membership,
    Organisation,
    User,
    hash_secret,
)
from .tasks import send_email_verification, send_invitation, send_password_reset

INVITATION_DAYS = 14
PASSWORD_RESETS_PER_HOUR = 3
"""At most this many reset emails go to one account in an hour; asking again is answered with
the same page (nobody learns whether an address has an account), and no email is sent."""


def check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(
            " ".join(exc.messages), code="weak_password", details=exc.messages
        ) from exc


@transaction.atomic
def invite_member(*, organisation: Organisation, by, email: str, role: str) -> Invitation:
    """Invite a colleague. The invitation's link is made and emailed by a task once this
    commits (`tasks.send_invitation`): it is never stored, nor queued."""
    require(
        by,
        "accounts.invite_member",
        organisation,
        "Only an organisation's admin can invite colleagues",
    )
    allowed = BUYER_ROLES if organisation.is_buyer else SUPPLIER_ROLES
    if role not in allowed:
        raise DomainError("Choose a role for this kind of organisation", code="validation_error")
    email = email.strip().lower()
    if not email or "@" not in email:
        raise DomainError(
            "Enter an email address in the correct format, like name@example.com",
            code="validation_error",
        )
    if Membership.objects.filter(organisation=organisation, user__email=email).exists():
        raise DomainError(f"{email} is already a member of {organisation}", code="already_member")
    now = clock.now()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=by,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    audit.record(
        action="member.invited",
        obj=invitation,
        actor=by,
        organisation=organisation,
        email=email,
        role=role,
    )
    transaction.on_commit(lambda: send_invitation.enqueue(invitation_id=invitation.pk))
    return invitation


def invitation_for(token: str) -> Invitation | None:
    if not token:
        return None
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=hash_secret(token))
        .first()
    )
    if invitation is None or invitation.accepted_at or invitation.expires_at <= clock.now():
        return None
    return invitation


@transaction.atomic
def accept_invitation(
    *, token: str, full_name: str = "", password: str = "", user=None
) -> Membership:
    """Accept an invitation: a new person sets a name and password; an existing user just joins."""
    invitation = invitation_for(token)
    if invitation is None:
        raise InvalidTransition(
            "This invitation link has expired or has already been used", code="invitation_invalid"
        )
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if user is None:
        user = User.objects.filter(email=invitation.email).first()
    if user is None:
        if not full_name.strip():
            raise DomainError("Enter your full name", code="validation_error")
        candidate = User(email=invitation.email, full_name=full_name.strip())
        check_password(password, candidate)
        # The invitation went to this address: following its link proves it.
        user = User.objects.create_user(invitation.email, password, full_name=full_name.strip())
    elif user.email != invitation.email:
        raise DomainError(
            "This invitation was sent to a different email address", code="invitation_invalid"
        )
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = clock.now()
    invitation.save()
    audit.record(
        action="member.joined",
        obj=membership,
        actor=user,
        organisation=invitation.organisation,
        role=invitation.role,
    )
    return membership


@transaction.atomic
def create_api_token(
    *,
    user,
    name: str,
    scope: str = ApiToken.Scope.READ_WRITE,
    lifetime_days: int = ApiToken.DEFAULT_LIFETIME_DAYS,
) -> tuple[ApiToken, str]:
    """Create a token for machine clients, read-only or read-write, that expires after
    `lifetime_days` (30, 90 or 365). The secret is returned once and never stored."""
    if not name.strip():
        raise DomainError(
            "Give the token a name, so you know what uses it", code="validation_error"
        )
    if scope not in ApiToken.Scope.values:
        raise DomainError(
            "Choose whether the token may only read or may also change things",
            code="validation_error",
        )
    if lifetime_days not in ApiToken.LIFETIMES_DAYS:
        days = ", ".join(str(d) for d in ApiToken.LIFETIMES_DAYS[:-1])
        raise DomainError(
            f"Choose when the token expires: after {days} or {ApiToken.LIFETIMES_DAYS[-1]} days",
            code="validation_error",
        )
    secret = ApiToken.new_secret()
    now = clock.now()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        token_hash=hash_secret(secret),
        hint=secret[:7],
        scope=scope,
        created_at=now,
        expires_at=now + timedelta(days=lifetime_days),
    )
    audit.record(
        action="api_token.created",
        obj=token,
        actor=user,
        name=token.name,
        scope=token.scope,
        expires_at=token.expires_at.isoformat(),
    )
    return token, secret


@transaction.atomic
def revoke_api_token(*, token: ApiToken, by) -> None:
    if token.user_id != by.pk:
        raise DomainError("That token is not yours", code="forbidden")
    token.revoked_at = clock.now()
    token.save()
    audit.record(action="api_token.revoked", obj=token, actor=by)


class TokenExpired(DomainError):
    """401: the token was right once, but its time is up."""

    code = "token_expired"
    status = 401


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A token's last use is noted at most this often: the account page shows it to the minute, and
# noting every call made each API call, a read among them, write to the token's row.
LAST_USED_EVERY = timedelta(minutes=1)


def user_for_token(secret: str, *, method: str | None = None) -> User | None:
    """The person a bearer token acts for, for a request of `method` (None: any, so a read-only
    token is refused): None for a token that does not exist, was revoked or belongs to someone
    deactivated; `TokenExpired` (401) for one past its expiry; `PermissionDenied` (403) for a
    read-only token asked to change something. A token that is let in, or refused only for its
    scope, has its last use noted (at most once a minute: LAST_USED_EVERY)."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_secret(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = clock.now()
    if token.expired(now):
        raise TokenExpired(
            f"This API token expired at {uk_time(token.expires_at)}. Create a new token on your "
            "account page and use that instead."
        )
    last = token.last_used_at
    if last is None or not last <= now < last + LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    if token.read_only and (method or "").upper() not in SAFE_METHODS:
        raise PermissionDenied(
            "This API token is read-only: it can read (GET, HEAD, OPTIONS) but not change "
            "anything. Create a read and write token on your account page to make changes.",
            code="token_read_only",
        )
    return token.user


def _require_platform_admin(by) -> None:
    require(by, "accounts.manage_accounts", None, "Only a platform admin can do that")


@transaction.atomic
def set_user_active(*, user: User, by, active: bool) -> User:
    """The platform admin deactivates a person (they can no longer sign in, and their sessions
    and API tokens stop working) or reactivates them."""
    _require_platform_admin(by)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == by.pk and not active:
        raise DomainError("You cannot deactivate your own account", code="validation_error")
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(
        action="user.reactivated" if active else "user.deactivated",
        obj=user,
        actor=by,
        email=user.email,
    )
    return user


@transaction.atomic
def rename_organisation(*, organisation: Organisation, by, name: str) -> Organisation:
    """The platform admin corrects an organisation's name."""
    _require_platform_admin(by)
    name = name.strip()
    if not name:
        raise DomainError("Enter the organisation's name", code="validation_error")
    longest = Organisation._meta.get_field("name").max_length
    assert longest is not None  # the name is a CharField with a max_length
    if len(name) > longest:
        raise DomainError(
            f"The organisation's name must be {longest} characters or fewer",
            code="validation_error",
        )
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    old = organisation.name
    if name == old:
        return organisation
    organisation.name = name
    organisation.save(update_fields=["name"])
    audit.record(
        action="organisation.renamed",
        obj=organisation,
        actor=by,
        organisation=organisation,
        old_name=old,
        name=name,
    )
    return organisation


def create_unverified_user(*, email: str, password: str, full_name: str) -> User:
    """A person who registered themselves: the address is unproven until they follow the link
    emailed to it once this commits (`tasks.send_email_verification`). Call inside the
    registering action's transaction."""
    user = User.objects.create_user(
        email, password, full_name=full_name.strip(), email_verified_at=None
    )
    transaction.on_commit(lambda: send_email_verification.enqueue(user_id=user.pk))
    return user


@transaction.atomic
def resend_email_verification(*, user: User) -> None:
    if user.email_verified:
        return
    audit.record(action="user.verification_resent", obj=user, actor=user, email=user.email)
    transaction.on_commit(lambda: send_email_verification.enqueue(user_id=user.pk))


@transaction.atomic
def verify_email(*, token: str) -> User:
    """Mark the address proven, from the emailed link (`tasks.verification_token`)."""
    from .tasks import user_for_verification_token

    user = user_for_verification_token(token)
    if user is None:
        raise InvalidTransition(
            "This link has expired or is not valid. Sign in and ask for a new one.",
            code="verification_invalid",
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.email_verified:
        user.email_verified_at = clock.now()
        user.save(update_fields=["email_verified_at"])
        audit.record(action="user.email_verified", obj=user, actor=user, email=user.email)
    return user


@transaction.atomic
def request_password_reset(*, email: str) -> None:
    """Someone asked for a reset link for `email`. If an active account has that address (and
    has not had PASSWORD_RESETS_PER_HOUR this hour), the link is emailed once this commits
    (`tasks.send_password_reset` makes it: no link is stored or queued). The caller shows the
    same page whatever happened."""
    from levelfield.core.models import AuditEvent

    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    recent = AuditEvent.objects.filter(
        action="user.password_reset_requested",
        object_type=User._meta.label_lower,
        object_id=str(user.pk),
        at__gt=clock.now() - timedelta(hours=1),
    ).count()
    if recent >= PASSWORD_RESETS_PER_HOUR:
        return
    audit.record(action="user.password_reset_requested", obj=user)
    transaction.on_commit(lambda: send_password_reset.enqueue(user_id=user.pk))


@transaction.atomic
def reset_password(*, user: User, password: str) -> User:
    """Set a new password from a reset link. Following the emailed link proves the address."""
    check_password(password, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    fields = ["password"]
    if not user.email_verified:
        user.email_verified_at = clock.now()
        fields.append("email_verified_at")
    user.save(update_fields=fields)
    audit.record(action="user.password_reset", obj=user, actor=user)
    return user
