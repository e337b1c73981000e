"""The JSON API: a buyer and suppliers carry a tender from draft to signed contract with API
tokens alone, and every refusal comes back as JSON with a stable code."""

import json
import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.bids import actions as bid_actions
from levelfield.bids.models import Bid, BidReceipt
from levelfield.core import clock
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.models import Clarification, Tender
from tests.support import testing

pytestmark = pytest.mark.django_db


class Api:
    """A machine client: every request carries `Authorization: Bearer <token>`."""

    def __init__(self, client: Client, user=None, secret: str | None = None):
        self.client = client
        if secret is None and user is not None:
            _, secret = create_api_token(user=user, name="tests")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}

    def get(self, path: str, params=None):
        return self.client.get("/api" + path, params or {}, **self.headers)

    def post(self, path: str, data=None):
        return self.client.post(
            "/api" + path, data or {}, content_type="application/json", **self.headers
        )

    def patch(self, path: str, data):
        return self.client.patch(
            "/api" + path, data, content_type="application/json", **self.headers
        )

    def delete(self, path: str):
        return self.client.delete("/api" + path, **self.headers)


def ok(response, status: int = 200):
    assert response.status_code == status, response.content.decode()
    return response.json() if response.content else None


def refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert body["code"] == code, body
    assert body["message"]
    return body


def iso(moment: datetime) -> str:
    return moment.isoformat()


def new_tender(api: Api, **overrides) -> dict:
    """A complete draft through the API, deadlines counted from the server's clock."""
    deadline = clock.now() + timedelta(days=30)
    payload = {
        "title": "Home care services",
        "description": "Care at home for adults in the county, across four localities.",
        "cpv_codes": ["85300000"],
        "estimated_value": "1200000.00",
        "region": "UKK",
        "suitable_for_sme": True,
        "suitable_for_vcse": True,
        "clarification_deadline": iso(deadline - timedelta(days=7)),
        "submission_deadline": iso(deadline),
        "expected_award_date": (deadline + timedelta(days=30)).date().isoformat(),
        "contract_start": (deadline + timedelta(days=60)).date().isoformat(),
        "contract_end": (deadline + timedelta(days=60 + 3 * 365)).date().isoformat(),
        **overrides,
    }
    return ok(api.post("/buyer/tenders", payload), 201)


def set_criteria(api: Api, tender: dict, *, price: str, questions: list[tuple[str, str]]):
    lot_id = tender["lots"][0]["id"]
    lot = ok(
        api.patch(
            f"/buyer/tenders/{tender['id']}/lots/{lot_id}",
            {
                "price_weight": price,
                "price_formula": "lowest_price",
                "quality_threshold": None,
                "tie_break": "highest_quality",
            },
        )
    )
    for kind, weight in questions:
        ok(
            api.post(
                f"/buyer/tenders/{tender['id']}/lots/{lot_id}/questions",
                {"kind": kind, "weight": weight, "text": f"Describe your approach ({kind})."},
            ),
            201,
        )
    return lot


# ---------------------------------------------------------------------------------------------
# The description


