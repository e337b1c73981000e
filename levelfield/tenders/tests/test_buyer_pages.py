"""The buyer's tender pages: drafting, publishing and running a tender up to evaluation."""

from datetime import UTC, datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.core import clock
from levelfield.evaluation import actions as evaluation_actions
from levelfield.tenders.models import Question, Tender
from tests.support import testing

# 1 May 2026 is in British Summer Time: UK time is UTC + 1.
IN_BST = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def url(name, *args):
    return reverse(f"tenders:{name}", args=args)


def tender_form(**overrides) -> dict:
    data = {
        "title": "Home care services",
        "description": "Care at home for adults in the county.",
        "cpv_codes": "85300000, 85310000-5",
        "estimated_value": "£1,200,000",
        "region": "UKK",
        "suitable_for_sme": "on",
        "clarification_date_day": "1",
        "clarification_date_month": "6",
        "clarification_date_year": "2026",
        "clarification_time": "12:00",
        "submission_date_day": "15",
        "submission_date_month": "6",
        "submission_date_year": "2026",
        "submission_time": "5pm",
        "expected_award_date_day": "1",
        "expected_award_date_month": "7",
        "expected_award_date_year": "2026",
        "contract_start_day": "1",
        "contract_start_month": "8",
        "contract_start_year": "2026",
        "contract_end_day": "31",
        "contract_end_month": "7",
        "contract_end_year": "2029",
    }
    data.update(overrides)
    return data


def lot_form(**overrides) -> dict:
    data = {
        "title": "Home care",
        "description": "",
        "estimated_value": "",
        "price_weight": "40",
        "price_formula": "lowest_price",
        "quality_threshold": "",
        "tie_break": "highest_quality",
    }
    data.update(overrides)
    return data


def question_form(client, tender, lot, **overrides) -> dict:
    """The add-question form as a person would send it, with the pre-filled scale."""
    page = client.get(url("question_add", tender.pk, lot.pk))
    data = {
        "kind": "quality",
        "text": "How will you recruit and keep care workers?",
        "guidance": "",
        "weight": "50",
        "scale": page.context["form"]["scale"].value(),
    }
    data.update(overrides)
    return data


def pdf(name="specification.pdf", size=None) -> SimpleUploadedFile:
    body = b"%PDF-1.4 test document"
    if size:
        body = body + b"0" * (size - len(body))
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# -- the whole journey -------------------------------------------------------------------------


def test_officer_drafts_and_publishes_a_tender_through_the_pages(client, officer, settings):
    client.force_login(officer)
    with clock.frozen_at(IN_BST):
        page = client.get(url("dashboard"))
        assert page.status_code == 200
        assert "Create a tender" in page.content.decode()
        assert "has no tenders yet" in page.content.decode()

        response = client.post(url("create"), tender_form())
        tender = Tender.objects.get()
        assert response.status_code == 302
        assert response["Location"] == url("detail", tender.pk)

        # 5pm UK time on 15 June 2026 is 4pm UTC (British Summer Time).
        assert tender.submission_deadline == datetime(2026, 6, 15, 16, 0, tzinfo=UTC)
        assert tender.clarification_deadline == datetime(2026, 6, 1, 11, 0, tzinfo=UTC)
        assert tender.estimated_value == Decimal("1200000.00")
        assert sorted(tender.cpv_codes.values_list("code", flat=True)) == ["85300000", "85310000"]
        assert tender.suitable_for_sme and not tender.suitable_for_vcse
        assert tender.status == "draft"

        detail = client.get(url("detail", tender.pk)).content.decode()
        assert "5:00pm BST on 15 June 2026" in detail
        assert "midday BST on 1 June 2026" in detail
        assert "This tender is a draft" in detail
        assert "Created draft" in detail  # the audit trail

        # The edit form shows the deadlines back in UK time.
        edit = client.get(url("edit", tender.pk))
        assert edit.context["form"]["submission_time"].value() == "17:00"
        assert 'value="15"' in edit.content.decode()

        lot = tender.lots.get()
        response = client.post(url("lot_edit", tender.pk, lot.pk), lot_form(price_weight="40"))
        assert response.status_code == 302
        lot.refresh_from_db()
        assert lot.price_weight == Decimal("40")

        page = client.get(url("question_add", tender.pk, lot.pk))
        assert "0: No response" in page.content.decode()
        response = client.post(
            url("question_add", tender.pk, lot.pk),
            question_form(client, tender, lot, kind="quality", weight="50"),
        )
        assert response.status_code == 302
        response = client.post(
            url("question_add", tender.pk, lot.pk),
            question_form(
                client,
                tender,
                lot,
                kind="social_value",
                weight="10",
                text="How will you create local jobs?",
            ),
        )
        assert response.status_code == 302
        assert [(q.kind, q.weight) for q in lot.questions.all()] == [
            ("quality", Decimal("50")),
            ("social_value", Decimal("10")),
        ]
        assert lot.questions.first().scale[0] == {
            "score": 0,
            "descriptor": "No response, or the response fails to meet the requirement.",
        }

        # A second lot, with its own criteria and questions.
        response = client.post(
            url("lot_add", tender.pk),
            lot_form(title="Night care", price_weight="60", tie_break="lowest_price"),
        )
        assert response.status_code == 302
        lot2 = tender.lots.get(number=2)
        assert lot2.price_weight == Decimal("60") and lot2.tie_break == "lowest_price"
        for kind, weight in (("quality", "30"), ("social_value", "10")):
            client.post(
                url("question_add", tender.pk, lot2.pk),
                question_form(client, tender, lot2, kind=kind, weight=weight),
            )
        assert lot2.questions.count() == 2

        # Documents: wrong type and too large are refused with the reason, a PDF is accepted.
        settings.LEVELFIELD_UPLOAD_MAX_BYTES = 1024 * 1024
        response = client.post(
            url("document_add", tender.pk),
            {
                "title": "Setup",
                "doc_type": "other",
                "file": SimpleUploadedFile("setup.exe", b"MZ\x90\x00"),
            },
        )
        assert response.status_code == 200
        assert "setup.exe must be one of these file types" in response.content.decode()
        assert response.context["form"].errors["file"]
        response = client.post(
            url("document_add", tender.pk),
            {
                "title": "Specification",
                "doc_type": "specification",
                "file": pdf("big.pdf", size=1024 * 1024 + 1),
            },
        )
        assert response.status_code == 200
        assert "big.pdf must be smaller than 1MB" in response.content.decode()
        assert response.context["form"]["title"].value() == "Specification"
        response = client.post(
            url("document_add", tender.pk),
            {"title": "Specification", "doc_type": "specification", "file": pdf()},
        )
        assert response.status_code == 302
        assert tender.documents.get().title == "Specification"

        detail = client.get(url("detail", tender.pk))
        assert detail.context["problems"] == []
        assert "Weights meet the rules" in detail.content.decode()

        response = client.post(url("publish", tender.pk), follow=True)
        assert response.status_code == 200
        tender.refresh_from_db()
        assert tender.status == "published"
        assert f"{tender.reference} is published and open for bids" in messages_of(response)


