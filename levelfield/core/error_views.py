"""The site's 400, 404 and 500 answers (levelfield.urls names them): the GOV.UK pages of
templates/400.html, 404.html and 500.html, or for the API, JSON in its error shape
{code, message}."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

from .upload_limits import UploadTooLarge


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request, exception):
    """A request Django refuses to read (more fields than it parses, a host it does not serve):
    needs no request context, as the 500 page. Text over the limit is a 413, wherever it was
    found too large (see `middleware.RequestTooLargeMiddleware`)."""
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request, exception)
    if _is_api(request):
        return JsonResponse(
            {"code": "bad_request", "message": "The request could not be read"}, status=400
        )
    return defaults.bad_request(request, exception)


def request_too_large(request, exception=None) -> HttpResponse:
    """413: the request's text is over DATA_UPLOAD_MAX_MEMORY_SIZE, or (`exception` an
    `upload_limits.UploadTooLarge`) its files are over their limit, which its message says."""
    if isinstance(exception, UploadTooLarge):
        return _files_too_large(request, exception.message)
    limit = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)} MB"
    if _is_api(request):
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


def _files_too_large(request, message: str) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"code": "file_too_large", "message": f"{message}. Nothing was saved.", "details": []},
            status=413,
        )
    page = render_to_string("413_files.html", {"message": message}, request=request)
    return HttpResponse(page, status=413)


def page_not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"code": "not_found", "message": "Not found"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Needs nothing that may have failed: no database, no context processors."""
    if _is_api(request):
        return JsonResponse(
            {
                "code": "server_error",
                "message": "Sorry, there is a problem with the service. Try again later.",
            },
            status=500,
        )
    return defaults.server_error(request)
