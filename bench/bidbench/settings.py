"""Settings for the bid submission benchmark only (bench/bids_bench.py): the product's settings
as in production (DEBUG off, persistent database connections), the bench's bare view beside the
product's URLs, and rate limits high enough never to throttle the benchmark's clients. Never
used by the product."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-real-deployment")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DB_CONN_MAX_AGE", "600")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from levelfield.settings import *  # noqa: E402,F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench.bidbench"]  # noqa: F405
ROOT_URLCONF = "bench.bidbench.urls"
# No collectstatic for the benchmark: nothing it asks for is a page.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Every limit stays on (its counting is part of what a request costs) but far above what 64
# clients send: 2,000 suppliers make three API calls each, and the bare view's clients post
# without a token from one address.
LEVELFIELD_RATE_LIMITS = {group: "1000000/m" for group in LEVELFIELD_RATE_LIMITS}  # noqa: F405
# Emails are queued in the database as in production; no task worker runs to send them.
if os.environ.get("BENCH_COUNT_QUERIES"):
    MIDDLEWARE = ["bench.bidbench.middleware.QueryCount", *MIDDLEWARE]  # noqa: F405
if os.environ.get("BENCH_PROFILE_DIR"):
    MIDDLEWARE = ["bench.bidbench.middleware.Profile", *MIDDLEWARE]  # noqa: F405
