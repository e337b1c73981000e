"""Settings read from the environment (twelve-factor), with safe defaults for local use."""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("LEVELFIELD_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off levelfield refuses to start without a secret "
            "key: set SECRET_KEY in the environment to a long random string."
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    # /api/docs runs django-ninja's own Swagger UI files (a CDN's otherwise)
    "ninja",
    "levelfield.core",
    "levelfield.accounts",
    "levelfield.suppliers",
    "levelfield.tenders",
    "levelfield.bids",
    "levelfield.correspondence",
    "levelfield.resilience",
    "levelfield.reviews",
    "levelfield.marketplace",
    "levelfield.evaluation",
    "levelfield.contracts",
    "levelfield.socialvalue",
    "levelfield.alerts",
    "levelfield.opendata",
    "levelfield.insights",
    "levelfield.demo",
]

MIDDLEWARE = [
    # first: it times every answer and gives the request its id (core/request_log.py)
    "levelfield.core.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "levelfield.core.middleware.NoStoreForSignedInMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "levelfield.accounts.middleware.OrganisationMiddleware",
    "levelfield.accounts.middleware.UnverifiedEmailMiddleware",
    "levelfield.accounts.middleware.RequireTwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
    "levelfield.core.middleware.RequestTooLargeMiddleware",
    # records uploads refused as malware once the view has answered (core/malware.py)
    "levelfield.core.malware.MalwareFindingsMiddleware",
    "levelfield.core.null_characters.RefuseNullCharactersMiddleware",
    "levelfield.core.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "levelfield.urls"
WSGI_APPLICATION = "levelfield.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "levelfield.accounts.context_processors.organisation",
            ],
        },
    },
]

if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
# Each server thread keeps its database connection between requests (DB_CONN_MAX_AGE seconds,
# 600 with DEBUG off; 0 closes it after every request, the default with DEBUG on), checked at the
# start of a request that reuses it, so a connection the database dropped is opened again
# rather than failing the request. A new PostgreSQL connection for every request cost about
# 5 ms and a server process (bench/bids_bench.py's servers keep theirs).
DB_CONN_MAX_AGE = int(os.environ.get("DB_CONN_MAX_AGE", "0" if DEBUG else "600"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'levelfield.sqlite3'}"),
        conn_max_age=DB_CONN_MAX_AGE,
        conn_health_checks=DB_CONN_MAX_AGE > 0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one writer at a time; the others wait for it (up to the timeout) instead of
    # failing with "database is locked". A transaction that only reads first and then writes
    # cannot wait (SQLite refuses it at once while another holds the lock), so every transaction
    # takes the write lock when it begins (IMMEDIATE). WAL lets reads go on beside the writer,
    # and with it synchronous=NORMAL stays safe against corruption. bench/sqlite_concurrency.py
    # measures these choices (SQLITE_TRANSACTION_MODE and SQLITE_INIT_COMMAND override them).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode=os.environ.get("SQLITE_TRANSACTION_MODE", "IMMEDIATE"),
        init_command=os.environ.get(
            "SQLITE_INIT_COMMAND", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        ),
    )
    DATABASES["default"]["TEST"] = {"NAME": ""}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "public:home"
# A password reset link works for this long (seconds), and stops once used or after sign-in.
PASSWORD_RESET_TIMEOUT = 2 * 60 * 60
# A buyer admin must set up two-factor sign-in (an authenticator app) before doing anything
# else. On unless turned off (`./dev serve` turns it off for the demo's logins; tests turn it
# on where they test it).
LEVELFIELD_REQUIRE_2FA_FOR_BUYER_ADMINS = env_bool("REQUIRE_2FA_FOR_BUYER_ADMINS", True)
OTP_TOTP_ISSUER = "levelfield"

