"""Each request leaves one JSON line in the log (core/request_log.py): when, which request, what
was asked, the answer's status, how long it took and who asked, never a secret from its address;
its id comes back in X-Request-ID and is on every other line logged while it was answered."""

import json
import logging
import re
import sys

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from levelfield import urls as site_urls
from levelfield.core.request_log import RequestIdFilter, redacted_path

GENERATED_ID = re.compile(r"[0-9a-f]{32}")


def _logs_something(request, **kwargs):
    logging.getLogger("levelfield.somewhere").warning("Something to note")
    return HttpResponse("noted")


def _fails(request):
    raise RuntimeError("the view broke")


urlpatterns = [
    path("notes/", _logs_something),
    path("fails/", _fails),
    path("invitation/<str:token>/", _logs_something),
    *site_urls.urlpatterns,  # the error pages link to the site's own
]


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def json(self) -> list[dict]:
        return [json.loads(record.getMessage()) for record in self.records]


@pytest.fixture
def request_lines():
    handler = Lines()
    logger = logging.getLogger("levelfield.requests")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


@pytest.mark.django_db
def test_a_request_leaves_one_json_line_without_its_query_values(client, request_lines):
    response = client.get("/", {"q": "home care for Jo Bloggs", "page": "2"})

    (line,) = request_lines.json()
    assert set(line) == {
        "time",
        "request_id",
        "method",
        "path",
        "query",
        "status",
        "duration_ms",
        "user_id",
    }
    assert line["method"] == "GET"
    assert line["path"] == "/"
    assert line["query"] == ["page", "q"]
    assert line["status"] == response.status_code == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert line["time"].endswith("+00:00")
    assert GENERATED_ID.fullmatch(line["request_id"])
    assert response["X-Request-ID"] == line["request_id"]
    assert "Jo Bloggs" not in request_lines.records[0].getMessage()


@pytest.mark.django_db
def test_the_line_names_the_signed_in_user(client, supplier, request_lines):
    _, user = supplier
    client.force_login(user)
    client.get("/account/dashboard/")
    assert request_lines.json()[-1]["user_id"] == user.pk


@pytest.mark.django_db
def test_an_api_token_s_user_is_named_too(client, request_lines):
    from levelfield.accounts.actions import create_api_token
    from levelfield.accounts.models import Role
    from tests.support import testing

    buyer = testing.buyer_org()
    officer = testing.member(buyer, Role.BUYER_OFFICER)
    _, secret = create_api_token(user=officer, name="script")
    response = client.get("/api/buyer/tenders", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    line = request_lines.json()[-1]
    assert line["user_id"] == officer.pk and line["path"] == "/api/buyer/tenders"


@pytest.mark.django_db
def test_a_token_in_the_address_is_not_logged(client, request_lines):
    client.get("/account/invitation/s3cr3t-invitation-token/")
    client.get("/account/reset-password/MQ/c4m8-0a1b2c3d4e5f/")
    first, second = request_lines.json()
    assert first["path"] == "/account/invitation/[redacted]/"
    assert second["path"] == "/account/reset-password/[redacted]/[redacted]/"
    text = " ".join(record.getMessage() for record in request_lines.records)
    assert "s3cr3t" not in text and "c4m8" not in text


def test_a_path_no_url_matches_is_kept_as_it_is():
    assert redacted_path("/no/such/page/") == "/no/such/page/"
    assert redacted_path("/tenders/12/") == "/tenders/12/"


@pytest.mark.django_db
def test_a_request_id_from_the_trusted_proxy_is_kept_and_returned(client, settings, request_lines):
    settings.LEVELFIELD_REQUEST_ID_TRUSTED = True
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.42")
    assert response["X-Request-ID"] == "lb-7f3a.42"
    assert request_lines.json()[-1]["request_id"] == "lb-7f3a.42"

    # one that could break a log line, or is too long, is replaced
    for sent in ("bad id\nstatus=200", "x" * 129, ""):
        response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)
        assert GENERATED_ID.fullmatch(response["X-Request-ID"])


@pytest.mark.django_db
def test_a_request_id_from_anyone_else_is_not_believed(client, request_lines):
    assert django_settings.LEVELFIELD_REQUEST_ID_TRUSTED is False  # the default
    response = client.get("/healthz", HTTP_X_REQUEST_ID="chosen-by-the-client")
    assert response["X-Request-ID"] != "chosen-by-the-client"
    assert GENERATED_ID.fullmatch(response["X-Request-ID"])


def test_the_log_handlers_carry_the_request_id_filter():
    filters = django_settings.LOGGING["filters"]
    assert filters["request_id"]["()"] == "levelfield.core.request_log.RequestIdFilter"
    assert "request_id" in django_settings.LOGGING["handlers"]["console"]["filters"]
    root_filters = [f for handler in logging.getLogger().handlers for f in handler.filters]
    assert any(isinstance(f, RequestIdFilter) for f in root_filters)


@pytest.mark.urls(__name__)
def test_other_lines_logged_during_a_request_carry_its_id(client, caplog, request_lines):
    caplog.handler.addFilter(RequestIdFilter())
    response = client.get("/notes/")
    (record,) = [r for r in caplog.records if r.getMessage() == "Something to note"]
    assert record.request_id == response["X-Request-ID"]

    # outside a request a line says "-"
    logging.getLogger("levelfield.somewhere").warning("Between requests")
    assert caplog.records[-1].request_id == "-"


@pytest.mark.urls(__name__)
def test_a_failing_view_still_leaves_its_line_with_status_500(request_lines):
    client = Client(raise_request_exception=False)
    response = client.get("/fails/")
    assert response.status_code == 500
    line = request_lines.json()[-1]
    assert line["status"] == 500 and line["path"] == "/fails/"
    assert response["X-Request-ID"] == line["request_id"]


@pytest.mark.urls(__name__)
def test_a_secret_named_parameter_is_redacted_in_any_url(client, request_lines):
    client.get("/invitation/abc%20def/")
    assert request_lines.json()[-1]["path"] == "/invitation/[redacted]/"


def _broken_error_page(request):
    raise RuntimeError("the error page broke too")


@pytest.mark.urls(__name__)
def test_an_error_no_page_could_answer_still_leaves_its_line(request_lines, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "handler500", _broken_error_page, raising=False)
    client = Client(raise_request_exception=False)
    with pytest.raises(RuntimeError):
        client.get("/fails/")
    line = request_lines.json()[-1]
    assert line["status"] == 500 and line["path"] == "/fails/"


@pytest.mark.django_db
def test_django_s_own_line_about_a_refused_request_carries_its_id(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.request_id == response["X-Request-ID"]


@pytest.mark.django_db
def test_django_s_own_line_about_a_refused_request_redacts_its_token(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    client.get("/account/invitation/s3cr3t-invitation-token/")
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Not Found: /account/invitation/[redacted]/"
