"""The site's 400, 404 and 500 answers (levelfield.urls names them): the GOV.UK pages of
templates/400.html, 404.html and 500.html, or for the API, JSON in its error shape
{code, message}."""

from django.http import JsonResponse
from django.views import defaults


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request, exception):
    """A request Django refuses to read (more fields than it parses, a host it does not serve):
    needs no request context, as the 500 page."""
    if _is_api(request):
        return JsonResponse(
            {"code": "bad_request", "message": "The request could not be read"}, status=400
        )
    return defaults.bad_request(request, exception)


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