def test_the_openapi_description_is_json_listing_every_path_and_operation(client):
    response = client.get("/api/openapi.json")
    schema = ok(response)
    assert json.loads(response.content)["info"]["title"] == "levelfield API"
    paths = schema["paths"]
    for path in (
        "/api/opportunities",
        "/api/opportunities/{reference}",
        "/api/buyer/tenders",
        "/api/buyer/tenders/{tender_id}",
        "/api/buyer/tenders/{tender_id}/lots",
        "/api/buyer/tenders/{tender_id}/lots/{lot_id}",
        "/api/buyer/tenders/{tender_id}/lots/{lot_id}/questions",
        "/api/buyer/tenders/{tender_id}/questions/{question_id}",
        "/api/buyer/tenders/{tender_id}/publish",
        "/api/buyer/tenders/{tender_id}/cancel",
        "/api/buyer/tenders/{tender_id}/clarifications",
        "/api/buyer/tenders/{tender_id}/clarifications/{clarification_id}/answer",
        "/api/buyer/tenders/{tender_id}/open-evaluation",
        "/api/buyer/tenders/{tender_id}/evaluators",
        "/api/buyer/tenders/{tender_id}/declaration",
        "/api/buyer/tenders/{tender_id}/bids",
        "/api/buyer/tenders/{tender_id}/scores",
        "/api/buyer/tenders/{tender_id}/moderations",
        "/api/buyer/tenders/{tender_id}/evaluation",
        "/api/buyer/tenders/{tender_id}/award",
        "/api/buyer/tenders/{tender_id}/award-notice",
        "/api/buyer/tenders/{tender_id}/lots/{lot_id}/contract",
        "/api/buyer/tenders/{tender_id}/contracts/{contract_id}/sign",
        "/api/supplier/bids",
        "/api/supplier/lots/{lot_id}/bid",
        "/api/supplier/bids/{bid_id}",
        "/api/supplier/bids/{bid_id}/submit",
        "/api/supplier/bids/{bid_id}/withdraw",
        "/api/supplier/bids/{bid_id}/assessment-summary",
        "/api/supplier/tenders/{reference}/questions",
    ):
        assert path in paths, path
    operations = [op for item in paths.values() for op in item.values()]
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
    assert all(op.get("summary") for op in operations)
    # Money is documented as a string, and the bearer token as the way in.
    tender_out = schema["components"]["schemas"]["BuyerTenderOut"]["properties"]
    assert "string" in json.dumps(tender_out["estimated_value"])
    assert "TokenAuth" in schema["components"]["securitySchemes"]
    assert "sealed" in paths["/api/buyer/tenders/{tender_id}/bids"]["get"]["description"]
    assert client.get("/api/docs").status_code == 200


# ---------------------------------------------------------------------------------------------
# The whole journey


