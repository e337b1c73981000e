"""Helpers for actions: check a `rules` permission and refuse with a domain error."""

from .errors import PermissionDenied


def require(user, perm: str, obj=None, message: str | None = None) -> None:
    if user is None or not user.is_authenticated or not user.has_perm(perm, obj):
        raise PermissionDenied(message or "You do not have permission to do that")
