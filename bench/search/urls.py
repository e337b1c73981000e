"""The product's URLs plus one trivial view: the ceiling for any Django page served the same
way (same settings, middleware and gunicorn workers)."""

from django.http import HttpResponse
from django.urls import path

from levelfield.urls import urlpatterns as product_urlpatterns


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), *product_urlpatterns]