# -- the tender form ----------------------------------------------------------------------------


def test_form_errors_are_per_field_and_nothing_typed_is_lost(client, officer):
    client.force_login(officer)
    with clock.frozen_at(IN_BST):
        response = client.post(
            url("create"),
            tender_form(
                cpv_codes="85300000 1234",
                submission_date_day="31",
                submission_date_month="2",
                clarification_time="25:00",
                estimated_value="lots",
            ),
        )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["cpv_codes"] == [
        "1234 is not a CPV code. Enter 8 digits, like 85300000 or 85300000-2"
    ]
    assert form.errors["submission_date"] == ["Submission deadline date must be a real date"]
    assert "must be a real time" in form.errors["clarification_time"][0]
    assert "must be an amount of money" in form.errors["estimated_value"][0]
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'value="Home care services"' in body
    assert 'value="85300000 1234"' in body
    assert not Tender.objects.exists()


def test_a_refusal_from_the_action_shows_in_the_error_summary(client, officer):
    client.force_login(officer)
    with clock.frozen_at(IN_BST):
        response = client.post(
            url("create"), tender_form(clarification_date_day="20", clarification_time="9am")
        )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The clarification deadline must be before the submission deadline"
    ]
    assert "The clarification deadline must be before the submission deadline" in (
        response.content.decode()
    )
    assert 'value="9am"' in response.content.decode()
    assert not Tender.objects.exists()


def test_a_time_that_does_not_exist_in_the_uk_is_refused(client, officer):
    client.force_login(officer)
    with clock.frozen_at(datetime(2026, 1, 5, 9, 0, tzinfo=UTC)):
        response = client.post(
            url("create"),
            tender_form(
                clarification_date_day="29",
                clarification_date_month="3",
                clarification_time="1:30am",
            ),
        )
    assert (
        "because the clocks go forward" in response.context["form"].errors["clarification_time"][0]
    )


