"""Request and response handling shared by every page."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseNotAllowed, JsonResponse
from django.template.loader import render_to_string

from .error_views import request_too_large


class MethodNotAllowedPageMiddleware:
    """A page asked for with the wrong method (a GET of an address only forms POST to, say) is
    answered with the GOV.UK-styled 405 page rather than Django's empty response. The API
    answers in its error shape {code, message} (ninja's answer was the text "Method not
    allowed")."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        allowed = response["Allow"].split(", ")
        if request.path_info.startswith("/api/"):
            if response.get("Content-Type", "").startswith("application/json"):
                return response
            refusal = JsonResponse(
                {
                    "code": "method_not_allowed",
                    "message": f"{request.method} is not allowed here. "
                    f"Use {' or '.join(allowed)}.",
                    "details": [],
                },
                status=405,
            )
            refusal["Allow"] = response["Allow"]
            return refusal
        if not response.content:
            return HttpResponseNotAllowed(
                allowed, render_to_string("405.html", request=request)
            )
        return response


class RequestTooLargeMiddleware:
    """A request whose text is over DATA_UPLOAD_MAX_MEMORY_SIZE (5 MB) is answered 413 with a
    clear message (`error_views.request_too_large`): JSON in the API's error shape {code,
    message} for the API, the GOV.UK-styled page for the rest. Django would raise
    RequestDataTooBig wherever the body is first read (the CSRF check, a form, the API's parser)
    and answer 400, or show a traceback in debug.

    A JSON or form body is read here, with Django's own rules (one over the limit by its
    Content-Length is refused unread; one under it is read once, as its view would read it). A
    multipart form is not: it is parsed only once the request is let in (signed in, CSRF
    checked, an API token), so that no one can make the server write files unasked. Its text
    fields over the limit raise RequestDataTooBig where it is parsed, and the site's 400 handler
    (`error_views.bad_request`) gives the same 413; files never count (they have their own
    limit, LEVELFIELD_UPLOAD_MAX_BYTES)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.content_type != "multipart/form-data" and request.method not in (
            "GET",
            "HEAD",
            "OPTIONS",
            "TRACE",
        ):
            try:
                request.body  # noqa: B018 - reading it is the check
            except RequestDataTooBig:
                return request_too_large(request)
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Every answer to someone signed in (by session, or by an API token) says
    `Cache-Control: no-store`: a bid, an evaluation or an account page is never kept by the
    browser's history or disk, nor by a proxy on the way, for the next person at that computer
    to find. Public pages keep their own caching. Without a session cookie no one is signed in
    by session, so the session is not looked up for such a request (an API call, say)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "HTTP_AUTHORIZATION" in request.META or (
            settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated
        ):
            response["Cache-Control"] = "no-store"
        return response