def test_a_tender_goes_from_draft_to_signed_contract_through_the_api(
    client, buyer, buyer_admin, officer, evaluator, supplier, other_supplier
):
    org_a, user_a = supplier
    org_b, user_b = other_supplier
    as_officer = Api(client, officer)
    as_admin = Api(client, buyer_admin)
    as_evaluator = Api(client, evaluator)
    as_a = Api(client, user_a)
    as_b = Api(client, user_b)
    public = Api(client)

    # The officer drafts the tender, sets the criteria and adds the questions.
    draft = new_tender(as_officer)
    assert draft["status"] == "draft"
    assert draft["estimated_value"] == "1200000.00"
    assert draft["submission_deadline"].endswith("+00:00")
    assert (
        "Weights must total 100. Price 0 + quality 0 + social value 0 = 0"
        in (draft["publication_problems"])
    )
    tender_id = draft["id"]
    lot = set_criteria(
        as_officer, draft, price="40", questions=[("quality", "50"), ("social_value", "10")]
    )
    assert lot["award_criteria"]["price_weight"] == "40.00"
    tender = Tender.objects.get(pk=tender_id)
    tender_actions.add_document(
        tender=tender,
        by=officer,
        title="Specification",
        doc_type="specification",
        upload=testing.pdf(),
    )
    assert ok(as_officer.get(f"/buyer/tenders/{tender_id}"))["publication_problems"] == []
    refused(public.get(f"/opportunities/{draft['reference']}"), 404, "not_found")

    published = ok(as_officer.post(f"/buyer/tenders/{tender_id}/publish"))
    assert published["status"] == "published"
    assert published["open_for_bids"] is True
    reference = published["reference"]

    # Anyone finds it, with its award criteria and documents.
    found = ok(public.get("/opportunities", {"q": "home care", "status": "open", "sme": "true"}))
    assert found["count"] == 1
    assert [item["reference"] for item in found["items"]] == [reference]
    assert ok(public.get("/opportunities", {"cpv": "85000000"}))["count"] == 1
    assert ok(public.get("/opportunities", {"cpv": "72000000"}))["count"] == 0
    assert ok(public.get("/opportunities", {"status": "closed"}))["count"] == 0
    assert ok(public.get("/opportunities", {"min_value": "2000000"}))["count"] == 0
    detail = ok(public.get(f"/opportunities/{reference}"))
    criteria = detail["lots"][0]["award_criteria"]
    assert criteria["price_weight"] == "40.00"
    assert criteria["price_formula"] == "lowest_price"
    assert criteria["quality_threshold"] is None
    assert criteria["tie_break"] == "highest_quality"
    assert criteria["social_value_weight"] == "10.00"
    assert [(q["kind"], q["weight"]) for q in criteria["questions"]] == [
        ("quality", "50.00"),
        ("social_value", "10.00"),
    ]
    assert [level["score"] for level in criteria["questions"][0]["scale"]] == [0, 25, 50, 75, 100]
    [document] = detail["documents"]
    assert (document["title"], document["type"]) == ("Specification", "specification")
    assert document["size"] == len(b"%PDF-1.4 test document")
    assert document["url"].endswith(
        reverse("public:document", kwargs={"reference": reference, "document_id": document["id"]})
    )

    # A supplier asks; the buyer answers; the answer is published without the asker.
    asked = ok(
        as_a.post(f"/supplier/tenders/{reference}/questions", {"question": "Is TUPE likely?"}),
        201,
    )
    questions = ok(as_officer.get(f"/buyer/tenders/{tender_id}/clarifications"))
    assert [(q["id"], q["answered"]) for q in questions] == [(asked["id"], False)]
    answered = ok(
        as_officer.post(
            f"/buyer/tenders/{tender_id}/clarifications/{asked['id']}/answer",
            {"answer": "Yes, for about 40 staff."},
        )
    )
    assert answered["answered_at"]
    response = public.get(f"/opportunities/{reference}")
    [clarification] = response.json()["clarifications"]
    assert clarification["question"] == "Is TUPE likely?"
    assert clarification["answer"] == "Yes, for about 40 staff."
    assert set(clarification) == {"id", "question", "question_edited", "answer", "answered_at"}
    assert org_a.name not in response.content.decode()

    # Supplier A bids, withdraws, changes its price and resubmits.
    lot_id = detail["lots"][0]["id"]
    bid = ok(as_a.post(f"/supplier/lots/{lot_id}/bid"))
    assert bid["status"] == "draft"
    assert ok(as_a.post(f"/supplier/lots/{lot_id}/bid"))["id"] == bid["id"]
    answers = [
        {"question_id": q["id"], "text": f"Our answer to Q{q['number']}."} for q in bid["questions"]
    ]
    saved = ok(as_a.patch(f"/supplier/bids/{bid['id']}", {"price": "120000", "answers": answers}))
    assert saved["price"] == "120000.00"
    assert saved["problems"] == []
    first = ok(as_a.post(f"/supplier/bids/{bid['id']}/submit"))
    assert first["kind"] == "submitted"
    assert re.fullmatch(r"[0-9a-f]{64}", first["sha256"])
    assert first["submitted_at"].endswith("+00:00")
    assert datetime.fromisoformat(first["submitted_at"]) == Bid.objects.get().submitted_at
    refused(as_a.patch(f"/supplier/bids/{bid['id']}", {"price": "1"}), 409, "invalid_state")
    withdrawn = ok(as_a.post(f"/supplier/bids/{bid['id']}/withdraw"))
    assert withdrawn["kind"] == "withdrawn"
    ok(as_a.patch(f"/supplier/bids/{bid['id']}", {"price": "100000.00"}))
    second = ok(as_a.post(f"/supplier/bids/{bid['id']}/submit"))
    assert second["sha256"] != first["sha256"]
    assert second["sha256"] == BidReceipt.objects.filter(kind="submitted").first().sha256
    mine = ok(as_a.get("/supplier/bids"))
    assert [(b["id"], b["status"], b["price"]) for b in mine["items"]] == [
        (bid["id"], "submitted", "100000.00")
    ]

    # Supplier B bids.
    bid_b = ok(as_b.post(f"/supplier/lots/{lot_id}/bid"))
    answers_b = [{"question_id": q["id"], "text": "Our answer."} for q in bid_b["questions"]]
    ok(as_b.patch(f"/supplier/bids/{bid_b['id']}", {"price": "80000", "answers": answers_b}))
    ok(as_b.post(f"/supplier/bids/{bid_b['id']}/submit"))

    # Before the deadline the bids stay sealed.
    refused(as_officer.get(f"/buyer/tenders/{tender_id}/bids"), 404, "sealed")
    refused(as_officer.post(f"/buyer/tenders/{tender_id}/open-evaluation"), 409, "invalid_state")

    q1, q2 = (q["id"] for q in criteria["questions"])
    tender.refresh_from_db()
    with testing.after_deadline(tender):
        opened = ok(as_officer.post(f"/buyer/tenders/{tender_id}/open-evaluation"))
        assert opened["status"] == "evaluation"
        for question_id in (q1, q2):
            ok(
                as_officer.post(
                    f"/buyer/tenders/{tender_id}/evaluators",
                    {"question_id": question_id, "evaluator_id": evaluator.pk},
                ),
                201,
            )
        # The evaluator sees no bid until they have declared.
        refused(as_evaluator.get(f"/buyer/tenders/{tender_id}/bids"), 403, "forbidden")
        ok(
            as_evaluator.post(f"/buyer/tenders/{tender_id}/declaration", {"has_conflict": False}),
            201,
        )
        bids = ok(as_evaluator.get(f"/buyer/tenders/{tender_id}/bids"))
        assert {(b["supplier_name"], b["price"]) for b in bids} == {
            (org_a.name, "100000.00"),
            (org_b.name, "80000.00"),
        }
        assert all(len(b["answers"]) == 2 for b in bids)
        scores = {
            (bid["id"], q1): 100,
            (bid["id"], q2): 100,
            (bid_b["id"], q1): 50,
            (bid_b["id"], q2): 50,
        }
        for (bid_id, question_id), score in scores.items():
            ok(
                as_evaluator.post(
                    f"/buyer/tenders/{tender_id}/scores",
                    {
                        "bid_id": bid_id,
                        "question_id": question_id,
                        "score": score,
                        "justification": "Meets the requirement.",
                    },
                )
            )
        refused(
            as_evaluator.post(
                f"/buyer/tenders/{tender_id}/scores",
                {"bid_id": bid["id"], "question_id": q1, "score": 60, "justification": "Off"},
            ),
            400,
            "validation_error",
        )
        unfinished = ok(as_officer.get(f"/buyer/tenders/{tender_id}/evaluation"))
        assert unfinished["lots"][0]["complete"] is False
        assert unfinished["lots"][0]["results"] == []
        for (bid_id, question_id), score in scores.items():
            ok(
                as_officer.post(
                    f"/buyer/tenders/{tender_id}/moderations",
                    {
                        "bid_id": bid_id,
                        "question_id": question_id,
                        "score": score,
                        "rationale": "Agreed at moderation.",
                    },
                )
            )
        results = ok(as_officer.get(f"/buyer/tenders/{tender_id}/evaluation"))
        [lot_result] = results["lots"]
        assert lot_result["complete"] is True
        assert lot_result["winner_bid_id"] == bid["id"]
        winner, runner_up = lot_result["results"]
        assert (winner["bid_id"], winner["rank"], winner["total"]) == (bid["id"], 1, "92.00")
        assert (winner["price_points"], winner["quality_points"]) == ("32.00", "50.00")
        assert winner["social_value_points"] == "10.00"
        assert (runner_up["rank"], runner_up["total"], runner_up["price_points"]) == (
            2,
            "70.00",
            "40.00",
        )
        assert "Price: 80000.00 / 100000.00 x 40.00 = 32.00" in winner["explanation"]
        assert "Total: 32.00 + 50.00 + 10.00 = 92.00" in winner["explanation"]
        assert winner["questions"][0]["points"] == "50.00"

        # An officer cannot confirm the award; the admin does.
        refused(as_officer.post(f"/buyer/tenders/{tender_id}/award", {}), 403, "forbidden")
        awarded = ok(as_admin.post(f"/buyer/tenders/{tender_id}/award", {}))
        assert awarded["status"] == "award_decided"
        assert [(d["winning_bid_id"], d["supplier"]) for d in awarded["decisions"]] == [
            (bid["id"], org_a.name)
        ]
        notice = ok(as_officer.post(f"/buyer/tenders/{tender_id}/award-notice", {}))
        assert notice["status"] == "standstill"
        standstill_ends = datetime.fromisoformat(notice["standstill_ends_at"])
        contract_terms = {
            "value": "100000.00",
            "start_date": tender.contract_start.isoformat(),
            "end_date": tender.contract_end.isoformat(),
        }
        refused(
            as_officer.post(f"/buyer/tenders/{tender_id}/lots/{lot_id}/contract", contract_terms),
            409,
            "standstill_running",
        )

    # Every bidder reads its assessment summary.
    summary = ok(as_b.get(f"/supplier/bids/{bid_b['id']}/assessment-summary"))
    assert summary["successful"] is False
    assert summary["winner"] == org_a.name
    # The total row carries no moderated reasons (those are on each criterion's row).
    assert summary["rows"][-1] == {
        "criterion": "Total",
        "weight": "100",
        "yours": "70.00",
        "winner": "92.00",
        "your_reasons": "",
        "winner_reasons": "",
    }
    assert ok(as_a.get(f"/supplier/bids/{bid['id']}/assessment-summary"))["successful"] is True

    # After standstill the contract is recorded and signed.
    with clock.frozen_at(standstill_ends):
        contract = ok(
            as_officer.post(f"/buyer/tenders/{tender_id}/lots/{lot_id}/contract", contract_terms),
            201,
        )
        assert (contract["status"], contract["value"], contract["supplier"]) == (
            "recorded",
            "100000.00",
            org_a.name,
        )
        signed = ok(as_admin.post(f"/buyer/tenders/{tender_id}/contracts/{contract['id']}/sign"))
        assert signed["status"] == "signed"
    assert ok(as_officer.get(f"/buyer/tenders/{tender_id}"))["status"] == "contract_signed"
    assert ok(public.get("/opportunities", {"status": "closed"}))["count"] == 1