# Failed logins are throttled per account and address (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The client's address behind reverse proxies (core/client_address.py), as the sign-in throttle,
# its access log and the rate limits count it: TRUSTED_PROXIES is how many proxies stand in front
# of the servers (1 for one load balancer), or their addresses and networks (10.0.0.0/8,...).
# Empty (the default) trusts none and ignores X-Forwarded-For, so no client can choose the
# address it is counted by; set it only when every request comes through those proxies.
LEVELFIELD_TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "")
AXES_CLIENT_IP_CALLABLE = "levelfield.core.client_address.axes_client_address"
# Rate limits (core/ratelimits.py): "count/period" (s, m, h or d, like 30/m or 10/h), counted in
# the cache (every server together with REDIS_URL); empty for no limit. Sign-in attempts,
# registrations and anonymous API calls count per address; clarification questions, uploads
# (forms sending files, resumable uploads begun) and API calls per person once signed in. Over a
# limit the answer is 429 with Retry-After.
LEVELFIELD_RATE_LIMITS = {
    "sign_in": os.environ.get("RATE_LIMIT_SIGN_IN", "30/m"),
    "register": os.environ.get("RATE_LIMIT_REGISTER", "10/h"),
    "clarification": os.environ.get("RATE_LIMIT_CLARIFICATION", "30/h"),
    "upload": os.environ.get("RATE_LIMIT_UPLOAD", "200/h"),
    "api_user": os.environ.get("RATE_LIMIT_API_USER", "600/m"),
    "api_anonymous": os.environ.get("RATE_LIMIT_API_ANONYMOUS", "300/m"),
}
MIDDLEWARE.append("levelfield.core.ratelimits.RateLimitMiddleware")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (Django's default storage) and the bulk downloads (the "downloads" storage):
# local folders (MEDIA_ROOT, DOWNLOADS_ROOT) unless LEVELFIELD_STORAGE=s3, which puts both in
# S3-compatible object storage (django-storages), so that servers behind a load balancer share
# them. Credentials come from boto3's usual places (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in
# the environment, or the machine's role). Code reads and writes files only through these
# storages (levelfield/core/storage.py).
LEVELFIELD_STORAGE = os.environ.get("LEVELFIELD_STORAGE", "local")
if LEVELFIELD_STORAGE == "s3":
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("LEVELFIELD_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
    _S3 = {
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
        "signature_version": "s3v4",
        "default_acl": None,  # private: every file is served by the application
        "max_memory_size": 8 * 1024 * 1024,  # a larger file read back spills to a temporary file
    }
    _FILES = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3,
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "location": os.environ.get("AWS_LOCATION", "media"),
            "file_overwrite": False,  # a second "spec.pdf" gets a name of its own, as on disk
        },
    }
    _DOWNLOADS = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3,
            "bucket_name": os.environ.get("DOWNLOADS_BUCKET_NAME")
            or os.environ["AWS_STORAGE_BUCKET_NAME"],
            "location": os.environ.get("DOWNLOADS_LOCATION", "downloads"),
            "querystring_expire": int(os.environ.get("DOWNLOADS_PRESIGNED_SECONDS") or 300),
        },
    }
elif LEVELFIELD_STORAGE == "local":
    _FILES = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _DOWNLOADS = {"BACKEND": "levelfield.core.storage.LocalDownloadsStorage"}
else:
    raise ImproperlyConfigured("LEVELFIELD_STORAGE is local (the default) or s3")
