"""The amendment API: buyer endpoints and the public amendments and document versions."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.tenders import actions
from tests.support import testing

from .test_amendments import days_after_publication

AMEND = "/api/buyer/tenders/{}/amendments"


def bearer(user):
    _, secret = create_api_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def spec(tender, officer):
    return actions.add_document(
        tender=tender,
        by=officer,
        title="Specification",
        doc_type="specification",
        upload=testing.pdf("spec.pdf", b"%PDF-1.4 version one"),
    )


def post(client, user, tender, body):
    return client.post(
        AMEND.format(tender.pk), body, content_type="application/json", **bearer(user)
    )


def test_extending_by_api_answers_the_amendment_and_emails_the_asker(
    client, tender, officer, supplier, django_capture_on_commit_callbacks
):
    organisation, user = supplier
    actions.ask_question(tender=tender, by=user, organisation=organisation, question="Travel?")
    new = tender.submission_deadline + timedelta(days=7)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            officer,
            tender,
            {"reason": "More time asked for.", "submission_deadline": new.isoformat()},
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["reason"]) == (1, "More time asked for.")
    assert body["changes"][0].startswith("Submission deadline moved from")
    assert [email.to for email in mail.outbox] == [[user.email]]
    listed = client.get(AMEND.format(tender.pk), **bearer(officer)).json()
    assert [a["number"] for a in listed] == [1]


def test_refusals_are_the_documented_statuses(client, tender, officer, evaluator, spec):
    later = (tender.submission_deadline + timedelta(days=7)).isoformat()
    assert post(client, officer, tender, {"reason": "x"}).json()["code"] == "validation_error"
    assert (
        post(client, evaluator, tender, {"reason": "x", "submission_deadline": later}).status_code
        == 403
    )
    assert (
        post(
            client, officer, tender, {"reason": "x", "withdraw_documents": [spec.pk + 99]}
        ).status_code
        == 404
    )
    huge = post(client, officer, tender, {"reason": "x", "withdraw_documents": [2**70]})
    assert (huge.status_code, huge.json()["code"]) == (422, "validation_error")
    # 24 days from publication for a tender above the s.54 threshold (25 days needed).
    shorter = days_after_publication(tender, 24).isoformat()
    response = post(client, officer, tender, {"reason": "x", "submission_deadline": shorter})
    assert (response.status_code, response.json()["code"]) == (422, "rule_failed")
    with testing.after_deadline(tender):
        response = post(client, officer, tender, {"reason": "x", "submission_deadline": later})
    assert (response.status_code, response.json()["code"]) == (409, "deadline_passed")


def test_a_new_version_by_api_and_every_version_listed_publicly(client, tender, officer, spec):
    response = client.post(
        f"/api/buyer/tenders/{tender.pk}/documents/{spec.pk}/versions",
        {"reason": "Corrected the map.", "file": testing.pdf("spec-v2.pdf", b"%PDF-1.4 two")},
        **bearer(officer),
    )
    assert response.status_code == 201, response.content
    assert response.json()["changes"] == ["New version of “Specification” (version 2)"]

    versions = client.get(f"/api/opportunities/{tender.reference}/documents").json()
    assert [(v["version"], v["current"]) for v in versions] == [(1, False), (2, True)]
    old = client.get(versions[0]["url"])
    assert b"".join(old.streaming_content) == b"%PDF-1.4 version one"
    public = client.get(f"/api/opportunities/{tender.reference}/amendments").json()
    assert [a["reason"] for a in public] == ["Corrected the map."]
    assert reverse("public:document", args=[tender.reference, spec.pk]) == versions[0]["url"]
