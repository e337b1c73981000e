"""Rate limits: how often one person or one address may sign in, register, ask clarification
questions, upload files and call the API.

The rates are settings (`LEVELFIELD_RATE_LIMITS`, "count/period" like "30/m"; empty for none).
Counts live in Django's cache (django-ratelimit's atomic counters), so with `REDIS_URL` set every
server counts together. An address is the one the trusted proxies report (`client_address`), so
a client cannot pick a fresh one per request by writing X-Forwarded-For.

Pages are limited by `RateLimitMiddleware` (the views named in `LIMITED_VIEWS`, and any form
that sends files); the JSON API by django-ninja's throttling (`api_throttles`), which runs after
the API has authenticated the caller, so a token's requests count against its person. An API
request with no token and no session is counted by the middleware, before the view: some public
answers come from a cache without running the operation, throttles and all. Either way an answer
over the limit is 429 with `Retry-After`: a GOV.UK page for a browser, JSON in the API's error
shape {code, message} for a machine client.
"""

import ipaddress
import logging
import math
import re
import threading

from django.conf import settings
from django.core import checks
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django_ratelimit.core import get_usage
from ninja.throttling import BaseThrottle

from .client_address import client_address

logger = logging.getLogger(__name__)

SIGN_IN = "sign_in"
REGISTER = "register"
CLARIFICATION = "clarification"
UPLOAD = "upload"
API_USER = "api_user"
API_ANONYMOUS = "api_anonymous"

LIMITED_VIEWS = {
    "accounts:login": SIGN_IN,
    "accounts:two_factor_code": SIGN_IN,
    "accounts:forgot_password": SIGN_IN,
    "accounts:register": REGISTER,
    "public:ask": CLARIFICATION,
    "api:ask": CLARIFICATION,
    "bids:uploads": UPLOAD,
}
"""The views (by URL name) whose POSTs count against a group's rate. Any other POST that sends
files (multipart/form-data) counts as an upload too."""

BY_ADDRESS = {SIGN_IN, REGISTER, API_ANONYMOUS}
"""Groups counted per address whoever is signed in; the others per person once signed in (per
address before)."""

WHAT = {
    SIGN_IN: "attempts to sign in",
    REGISTER: "registrations",
    CLARIFICATION: "clarification questions",
    UPLOAD: "uploads",
    API_USER: "API requests",
    API_ANONYMOUS: "API requests",
}

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


RATE = re.compile(r"^[0-9]+/[0-9]*[smhd]$")


def rate_for(group: str) -> str | None:
    return getattr(settings, "LEVELFIELD_RATE_LIMITS", {}).get(group) or None