STORAGES = {
    "default": _FILES,
    "downloads": _DOWNLOADS,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Locally (and in tests) static files come straight from the app folders; in production run
# `levelfield collectstatic` and whitenoise serves STATIC_ROOT with far-future cache headers.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Uploaded documents and bid attachments: what we accept and how large.
LEVELFIELD_UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
LEVELFIELD_UPLOAD_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "ods", "csv", "txt"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Files are counted as they arrive (core/upload_limits.py): one over its limit stops the reading
# of the request there, and a request may carry at most this many files.
LEVELFIELD_UPLOAD_MAX_FILES = 10
FILE_UPLOAD_HANDLERS = [
    "levelfield.core.upload_limits.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Every upload is scanned for malware (core/malware.py): by ClamAV's clamd when CLAMD_SOCKET (a
# Unix socket) or CLAMD_HOST (and CLAMD_PORT) is set, else by no scanner at all. A configured
# scanner that does not answer makes uploads refused, not let through.
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
CLAMD_HOST = os.environ.get("CLAMD_HOST", "")
CLAMD_PORT = int(os.environ.get("CLAMD_PORT", "3310"))
CLAMD_TIMEOUT = float(os.environ.get("CLAMD_TIMEOUT", "60"))
LEVELFIELD_MALWARE_SCANNER = os.environ.get(
    "MALWARE_SCANNER",
    "levelfield.core.malware.ClamdScanner"
    if CLAMD_SOCKET or CLAMD_HOST
    else "levelfield.core.malware.NoScanner",
)
# A bid's attachments are larger (bids/actions_uploads.py): up to this size, sent in resumable
# chunks (the tus protocol) of at most the chunk size, which stays under the 5 MB a request's
# text may have. An upload begun before the submission deadline with the file's SHA-256 declared
# may finish up to the grace period after it (the bids stay unopened meanwhile); one left
# unfinished for the abandoned period is removed by a daily job.
LEVELFIELD_BID_UPLOAD_MAX_BYTES = int(
    os.environ.get("BID_UPLOAD_MAX_BYTES", str(500 * 1024 * 1024))
)
LEVELFIELD_BID_UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024
LEVELFIELD_BID_UPLOAD_GRACE = timedelta(hours=2)
LEVELFIELD_BID_UPLOAD_ABANDONED_AFTER = timedelta(days=1)
# Bids are sealed at rest until their tender's bids are opened (bids/sealing.py): each tender's
# data key is kept wrapped by this key-encryption key, held outside the database and its backups
# (base64 of 32 random bytes: `openssl rand -base64 32`).
# Another key service (a KMS) takes its place by LEVELFIELD_KEY_SERVICE (core/keys.py). With DEBUG
# on a fixed development key stands in; with DEBUG off nothing sealed opens until it is set.
LEVELFIELD_KEY_SERVICE = os.environ.get(
    "LEVELFIELD_KEY_SERVICE",
    os.environ.get("KEY_SERVICE", "levelfield.core.keys.LocalKeyService"),
)
LEVELFIELD_KEK = os.environ.get("LEVELFIELD_KEK", "")
# Rotating the key-encryption key: set the new one as LEVELFIELD_KEK and the old ones here
# (comma-separated) so that keys wrapped by them still open, run `levelfield rotate-kek`, which
# wraps every tender's data key again under the new one, then drop the old ones.
LEVELFIELD_KEK_PREVIOUS = [
    key.strip() for key in os.environ.get("LEVELFIELD_KEK_PREVIOUS", "").split(",") if key.strip()
]
if not LEVELFIELD_KEK and DEBUG:
    LEVELFIELD_KEK = "bGV2ZWxmaWVsZC1kZXYta2V5LW5vdC1mb3ItcHJvZCE="

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds to wait for the mail server: the task worker runs one task at a time, and one that
# never answered would hold every later task.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "levelfield <noreply@levelfield.local>")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Daily jobs, without cron: every `levelfield worker` (core/worker.py; `./dev serve` runs one),
# or `levelfield scheduler` (core/scheduler.py), queues each once a day, from the UK time of day
# ("HH:MM", Europe/London) it falls due, for the task worker to run. Each task finds what is due
# as of the day it runs, so a day missed while no scheduler ran is made good by the next run.
LEVELFIELD_DAILY_JOBS = [
    {
        "name": "contracts",
        "task": "levelfield.contracts.tasks.daily_contract_jobs",
        "at": "06:00",
    },
    {
        "name": "certificate_reminders",
        "task": "levelfield.suppliers.tasks.send_certificate_reminders",
        "at": "06:30",
    },
    {
        "name": "social_value_reminders",
        "task": "levelfield.socialvalue.tasks.send_reminders",
        "at": "07:00",
    },
    {
        "name": "abandoned_bid_uploads",
        "task": "levelfield.bids.tasks.remove_abandoned_uploads",
        "at": "03:00",
    },
    {
        "name": "living_will_reminders",
        "task": "levelfield.resilience.tasks.send_stale_reminders",
        "at": "07:30",
    },
    {
        "name": "financial_breach_reminders",
        "task": "levelfield.resilience.tasks_financial.send_overdue_reminders",
        "at": "07:45",
    },
    {
        "name": "alert_digests",
        "task": "levelfield.alerts.tasks.send_daily_digests",
        "at": "07:00",
    },
    {
        "name": "insights_snapshot",
        "task": "levelfield.insights.tasks.write_snapshot",
        "at": "02:30",
    },
    {
        "name": "review_response_reminders",
        "task": "levelfield.reviews.tasks.send_response_reminders",
        "at": "08:00",
    },
]

# The procurement review service (levelfield/reviews): months to resolve a case from its
# acceptance, by the authority's sector (central government 2, the wider public sector 3), and
# the days before a respondent's due date on which it is reminded (each reminder once).
LEVELFIELD_REVIEW_TARGET_MONTHS = {"central": 2, "wider": 3}
LEVELFIELD_REVIEW_REMINDER_DAYS = (7, 1)

# Insights (levelfield/insights): `levelfield insights-snapshot` (and a daily job) writes the
# Parquet snapshot the measures read into LEVELFIELD_INSIGHTS_DIR, a folder or an object store
# URL (s3a://bucket/insights, for Spark). The engine is DuckDB in this process, or "spark": a
# SparkSession on INSIGHTS_SPARK_MASTER (local[*], spark://host:7077, yarn, ...) with the extra
# Spark settings given as JSON in INSIGHTS_SPARK_CONF (e.g. the S3A endpoint and credentials).
# Targets: per cent of spend for SMEs and VCSEs; empty for no target.
LEVELFIELD_INSIGHTS_DIR = os.environ.get("INSIGHTS_DIR", str(VAR_DIR / "insights"))
# Where `insights-snapshot` writes, when INSIGHTS_DIR is an object store URL the readers use:
# a local folder, copied there afterwards (README, "Insights on Spark and object storage").
LEVELFIELD_INSIGHTS_WRITE_DIR = os.environ.get("INSIGHTS_WRITE_DIR", "")
LEVELFIELD_INSIGHTS_ENGINE = os.environ.get("INSIGHTS_ENGINE", "duckdb")
LEVELFIELD_INSIGHTS_SPARK_MASTER = os.environ.get("INSIGHTS_SPARK_MASTER", "local[*]")
LEVELFIELD_INSIGHTS_SPARK_CONF = json.loads(os.environ.get("INSIGHTS_SPARK_CONF", "{}"))
LEVELFIELD_INSIGHTS_TARGETS = {
    kind: (float(value) if value.strip() else None)
    for kind, value in (
        ("sme", os.environ.get("INSIGHTS_TARGET_SME", "33")),
        ("vcse", os.environ.get("INSIGHTS_TARGET_VCSE", "")),
    )
}

# Frequent jobs: the same scheduler queues each once in every slot of its interval (minutes,
# slots counted from the Unix epoch), however many schedulers run. A bid's deadline reminders
# go 24 hours and 2 hours before its deadline, so they are looked for every 5 minutes.
LEVELFIELD_FREQUENT_JOBS = [
    {
        "name": "bid_deadline_reminders",
        "task": "levelfield.bids.reminders.send_deadline_reminders",
        "every": 5,
    },
    # the task worker's heartbeat, which /readyz reads (core/health.py)
    {"name": "heartbeat", "task": "levelfield.core.health.heartbeat", "every": 1},
    # the bulk downloads, rebuilt if a release was published since (each publication queues a
    # rebuild too: this makes good one lost with a worker that died)
    {"name": "downloads", "task": "levelfield.opendata.tasks.regenerate_downloads", "every": 15},
    # audit events left unlinked (core/audit_chain.py): each action's commit links its own at
    # once; this makes good one whose linking failed or whose process died first
    {"name": "audit_link", "task": "levelfield.core.tasks.link_audit_events", "every": 1},
]
# `levelfield worker` (core/worker.py) runs the tasks and queues the jobs above when due; a task
# left running by a worker whose heartbeat (written every minute) is older than this is queued
# again, for a worker killed mid-task.
LEVELFIELD_WORKER_STALE_AFTER = timedelta(
    seconds=int(os.environ.get("WORKER_STALE_AFTER_SECONDS", "300"))
)

# Each server process keeps its own cache in memory, unless REDIS_URL names a Redis server
# (redis://127.0.0.1:6379/0): then every process and every server shares one, and what one of
# them found or made serves them all.
CACHES: dict[str, dict[str, object]]
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "levelfield",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # room for the searches of a busy day
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "5000"))},
        }
    }