# ---------------------------------------------------------------------------------------------
# Refusals


def test_publishing_with_social_value_at_5_percent_is_refused_naming_the_rule(client, officer):
    api = Api(client, officer)
    draft = new_tender(api)
    set_criteria(api, draft, price="45", questions=[("quality", "50"), ("social_value", "5")])
    body = refused(api.post(f"/buyer/tenders/{draft['id']}/publish"), 422, "publish_refused")
    assert any("Social value must be at least 10% of the total score" in d for d in body["details"])
    assert not any("Weights must total 100" in d for d in body["details"])
    assert Tender.objects.get(pk=draft["id"]).status == "draft"


def test_publishing_with_weights_totalling_95_is_refused_naming_the_rule(client, officer):
    api = Api(client, officer)
    draft = new_tender(api)
    set_criteria(api, draft, price="35", questions=[("quality", "50"), ("social_value", "10")])
    body = refused(api.post(f"/buyer/tenders/{draft['id']}/publish"), 422, "publish_refused")
    assert body["details"] == [
        "Weights must total 100. Price 35 + quality 50 + social value 10 = 95"
    ]
    assert Tender.objects.get(pk=draft["id"]).published_at is None


def test_a_bid_one_second_after_the_deadline_is_refused_and_nothing_is_stored(
    client, tender, supplier, other_supplier
):
    org_a, user_a = supplier
    _, user_b = other_supplier
    lot = tender.lots.get()
    bid = bid_actions.start_bid(lot=lot, supplier=org_a, by=user_a)
    answers = {q.pk: "Our answer." for q in lot.questions.all()}
    bid_actions.save_bid(bid=bid, by=user_a, price=Decimal("90000"), answers=answers)
    as_a, as_b = Api(client, user_a), Api(client, user_b)
    with clock.frozen_at(tender.submission_deadline + timedelta(seconds=1)):
        refused(as_a.post(f"/supplier/bids/{bid.pk}/submit"), 409, "deadline_passed")
        body = refused(
            as_a.patch(f"/supplier/bids/{bid.pk}", {"price": "80000"}), 409, "deadline_passed"
        )
        assert tender.reference in body["message"]
        refused(as_b.post(f"/supplier/lots/{lot.pk}/bid"), 409, "deadline_passed")
    bid.refresh_from_db()
    assert (bid.status, bid.price, bid.submitted_at) == ("draft", Decimal("90000.00"), None)
    assert not BidReceipt.objects.exists()
    assert Bid.objects.count() == 1


