"""One structured log line per request, and a request id that every log line can carry.

`RequestLogMiddleware` (first in settings.MIDDLEWARE, so it times and sees every answer, the
redirects and refusals of the middleware below it too) gives each request an id: the one a
trusted proxy sent in `X-Request-ID` (only when settings.LEVELFIELD_REQUEST_ID_TRUSTED says the
header comes from our own proxy, and only letters, digits and `._:-`, at most 128 of them), else
a new random one. The id is returned in the response's `X-Request-ID`, set on `request.request_id`
and, until the request is finished, in a context variable: `RequestIdFilter` (on the log handlers in
settings.LOGGING) adds it to every log record as `request_id`, "-" outside a request.

When the response is made, the logger `levelfield.requests` writes one line of JSON:
{"time", "request_id", "method", "path", "query", "status", "duration_ms", "user_id"}. Nothing
that could hold a secret or someone's words: the query string's values are left out (only the
parameters' names are kept, in "query"), and a URL parameter named like a secret (a password
reset's or an invitation's token) shows as "[redacted]" in the path. `user_id` is the signed-in
user's id (or the API token's user's), else null. The time is the request's end, UTC.
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import unquote

from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import Http404, HttpRequest
from django.urls import ResolverMatch, resolve

log = logging.getLogger("levelfield.requests")

HEADER = "X-Request-ID"
_TRUSTED_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# URL parameters whose values are secrets (accounts' reset-password/<uidb64>/<token>/,
# verify-email/<token>/, invitation/<token>/, bids' uploads/<token>/)
_SECRET_PARAMETER = re.compile(r"token|uid|key|secret|password|signature|code", re.I)
REDACTED = "[redacted]"
MAX_PATH = 500  # characters of the path logged
MAX_QUERY_NAMES = 20  # query parameters' names logged, each cut to 40 characters

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being answered in this thread, or None outside one."""
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (the current request's id, or "-"); drops none. On
    Django's own lines about a request ("Not Found: /account/invitation/<token>/") it also
    redacts the path's secret URL parameters, as the request line does."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get() or "-"
        request = getattr(record, "request", None)
        if record.name == "django.request" and isinstance(request, HttpRequest) and record.args:
            record.args = _redacting_path(record.args, request)
        return True


def _redacting_path(args, request) -> tuple:
    path = request.path
    safe = loggable_path(request)
    if safe == path:
        return args
    # Django escapes the path it logs (unicode_escape) against forged log lines
    forms = {path, path.encode("unicode_escape").decode("ascii")}
    return tuple(safe if isinstance(arg, str) and arg in forms else arg for arg in args)


def request_id_for(request) -> str:
    """The trusted proxy's id for this request when it sent a well-formed one, else a new one."""
    if settings.LEVELFIELD_REQUEST_ID_TRUSTED:
        sent = request.headers.get(HEADER, "")
        if _TRUSTED_ID.fullmatch(sent):
            return sent
    return uuid.uuid4().hex


def redacted_path(path: str, match: ResolverMatch | None = None) -> str:
    """`path` (no query string) with each URL parameter named like a secret shown as
    "[redacted]"; `match` is the path's resolution when it is known (else it is resolved)."""
    if match is None:
        try:
            match = resolve(path)
        except Http404:
            return path[:MAX_PATH]
    secrets = {
        str(value)
        for name, value in match.kwargs.items()
        if _SECRET_PARAMETER.search(name) and str(value)
    }
    if secrets:
        path = "/".join(
            REDACTED if unquote(segment) in secrets else segment for segment in path.split("/")
        )
    return path[:MAX_PATH]


def loggable_path(request) -> str:
    """The request's path, its secret URL parameters redacted (also on an answer given before
    the URL was resolved: a redirect to sign in, say)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Http404:
            return request.path[:MAX_PATH]
    return redacted_path(request.path, match)


def _query_names(request) -> list[str]:
    try:
        names = {name[:40] for name in request.GET}
    except Exception:  # more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS: nothing read
        return []
    return sorted(names)[:MAX_QUERY_NAMES]


def _user_id(request) -> int | None:
    user = getattr(request, "user", None)
    try:
        return user.pk if user is not None and user.is_authenticated else None
    except Exception:  # the session store away: the line is still written
        return None


def _line(request, request_id: str, status: int, started: float) -> str:
    return json.dumps(
        {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "request_id": request_id,
            "method": request.method[:16],
            "path": loggable_path(request),
            "query": _query_names(request),
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": _user_id(request),
        }
    )


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request)
        request.request_id = request_id
        # Kept until the request is finished (below), not only while the middleware runs:
        # Django logs a 4xx or 5xx answer ("Not Found: /x") once every middleware is done.
        _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        except Exception:
            # Not even an error page could be made (its template failed, say): the server
            # answers 500 itself, and the line says so.
            log.info(_line(request, request_id, 500, started))
            raise
        response[HEADER] = request_id
        log.info(_line(request, request_id, response.status_code, started))
        return response


@receiver(request_finished)
def _forget_request_id(**kwargs) -> None:
    """Lines logged after a request (in the same thread) no longer carry its id."""
    _request_id.set(None)
