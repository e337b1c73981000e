"""Error reporting with Sentry's SDK, off unless settings name a DSN (SENTRY_DSN).

A procurement platform holds bids, prices and people's details that must not leave it, so the
SDK is told to send as little as lets an error be found: no personal data (`send_default_pii`
off: no user, no IP address, no cookies), no request bodies (`max_request_body_size="never"`),
no local variables from the stack (a frame's variables could be a sealed bid's prices), and
`strip_private_data` removes from each event what could still carry it: the request's body,
cookies, query string and secret-bearing headers, the user, and secret URL parameters (a
password reset's token) from its address. Each event is tagged with the request's id, so the
request's log line (core/request_log.py) can be found from it.
"""

from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import sentry_sdk
from sentry_sdk.integrations.logging import ignore_logger

from .request_log import current_request_id, redacted_path

if TYPE_CHECKING:
    from sentry_sdk._types import Event, Hint

HEADERS_KEPT = {"accept", "accept-language", "content-length", "content-type", "host"}


def configure(
    *,
    dsn: str,
    environment: str = "production",
    release: str | None = None,
    traces_sample_rate: float = 0.0,
) -> bool:
    """Start Sentry's SDK when `dsn` is set; nothing happens without one. Whether it started."""
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        before_send=strip_private_data,
        before_send_transaction=strip_private_data,
    )
    # the request lines name users: never a breadcrumb of another request's event
    ignore_logger("levelfield.requests")
    return True


def strip_private_data(event: "Event", hint: "Hint | None" = None) -> "Event":
    """The event without request bodies, cookies, query strings, headers other than a few
    harmless ones, the user, or secret URL parameters; tagged with the request id."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() in HEADERS_KEPT
            }
        url = request.get("url")
        if isinstance(url, str):
            parts = urlsplit(url)
            request["url"] = urlunsplit(
                (parts.scheme, parts.netloc, redacted_path(parts.path), "", "")
            )
    event.pop("user", None)
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event
