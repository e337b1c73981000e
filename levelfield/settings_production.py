"""Production: `DJANGO_SETTINGS_MODULE=levelfield.settings_production`.

The same settings, read from the same environment (levelfield/settings.py), with DEBUG off and
HTTPS required unless told otherwise: every plain HTTP request redirected to HTTPS, and browsers
told to use nothing else for a year (HSTS, for subdomains too, preloadable). DEBUG off makes
SECRET_KEY required and the session and CSRF cookies secure; set ALLOWED_HOSTS. The key-encryption
key of sealed bids (LEVELFIELD_KEK, base64 of 32 bytes) is required too, unless another key
service is set (LEVELFIELD_KEY_SERVICE). Behind a proxy
that ends TLS, set SECURE_PROXY_SSL_HEADER=true (else every request looks like plain HTTP and is
redirected for ever). `levelfield check --deploy` is clean with these (tests/test_deploy_check.py).
"""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DEBUG", "false")

from levelfield.settings import *  # noqa: E402, F403
from levelfield.settings import (  # noqa: E402
    DEBUG,
    LEVELFIELD_KEK,
    LEVELFIELD_KEK_PREVIOUS,
    LEVELFIELD_KEY_SERVICE,
    env_bool,
)

if DEBUG:
    raise ImproperlyConfigured(
        "The production settings refuse DEBUG on: it shows tracebacks and settings to anyone. "
        "Unset DEBUG (or use levelfield.settings for local work)."
    )

if LEVELFIELD_KEY_SERVICE == "levelfield.core.keys.LocalKeyService":
    # Checked here, before any request: without it no sealed bid could be saved or opened.
    from levelfield.core.keys import LocalKeyService  # noqa: E402

    LocalKeyService(kek=LEVELFIELD_KEK, previous=LEVELFIELD_KEK_PREVIOUS)

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
