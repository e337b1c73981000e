"""The site's 404 and 500 answers (levelfield.urls names them): the GOV.UK pages of
templates/404.html and 500.html, or for the API, JSON in its error shape {code, message}."""

from django.http import JsonResponse
from django.views import defaults


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


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
