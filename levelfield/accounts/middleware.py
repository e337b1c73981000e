from .rules import act_for
from .selectors import current_membership, request_memberships


class OrganisationMiddleware:
    """Puts the signed-in user's memberships (each with its organisation, read once), the current
    one and its organisation on the request. A bearer token is read later, by the API's
    authentication (api_auth.TokenAuth), which sets the membership and organisation it acts
    through; `request.memberships` stays empty for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        request.memberships = request_memberships(user) if signed_in else []
        membership = current_membership(request, request.memberships)
        request.membership = membership
        request.organisation = membership.organisation if membership else None
        if signed_in:
            act_for(user, request.organisation)
        return self.get_response(request)


UNVERIFIED_MAY_POST = {
    "accounts:logout",
    "accounts:resend_verification",
    "accounts:verify_email",
    "accounts:switch",
}


class UnverifiedEmailMiddleware:
    """A person who registered themselves may sign in and look round before proving their email
    address, but not act: every change they ask for (any POST, PUT, PATCH or DELETE, on a page
    or through the API with their session) is answered with a page saying so, and a button to
    send the email again. Bearer tokens are made by a signed-in person, so never by one
    unverified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and user is not None
            and user.is_authenticated
            and not user.email_verified
        ):
            match = getattr(request, "resolver_match", None) or _resolve(request.path_info)
            if match is None or match.view_name not in UNVERIFIED_MAY_POST:
                return _refused(request)
        return self.get_response(request)


def _view_name(request) -> str | None:
    match = _resolve(request.path_info)
    return match.view_name if match is not None else None


def _resolve(path):
    from django.urls import Resolver404, resolve

    try:
        return resolve(path)
    except Resolver404:
        return None


MESSAGE = "Confirm your email address before you do this"


def _refused(request):
    from django.http import JsonResponse
    from django.shortcuts import render

    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {
                "code": "email_unverified",
                "message": f"{MESSAGE}: follow the link we emailed to {request.user.email}",
            },
            status=403,
        )
    return render(request, "accounts/verify_email_needed.html", status=403)


TWO_FACTOR_SETUP_ALLOWED = {
    "accounts:logout",
    "accounts:two_factor_setup",
    "accounts:two_factor_recovery_codes",
}


class RequireTwoFactorMiddleware:
    """Where LEVELFIELD_REQUIRE_2FA_FOR_BUYER_ADMINS is on, a signed-in buyer admin without
    two-factor sign-in is sent to set it up before any other page (the API answers 403)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.shortcuts import redirect

        from .two_factor import has_two_factor, must_have_two_factor

        user = getattr(request, "user", None)
        if (
            settings.LEVELFIELD_REQUIRE_2FA_FOR_BUYER_ADMINS
            and user is not None
            and user.is_authenticated
            and not request.path_info.startswith(settings.STATIC_URL)
        ):
            # The cheapest test first: most people are no buyer admin, and their memberships
            # are already on the request (OrganisationMiddleware).
            if (
                must_have_two_factor(user, getattr(request, "memberships", None))
                and not has_two_factor(user)
                and _view_name(request) not in TWO_FACTOR_SETUP_ALLOWED
            ):
                if request.path_info.startswith("/api/"):
                    from django.http import JsonResponse

                    return JsonResponse(
                        {
                            "code": "two_factor_required",
                            "message": "A buyer admin must set up two-factor sign-in first",
                        },
                        status=403,
                    )
                return redirect("accounts:two_factor_setup")
        return self.get_response(request)
