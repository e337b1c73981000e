"""The clarification API: a buyer officer answers with the question edited or withheld; each
refusal has its documented status and code; a supplier reads its own questions only."""

import pytest
from django.core import mail
from django.test import Client

from levelfield.accounts.actions import create_api_token
from levelfield.tenders import actions

pytestmark = pytest.mark.django_db

ORIGINAL = "Acorn Care here, with 12 carers in Exeter: is TUPE expected to apply?"
EDITED = "Is TUPE expected to apply?"


class Api:
    def __init__(self, user):
        self.client = Client()
        _, secret = create_api_token(user=user, name="tests")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, path):
        return self.client.get("/api" + path, **self.headers)

    def post(self, path, data):
        return self.client.post(
            "/api" + path, data, content_type="application/json", **self.headers
        )


@pytest.fixture
def question(tender, supplier):
    org, user = supplier
    return actions.ask_question(tender=tender, by=user, organisation=org, question=ORIGINAL)


def answer_path(question):
    return f"/buyer/tenders/{question.tender_id}/clarifications/{question.pk}/answer"


def refused(response, status, code):
    assert response.status_code == status, response.content.decode()
    assert response.json()["code"] == code
    return response.json()


def test_an_officer_answers_with_the_question_edited_and_every_interested_supplier_is_told(
    tender, officer, supplier, question, django_capture_on_commit_callbacks
):
    as_officer = Api(officer)
    [listed] = as_officer.get(f"/buyer/tenders/{tender.pk}/clarifications").json()
    assert listed["question"] == ORIGINAL
    assert listed["asked_by"]["organisation"] == "Acorn Care Ltd"
    assert (listed["answered"], listed["published_as"]) == (False, "")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = as_officer.post(
            answer_path(question), {"answer": "Yes.", "published_question": EDITED}
        )

    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert (body["published_as"], body["published_question"]) == ("edited", EDITED)
    assert body["question"] == ORIGINAL
    [email] = mail.outbox
    assert email.to == [supplier[1].email]
    assert EDITED in email.body and ORIGINAL not in email.body
    public = Client().get(f"/api/opportunities/{tender.reference}").json()
    assert public["clarifications"] == [
        {
            "id": question.pk,
            "question": EDITED,
            "question_edited": True,
            "answer": "Yes.",
            "answered_at": body["answered_at"],
        }
    ]


def test_a_withheld_question_is_published_as_null(tender, officer, question):
    response = Api(officer).post(
        answer_path(question), {"answer": "Yes.", "withhold_question": True}
    )
    assert response.json()["published_as"] == "withheld"
    [published] = Client().get(f"/api/opportunities/{tender.reference}").json()["clarifications"]
    assert (published["question"], published["question_edited"]) == (None, False)


def test_each_refusal_has_its_documented_status_and_code(tender, officer, evaluator, question):
    as_officer = Api(officer)
    path = answer_path(question)
    refused(as_officer.post(path, {"answer": ""}), 422, "validation_error")
    refused(as_officer.post(path, {"answer": "  "}), 400, "validation_error")
    body = refused(
        as_officer.post(path, {"answer": "Yes.", "published_question": "  "}),
        400,
        "validation_error",
    )
    assert "Enter the question as it will be published" in body["message"]
    refused(
        as_officer.post(
            path, {"answer": "Yes.", "published_question": EDITED, "withhold_question": True}
        ),
        400,
        "validation_error",
    )
    refused(Api(evaluator).post(path, {"answer": "Yes."}), 403, "forbidden")
    assert as_officer.post(path, {"answer": "Yes."}).status_code == 200
    refused(as_officer.post(path, {"answer": "Again."}), 409, "invalid_state")
    other = f"/buyer/tenders/{tender.pk}/clarifications/{question.pk + 1000}/answer"
    refused(as_officer.post(other, {"answer": "Yes."}), 404, "not_found")


def test_a_supplier_reads_its_own_questions_and_no_one_elses(
    tender, officer, supplier, other_supplier, question
):
    actions.answer_clarification(
        clarification=question, by=officer, answer="Yes.", withhold_question=True
    )
    own = Api(supplier[1]).get("/supplier/questions").json()
    [item] = own["items"]
    assert (item["tender_reference"], item["question"], item["published_as"]) == (
        tender.reference,
        ORIGINAL,
        "withheld",
    )
    assert "asked_by" not in item
    assert Api(supplier[1]).get(f"/supplier/questions/{question.pk}").json()["answer"] == "Yes."
    as_other = Api(other_supplier[1])
    assert as_other.get("/supplier/questions").json()["items"] == []
    refused(as_other.get(f"/supplier/questions/{question.pk}"), 404, "not_found")
    refused(Api(officer).get("/supplier/questions"), 403, "forbidden")


def test_the_documentation_gives_the_status_each_refusal_has(tender, officer, question):
    """A client reading only /api/docs: an empty answer is refused by the body's schema (422),
    an answer of spaces by the domain (400), as the refusals test above sees them."""
    doc = Client().get("/api/openapi.json").json()
    operation = doc["paths"][
        "/api/buyer/tenders/{tender_id}/clarifications/{clarification_id}/answer"
    ]["post"]
    description = " ".join(operation["description"].split())
    assert "422 `validation_error` for an empty answer" in description
    assert "400 `validation_error` for an answer of spaces only" in description
    assert {"400", "403", "404", "409", "422"} <= set(operation["responses"])
