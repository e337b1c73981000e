"""The buyer's evaluation pages, as an evaluator, an officer and an outsider use them."""

import csv
import io
import re

from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.evaluation import actions
from levelfield.evaluation.models import (
    ConflictDeclaration,
    EvaluatorAssignment,
    ModeratedScore,
    Score,
)
from levelfield.tenders import actions as tender_actions
from tests.support import testing

BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in(client, user):
    client.force_login(user, backend=BACKEND)
    return client


def q(tender, number):
    return tender.lots.get().questions.get(number=number)


def assign(tender, evaluator, officer, number=1):
    return actions.assign_evaluator(question=q(tender, number), evaluator=evaluator, by=officer)


def score_url(tender, bid, number):
    return reverse("evaluation:score", args=[tender.pk, bid.pk, q(tender, number).pk])


def moderate_url(tender, bid, number):
    return reverse("evaluation:moderate", args=[tender.pk, bid.pk, q(tender, number).pk])


# --- conflicts of interest and sealed bids ---------------------------------------------------


def test_an_evaluator_sees_no_bid_before_declaring(client, in_evaluation, officer, evaluator, bids):
    tender = in_evaluation
    assign(tender, evaluator, officer)
    signed_in(client, evaluator)

    page = client.get(reverse("evaluation:overview", args=[tender.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Declare conflicts of interest" in html
    assert "Acorn Care Ltd" not in html and "Beech Homecare CIC" not in html
    assert "Score the answer" not in html

    # Going straight to an answer sends them to the declaration, showing nothing of the bid.
    direct = client.get(score_url(tender, bids[0], 1))
    assert direct.status_code == 302
    assert direct.url == reverse("evaluation:declare", args=[tender.pk])
    # The declaration names the organisations it is about, and nothing of what they bid.
    declaration = client.get(direct.url).content.decode()
    assert "<li>Acorn Care Ltd</li><li>Beech Homecare CIC</li>" in declaration
    assert "Our answer to question 1" not in declaration
    assert "100,000" not in declaration and "80,000" not in declaration


def test_after_declaring_no_conflict_the_evaluator_sees_their_answers_to_score(
    client, in_evaluation, officer, evaluator, bids
):
    tender = in_evaluation
    assign(tender, evaluator, officer)
    signed_in(client, evaluator)

    response = client.post(
        reverse("evaluation:declare", args=[tender.pk]), {"has_conflict": "no", "details": ""}
    )
    assert response.status_code == 302
    assert ConflictDeclaration.objects.get(evaluator=evaluator).has_conflict is False

    html = client.get(reverse("evaluation:overview", args=[tender.pk])).content.decode()
    assert "Acorn Care Ltd" in html and "Beech Homecare CIC" in html
    assert score_url(tender, bids[0], 1) in html
    # Only the assigned question is listed.
    assert score_url(tender, bids[0], 2) not in html

    answer = client.get(score_url(tender, bids[0], 1)).content.decode()
    assert "Our answer to question 1." in answer
    assert "Excellent: the response meets every element" in answer  # the scale's descriptors
    assert "100,000" not in answer and "100000" not in answer  # no price for quality scoring


def test_an_evaluator_who_declared_a_conflict_cannot_score(
    client, in_evaluation, officer, evaluator, bids
):
    tender = in_evaluation
    assign(tender, evaluator, officer)
    signed_in(client, evaluator)

    refused = client.post(
        reverse("evaluation:declare", args=[tender.pk]), {"has_conflict": "yes", "details": ""}
    )
    assert refused.status_code == 200
    assert "Describe the conflict of interest" in refused.content.decode()

    client.post(
        reverse("evaluation:declare", args=[tender.pk]),
        {"has_conflict": "yes", "details": "My sister runs Acorn Care Ltd."},
    )
    html = client.get(reverse("evaluation:overview", args=[tender.pk])).content.decode()
    assert "you cannot evaluate this tender" in html
    assert "Beech Homecare CIC" not in html

    url = score_url(tender, bids[0], 1)
    assert client.get(url).status_code == 403
    assert client.post(url, {"score": "75", "justification": "Good"}).status_code == 403
    assert not Score.objects.exists()


def test_scoring_outside_the_published_scale_is_refused(
    client, in_evaluation, officer, evaluator, bids
):
    tender = in_evaluation
    assign(tender, evaluator, officer)
    actions.declare_conflict(tender=tender, by=evaluator, has_conflict=False)
    signed_in(client, evaluator)
    url = score_url(tender, bids[0], 1)

    refused = client.post(url, {"score": "60", "justification": "Quite good."})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Choose a score from the published scale: 0, 25, 50, 75, 100" in html
    assert "Quite good." in html  # nothing typed is lost
    assert not Score.objects.exists()

    saved = client.post(url, {"score": "75", "justification": "Meets every element."})
    assert saved.status_code == 302
    record = Score.objects.get()
    assert (record.score, record.evaluator, record.bid) == (75, evaluator, bids[0])


def test_an_unassigned_evaluator_cannot_score(client, in_evaluation, buyer, officer, bids):
    tender = in_evaluation
    colleague = testing.member(buyer, Role.EVALUATOR, full_name="Una Unassigned")
    assign(tender, testing.member(buyer, Role.EVALUATOR), officer)
    actions.declare_conflict(tender=tender, by=colleague, has_conflict=False)
    signed_in(client, colleague)

    url = score_url(tender, bids[0], 1)
    assert client.get(url).status_code == 403
    assert client.post(url, {"score": "75", "justification": "Good"}).status_code == 403
    assert not Score.objects.exists()
    html = client.get(reverse("evaluation:overview", args=[tender.pk])).content.decode()
    assert "You have not been asked to score any question" in html
    assert "Acorn Care Ltd" not in html


def test_nothing_about_bids_is_shown_before_the_deadline(client, tender, officer, evaluator, bids):
    assign(tender, evaluator, officer)
    actions.declare_conflict(tender=tender, by=evaluator, has_conflict=False)
    for user in (officer, evaluator):
        signed_in(client, user)
        html = client.get(reverse("evaluation:overview", args=[tender.pk])).content.decode()
        assert "Bids are sealed until" in html
        assert "Acorn Care Ltd" not in html and "Beech Homecare CIC" not in html
    assert client.get(score_url(tender, bids[0], 1)).status_code == 404


# --- assigning and moderating ----------------------------------------------------------------


def test_an_officer_assigns_and_unassigns_evaluators(client, tender, officer, evaluator):
    signed_in(client, officer)
    url = reverse("evaluation:assign", args=[tender.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Eve Evaluator (Evaluator)" in page.content.decode()
    first, second = q(tender, 1), q(tender, 2)

    response = client.post(url, {f"question_{first.pk}": [str(evaluator.pk)]})
    assert response.status_code == 302
    assert list(EvaluatorAssignment.objects.values_list("question", "evaluator")) == [
        (first.pk, evaluator.pk)
    ]

    client.post(url, {f"question_{second.pk}": [str(evaluator.pk)]})
    assert list(EvaluatorAssignment.objects.values_list("question", "evaluator")) == [
        (second.pk, evaluator.pk)
    ]


def test_an_evaluator_cannot_assign_or_moderate(client, in_evaluation, evaluator, bids):
    signed_in(client, evaluator)
    tender = in_evaluation
    assert client.get(reverse("evaluation:assign", args=[tender.pk])).status_code == 403
    assert client.get(moderate_url(tender, bids[0], 1)).status_code == 403


def test_moderation_before_every_assigned_evaluator_has_scored_is_refused(
    client, in_evaluation, buyer, officer, evaluator, bids
):
    tender = in_evaluation
    second = testing.member(buyer, Role.EVALUATOR, full_name="Sam Second")
    for person in (evaluator, second):
        assign(tender, person, officer)
        actions.declare_conflict(tender=tender, by=person, has_conflict=False)
    actions.score_answer(
        bid=bids[0], question=q(tender, 1), by=evaluator, score=75, justification="Strong plan."
    )
    signed_in(client, officer)
    url = moderate_url(tender, bids[0], 1)

    page = client.get(url).content.decode()
    assert "Strong plan." in page and "Eve Evaluator" in page
    assert "Still to score: Sam Second" in page

    refused = client.post(url, {"score": "75", "rationale": "Agreed."})
    assert refused.status_code == 200
    assert "Every assigned evaluator must score this answer before moderation" in (
        refused.content.decode()
    )
    assert not ModeratedScore.objects.exists()

    actions.score_answer(
        bid=bids[0], question=q(tender, 1), by=second, score=50, justification="Some gaps."
    )
    done = client.post(url, {"score": "75", "rationale": "Agreed at the meeting."})
    assert done.status_code == 302
    assert ModeratedScore.objects.get().score == 75

    overview = client.get(reverse("evaluation:overview", args=[tender.pk])).content.decode()
    assert "Eve Evaluator: 1 of 2 scored" in overview
    assert "Sam Second: 1 of 2 scored" in overview


# --- the report ------------------------------------------------------------------------------


def score_all(tender, officer, evaluator, bids):
    bid_a, bid_b = bids
    # Price weight 40 (lowest price), Q1 quality weight 50, Q2 social value weight 10.
    # Acorn, 100000: Q1 75 -> 37.50; Q2 50 -> 5.00; price 80000/100000 x 40 = 32.00;
    #                total 74.50, rank 2.
    # Beech, 80000:  Q1 100 -> 50.00; Q2 25 -> 2.50; price 40.00; total 92.50, rank 1.
    testing.score_everything(
        tender=tender,
        officer=officer,
        evaluator=evaluator,
        scores={(bid_a.pk, 1): 75, (bid_a.pk, 2): 50, (bid_b.pk, 1): 100, (bid_b.pk, 2): 25},
    )


def test_the_report_shows_the_exact_numbers_and_the_csv_has_the_same(
    client, in_evaluation, officer, evaluator, bids
):
    tender = in_evaluation
    score_all(tender, officer, evaluator, bids)
    signed_in(client, officer)

    html = client.get(reverse("evaluation:report", args=[tender.pk])).content.decode()
    for text in (
        "37.50",
        "74.50",
        "92.50",
        "Q1: 75 / 100 x 50.00 = 37.50",
        "Q2: 25 / 100 x 10.00 = 2.50",
        "Price: 80000.00 / 100000.00 x 40.00 = 32.00",
        "Total: 32.00 + 37.50 + 5.00 = 74.50",
        "Total: 40.00 + 50.00 + 2.50 = 92.50",
        "Lowest price divided by bid price, times the price weight",
        "Highest quality score wins",
        "highest-ranked bid from Beech Homecare CIC",
    ):
        assert text in html, text

    response = client.get(reverse("evaluation:report_csv", args=[tender.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = {r["Supplier"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    acorn, beech = rows["Acorn Care Ltd"], rows["Beech Homecare CIC"]
    assert acorn["Price"] == "100000.00"
    assert (acorn["Q1 raw score"], acorn["Q1 weighted points"]) == ("75", "37.50")
    assert (acorn["Q2 raw score"], acorn["Q2 weighted points"]) == ("50", "5.00")
    assert (acorn["Quality points"], acorn["Social value points"]) == ("37.50", "5.00")
    assert (acorn["Price points"], acorn["Total"], acorn["Rank"]) == ("32.00", "74.50", "2")
    assert (beech["Price points"], beech["Total"], beech["Rank"]) == ("40.00", "92.50", "1")
    assert "Total: 32.00 + 37.50 + 5.00 = 74.50" in acorn["Explanation"]
    for row in (acorn, beech):
        for column in ("Q1 weighted points", "Quality points", "Total"):
            assert row[column] in html


def test_the_report_lists_what_is_still_to_moderate(client, in_evaluation, officer, bids):
    signed_in(client, officer)
    html = client.get(reverse("evaluation:report", args=[in_evaluation.pk])).content.decode()
    assert "Moderation is not complete" in html
    assert "Acorn Care Ltd: Q1 not moderated" in html
    assert "Beech Homecare CIC: Q2 not moderated" in html


def test_report_and_csv_are_not_found_for_another_buyer(client, in_evaluation, bids):
    other = testing.member(testing.buyer_org("Other Council"), Role.BUYER_ADMIN)
    signed_in(client, other)
    assert client.get(reverse("evaluation:report", args=[in_evaluation.pk])).status_code == 404
    assert client.get(reverse("evaluation:report_csv", args=[in_evaluation.pk])).status_code == 404
    assert client.get(reverse("evaluation:overview", args=[in_evaluation.pk])).status_code == 404


def test_report_and_csv_are_not_found_before_the_deadline(client, tender, buyer_admin, bids):
    signed_in(client, buyer_admin)
    assert client.get(reverse("evaluation:report", args=[tender.pk])).status_code == 404
    response = client.get(reverse("evaluation:report_csv", args=[tender.pk]))
    assert response.status_code == 404
    assert b"Acorn" not in response.content


def test_evaluators_cannot_see_the_report(client, in_evaluation, evaluator, bids):
    signed_in(client, evaluator)
    assert client.get(reverse("evaluation:report", args=[in_evaluation.pk])).status_code == 403
    assert client.get(reverse("evaluation:report_csv", args=[in_evaluation.pk])).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, tender):
    response = client.get(reverse("evaluation:overview", args=[tender.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_report_ranks_by_price_per_quality_point(
    client, buyer, officer, evaluator, supplier, other_supplier
):
    tender = testing.published_tender(
        buyer=buyer,
        by=officer,
        price_weight=0,
        questions=(("quality", 90), ("social_value", 10)),
        formula="price_per_quality_point",
    )
    (org_a, user_a), (org_b, user_b) = supplier, other_supplier
    bid_a = testing.submitted_bid(tender=tender, supplier=org_a, by=user_a, price="100000")
    bid_b = testing.submitted_bid(tender=tender, supplier=org_b, by=user_b, price="60000")
    with testing.after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)
        # Acorn: 90 + 10 = 100 points; 100000 / 100 = 1000.00 per point -> first.
        # Beech: 45 + 5 = 50 points; 60000 / 50 = 1200.00 per point -> second.
        testing.score_everything(
            tender=tender,
            officer=officer,
            evaluator=evaluator,
            scores={(bid_a.pk, 1): 100, (bid_a.pk, 2): 100, (bid_b.pk, 1): 50, (bid_b.pk, 2): 50},
        )
        signed_in(client, officer)
        html = client.get(reverse("evaluation:report", args=[tender.pk])).content.decode()
        assert "Price per quality point" in html
        assert "Price per quality point: 100000.00 / 100.00 = 1000.00 (lowest wins)" in html
        assert "Price per quality point: 60000.00 / 50.00 = 1200.00 (lowest wins)" in html
        body = client.get(reverse("evaluation:report_csv", args=[tender.pk])).content.decode()
    rows = {r["Supplier"]: r for r in csv.DictReader(io.StringIO(body))}
    assert rows["Acorn Care Ltd"]["Price per quality point"] == "1000.00"
    assert rows["Acorn Care Ltd"]["Rank"] == "1"
    assert rows["Beech Homecare CIC"]["Price per quality point"] == "1200.00"
    assert rows["Beech Homecare CIC"]["Price points"] == ""
    assert rows["Beech Homecare CIC"]["Total"] == ""


def test_a_refused_change_of_evaluators_changes_nothing(
    client, in_evaluation, buyer, officer, evaluator, bids
):
    tender = in_evaluation
    first = q(tender, 1)
    assign(tender, evaluator, officer)
    actions.declare_conflict(tender=tender, by=evaluator, has_conflict=False)
    actions.score_answer(
        bid=bids[0], question=first, by=evaluator, score=50, justification="Some gaps."
    )
    newcomer = testing.member(buyer, Role.EVALUATOR, full_name="Nia Newcomer")
    signed_in(client, officer)

    # Put the newcomer on Q1 and take Eve off it, although she has already scored: the
    # newcomer's assignment is made first, then undone with the refusal.
    response = client.post(
        reverse("evaluation:assign", args=[tender.pk]),
        {f"question_{first.pk}": [str(newcomer.pk)]},
    )
    assert response.status_code == 200
    assert "This evaluator has already scored" in response.content.decode()
    assert list(EvaluatorAssignment.objects.values_list("question", "evaluator")) == [
        (first.pk, evaluator.pk)
    ]


def test_the_overview_and_report_make_no_query_per_bid(client, buyer, officer, evaluator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_with(bidders: int) -> tuple[int, int]:
        tender = testing.published_tender(buyer=buyer, by=officer)
        for _ in range(bidders):
            org, user = testing.supplier_with_user()
            testing.submitted_bid(tender=tender, supplier=org, by=user, price="1000")
        with testing.after_deadline(tender):
            tender_actions.open_evaluation(tender=tender, by=officer)
            for number in (1, 2):
                assign(tender, evaluator, officer, number)
            signed_in(client, officer)
            counts = []
            for name in ("evaluation:overview", "evaluation:report"):
                with CaptureQueriesContext(connection) as captured:
                    assert client.get(reverse(name, args=[tender.pk])).status_code == 200
                counts.append(len(captured))
        return tuple(counts)

    assert queries_with(1) == queries_with(4)


# --- opening the bids ------------------------------------------------------------------------


def test_after_the_deadline_the_evaluation_page_opens_the_bids_with_a_button(
    client, tender, officer, bids
):
    signed_in(client, officer)
    overview = reverse("evaluation:overview", args=[tender.pk])
    with testing.after_deadline(tender):
        html = client.get(overview).content.decode()
        # A button in a form that posts, with its CSRF token: not a link to a POST-only URL.
        open_url = reverse("evaluation:open", args=[tender.pk])
        form = re.search(rf'<form method="post" action="{open_url}"[^>]*>(.*?)</form>', html, re.S)
        assert form is not None, html
        assert 'name="csrfmiddlewaretoken"' in form.group(1)
        assert re.search(
            r'<button type="submit" class="govuk-button"[^>]*>\s*Open the bids '
            r"for evaluation\s*</button>",
            form.group(1),
        )
        assert f'href="{open_url}"' not in html
        assert f'href="{reverse("tenders:open_evaluation", args=[tender.pk])}"' not in html

        assert client.get(open_url).status_code == 405
        response = client.post(open_url)
        assert response.status_code == 302 and response.url == overview
        tender.refresh_from_db()
        assert tender.status == "evaluation"
        page = client.get(overview).content.decode()
    assert "Bids are open for evaluation" in page
    assert "Open the bids for evaluation" not in page
    assert "Acorn Care Ltd" in page  # the answers to moderate are listed


def test_the_bids_cannot_be_opened_before_the_deadline_or_by_an_evaluator(
    client, tender, officer, evaluator, bids
):
    url = reverse("evaluation:open", args=[tender.pk])
    signed_in(client, officer)
    assert (
        "Open the bids"
        not in client.get(reverse("evaluation:overview", args=[tender.pk])).content.decode()
    )
    early = client.post(url, follow=True)
    assert "Bids stay sealed until the submission deadline has passed" in early.content.decode()
    signed_in(client, evaluator)
    with testing.after_deadline(tender):
        assert (
            "Open the bids"
            not in client.get(reverse("evaluation:overview", args=[tender.pk])).content.decode()
        )
        assert client.post(url).status_code == 403
    tender.refresh_from_db()
    assert tender.status == "published"