def test_a_question_after_the_clarification_deadline_is_refused(client, tender, supplier):
    _, user = supplier
    api = Api(client, user)
    with clock.frozen_at(tender.clarification_deadline + timedelta(seconds=1)):
        refused(
            api.post(f"/supplier/tenders/{tender.reference}/questions", {"question": "Late?"}),
            409,
            "deadline_passed",
        )
    assert not Clarification.objects.exists()


def test_a_missing_or_invalid_token_is_401(client, tender, officer):
    for api in (Api(client), Api(client, secret="lf_not-a-real-token")):
        refused(api.get("/buyer/tenders"), 401, "unauthorized")
        refused(api.get("/supplier/bids"), 401, "unauthorized")
        refused(api.post(f"/buyer/tenders/{tender.pk}/publish"), 401, "unauthorized")
    # A real client sends no CSRF token either: it is still told it is not signed in.
    strict = Api(Client(enforce_csrf_checks=True), secret="lf_not-a-real-token")
    refused(strict.post(f"/buyer/tenders/{tender.pk}/cancel", {"reason": "x"}), 401, "unauthorized")
    # A revoked token stops working.
    token, secret = create_api_token(user=officer, name="revoked")
    from levelfield.accounts.actions import revoke_api_token

    revoke_api_token(token=token, by=officer)
    refused(Api(client, secret=secret).get("/buyer/tenders"), 401, "unauthorized")


