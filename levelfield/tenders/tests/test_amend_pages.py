"""The buyer's Amend page, the amendment history on the tender page, and the public
opportunity page's amendments and document versions."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from levelfield.core import clock
from levelfield.tenders import actions
from tests.support import testing


def deadline_fields(name, moment):
    local = moment.astimezone(clock.UK)
    return {
        f"{name}_date_day": str(local.day),
        f"{name}_date_month": str(local.month),
        f"{name}_date_year": str(local.year),
        f"{name}_time": f"{local:%H:%M}",
    }


def amend_post(tender, *, submission=None, **extra):
    data = {
        **deadline_fields("clarification", tender.clarification_deadline),
        **deadline_fields("submission", submission or tender.submission_deadline),
        "reason": "The county added a fifth locality.",
        "confirm": "on",
    }
    data.update(extra)
    return data


@pytest.fixture
def spec(tender, officer):
    return actions.add_document(
        tender=tender,
        by=officer,
        title="Specification",
        doc_type="specification",
        upload=testing.pdf("spec.pdf", b"%PDF-1.4 version one"),
    )


def test_the_officer_extends_the_deadline_and_everyone_sees_the_amendment(client, tender, officer):
    new_deadline = (tender.submission_deadline + timedelta(days=7)).replace(second=0, microsecond=0)
    client.force_login(officer)
    page = client.get(reverse("tenders:amend", args=[tender.pk]))
    assert page.status_code == 200
    assert "emailed to every interested supplier" in page.content.decode()

    response = client.post(
        reverse("tenders:amend", args=[tender.pk]), amend_post(tender, submission=new_deadline)
    )

    assert response.status_code == 302
    tender.refresh_from_db()
    assert tender.submission_deadline == new_deadline
    detail = client.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
    assert "Amendment 1 is published" in detail
    assert "Amendment 1," in detail
    assert "Submission deadline moved from" in detail
    assert "The county added a fifth locality." in detail
    client.logout()
    public = client.get(reverse("public:opportunity", args=[tender.reference])).content.decode()
    assert "Amendments" in public and "The county added a fifth locality." in public


def test_without_a_reason_or_confirmation_nothing_is_amended(client, tender, officer):
    client.force_login(officer)
    response = client.post(
        reverse("tenders:amend", args=[tender.pk]),
        amend_post(
            tender,
            submission=tender.submission_deadline + timedelta(days=7),
            reason="",
            confirm="",
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Say why the tender is being amended" in body
    assert "Confirm that you want to publish the amendment" in body
    assert not tender.amendments.exists()


def test_nothing_changed_is_refused_on_the_page(client, tender, officer):
    client.force_login(officer)
    response = client.post(reverse("tenders:amend", args=[tender.pk]), amend_post(tender))
    assert "Choose something to change" in response.content.decode()
    assert not tender.amendments.exists()


def test_a_document_replaced_on_the_page_lists_both_versions_publicly(
    client, tender, officer, spec
):
    client.force_login(officer)
    response = client.post(
        reverse("tenders:amend", args=[tender.pk]),
        {
            **amend_post(tender),
            f"document_{spec.pk}": "replace",
            f"document_{spec.pk}_file": testing.pdf("spec-v2.pdf", b"%PDF-1.4 version two"),
        },
    )
    assert response.status_code == 302
    client.logout()
    public = client.get(reverse("public:opportunity", args=[tender.reference])).content.decode()
    assert "Version 1, replaced" in public
    assert "Version 2, current" in public
    assert "New version of “Specification” (version 2)" in public


def test_replace_without_a_file_is_shown_at_the_field(client, tender, officer, spec):
    client.force_login(officer)
    response = client.post(
        reverse("tenders:amend", args=[tender.pk]),
        {**amend_post(tender), f"document_{spec.pk}": "replace"},
    )
    assert "Choose the new version of “Specification”" in response.content.decode()
    assert not tender.amendments.exists()


def test_after_the_deadline_the_page_sends_the_buyer_back(client, tender, officer):
    client.force_login(officer)
    with testing.after_deadline(tender):
        response = client.get(reverse("tenders:amend", args=[tender.pk]), follow=True)
    assert "only before its deadline" in response.content.decode()


def test_an_evaluator_is_refused_and_another_buyer_finds_nothing(client, tender, evaluator):
    client.force_login(evaluator)
    assert client.get(reverse("tenders:amend", args=[tender.pk])).status_code == 403
    client.force_login(testing.member(testing.buyer_org("Other Council"), "buyer_officer"))
    assert client.get(reverse("tenders:amend", args=[tender.pk])).status_code == 404


def test_the_buyers_pages_say_nothing_of_a_bid_begun_before_the_deadline(client, tender, officer):
    """Interest includes drafting a bid: the Amend and answer pages do not count interested
    suppliers, or a supplier that bids through the API alone, never viewing the opportunity,
    would change a number the buyer sees before the deadline."""
    from levelfield.bids import actions as bid_actions

    supplier, user = testing.supplier_with_user("Quiet Bidder Ltd")
    clarification = actions.ask_question(
        tender=tender, by=user, organisation=supplier, question="Is the depot staffed?"
    )
    client.force_login(officer)
    pages = [
        reverse("tenders:amend", args=[tender.pk]),
        reverse("tenders:answer", args=[tender.pk, clarification.pk]),
    ]

    def seen():  # each page without its form's CSRF token, which differs on every request
        return [
            re.sub(
                r'name="csrfmiddlewaretoken" value="[^"]*"', "", client.get(url).content.decode()
            )
            for url in pages
        ]

    before = seen()

    other, other_user = testing.supplier_with_user("API Only Bidder Ltd")
    bid_actions.start_bid(lot=tender.lots.get(), supplier=other, by=other_user)

    assert seen() == before
