"""The review service through its API: a supplier raises an anonymous concern with evidence,
the team accepts it and asks the council, the council responds with a document, the team
records findings and closes the case, a review manager publishes it; the public reads it."""

from datetime import timedelta

import pytest
from django.test import Client

from levelfield.accounts.actions import create_api_token
from levelfield.core import clock
from tests.support import testing


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.LEVELFIELD_RATE_LIMITS = {}


def caller(user) -> Client:
    token = create_api_token(user=user, name="api test")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_concern_from_raising_to_publication(world):
    raiser, team, manager = caller(world.raiser), caller(world.reviewer), caller(world.manager)
    officer = caller(world.officer)
    raised = raiser.post(
        "/api/reviews/cases",
        {
            "kind": "procurement",
            "description": "The tender asks for ISO 9001 from every bidder.",
            "tender_id": world.tender.pk,
            "raiser_organisation_id": world.supplier.pk,
            "evidence": [testing.pdf("iso-quote.pdf"), testing.pdf("email.pdf")],
        },
    )
    assert raised.status_code == 201, raised.content
    case = raised.json()
    assert case["status"] == "raised" and case["buyer_may_know"] is False
    assert [e["name"] for e in case["evidence"]] == ["iso-quote.pdf", "email.pdf"]
    assert case["time_left"] == "Not yet accepted"
    case_id = case["id"]

    # The team's list, then triage.
    listed = team.get("/api/reviews/team/cases").json()
    assert [c["id"] for c in listed["items"]] == [case_id]
    assert team.get(f"/api/reviews/team/cases/{case_id}").json()["raised_by"] == "Pip Archer"
    accepted = team.post(
        f"/api/reviews/team/cases/{case_id}/accept", {}, content_type="application/json"
    ).json()
    assert accepted["status"] == "accepted" and accepted["target_months"] == 2
    due = (clock.today_uk() + timedelta(days=14)).isoformat()
    asked = team.post(
        f"/api/reviews/team/cases/{case_id}/requests",
        {"organisation_id": world.buyer.pk, "question": "Why ISO 9001?", "due_on": due},
        content_type="application/json",
    )
    assert asked.status_code == 201, asked.content
    assert asked.json()["requests"][0]["due_on"] == due

    # The council reads it (no raiser) and responds with a document.
    seen = officer.get(f"/api/reviews/requests/{case_id}").json()
    assert seen["anonymous"] is True and seen["raised_by"] == "" and seen["evidence"] == []
    assert seen["requests"][0]["open"] is True
    responded = officer.post(
        f"/api/reviews/requests/{case_id}/response",
        {"response": "It is our standard.", "documents": [testing.pdf("standard.pdf")]},
    )
    assert responded.status_code == 200, responded.content
    assert responded.json()["requests"][0]["documents"] == ["standard.pdf"]
    again = officer.post(f"/api/reviews/requests/{case_id}/response", {"response": "More"})
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"

    # Findings, closing (a reviewer may not; the manager does), publication.
    team.post(
        f"/api/reviews/team/cases/{case_id}/findings",
        {"findings": "Not proportionate.", "recommendations": "Accept equivalent evidence."},
        content_type="application/json",
    )
    close = {"outcome": "resolved", "summary": "The council accepts equivalents."}
    refused = team.post(
        f"/api/reviews/team/cases/{case_id}/close", close, content_type="application/json"
    )
    assert refused.status_code == 403
    too_soon = manager.post(
        f"/api/reviews/team/cases/{case_id}/publish",
        {"public_summary": "Resolved."},
        content_type="application/json",
    )
    assert too_soon.status_code == 409
    closed = manager.post(
        f"/api/reviews/team/cases/{case_id}/close", close, content_type="application/json"
    ).json()
    assert closed["status"] == "closed" and closed["time_left"] == "Closed within target"
    naming = manager.post(
        f"/api/reviews/team/cases/{case_id}/publish",
        {"public_summary": "Ambridge Widgets Ltd was right."},
        content_type="application/json",
    )
    assert naming.status_code == 400 and naming.json()["code"] == "names_the_raiser"
    published = manager.post(
        f"/api/reviews/team/cases/{case_id}/publish",
        {"public_summary": "The council now accepts equivalent quality evidence."},
        content_type="application/json",
    )
    assert published.status_code == 200

    # The public.
    public = Client()
    outcomes = public.get("/api/reviews/outcomes", {"authority": "borsetshire"}).json()
    assert [o["reference"] for o in outcomes["items"]] == [case["reference"]]
    assert outcomes["items"][0]["authority"] == world.buyer.name
    assert public.get("/api/reviews/outcomes", {"kind": "late_payment"}).json()["count"] == 0
    summary = public.get("/api/reviews/summary").json()
    assert summary[0]["cases"] == 1 and summary[0]["resolved_within_target"] == 1
    # The raiser reads the outcome of their own case.
    mine = raiser.get(f"/api/reviews/my-cases/{case_id}").json()
    assert mine["published"] is True and mine["recommendations"] == "Accept equivalent evidence."


def test_the_api_refuses_other_people(world):
    officer = caller(world.officer)
    assert officer.get("/api/reviews/team/cases").status_code == 403
    assert Client().get("/api/reviews/my-cases").status_code == 401
    assert officer.get("/api/reviews/requests/999").status_code == 404
    assert Client().get("/api/reviews/outcomes/999").status_code == 404
