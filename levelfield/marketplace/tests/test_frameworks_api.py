"""The frameworks' API: anyone reads the frameworks and a framework with its lots; a supplier's
admin starts, declares and submits an application (its members read it; another supplier's
gets 404); refusals come with their codes; the decision shows only from the standstill."""

import pytest
from django.test import Client

from levelfield.accounts.actions import create_api_token
from levelfield.marketplace.actions import applications, frameworks
from levelfield.marketplace.lifecycle import ApplicationStatus, FrameworkStatus
from levelfield.marketplace.models import Application
from levelfield.suppliers.models import ExclusionDeclaration

from .frameworks_builders import framework_at, make_people, submitted


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.LEVELFIELD_RATE_LIMITS = {}


@pytest.fixture
def people(db):
    return make_people()


def caller(user) -> Client:
    token = create_api_token(user=user, name="api test")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_anyone_reads_the_frameworks_and_one_with_its_lots(client, people):
    framework = framework_at(FrameworkStatus.OPEN, by=people.admin)
    listed = client.get("/api/marketplace/frameworks")
    assert listed.status_code == 200
    assert [f["reference"] for f in listed.json()["items"]] == [framework.reference]
    one = client.get(f"/api/marketplace/frameworks/{framework.pk}").json()
    assert one["status"] == "open"
    assert [(lot["number"], lot["title"]) for lot in one["lots"]] == [
        (1, "Cloud hosting"),
        (2, "Cloud software"),
    ]
    assert one["statements"] == framework.statements
    missing = client.get("/api/marketplace/frameworks/999999")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_a_supplier_applies_through_the_api(people):
    framework = framework_at(FrameworkStatus.OPEN, by=people.admin)
    api = caller(people.supplier_admin)
    lot_ids = list(framework.lots.values_list("pk", flat=True))
    started = post(
        api,
        "/api/marketplace/supplier/applications",
        {"framework_id": framework.pk, "lot_ids": lot_ids},
    )
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["status"] == "draft" and body["lots"] == [1, 2]
    url = f"/api/marketplace/supplier/applications/{body['id']}"
    refused = post(api, f"{url}/declare", {"agreed_statements": [1]})
    assert refused.status_code == 400 and refused.json()["code"] == "statements_not_agreed"
    declared = post(api, f"{url}/declare", {"agreed_statements": [1, 2]})
    assert declared.status_code == 200, declared.content
    assert declared.json()["declaration_id"] is not None
    done = post(api, f"{url}/submit")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "submitted" and done.json()["submitted_at"]
    again = post(api, f"{url}/submit")
    assert again.status_code == 409 and again.json()["code"] == "application_not_draft"
    # Its members read it; another supplier does not find it.
    member = caller(people.supplier_member).get("/api/marketplace/supplier/applications")
    assert [a["id"] for a in member.json()["items"]] == [body["id"]]
    assert caller(people.other_admin).get(url).status_code == 404


def test_refusals_carry_their_codes(people):
    framework = framework_at(FrameworkStatus.COMING, by=people.admin)
    lot_ids = list(framework.lots.values_list("pk", flat=True))
    body = {"framework_id": framework.pk, "lot_ids": lot_ids}
    url = "/api/marketplace/supplier/applications"
    not_open = post(caller(people.supplier_admin), url, body)
    assert not_open.status_code == 409 and not_open.json()["code"] == "framework_not_open"
    frameworks.open_applications(framework=framework, by=people.admin)
    member = post(caller(people.supplier_member), url, body)
    assert member.status_code == 403 and member.json()["code"] == "forbidden"
    buyer = post(caller(people.buyer_admin), url, body)
    assert buyer.status_code == 403
    assert post(Client(), url, body).status_code == 401
    assert not Application.objects.exists()
    ExclusionDeclaration.objects.filter(organisation=people.supplier).delete()
    started = post(caller(people.supplier_admin), url, body).json()
    declare = post(
        caller(people.supplier_admin),
        f"{url}/{started['id']}/declare",
        {"agreed_statements": [1, 2]},
    )
    assert declare.status_code == 400 and declare.json()["code"] == "declaration_missing"


def test_the_decision_shows_only_from_the_standstill(people):
    framework = framework_at(FrameworkStatus.OPEN, by=people.admin)
    application = submitted(framework, people.supplier, people.supplier_admin)
    frameworks.close_applications(framework=framework, by=people.admin)
    applications.refuse_application(application=application, by=people.admin, reason="Late")
    assert Application.objects.get().status == ApplicationStatus.REFUSED
    url = f"/api/marketplace/supplier/applications/{application.pk}"
    before = caller(people.supplier_admin).get(url).json()
    assert before["status"] == "submitted"
    assert before["decision_reason"] == "" and before["decided_at"] is None
    frameworks.start_standstill(framework=framework, by=people.admin)
    after = caller(people.supplier_admin).get(url).json()
    assert after["status"] == "refused" and after["decision_reason"] == "Late"