def test_a_deadline_in_winter_is_stored_as_the_same_utc_time(client, officer):
    client.force_login(officer)
    with clock.frozen_at(datetime(2026, 1, 5, 9, 0, tzinfo=UTC)):
        client.post(
            url("create"),
            tender_form(
                clarification_date_day="1",
                clarification_date_month="2",
                submission_date_day="2",
                submission_date_month="3",
                submission_time="12pm",
            ),
        )
    tender = Tender.objects.get()
    assert tender.submission_deadline == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_a_bad_scoring_scale_line_is_a_field_error(client, officer, buyer):
    tender = testing.draft_tender(buyer=buyer, by=officer)
    lot = tender.lots.get()
    client.force_login(officer)
    response = client.post(
        url("question_add", tender.pk, lot.pk),
        question_form(client, tender, lot, scale="0: Nothing\nfifty: Some\n100: All"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["scale"] == [
        "Line 2 of the scoring scale must start with a whole-number score, then a colon, then "
        "what the score means, like '50: Satisfactory'"
    ]
    assert lot.questions.count() == 2


def test_a_question_can_be_changed_and_removed(client, officer, buyer):
    tender = testing.draft_tender(buyer=buyer, by=officer)
    question = Question.objects.get(lot__tender=tender, kind="quality")
    client.force_login(officer)
    page = client.get(url("question_edit", tender.pk, question.pk))
    assert page.context["form"]["weight"].value() == "50"
    data = question_form(client, tender, question.lot, weight="45", scale="0: None\n10: All")
    response = client.post(url("question_edit", tender.pk, question.pk), data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.weight == Decimal("45")
    assert question.scale == [
        {"score": 0, "descriptor": "None"},
        {"score": 10, "descriptor": "All"},
    ]

    response = client.post(url("question_remove", tender.pk, question.pk), follow=True)
    assert not Question.objects.filter(pk=question.pk).exists()
    assert "Question 1 removed from lot 1" in messages_of(response)


# -- publishing rules ---------------------------------------------------------------------------


def test_publishing_is_refused_when_social_value_is_below_ten_percent(client, officer, buyer):
    tender = testing.draft_tender(
        buyer=buyer,
        by=officer,
        questions=(("quality", Decimal("55")), ("social_value", Decimal("5"))),
    )
    client.force_login(officer)
    detail = client.get(url("detail", tender.pk)).content.decode()
    assert "Social value must be at least 10% of the total score" in detail

    response = client.post(url("publish", tender.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Social value must be at least 10% of the total score" in body
    tender.refresh_from_db()
    assert tender.status == "draft"


def test_publishing_is_refused_when_weights_do_not_total_100(client, officer, buyer):
    tender = testing.draft_tender(
        buyer=buyer,
        by=officer,
        questions=(("quality", Decimal("45")), ("social_value", Decimal("10"))),
    )
    client.force_login(officer)
    response = client.post(url("publish", tender.pk))
    assert response.status_code == 200
    errors = [e["text"] for e in response.context["publish_errors"]]
    assert errors == ["Weights must total 100. Price 40 + quality 45 + social value 10 = 95"]
    assert "Weights must total 100" in response.content.decode()
    tender.refresh_from_db()
    assert tender.status == "draft"


# -- who may do what ----------------------------------------------------------------------------


def test_an_evaluator_sees_but_cannot_change_a_tender(client, evaluator, officer, buyer):
    tender = testing.draft_tender(buyer=buyer, by=officer)
    lot = tender.lots.get()
    question = lot.questions.first()
    client.force_login(evaluator)
    dashboard = client.get(url("dashboard")).content.decode()
    assert tender.reference in dashboard
    assert "Create a tender" not in dashboard
    detail = client.get(url("detail", tender.pk))
    assert detail.status_code == 200
    assert url("edit", tender.pk) not in detail.content.decode()
    assert url("publish", tender.pk) not in detail.content.decode()
    assert url("question_add", tender.pk, lot.pk) not in detail.content.decode()

    assert client.get(url("create")).status_code == 403
    assert client.get(url("edit", tender.pk)).status_code == 403
    assert client.post(url("edit", tender.pk), tender_form()).status_code == 403
    assert client.get(url("lot_edit", tender.pk, lot.pk)).status_code == 403
    assert client.get(url("question_add", tender.pk, lot.pk)).status_code == 403
    assert client.post(url("question_remove", tender.pk, question.pk)).status_code == 403
    assert client.get(url("document_add", tender.pk)).status_code == 403
    assert client.post(url("publish", tender.pk)).status_code == 403
    assert client.get(url("cancel", tender.pk)).status_code == 403
    tender.refresh_from_db()
    assert tender.status == "draft" and lot.questions.count() == 2


def test_another_buyers_tender_is_not_found(client, tender):
    other_buyer = testing.buyer_org("Other Borough Council")
    other_admin = testing.member(other_buyer, Role.BUYER_ADMIN)
    client.force_login(other_admin)
    lot = tender.lots.get()
    for page in (
        url("detail", tender.pk),
        url("edit", tender.pk),
        url("lot_edit", tender.pk, lot.pk),
        url("clarifications", tender.pk),
        url("cancel", tender.pk),
    ):
        assert client.get(page).status_code == 404, page
    assert client.post(url("publish", tender.pk)).status_code == 404
    assert client.post(url("open_evaluation", tender.pk)).status_code == 404
    assert tender.reference not in client.get(url("dashboard")).content.decode()


def test_a_supplier_has_no_buyer_pages(client, supplier, tender):
    client.force_login(supplier[1])
    assert client.get(url("dashboard")).status_code == 404
    assert client.get(url("detail", tender.pk)).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, tender):
    response = client.get(url("detail", tender.pk))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_buyer_admin_cancels_a_tender_with_a_reason(client, buyer_admin, tender):
    client.force_login(buyer_admin)
    detail = client.get(url("detail", tender.pk)).content.decode()
    assert url("cancel", tender.pk) in detail
    response = client.post(url("cancel", tender.pk), {"reason": ""})
    assert response.status_code == 200
    assert "Give the reason for cancelling" in response.content.decode()

    response = client.post(
        url("cancel", tender.pk), {"reason": "The service is being brought in-house"}, follow=True
    )
    tender.refresh_from_db()
    assert tender.status == "cancelled"
    assert tender.cancellation_reason == "The service is being brought in-house"
    assert f"{tender.reference} is cancelled" in messages_of(response)


def test_a_buyer_officer_cannot_cancel(client, officer, tender):
    client.force_login(officer)
    assert url("cancel", tender.pk) not in client.get(url("detail", tender.pk)).content.decode()
    assert client.get(url("cancel", tender.pk)).status_code == 403
    response = client.post(url("cancel", tender.pk), {"reason": "Changed our mind"})
    assert response.status_code == 403
    tender.refresh_from_db()
    assert tender.status == "published"


def test_a_published_tender_cannot_be_edited(client, officer, tender):
    client.force_login(officer)
    response = client.get(url("edit", tender.pk), follow=True)
    assert "Only a draft tender can be changed like this" in messages_of(response)


# -- opening evaluation and sealed bids ---------------------------------------------------------


def test_evaluation_opens_only_after_the_deadline(client, officer, tender):
    client.force_login(officer)
    detail = client.get(url("detail", tender.pk)).content.decode()
    assert "Open evaluation" not in detail
    response = client.post(url("open_evaluation", tender.pk), follow=True)
    assert "Bids stay sealed until the submission deadline has passed" in messages_of(response)
    tender.refresh_from_db()
    assert tender.status == "published"

    with testing.after_deadline(tender):
        detail = client.get(url("detail", tender.pk)).content.decode()
        assert "Open evaluation" in detail
        response = client.post(url("open_evaluation", tender.pk), follow=True)
        assert "Bids are open for evaluation" in messages_of(response)
    tender.refresh_from_db()
    assert tender.status == "evaluation"


def test_nothing_about_bids_shows_before_the_deadline(
    client, officer, buyer_admin, evaluator, tender, supplier, other_supplier
):
    for org, user in (supplier, other_supplier):
        testing.submitted_bid(tender=tender, supplier=org, by=user, price="123456")
    for person in (officer, buyer_admin, evaluator):
        client.force_login(person)
        for page in (url("detail", tender.pk), url("dashboard")):
            body = client.get(page).content.decode()
            assert "Acorn Care" not in body and "Beech Homecare" not in body
            assert "123,456" not in body and "123456" not in body
            assert "received" not in body
            assert "2 bids" not in body

    client.force_login(officer)
    with testing.after_deadline(tender):
        body = client.get(url("detail", tender.pk)).content.decode()
    assert "2 bids received by the deadline" in body


def test_the_dashboard_lists_tenders_without_a_query_per_tender(
    client, officer, buyer, django_assert_max_num_queries
):
    for number in range(3):
        testing.draft_tender(buyer=buyer, by=officer, title=f"Tender {number}")
    client.force_login(officer)
    client.get(url("dashboard"))
    with django_assert_max_num_queries(12):
        body = client.get(url("dashboard")).content.decode()
    for number in range(3):
        assert f"Tender {number}" in body
    for number in range(3, 25):
        testing.draft_tender(buyer=buyer, by=officer, title=f"Tender {number}")
    with django_assert_max_num_queries(12):
        page = client.get(url("dashboard"))
    assert page.context["page"].paginator.num_pages == 2
    assert "Next" in page.content.decode()


def test_an_evaluator_sees_the_tenders_they_are_assigned_to(client, evaluator, officer, buyer):
    assigned = testing.published_tender(buyer=buyer, by=officer, title="Day centres")
    testing.published_tender(buyer=buyer, by=officer, title="Meals on wheels")
    evaluation_actions.assign_evaluator(
        question=assigned.lots.get().questions.first(), evaluator=evaluator, by=officer
    )
    client.force_login(evaluator)
    page = client.get(url("dashboard"))
    assert [t.title for t in page.context["assigned"]] == ["Day centres"]
    assert "Tenders you are evaluating" in page.content.decode()
