"""A buyer imports its own measurement framework (measures with proxy values) from CSV or XLSX.
A file with any bad row imports nothing and names every bad row by its line."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from levelfield.core.errors import DomainError, PermissionDenied
from levelfield.core.models import AuditEvent
from levelfield.socialvalue import actions
from levelfield.socialvalue.models import Measure, MeasurementFramework

from .conftest import MEASURES, csv_upload, import_measures

pytestmark = pytest.mark.django_db


def test_a_csv_framework_is_imported_with_its_proxy_values(buyer, officer):
    framework = import_measures(buyer, officer)
    measures = {m.code: m for m in framework.measures.all()}
    assert list(measures) == ["APP", "VOL", "CO2"]
    assert measures["APP"].proxy_value == Decimal("2500.00")
    assert measures["VOL"].proxy_value == Decimal("15.50")
    assert measures["CO2"].proxy_value is None
    assert measures["VOL"].line == 3
    assert (framework.buyer, framework.version) == (buyer, 1)
    # Importing again under the same name is a new version; the first is untouched.
    again = import_measures(buyer, officer)
    assert again.version == 2 and framework.measures.count() == 3


def test_an_xlsx_framework_is_imported(buyer, officer):
    book = Workbook()
    sheet = book.active
    sheet.append(["Code", "Description", "Unit", "Proxy value (£)"])
    sheet.append(["APP", "Apprenticeships for local people", "apprenticeships", 2500])
    sheet.append([101, "Hours volunteered", "hours", 12.75])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("measures.xlsx", buffer.getvalue())
    framework = actions.import_framework(buyer=buyer, by=officer, name="Ours", upload=upload)
    assert [(m.code, m.proxy_value) for m in framework.measures.all()] == [
        ("APP", Decimal("2500.00")),
        ("101", Decimal("12.75")),
    ]


MALFORMED = (
    ("code", "description", "unit", "proxy value"),
    ("APP", "Apprenticeships", "apprenticeships", "2500"),
    ("", "No code here", "hours", "10"),
    ("VOL", "Volunteering", "hours", "ten pounds"),
    ("APP", "The same code again", "weeks", "5"),
    ("NEG", "Negative value", "hours", "-3"),
    ("DP", "Too precise", "hours", "1.234"),
    ("NOUNIT", "No unit", "", "1"),
)


def test_a_malformed_proxy_table_changes_nothing_and_names_each_bad_line(buyer, officer):
    import_measures(buyer, officer)
    frameworks, measures = MeasurementFramework.objects.count(), Measure.objects.count()
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        actions.import_framework(
            buyer=buyer, by=officer, name="Test measures", upload=csv_upload(MALFORMED)
        )
    assert refused.value.code == "invalid_framework"
    assert refused.value.message == "Nothing was imported: measures.csv has 6 problems"
    assert refused.value.details == [
        "Line 3: the code is missing",
        "Line 4: the proxy value 'ten pounds' is not an amount in pounds",
        "Line 5: the code APP is already on line 2",
        "Line 6: the proxy value -3 cannot be negative",
        "Line 7: the proxy value 1.234 has more than 2 decimal places",
        "Line 8: the unit is missing",
    ]
    assert MeasurementFramework.objects.count() == frameworks
    assert Measure.objects.count() == measures
    assert AuditEvent.objects.count() == events


def test_a_file_without_the_columns_is_refused(buyer, officer):
    rows = (("ref", "what"), ("APP", "Apprenticeships"))
    with pytest.raises(DomainError) as refused:
        actions.import_framework(buyer=buyer, by=officer, name="x", upload=csv_upload(rows))
    assert refused.value.details == [
        "Line 1: the first row must name the columns code, description and unit (proxy value "
        "is optional); description and unit are missing"
    ]
    assert not MeasurementFramework.objects.exists()


def test_a_broken_workbook_or_other_file_type_is_refused(buyer, officer):
    fake = SimpleUploadedFile("measures.xlsx", b"PK\x03\x04 not really a workbook")
    with pytest.raises(DomainError) as refused:
        actions.import_framework(buyer=buyer, by=officer, name="x", upload=fake)
    assert refused.value.message == (
        "measures.xlsx is damaged: it is not an archive that can be opened"
    )
    pdf = SimpleUploadedFile("measures.pdf", b"%PDF-1.4 x")
    with pytest.raises(DomainError):
        actions.import_framework(buyer=buyer, by=officer, name="x", upload=pdf)
    assert not MeasurementFramework.objects.exists()


def test_only_buyer_admins_and_officers_import(buyer, evaluator, supplier):
    _, supplier_user = supplier
    for person in (evaluator, supplier_user):
        with pytest.raises(PermissionDenied):
            actions.import_framework(buyer=buyer, by=person, name="x", upload=csv_upload(MEASURES))


def test_the_import_page_lists_the_bad_lines_and_keeps_nothing(client, buyer, officer):
    client.force_login(officer)
    url = reverse("socialvalue:frameworks")
    response = client.post(url, {"name": "Ours", "file": csv_upload(MALFORMED)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported: measures.csv has 6 problems" in page
    assert "Line 4: the proxy value &#x27;ten pounds&#x27; is not an amount in pounds" in page
    assert "Line 8: the unit is missing" in page
    assert not MeasurementFramework.objects.exists()

    response = client.post(url, {"name": "Ours", "file": csv_upload(MEASURES)})
    framework = MeasurementFramework.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("socialvalue:framework", args=[framework.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Apprenticeships for local people" in page and "£2,500" in page
    listing = client.get(url).content.decode()
    assert "Ours" in listing


def test_another_buyers_framework_is_not_found(client, buyer, officer):
    from levelfield.accounts.models import Role
    from tests.support import testing

    framework = import_measures(buyer, officer)
    other = testing.buyer_org("Other Council")
    client.force_login(testing.member(other, Role.BUYER_OFFICER))
    assert client.get(reverse("socialvalue:framework", args=[framework.pk])).status_code == 404


def test_the_api_imports_a_framework_and_a_malformed_one_changes_nothing(client, buyer, officer):
    from levelfield.accounts.actions import create_api_token
    from levelfield.accounts.models import Role
    from tests.support import testing

    _, secret = create_api_token(user=officer, name="frameworks")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    url = "/api/social-value/buyer/frameworks"
    response = client.post(url, {"name": "Ours", "file": csv_upload(MEASURES)}, **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["version"]) == ("Ours", 1)
    assert [(m["code"], m["proxy_value"]) for m in body["measures"]] == [
        ("APP", "2500.00"),
        ("VOL", "15.50"),
        ("CO2", None),
    ]
    counts = MeasurementFramework.objects.count(), Measure.objects.count()
    response = client.post(url, {"name": "Ours", "file": csv_upload(MALFORMED)}, **auth)
    assert response.status_code == 400
    refused = response.json()
    assert refused["code"] == "invalid_framework"
    assert refused["details"][0] == "Line 3: the code is missing" and len(refused["details"]) == 6
    assert (MeasurementFramework.objects.count(), Measure.objects.count()) == counts
    listed = client.get(url, **auth).json()
    assert (listed["count"], listed["items"][0]["measure_count"]) == (1, 3)
    assert client.get(f"{url}/{body['id']}", **auth).json()["measures"][0]["line"] == 2
    # Another buyer's staff find nothing of it.
    other = testing.member(testing.buyer_org("Other Council"), Role.BUYER_ADMIN)
    _, theirs = create_api_token(user=other, name="other")
    assert (
        client.get(f"{url}/{body['id']}", HTTP_AUTHORIZATION=f"Bearer {theirs}").status_code == 404
    )
