"""The product's URLs plus one trivial view: the ceiling for any Django page served the same
way (same settings, middleware and gunicorn workers)."""

import os

from django.http import HttpResponse
from django.urls import path

from levelfield.tenders import selectors
from levelfield.urls import urlpatterns as product_urlpatterns

# `run.py --result-limit N`: how many matches a search counts and a keyword search ranks, to
# measure what a smaller window would buy. The product's own value otherwise.
if os.environ.get("BENCH_RESULT_LIMIT"):
    selectors.RESULT_LIMIT = int(os.environ["BENCH_RESULT_LIMIT"])


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), *product_urlpatterns]
