"""Settings for the search benchmark only: the product's settings as in production (DEBUG off,
persistent database connections), plus a bench-only URLconf with a trivial view beside the
product's URLs. Never used by the product."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-real-deployment")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DB_CONN_MAX_AGE", "600")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from levelfield.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.search.urls"
# No collectstatic for the benchmark: pages name their static files without the manifest.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MIDDLEWARE = ["bench.search.middleware.SearchCacheHeader", *MIDDLEWARE]  # noqa: F405
# run.py --cache off: the same server with the search result cache turned off.
SEARCH_CACHE_SECONDS = int(os.environ.get("BENCH_SEARCH_CACHE_SECONDS", "600"))
