"""Text with the null character (U+0000) is refused before it reaches the database, which
PostgreSQL cannot store or even compare it with ("A string literal cannot contain NUL (0x00)
characters": a server error, anonymous too, on /opportunities/%00/ or /api/ocds/releases?ocid=%00).
The API answers in its error shape (422 for the address, 400 for a JSON body), the pages with
the GOV.UK 400 page."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pydantic import ValidationError as PydanticValidationError

from levelfield.accounts.actions import create_api_token
from levelfield.socialvalue.schemas import ReportIn
from levelfield.suppliers.models import Certificate
from tests.support import testing

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "Text must not contain the null character (\\u0000)"


def _refused_by_the_api(response, status: int):
    assert response.status_code == status
    assert response.json() == {
        "code": "validation_error",
        "message": NUL_MESSAGE,
        "details": [NUL_MESSAGE],
    }


@pytest.mark.parametrize(
    "address",
    [
        "/api/opportunities/LF%00",
        "/api/ocds/records/%00",
        "/api/ocds/releases/%00",
        "/api/ocds/releases?ocid=%00",
        "/api/ocds/releases?buyer=a%00b",
        "/api/opportunities?q=%00",
    ],
)
def test_the_api_refuses_a_null_character_in_the_address(client, address):
    _refused_by_the_api(client.get(address), 422)


def _draft_titled(client, officer, title: str):
    _, secret = create_api_token(user=officer, name="tests")
    return client.post(
        "/api/buyer/tenders",
        json.dumps({"title": title, "description": "d"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def test_the_api_refuses_a_null_character_in_a_json_body(client, officer):
    _refused_by_the_api(_draft_titled(client, officer, "Roads\u0000"), 400)


def test_an_escaped_backslash_before_u0000_is_ordinary_text(client, officer):
    response = _draft_titled(client, officer, "Roads \\u0000 and more")
    assert response.status_code == 201
    assert response.json()["title"] == "Roads \\u0000 and more"


@pytest.mark.parametrize("address", ["/opportunities/%00/", "/opportunities/?q=a%00"])
def test_a_page_refuses_a_null_character_with_the_govuk_400_page(client, settings, address):
    settings.DEBUG = False
    response = client.get(address)
    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.content.decode()


# A multipart form is read only once the request is let in, so its text fields refuse the
# character themselves (core.api_helpers.FormInput and FormText): 422 as any field that does not
# fit.


def _bearer(user) -> dict:
    _, secret = create_api_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _refused_as_a_field(response, field: str):
    assert response.status_code == 422
    assert f"{field}: {NUL_MESSAGE}" in response.json()["message"]


def test_a_multipart_certificate_refuses_a_null_character(client, supplier):
    _, user = supplier
    form = {"kind": "iso_9001", "issuer": "BSI\u0000", "expires_on": "2030-01-01"}
    response = client.post(
        "/api/supplier/certificates", {**form, "document": testing.pdf()}, **_bearer(user)
    )
    _refused_as_a_field(response, "issuer")
    assert not Certificate.objects.exists()


def test_a_multipart_framework_import_refuses_a_null_character(client, officer):
    upload = SimpleUploadedFile("measures.csv", b"code,description,unit\nM1,Jobs,people\n")
    response = client.post(
        "/api/social-value/buyer/frameworks",
        {"name": "Ours\u0000", "file": upload},
        **_bearer(officer),
    )
    assert response.status_code == 422
    assert NUL_MESSAGE in response.json()["message"]


def test_a_delivery_report_refuses_a_null_character():
    with pytest.raises(PydanticValidationError, match="null character"):
        ReportIn.model_validate({"period": 1, "quantity": "2", "narrative": "Done\u0000"})
    assert ReportIn.model_validate({"period": 1, "quantity": "2", "narrative": "Done"})
