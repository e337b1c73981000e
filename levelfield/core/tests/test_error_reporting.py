"""Errors go to Sentry only when SENTRY_DSN is set, and without personal data: no request body,
cookies, query string, user or token from the address (core/error_reporting.py).

Each case starts Django in a fresh Python (Sentry's SDK, once started, stays started for the
process); the one with a DSN swaps the SDK's transport for one that keeps the events in a list,
so nothing reaches the network."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

from levelfield.core.error_reporting import strip_private_data


def _fails(request, token):
    request.POST  # noqa: B018 - the form is read, as a view would
    raise ValueError("the view broke")


def _fine(request):
    return HttpResponse("fine")


urlpatterns = [path("boom/<str:token>/", _fails), path("fine/", _fine)]

PROJECT = Path(__file__).resolve().parents[3]

SCRIPT = """
import json, os, sys
import sentry_sdk
from sentry_sdk.transport import Transport

events, options = [], {}


class KeptInAList(Transport):
    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type == "event":
                events.append(item.payload.json)


real_init = sentry_sdk.init


def init(*args, **kwargs):
    options.update(kwargs)
    return real_init(*args, **{**kwargs, "transport": KeptInAList})


sentry_sdk.init = init

from io import BytesIO

import django
from django.test.utils import override_settings

django.setup()
active = sentry_sdk.get_client().is_active()


def call(app, method, path, query="", body=b"", **headers):
    # the request as gunicorn hands it to Django: through WSGI, where the SDK listens
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        **headers,
    }
    started = []
    answer = app(environ, lambda status, headers, exc_info=None: started.append((status, headers)))
    b"".join(answer)
    getattr(answer, "close", lambda: None)()
    status, headers = started[0]
    return int(status.split()[0]), dict(headers)


with override_settings(
    ROOT_URLCONF="levelfield.core.tests.test_error_reporting",
    MIDDLEWARE=["levelfield.core.request_log.RequestLogMiddleware"],
    ALLOWED_HOSTS=["127.0.0.1"],
):
    from django.core.handlers.wsgi import WSGIHandler

    app = WSGIHandler()
    fine, _ = call(app, "GET", "/fine/")
    status, headers = call(
        app,
        "POST",
        "/boom/invite-token-secret/",
        query="email=jo.bloggs@example.com",
        body=b"password=hunter2-password&price=123456.78",
        HTTP_COOKIE="sessionid=session-cookie-secret",
        HTTP_AUTHORIZATION="Bearer lf_api-token-secret",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
sentry_sdk.flush()
print(json.dumps({
    "active": active,
    "options": {k: v for k, v in options.items() if isinstance(v, (str, bool, int, float))},
    "status": status,
    "request_id": headers["X-Request-ID"],
    "fine": fine,
    "events": events,
}))
"""

SECRETS = (
    "session-cookie-secret",
    "invite-token-secret",
    "jo.bloggs",
    "hunter2",
    "123456.78",
    "api-token-secret",
    "203.0.113.9",
)


def run(**env) -> dict:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("SENTRY_")}
    environment.setdefault("DJANGO_SETTINGS_MODULE", "levelfield.settings")
    environment.update(DEBUG="1", **env)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_dsn_nothing_is_started_and_nothing_is_sent():
    outcome = run()
    assert outcome["active"] is False
    assert outcome["options"] == {}  # sentry_sdk.init was never called
    assert outcome["status"] == 500
    assert outcome["events"] == []


def test_with_a_dsn_an_error_is_reported_without_personal_data():
    outcome = run(SENTRY_DSN="https://public@sentry.example.invalid/1")
    assert outcome["active"] is True
    assert outcome["options"]["send_default_pii"] is False
    assert outcome["options"]["include_local_variables"] is False
    assert outcome["options"]["max_request_body_size"] == "never"
    assert outcome["fine"] == 200

    (event,) = outcome["events"]
    assert event["exception"]["values"][-1]["type"] == "ValueError"
    assert event["exception"]["values"][-1]["value"] == "the view broke"
    assert event["tags"]["request_id"] == outcome["request_id"]
    request = event["request"]
    assert request["method"] == "POST"
    assert request["url"].endswith("/boom/[redacted]/")
    assert not {"data", "cookies", "query_string", "env"} & set(request)
    assert "user" not in event
    text = json.dumps(event)
    for secret in SECRETS:
        assert secret not in text, secret


def test_stripping_takes_out_what_the_sdk_might_still_send():
    event = {
        "request": {
            "url": "https://levelfield.example/account/invitation/abc123/?next=/x",
            "method": "POST",
            "data": {"password": "hunter2"},
            "cookies": {"sessionid": "s"},
            "query_string": "email=jo@example.com",
            "headers": {"Cookie": "sessionid=s", "Authorization": "Bearer x", "Accept": "*/*"},
            "env": {"REMOTE_ADDR": "203.0.113.9"},
        },
        "user": {"id": 7, "email": "jo@example.com", "ip_address": "203.0.113.9"},
    }
    stripped = strip_private_data(event, {})
    assert stripped["request"] == {
        "url": "https://levelfield.example/account/invitation/[redacted]/",
        "method": "POST",
        "headers": {"Accept": "*/*"},
    }
    assert "user" not in stripped
