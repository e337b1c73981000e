"""Request and response handling shared by every page."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.template.loader import render_to_string


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
    clear message: JSON in the API's error shape {code, message} for the API, the GOV.UK-styled
    page for the rest. Django would raise RequestDataTooBig wherever the body is first read (the
    CSRF check, a form, the API's parser) and answer 400, or show a traceback in debug.

    The body is read here with Django's own rules, so the limit is the one Django applies
    everywhere: a JSON or form body counts whole; of a multipart form, only the text fields
    count, never the files (they have their own limit, LEVELFIELD_UPLOAD_MAX_BYTES)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            if request.content_type == "multipart/form-data":
                if request.method == "POST":  # Django parses multipart only on POST
                    request.POST  # noqa: B018 - parsing it is the check
            elif request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
                request.body  # noqa: B018 - reading it is the check
        except RequestDataTooBig:
            return self.too_large(request)
        return self.get_response(request)

    @staticmethod
    def too_large(request) -> HttpResponse:
        limit = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)} MB"
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "code": "too_large",
                    "message": f"The request body is larger than {limit}, the most the API "
                    "reads. Send less in one request.",
                    "details": [],
                },
                status=413,
            )
        page = render_to_string("413.html", {"limit": limit}, request=request)
        return HttpResponse(page, status=413)