# Opportunity searches (the results found, and whole responses to people not signed in) are
# cached for at most this long, under a search generation that every publication and every
# status change of a public tender renews, so a hit never shows a stale list or status
# (tenders/search_responses.py); 0 turns it off.
SEARCH_CACHE_SECONDS = int(os.environ.get("SEARCH_CACHE_SECONDS", "600"))

# Open contracting data. The OCID prefix is registered with the Open Contracting Partnership.
LEVELFIELD_OCID_PREFIX = os.environ.get("OCID_PREFIX", "ocds-lvlfld")
LEVELFIELD_PUBLISHER = {
    "name": os.environ.get("OCDS_PUBLISHER_NAME", "levelfield"),
    "uri": os.environ.get("OCDS_PUBLISHER_URI", SITE_URL),
}
LEVELFIELD_OCDS_LICENSE = os.environ.get(
    "OCDS_LICENSE", "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)
LEVELFIELD_OCDS_PUBLICATION_POLICY = os.environ.get(
    "OCDS_PUBLICATION_POLICY", f"{SITE_URL}/open-data/publication-policy/"
)
DOWNLOADS_ROOT = Path(os.environ.get("DOWNLOADS_ROOT", VAR_DIR / "downloads"))
# A bulk download on S3 is served by a redirect to a link signed for this many seconds (0: sent
# through the server instead); a file replaced by a newer build is kept this long after, for the
# downloads already under way (opendata/downloads.py).
LEVELFIELD_DOWNLOADS_PRESIGNED_SECONDS = (
    int(os.environ.get("DOWNLOADS_PRESIGNED_SECONDS", "300")) if LEVELFIELD_STORAGE == "s3" else 0
)
LEVELFIELD_DOWNLOADS_KEEP_REPLACED = timedelta(
    seconds=int(os.environ.get("DOWNLOADS_KEEP_REPLACED_SECONDS", "3600"))
)
# On SQLite a build holds a lease, renewed while it runs; one not renewed for this long is taken
# over by the next build (at once when its process is gone: opendata/downloads_lease.py).
LEVELFIELD_DOWNLOADS_LEASE = timedelta(seconds=int(os.environ.get("DOWNLOADS_LEASE_SECONDS", "30")))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS only, by setting: off by default (local use and tests); the production settings
# (levelfield/settings_production.py) turn each on unless told otherwise. Behind a proxy that
# ends TLS, SECURE_PROXY_SSL_HEADER=true trusts its X-Forwarded-Proto (only if the proxy always
# sets it).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content-Security-Policy on every page (django-csp): scripts, styles, images and fonts from this
# site only, and nothing written inline in a page (no 'unsafe-inline'): a script slipped into a
# page does not run. The page's own scripts are files (assets/js). A page that needs more says
# so for itself: the bid page lets hash-wasm compile WebAssembly (bids/views.py), the API's
# documentation lets Swagger UI's stylesheet draw its data: icons (levelfield/api.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Logs, on standard error. Each request writes one line of JSON to the logger levelfield.requests
# (core/request_log.py); every other line says which request it was written in (request_id=...,
# "-" outside one). The X-Request-ID a proxy sends is taken as the request's id only with
# TRUST_REQUEST_ID_HEADER on (a proxy that always sets or replaces it); otherwise each request
# gets a new one. Either way it comes back in the response's X-Request-ID.
LEVELFIELD_REQUEST_ID_TRUSTED = env_bool("TRUST_REQUEST_ID_HEADER", False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "levelfield.core.request_log.RequestIdFilter"}},
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s"
        },
        "json_line": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "line",
        },
        "requests": {"class": "logging.StreamHandler", "formatter": "json_line"},
    },
    "loggers": {
        "levelfield.requests": {
            "handlers": ["requests"],
            "level": os.environ.get("REQUEST_LOG_LEVEL", "INFO"),
            "propagate": False,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# /healthz and /readyz (core/health.py). /readyz fails when the task worker's heartbeat (a task
# the scheduler queues every minute) is older than HEALTH_WORKER_MAX_AGE seconds, or missing,
# unless HEALTH_WORKER_REQUIRED is off (the default while DEBUG is on). A probe sent straight to
# a server over plain HTTP is answered, not redirected to HTTPS.
LEVELFIELD_HEALTH_WORKER_REQUIRED = env_bool("HEALTH_WORKER_REQUIRED", not DEBUG)
LEVELFIELD_HEALTH_WORKER_MAX_AGE = timedelta(
    seconds=int(os.environ.get("HEALTH_WORKER_MAX_AGE", "600"))
)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Error reporting to Sentry (core/error_reporting.py): off unless SENTRY_DSN is set, and then
# without personal data, request bodies, cookies or local variables.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from levelfield.core.error_reporting import configure as configure_error_reporting

    configure_error_reporting(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        release=os.environ.get("SENTRY_RELEASE", ""),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
