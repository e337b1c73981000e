"""Refuses the null character (U+0000) in a request before a view sees it. PostgreSQL can
neither store nor compare text with it ("A string literal cannot contain NUL (0x00)
characters"), so a %00 in a path or a query, or a \\u0000 in a JSON body, gave a server error
wherever it reached a query, anonymous too (/opportunities/%00/). Django's forms refuse it in
their fields; this covers the address and the API's JSON bodies."""

import re
from urllib.parse import unquote_to_bytes

from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse

MESSAGE = "Text must not contain the null character (\\u0000)"

# \u0000 in JSON text, unless its backslash is itself escaped (\\u0000 is the text "\u0000")
_ESCAPED_NULL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


class NullCharacterInRequest(SuspiciousOperation):
    """Answered with the site's 400 page (`error_views.bad_request`)."""


def _in_address(request) -> bool:
    return "\x00" in request.path_info or b"\x00" in unquote_to_bytes(
        request.META.get("QUERY_STRING", "")
    )


def _in_json_body(request) -> bool:
    if request.content_type != "application/json" or request.method in ("GET", "HEAD"):
        return False
    body = request.body  # read within the limit by RequestTooLargeMiddleware, before this one
    return b"\x00" in body or bool(_ESCAPED_NULL.search(body))


class RefuseNullCharactersMiddleware:
    """The API answers in its error shape: 422 for the address (as for a parameter that does
    not fit), 400 for a body (as for a rule the body breaks). A page is the GOV.UK 400 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path_info.startswith("/api/")
        if _in_address(request):
            if api:
                return _refusal(422)
            raise NullCharacterInRequest(MESSAGE)
        if api and _in_json_body(request):
            return _refusal(400)
        return self.get_response(request)


def _refusal(status: int) -> JsonResponse:
    return JsonResponse(
        {"code": "validation_error", "message": MESSAGE, "details": [MESSAGE]}, status=status
    )