def test_a_signed_in_browser_session_may_use_the_api_too(client, tender, officer):
    client.force_login(officer)
    listed = ok(client.get("/api/buyer/tenders"))
    assert [t["reference"] for t in listed["items"]] == [tender.reference]


def test_another_buyers_tender_is_404(client, tender, supplier):
    rival = testing.buyer_org("Rival Borough Council")
    api = Api(client, testing.member(rival, Role.BUYER_ADMIN))
    org, user = supplier
    bid = testing.submitted_bid(tender=tender, supplier=org, by=user, price="100000")
    lot = tender.lots.get()
    assert ok(api.get("/buyer/tenders"))["items"] == []
    attempts = [
        api.get(f"/buyer/tenders/{tender.pk}"),
        api.patch(f"/buyer/tenders/{tender.pk}", {"title": "Mine now"}),
        api.patch(f"/buyer/tenders/{tender.pk}/lots/{lot.pk}", {"price_weight": "50"}),
        api.post(f"/buyer/tenders/{tender.pk}/publish"),
        api.post(f"/buyer/tenders/{tender.pk}/cancel", {"reason": "Because"}),
        api.get(f"/buyer/tenders/{tender.pk}/clarifications"),
    ]
    with testing.after_deadline(tender):
        attempts += [
            api.post(f"/buyer/tenders/{tender.pk}/open-evaluation"),
            api.get(f"/buyer/tenders/{tender.pk}/bids"),
            api.get(f"/buyer/tenders/{tender.pk}/evaluation"),
            api.post(f"/buyer/tenders/{tender.pk}/award", {}),
        ]
    for response in attempts:
        refused(response, 404, "not_found")
        assert org.name not in response.content.decode()
    tender.refresh_from_db()
    assert (tender.title, tender.status) == ("Home care services", "published")
    assert Bid.objects.get(pk=bid.pk).status == "submitted"


def test_the_wrong_kind_of_organisation_is_403(client, tender, officer, supplier):
    _, supplier_user = supplier
    as_supplier, as_buyer = Api(client, supplier_user), Api(client, officer)
    refused(as_supplier.get("/buyer/tenders"), 403, "forbidden")
    refused(as_supplier.get(f"/buyer/tenders/{tender.pk}"), 403, "forbidden")
    refused(as_buyer.get("/supplier/bids"), 403, "forbidden")
    refused(as_buyer.post(f"/supplier/lots/{tender.lots.get().pk}/bid"), 403, "forbidden")
    assert not Bid.objects.exists()


