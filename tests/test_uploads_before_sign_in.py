"""Files are received only for someone allowed to send them: a multipart form posted without
a sign-in, API token or CSRF cookie is refused before its files are read, so nobody can make
the server write uploads to disk unasked. Text over the limit is still refused with 413."""

import pytest
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from tests.support import testing

pytestmark = pytest.mark.django_db

RECEIVED: list[int] = []


class RecordingHandler(FileUploadHandler):
    """Keeps nothing; notes each chunk of a file the server receives."""

    def receive_data_chunk(self, raw_data, start):
        RECEIVED.append(len(raw_data))

    def file_complete(self, file_size):
        return None


@pytest.fixture(autouse=True)
def recording(settings):
    settings.FILE_UPLOAD_HANDLERS = [f"{__name__}.RecordingHandler"]
    RECEIVED.clear()
    yield
    RECEIVED.clear()


def certificate_form():
    return {
        "kind": "other",
        "title": "Food hygiene",
        "issuer": "Council",
        "number": "1",
        "expires_on": "2099-01-01",
        "document": testing.pdf(body=b"%PDF-1.4\n" + b"0" * 100_000),
    }


def test_an_api_upload_without_a_token_is_refused_before_its_file_is_read(client):
    response = client.post("/api/supplier/certificates", certificate_form())

    assert response.status_code == 401
    assert RECEIVED == []


def test_a_page_upload_without_a_csrf_cookie_is_refused_before_its_file_is_read():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("suppliers:certificates"), certificate_form())

    assert response.status_code == 403
    assert RECEIVED == []


@pytest.fixture
def token(supplier):
    _, user = supplier
    return {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=user, name='t')[1]}"}


def test_a_signed_in_upload_is_read(client, token):
    """The control: the same form with a token is received (and so the handler sees files)."""
    client.post("/api/supplier/certificates", certificate_form(), **token)

    assert sum(RECEIVED) > 100_000


def test_a_multipart_form_with_too_much_text_still_gets_the_api_413(client, token, settings):
    client.raise_request_exception = False
    form = {**certificate_form(), "title": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    response = client.post("/api/supplier/certificates", form, **token)

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_too_much_text_in_a_multipart_form_gets_the_413_in_debug_too(client, token, settings):
    """`./dev serve --dev` runs with DEBUG on: the API still answers in its error shape (ninja
    answered a traceback as text, with status 500)."""
    settings.DEBUG = True
    client.raise_request_exception = False
    form = {**certificate_form(), "title": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    response = client.post("/api/supplier/certificates", form, **token)

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