@checks.register()
def check_rates(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A mistyped rate ("10/hour", "ten/m") fails at start-up, not on the request it limits."""
    found: list[checks.CheckMessage] = []
    for group, rate in getattr(settings, "LEVELFIELD_RATE_LIMITS", {}).items():
        if rate and not RATE.match(str(rate)):
            found.append(
                checks.Error(
                    f"The rate limit {group!r} is {rate!r}: write it as count/period, like 30/m "
                    "or 10/h (s, m, h or d), or leave it empty for no limit",
                    id="levelfield.E101",
                )
            )
        if group not in WHAT:
            found.append(
                checks.Error(
                    f"{group!r} is not a rate limit levelfield knows", id="levelfield.E102"
                )
            )
    return found


def _key(group: str, request) -> str:
    user = getattr(request, "user", None)
    if group not in BY_ADDRESS and user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    address = client_address(request)
    if ":" in address:
        # One IPv6 client usually holds a whole /64: counted as one, it cannot step round the
        # limit by changing its last 64 bits.
        try:
            address = str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
        except ValueError:
            pass
    return f"address:{address}"


def usage(request, group: str) -> dict | None:
    """Count this request against `group` and say where it stands (django-ratelimit's usage:
    count, limit, should_limit, time_left), or None when the group has no limit.

    A cache that cannot be reached (Redis down) lets the request through, logged: the sign-in
    lockout is in the database and still holds, and refusing everyone would be worse."""
    rate = rate_for(group)
    if rate is None:
        return None
    try:
        found = get_usage(
            request,
            group=f"levelfield.{group}",
            key=lambda _group, request: _key(group, request),
            rate=rate,
            increment=True,
        )
    except Exception:
        logger.warning("Rate limit %s not counted: the cache did not answer", group, exc_info=True)
        return None
    if found is not None and found["time_left"] < 0:
        logger.warning("Rate limit %s not counted: the cache did not answer", group)
        return None
    return found


def retry_after(found: dict) -> int:
    return max(1, math.ceil(found["time_left"]))


def message(group: str, seconds: int) -> str:
    wait = f"{seconds} seconds" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"
    return f"Too many {WHAT.get(group, 'requests')} in a short time. Wait {wait} and try again."


def _wants_json(request) -> bool:
    return (
        request.path_info.startswith("/api/")
        or "Tus-Resumable" in request.headers
        or "application/json" in request.headers.get("Accept", "")
    )


def too_many_requests(request, group: str, seconds: int) -> HttpResponse:
    """429 with Retry-After: JSON {code, message, details} for a machine client, else a page."""
    text = message(group, seconds)
    response: HttpResponse
    if _wants_json(request):
        response = JsonResponse(
            {"code": "too_many_requests", "message": text, "details": []}, status=429
        )
    else:
        page = render_to_string(
            "429.html", {"message": text, "what": WHAT.get(group, "requests")}, request=request
        )
        response = HttpResponse(page, status=429)
    response["Retry-After"] = str(seconds)
    return response


def group_of(request) -> str | None:
    """The page group this request counts against, if any."""
    if request.method not in UNSAFE_METHODS:
        return None
    match = getattr(request, "resolver_match", None)
    group = LIMITED_VIEWS.get(match.view_name) if match else None
    if group is None and request.method == "POST" and request.content_type == "multipart/form-data":
        group = UPLOAD
    return group


def _anonymous_api_call(request) -> bool:
    user = getattr(request, "user", None)
    return (
        request.path_info.startswith("/api/")
        and "Authorization" not in request.headers
        and not (user is not None and user.is_authenticated)
    )


class RateLimitMiddleware:
    """Pages: a POST to a limited view, or one sending files, over its rate is answered 429
    before the view runs. API calls with neither a token nor a session are counted here per
    address; the API's other requests are left to its throttles, which know the caller."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _anonymous_api_call(request):
            group = API_ANONYMOUS
        elif request.path_info.startswith("/api/"):
            return None
        else:
            group = group_of(request)
        if group is None:
            return None
        found = usage(request, group)
        if found and found["should_limit"]:
            return too_many_requests(request, group, retry_after(found))
        return None


class _Throttle(BaseThrottle):
    """A django-ninja throttle counting with django-ratelimit (atomic counts in the shared
    cache, the rate read from settings on each request). Ninja asks `wait()` just after a
    refusal, in the same thread: the refusal's wait is kept per thread, and the group refused
    on the request (`refused_group`), for the 429's message."""

    _waits = threading.local()

    def groups(self, request) -> list[str]:
        raise NotImplementedError

    def allow_request(self, request) -> bool:
        for group in self.groups(request):
            found = usage(request, group)
            if found and found["should_limit"]:
                self._waits.seconds = retry_after(found)
                request.levelfield_rate_limited = group
                return False
        return True

    def wait(self) -> float | None:
        return getattr(self._waits, "seconds", None)


def refused_group(request) -> str:
    """The group an API request was refused for by its throttles."""
    return getattr(request, "levelfield_rate_limited", API_USER)


class ApiCallerThrottle(_Throttle):
    """Every API request that reaches an operation: per person (whether by token or signed-in
    session) or, for a caller who is neither, per address (unless the middleware counted it)."""

    def groups(self, request) -> list[str]:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return [API_USER]
        return [] if _anonymous_api_call(request) else [API_ANONYMOUS]


class ApiActionThrottle(_Throttle):
    """API operations the pages' limits also cover (a clarification question; a request sending
    files), counted in the same groups as the pages, per person."""

    def groups(self, request) -> list[str]:
        group = group_of(request)
        return [group] if group else []


def api_throttles() -> list[BaseThrottle]:
    return [ApiCallerThrottle(), ApiActionThrottle()]