def test_a_supplier_sees_only_its_own_bids(client, tender, supplier, other_supplier):
    org_a, user_a = supplier
    _, user_b = other_supplier
    bid = testing.submitted_bid(tender=tender, supplier=org_a, by=user_a, price="100000")
    as_b = Api(client, user_b)
    for response in (
        as_b.get(f"/supplier/bids/{bid.pk}"),
        as_b.patch(f"/supplier/bids/{bid.pk}", {"price": "1"}),
        as_b.post(f"/supplier/bids/{bid.pk}/withdraw"),
        as_b.get(f"/supplier/bids/{bid.pk}/assessment-summary"),
    ):
        refused(response, 404, "not_found")
        assert "100000" not in response.content.decode()
    assert ok(as_b.get("/supplier/bids"))["count"] == 0
    assert Bid.objects.get().status == "submitted"


def test_drafts_are_never_public(client, buyer, officer, tender):
    draft = testing.draft_tender(buyer=buyer, by=officer, title="Secret draft works")
    public = Api(client)
    refused(public.get(f"/opportunities/{draft.reference}"), 404, "not_found")
    listed = ok(public.get("/opportunities"))
    assert [t["reference"] for t in listed["items"]] == [tender.reference]
    assert "Secret draft works" not in json.dumps(listed)


@pytest.mark.parametrize("role", [Role.BUYER_ADMIN, Role.BUYER_OFFICER, Role.EVALUATOR])
def test_before_the_deadline_no_buyer_role_gets_bid_data_from_the_api(
    client, buyer, tender, officer, supplier, role
):
    org, user = supplier
    bid = testing.submitted_bid(tender=tender, supplier=org, by=user, price="87654.32")
    staff = testing.member(buyer, role)
    question = tender.lots.get().questions.first()
    from levelfield.evaluation import actions as evaluation_actions

    evaluation_actions.assign_evaluator(question=question, evaluator=staff, by=officer)
    evaluation_actions.declare_conflict(tender=tender, by=staff, has_conflict=False)
    api = Api(client, staff)
    item = {"bid_id": bid.pk, "question_id": question.pk, "score": 100}
    for response in (
        api.get(f"/buyer/tenders/{tender.pk}/bids"),
        api.get(f"/buyer/tenders/{tender.pk}/evaluation"),
        api.post(f"/buyer/tenders/{tender.pk}/scores", {**item, "justification": "Early"}),
        api.post(f"/buyer/tenders/{tender.pk}/moderations", {**item, "rationale": "Early"}),
    ):
        refused(response, 404, "sealed")
    for response in (api.get(f"/buyer/tenders/{tender.pk}"), api.get("/buyer/tenders")):
        text = ok(response) and response.content.decode()
        assert org.name not in text and "87654" not in text and "Our answer" not in text
    assert not bid.scores.exists() and not bid.moderated_scores.exists()


def test_the_opportunity_search_does_not_query_per_tender(
    client, buyer, officer, django_assert_max_num_queries
):
    for n in range(3):
        testing.published_tender(buyer=buyer, by=officer, title=f"Tender {n}")
    with django_assert_max_num_queries(4):
        assert ok(client.get("/api/opportunities"))["count"] == 3
    for n in range(3, 8):
        testing.published_tender(buyer=buyer, by=officer, title=f"Tender {n}")
    with django_assert_max_num_queries(4):
        page = ok(client.get("/api/opportunities", {"limit": 5, "offset": 5}))
    assert (page["count"], len(page["items"])) == (8, 3)
    refused(client.get("/api/opportunities", {"limit": 1000}), 422, "validation_error")


