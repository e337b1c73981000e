"""People and organisations: invitations, API tokens."""

from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from levelfield.core import audit, clock
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.core.notify import email_on_commit
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

INVITATION_DAYS = 14


def check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(
            " ".join(exc.messages), code="weak_password", details=exc.messages
        ) from exc


@transaction.atomic
def invite_member(
    *, organisation: Organisation, by, email: str, role: str
) -> tuple[Invitation, str]:
    """Invite a colleague. Returns the invitation and the secret link token (emailed too)."""
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
    token = ApiToken.new_secret()
    now = clock.now()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=hash_secret(token),
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
    from django.conf import settings

    email_on_commit(
        to=email,
        subject=f"Join {organisation} on levelfield",
        body=f"{by} has invited you to join {organisation} on levelfield.\n"
        f"Accept within {INVITATION_DAYS} days: {settings.SITE_URL}/account/invitation/{token}/",
    )
    return invitation, token


def invitation_for(token: str) -> Invitation | None:
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
def create_api_token(*, user, name: str) -> tuple[ApiToken, str]:
    """Create a token for machine clients. The secret is returned once and never stored."""
    if not name.strip():
        raise DomainError(
            "Give the token a name, so you know what uses it", code="validation_error"
        )
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        token_hash=hash_secret(secret),
        hint=secret[:7],
        created_at=clock.now(),
    )
    audit.record(action="api_token.created", obj=token, actor=user, name=token.name)
    return token, secret


@transaction.atomic
def revoke_api_token(*, token: ApiToken, by) -> None:
    if token.user_id != by.pk:
        raise DomainError("That token is not yours", code="forbidden")
    token.revoked_at = clock.now()
    token.save()
    audit.record(action="api_token.revoked", obj=token, actor=by)


def user_for_token(secret: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_secret(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=clock.now())
    return token.user
