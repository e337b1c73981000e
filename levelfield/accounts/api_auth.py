"""Who is calling the JSON API: a bearer token or a signed-in browser session, and the
organisation the caller acts for."""

from ninja import security

from levelfield.core.errors import PermissionDenied

from .actions import user_for_token
from .models import Organisation
from .rules import act_for, remember_role
from .selectors import membership_for_user


class TokenAuth(security.HttpBearer):
    """`Authorization: Bearer lf_...` with a token created on the account page. An expired
    token is told so (401 `token_expired`), and a read-only one asked to change something is
    refused (403 `token_read_only`), rather than falling through to the session."""

    def authenticate(self, request, token):
        user = user_for_token(token, method=request.method)
        if user is None:
            return None
        request.user = user
        membership = membership_for_user(user)
        request.membership = membership
        request.organisation = membership.organisation if membership else None
        act_for(user, request.organisation)
        if membership is not None:
            remember_role(user, membership.organisation, membership.role)
        return user


class SessionAuth(security.SessionAuth):
    """A signed-in browser session (it keeps ninja's name, so the OpenAPI security scheme is
    still called SessionAuth).

    Nobody signed in is simply not authenticated by this scheme, before any CSRF check: a
    machine client whose token is missing or invalid sends no CSRF token either, and is told
    401 `unauthorized`. A signed-in session that fails the CSRF check is still refused, 403.
    """

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


api_auth = [TokenAuth(), SessionAuth()]


def acting_buyer(request) -> Organisation:
    """The buyer organisation the caller acts for, or 403 `forbidden`."""
    organisation = getattr(request, "organisation", None)
    if organisation is None or not organisation.is_buyer:
        raise PermissionDenied("This part of the API is for buyer organisations")
    return organisation


def acting_supplier(request) -> Organisation:
    """The supplier organisation the caller acts for, or 403 `forbidden`."""
    organisation = getattr(request, "organisation", None)
    if organisation is None or not organisation.is_supplier:
        raise PermissionDenied("This part of the API is for supplier organisations")
    return organisation