def test_a_buyer_shapes_a_draft_and_cancels_it(client, buyer_admin, officer):
    api = Api(client, officer)
    draft = new_tender(api, region=None, estimated_value=None)
    assert (draft["region"], draft["estimated_value"]) == ("", None)
    assert "Enter the estimated value" in draft["publication_problems"]
    changed = ok(
        api.patch(f"/buyer/tenders/{draft['id']}", {"estimated_value": "250000", "region": "UKI"})
    )
    assert (changed["estimated_value"], changed["region"], changed["title"]) == (
        "250000.00",
        "UKI",
        "Home care services",
    )
    lot = ok(api.post(f"/buyer/tenders/{draft['id']}/lots", {"title": "Night care"}), 201)
    assert lot["number"] == 2
    question = ok(
        api.post(
            f"/buyer/tenders/{draft['id']}/lots/{lot['id']}/questions",
            {
                "kind": "quality",
                "weight": "60",
                "text": "How will you staff nights?",
                "scale": [{"score": 0, "descriptor": "Fails"}, {"score": 4, "descriptor": "Good"}],
            },
        ),
        201,
    )
    assert (question["max_score"], question["weight"]) == (4, "60.00")
    assert ok(api.delete(f"/buyer/tenders/{draft['id']}/questions/{question['id']}"), 204) is None
    detail = ok(api.get(f"/buyer/tenders/{draft['id']}"))
    assert [len(lot["award_criteria"]["questions"]) for lot in detail["lots"]] == [0, 0]
    body = refused(
        api.patch(f"/buyer/tenders/{draft['id']}", {"estimated_value": "lots"}),
        422,
        "validation_error",
    )
    assert "estimated_value" in body["details"][0]
    refused(
        api.patch(f"/buyer/tenders/{draft['id']}/lots/{lot['id']}", {"price_weight": "120"}),
        422,
        "validation_error",
    )
    # Only a buyer admin may cancel.
    refused(
        api.post(f"/buyer/tenders/{draft['id']}/cancel", {"reason": "No budget"}), 403, "forbidden"
    )
    cancelled = ok(
        Api(client, buyer_admin).post(
            f"/buyer/tenders/{draft['id']}/cancel", {"reason": "No budget"}
        )
    )
    assert (cancelled["status"], cancelled["cancellation_reason"]) == ("cancelled", "No budget")
    refused(api.patch(f"/buyer/tenders/{draft['id']}", {"title": "Again"}), 409, "invalid_state")


def test_level_bids_need_the_buyers_choice_and_reason(
    client, tender, officer, buyer_admin, evaluator, supplier, other_supplier
):
    (org_a, user_a), (org_b, user_b) = supplier, other_supplier
    bid_a = testing.submitted_bid(tender=tender, supplier=org_a, by=user_a, price="90000")
    bid_b = testing.submitted_bid(tender=tender, supplier=org_b, by=user_b, price="90000")
    api = Api(client, buyer_admin)
    lot = tender.lots.get()
    with testing.after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)
        testing.score_everything(
            tender=tender,
            officer=officer,
            evaluator=evaluator,
            scores={(b.pk, n): 75 for b in (bid_a, bid_b) for n in (1, 2)},
        )
        results = ok(api.get(f"/buyer/tenders/{tender.pk}/evaluation"))["lots"][0]
        assert results["winner_bid_id"] is None
        assert sorted(results["tied_bid_ids"]) == sorted([bid_a.pk, bid_b.pk])
        refused(api.post(f"/buyer/tenders/{tender.pk}/award", {}), 400, "tie_unresolved")
        awarded = ok(
            api.post(
                f"/buyer/tenders/{tender.pk}/award",
                {
                    "choices": [{"lot_id": lot.pk, "bid_id": bid_b.pk}],
                    "reason": "Drawn by lot in front of two witnesses.",
                },
            )
        )
    [decision] = awarded["decisions"]
    assert (decision["winning_bid_id"], decision["reason"]) == (
        bid_b.pk,
        "Drawn by lot in front of two witnesses.",
    )


@pytest.mark.django_db
def test_a_query_parameters_problem_names_the_parameter_as_the_client_sent_it(client):
    """Not the view's argument gathering the parameters ("filters.min_value")."""
    refused = client.get("/api/opportunities", {"min_value": "lots", "status": "shut"})
    assert refused.status_code == 422
    named = sorted(detail.split(":", 1)[0] for detail in refused.json()["details"])
    assert named == ["min_value", "status"]
