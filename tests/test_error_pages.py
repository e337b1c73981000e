"""With DEBUG off, as `./dev serve` runs, errors are GOV.UK pages: no list of URL patterns, no
traceback, nothing of what failed. The API keeps its JSON."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.test import Client
from django.urls import path

from levelfield.urls import handler400, handler404, handler500  # noqa: F401 (this URLconf's too)
from levelfield.urls import urlpatterns as site_patterns


def _database_fails(request):
    raise OperationalError("database is locked: SELECT secret FROM bids_bid")


def _forbidden(request):
    raise PermissionDenied("internal reason for refusing")


# The site's own addresses, and three that fail as a view can (this module is the URLconf of the
# tests marked with it).
urlpatterns = [
    *site_patterns,
    path("test-only/fails/", _database_fails),
    path("test-only/forbidden/", _forbidden),
    path("api/test-only/fails/", _database_fails),
]
uses_failing_views = pytest.mark.urls("tests.test_error_pages")


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


def _is_govuk_page(response, heading: str) -> str:
    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert 'class="govuk-template"' in page
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page
    assert f"<title>{heading} – levelfield</title>" in page
    return page


@pytest.mark.django_db
def test_an_unknown_address_is_page_not_found(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = _is_govuk_page(response, "Page not found")
    assert "If you typed the web address, check it is correct." in page
    assert "URLconf" not in page
    assert "Using the URLconf" not in page
    assert "open-data/" not in page.replace('href="/open-data/', "")


@pytest.mark.django_db
@uses_failing_views
def test_a_server_error_says_sorry_without_a_traceback(django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):  # the page needs no database: it may be what failed
        response = client.get("/test-only/fails/")
    assert response.status_code == 500
    page = _is_govuk_page(response, "Sorry, there is a problem with the service")
    assert "Try again later." in page
    for leak in ("Traceback", "OperationalError", "database is locked", "bids_bid"):
        assert leak not in page


@pytest.mark.django_db
@uses_failing_views
def test_a_refusal_is_a_govuk_page_without_its_internal_reason(client):
    response = client.get("/test-only/forbidden/")
    assert response.status_code == 403
    page = _is_govuk_page(response, "You cannot view this page")
    assert "internal reason" not in page


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_is_refused_with_a_govuk_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/account/sign-in/", {"username": "someone@example.org", "password": "not-checked"}
    )
    assert response.status_code == 403
    page = _is_govuk_page(response, "Your form could not be sent")
    assert "CSRF" not in page
    assert "Go back, reload the page and send the form again." in page


@pytest.mark.django_db
def test_opening_an_address_only_forms_post_to_is_a_govuk_page(client):
    response = client.get("/account/sign-out/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    page = _is_govuk_page(response, "This page cannot be opened directly")
    assert "use its button" in page


@pytest.mark.django_db
def test_the_api_keeps_its_own_answer_to_a_wrong_method(client):
    response = client.get("/api/buyer/tenders/1/publish")
    assert response.status_code == 405
    assert "govuk-template" not in response.content.decode()
    # in the API's error shape, as every other refusal (ninja answered "Method not allowed" text)
    assert response["Allow"] == "POST"
    assert response.json() == {
        "code": "method_not_allowed",
        "message": "GET is not allowed here. Use POST.",
        "details": [],
    }


@pytest.mark.django_db
def test_the_api_answers_an_unknown_address_in_json(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found"}


@pytest.mark.django_db
@uses_failing_views
def test_the_api_answers_a_server_error_in_json_without_a_traceback():
    client = Client(raise_request_exception=False)
    response = client.get("/api/test-only/fails/")
    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "message": "Sorry, there is a problem with the service. Try again later.",
    }


@pytest.mark.django_db
def test_a_request_django_cannot_read_is_a_govuk_page(client):
    # more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS: Django refuses it as a bad request (400)
    fields = "&".join(f"field{number}=x" for number in range(1100))
    response = client.post(
        "/account/sign-in/", fields, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    page = _is_govuk_page(response, "Sorry, there is a problem with your request")
    assert "Bad Request" not in page


@pytest.mark.django_db
def test_the_api_answers_a_request_django_cannot_read_in_json(client):
    response = client.get("/api/opportunities?" + "&".join(["a"] * 1100))
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert "govuk-template" not in response.content.decode()

