"""A scoring scale's scores fit what an evaluator's score is stored in: at most 1,000, on the
page and in the API. A scale with a score of 10^30 was once accepted, and scoring a bid on it
could not be stored."""

import pytest
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.tenders.criteria import MAX_SCALE_SCORE
from levelfield.tenders.models import Question
from tests.support import testing

from .test_buyer_pages import question_form

pytestmark = pytest.mark.django_db

TOO_BIG = "Scores on a scale must be 1,000 or less"


@pytest.fixture
def draft(buyer, officer):
    return testing.draft_tender(buyer=buyer, by=officer)


@pytest.mark.parametrize("top", [10**30, 2**40, 32768, MAX_SCALE_SCORE + 1])
def test_the_api_refuses_a_scale_score_too_big(client, officer, draft, top):
    lot = draft.lots.get()
    _, secret = create_api_token(user=officer, name="tests")

    def add(top_score):
        return client.post(
            f"/api/buyer/tenders/{draft.pk}/lots/{lot.pk}/questions",
            {
                "kind": "quality",
                "text": "How will you recruit care workers?",
                "weight": "5",
                "scale": [
                    {"score": 0, "descriptor": "Nothing"},
                    {"score": top_score, "descriptor": "All"},
                ],
            },
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )

    response = add(top)
    assert response.status_code == 400, response.content
    assert TOO_BIG in response.json()["message"]
    assert lot.questions.count() == 2
    assert add(MAX_SCALE_SCORE).status_code == 201
    assert Question.objects.get(lot=lot, number=3).max_score == MAX_SCALE_SCORE


def test_the_page_refuses_a_scale_score_too_big_beside_the_scale(client, officer, draft):
    lot = draft.lots.get()
    client.force_login(officer)
    response = client.post(
        reverse("tenders:question_add", args=[draft.pk, lot.pk]),
        question_form(client, draft, lot, scale="0: Nothing\n40000: All"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["scale"] == [TOO_BIG]
    assert lot.questions.count() == 2


WHOLE_NUMBER = (
    "Line 2 of the scoring scale must start with a whole-number score, then a colon, then what "
    "the score means, like '50: Satisfactory'"
)


@pytest.mark.parametrize(
    ("top", "errors"),
    [
        ("²", [WHOLE_NUMBER]),
        ("٥٠", [WHOLE_NUMBER]),  # 50 in Arabic-Indic digits: int() read it as 50
        ("-1", [WHOLE_NUMBER]),
        ("0x1", [WHOLE_NUMBER]),
        ("9" * 5000, [TOO_BIG]),
        ("9" * 20, [TOO_BIG]),
        (
            "0",
            ["Each score on a scale must be different", "The top score on a scale must be above 0"],
        ),
        ("100", None),
    ],
    ids=[
        "superscript-2",
        "arabic-indic",
        "minus-1",
        "hex",
        "5000-digits",
        "20-digits",
        "0",
        "valid",
    ],
)
def test_the_page_reads_a_scale_score_as_ascii_digits(client, officer, draft, top, errors):
    """A score is ASCII digits (core.numbers): str.isdigit took "²" and 5,000 digits, which
    int() refused (a server error), and read Arabic-Indic digits as a score."""
    lot = draft.lots.get()
    client.force_login(officer)
    response = client.post(
        reverse("tenders:question_add", args=[draft.pk, lot.pk]),
        question_form(client, draft, lot, scale=f"0: Nothing\n{top}: All"),
    )
    if errors is None:
        assert response.status_code == 302
        assert Question.objects.get(lot=lot, number=3).max_score == 100
        return
    assert response.status_code == 200
    assert response.context["form"].errors["scale"] == errors
    assert lot.questions.count() == 2
