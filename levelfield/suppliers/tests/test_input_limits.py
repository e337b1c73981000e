"""Figures and names too big for what they describe get a clear error, on the pages and the API,
and nothing is stored (they once reached the database and gave a server error)."""

import pytest
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.suppliers.models import (
    MAX_STAFF,
    Certificate,
    Consortium,
    Liability,
    SupplierProfile,
)
from tests.support import testing

LONG_NAME = "A" * 201
LIABILITY = Liability.JOINT_AND_SEVERAL.value


@pytest.fixture
def supplier_api(supplier):
    org, user = supplier
    _, secret = create_api_token(user=user, name="tests")
    return org, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def profile_form(**fields):
    return {
        "legal_name": "Acorn Care Ltd",
        "region": "UKK",
        "annual_turnover": "£100,000",
        **fields,
    }


def test_a_staff_number_beyond_any_organisation_is_refused_on_the_page(client, supplier):
    org, user = supplier
    client.force_login(user)
    response = client.post(
        reverse("suppliers:profile_edit"), profile_form(staff_headcount=str(MAX_STAFF + 1))
    )
    assert response.status_code == 200
    assert f"The number of staff must be {MAX_STAFF:,} or fewer" in response.content.decode()
    assert SupplierProfile.objects.get(organisation=org).staff_headcount != MAX_STAFF + 1
    accepted = client.post(
        reverse("suppliers:profile_edit"), profile_form(staff_headcount=str(MAX_STAFF))
    )
    assert accepted.status_code == 302
    assert SupplierProfile.objects.get(organisation=org).staff_headcount == MAX_STAFF


@pytest.mark.parametrize(
    "fields",
    [{"staff_headcount": MAX_STAFF + 1}, {"staff_headcount": 10**20}, {"legal_name": LONG_NAME}],
)
def test_the_profile_api_refuses_what_would_not_fit(client, supplier_api, fields):
    org, auth = supplier_api
    before = SupplierProfile.objects.get(organisation=org).legal_name
    response = client.put(
        "/api/supplier/profile",
        {"legal_name": "Acorn Care Ltd", "annual_turnover": "100000.00", "region": "UKK", **fields},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422, response.content
    assert SupplierProfile.objects.get(organisation=org).legal_name == before


def test_a_consortium_name_too_long_is_refused(client, supplier_api):
    _org, auth = supplier_api

    def create(name):
        return client.post(
            "/api/supplier/consortia",
            {"name": name, "liability": LIABILITY},
            content_type="application/json",
            **auth,
        )

    assert create(LONG_NAME).status_code == 422
    assert not Consortium.objects.exists()
    assert create("A" * 200).status_code == 201  # the longest name that fits


@pytest.mark.parametrize("field", ["issuer", "title", "number"])
def test_a_certificate_field_too_long_is_refused_and_no_file_is_kept(
    client, supplier_api, field, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    _org, auth = supplier_api
    fields = {"kind": "other", "title": "Food hygiene", "issuer": "Council", "number": "1"}

    def add(**changed):
        return client.post(
            "/api/supplier/certificates",
            {**fields, **changed, "expires_on": "2099-01-01", "document": testing.pdf()},
            **auth,
        )

    assert add(**{field: "A" * 201}).status_code == 422
    assert not Certificate.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))
    assert add().status_code == 201, "the same certificate with its field shorter is added"
