"""The public pages: anyone finds published opportunities; suppliers ask questions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.core import clock
from levelfield.suppliers.models import Region
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.models import Clarification
from tests.support import testing

SEARCH = reverse("public:opportunities")


def opportunity(buyer, officer, *, title="Home care services", publish=True, **fields):
    """A tender built through the actions; `fields` change the draft before it is published."""
    tender = testing.draft_tender(buyer=buyer, by=officer, title=title)
    cpv_codes = fields.pop("cpv_codes", None)
    if fields or cpv_codes is not None:
        tender = tender_actions.update_tender(
            tender=tender, by=officer, cpv_codes=cpv_codes, **fields
        )
    if publish:
        tender = tender_actions.publish_tender(tender=tender, by=officer)
    return tender


def closed_opportunity(buyer, officer, **kwargs):
    """Published 40 days ago with a 30-day window, so its deadline passed 10 days ago."""
    with clock.frozen_at(clock.now() - timedelta(days=40)):
        return opportunity(buyer, officer, **kwargs)


def titles(response) -> list[str]:
    return [t.title for t in response.context["page_obj"]]


def search(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return response


# --- finding opportunities -------------------------------------------------------------------


def test_home_page_offers_search_and_the_ways_in(client, tender):
    response = client.get(reverse("public:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'action="/opportunities/"' in body
    assert reverse("accounts:register") in body
    assert reverse("accounts:login") in body
    assert tender.title in body


def test_drafts_are_never_listed_found_or_opened(client, buyer, officer, tender):
    draft = opportunity(buyer, officer, title="Secret draft cleaning contract", publish=False)
    document = tender_actions.add_document(
        tender=draft, by=officer, title="Draft spec", doc_type="specification", upload=testing.pdf()
    )
    assert titles(search(client)) == [tender.title]
    assert titles(search(client, q="Secret")) == []
    assert titles(search(client, q=draft.reference)) == []
    assert client.get(reverse("public:opportunity", args=[draft.reference])).status_code == 404
    url = reverse("public:document", args=[draft.reference, document.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("public:opportunity", args=["LF-1999-99999"])).status_code == 404


def test_keyword_matches_title_description_and_reference(client, buyer, officer):
    care = opportunity(buyer, officer, title="Home care services")
    parks = opportunity(
        buyer, officer, title="Grounds maintenance", description="Mowing parks and verges."
    )
    assert titles(search(client, q="grounds")) == [parks.title]
    assert titles(search(client, q="VERGES")) == [parks.title]
    assert titles(search(client, q=care.reference)) == [care.title]
    assert set(titles(search(client))) == {care.title, parks.title}


def test_cpv_filter_matches_by_prefix(client, buyer, officer):
    care = opportunity(buyer, officer, title="Home care", cpv_codes=["85300000"])
    software = opportunity(buyer, officer, title="Case software", cpv_codes=["72200000"])
    assert titles(search(client, cpv="853")) == [care.title]
    assert titles(search(client, cpv="85300000")) == [care.title]
    # A division code ending in zeros stands for everything in the division.
    assert titles(search(client, cpv="85000000")) == [care.title]
    assert titles(search(client, cpv="72")) == [software.title]
    assert titles(search(client, cpv="45")) == []


def test_value_filters_narrow_by_estimated_value(client, buyer, officer):
    small = opportunity(buyer, officer, title="Small job", estimated_value=Decimal("50000"))
    large = opportunity(buyer, officer, title="Large job", estimated_value=Decimal("2000000"))
    assert titles(search(client, min_value="100000")) == [large.title]
    assert titles(search(client, max_value="£100,000")) == [small.title]
    assert titles(search(client, min_value="50000", max_value="50000")) == [small.title]
    assert set(titles(search(client, min_value="0", max_value="5000000"))) == {
        small.title,
        large.title,
    }


def test_region_and_suitability_filters(client, buyer, officer):
    london = opportunity(
        buyer,
        officer,
        title="London only",
        region=Region.LONDON,
        suitable_for_sme=False,
        suitable_for_vcse=False,
    )
    sme_only = opportunity(buyer, officer, title="SME friendly", suitable_for_vcse=False)
    both = opportunity(buyer, officer, title="Open to all small bidders")
    assert titles(search(client, region=Region.LONDON)) == [london.title]
    assert set(titles(search(client, region=Region.SOUTH_WEST))) == {sme_only.title, both.title}
    assert set(titles(search(client, sme="on"))) == {sme_only.title, both.title}
    assert titles(search(client, vcse="on")) == [both.title]
    assert titles(search(client, sme="on", vcse="on", region=Region.LONDON)) == []


def test_status_filter_splits_open_and_closed(client, buyer, buyer_admin, officer):
    open_one = opportunity(buyer, officer, title="Still open")
    past = closed_opportunity(buyer, officer, title="Deadline passed")
    cancelled = opportunity(buyer, officer, title="Called off")
    tender_actions.cancel_tender(tender=cancelled, by=buyer_admin, reason="Budget withdrawn")
    assert titles(search(client, status="open")) == [open_one.title]
    assert set(titles(search(client, status="closed"))) == {past.title, cancelled.title}
    body = search(client, status="closed").content.decode()
    assert "Closed" in body and "Cancelled" in body


def test_each_result_shows_what_a_supplier_needs(client, tender):
    body = search(client).content.decode()
    assert reverse("public:opportunity", args=[tender.reference]) in body
    assert tender.buyer.name in body
    assert "£1,200,000" in body
    assert "govuk-tag--green" in body and "Open" in body
    assert "SMEs and VCSEs" in body
    assert "1 opportunity" in body


def test_no_results_shows_the_empty_state(client, tender):
    body = search(client, q="submarines").content.decode()
    assert "No opportunities match your search" in body
    assert "0 opportunities" in body


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"min_value": "abc"}, "Enter the minimum value as a number, like 50000"),
        ({"max_value": "lots"}, "Enter the maximum value as a number, like 250000"),
        ({"min_value": "-5"}, "The minimum value must be £0 or more"),
        ({"cpv": "care"}, "Enter a CPV code of 2 to 8 digits, like 85300000 or 853"),
        (
            {"min_value": "500", "max_value": "100"},
            "The maximum value must be the same as or more than the minimum",
        ),
        ({"region": "XX"}, "Select a valid choice"),
        ({"page": "many"}, None),
    ],
)
def test_bad_filters_show_an_error_beside_the_filter_and_do_not_crash(
    client, tender, params, message
):
    response = search(client, **params)
    body = response.content.decode()
    if message is None:
        assert titles(response) == [tender.title]
        return
    assert message in body
    assert "govuk-error-summary" in body
    assert "govuk-form-group--error" in body
    # The filters that were fine still apply, so the list is still there.
    assert titles(response) == [tender.title]


def test_results_are_paginated_and_the_links_keep_the_filters(client, buyer, officer):
    for number in range(23):
        opportunity(buyer, officer, title=f"Meals service {number:02d}")
    opportunity(buyer, officer, title="Something else")
    first = search(client, q="Meals", sme="on")
    assert len(titles(first)) == 20
    assert first.context["page_obj"].paginator.count == 23
    body = first.content.decode()
    assert "23 opportunities" in body
    assert "govuk-pagination" in body
    assert "?q=Meals&amp;sme=on&amp;page=2" in body
    second = search(client, q="Meals", sme="on", page="2")
    assert len(titles(second)) == 3
    assert not set(titles(first)) & set(titles(second))
    assert "?q=Meals&amp;sme=on&amp;page=1" in second.content.decode()


def test_the_list_does_not_make_more_queries_for_more_results(
    client, buyer, officer, django_assert_max_num_queries
):
    opportunity(buyer, officer, title="Only one")
    with CaptureQueriesContext(connection) as one:
        search(client)
    for number in range(15):
        opportunity(buyer, officer, title=f"Another {number}", cpv_codes=["85300000", "85310000"])
    with CaptureQueriesContext(connection) as many:
        response = search(client)
    assert len(titles(response)) == 16
    assert len(many) == len(one)
    # The generation, our tenders found, the imported notices found, the page's tenders read
    with django_assert_max_num_queries(4):
        search(client, q="Another", cpv="853", status="open", sme="on")


# --- one opportunity -------------------------------------------------------------------------


def test_opportunity_page_shows_summary_criteria_and_documents(client, buyer, officer):
    draft = opportunity(buyer, officer, publish=False)
    lot = draft.lots.get()
    tender_actions.update_lot(lot=lot, by=officer, quality_threshold=Decimal("60"))
    tender_actions.add_document(
        tender=draft,
        by=officer,
        title="Service specification",
        doc_type="specification",
        upload=testing.pdf(body=b"%PDF-1.4 " + b"x" * 2048),
    )
    tender = tender_actions.publish_tender(tender=draft, by=officer)
    response = client.get(reverse("public:opportunity", args=[tender.reference]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        buyer.name,
        tender.reference,
        "Open",
        "£1,200,000",
        "South West",
        "85300000",
        "Clarification deadline",
        "Expected award",
        "Contract start",
        "Contract end",
        "Care at home for adults",
        "Lot 1: Home care services",
        "40%",
        "Lowest price divided by bid price",
        "Bids scoring below 60% of the quality points available are disqualified",
        "Highest quality score wins",
        "Describe your approach (quality).",
        "Social value",
        "Excellent: the response meets every element",
        "Service specification",
        "Specification",
        "2.0\xa0KB",
    ):
        assert text in body, text
    document = tender.documents.get()
    download = client.get(reverse("public:document", args=[tender.reference, document.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.4")
    # Nobody signed in: no bid link, no question form, but a way in.
    assert "Start or continue your bid" not in body
    assert 'name="question"' not in body
    assert "register as a supplier" in body


def test_a_closed_opportunity_shows_closed(client, buyer, officer):
    past = closed_opportunity(buyer, officer, title="Deadline passed")
    body = client.get(reverse("public:opportunity", args=[past.reference])).content.decode()
    assert "Closed" in body


def test_clarifications_are_published_without_the_askers_name(
    client, tender, officer, supplier, other_supplier
):
    org, user = supplier
    answered = tender_actions.ask_question(
        tender=tender, by=user, organisation=org, question="Is TUPE likely to apply?"
    )
    tender_actions.answer_clarification(
        clarification=answered, by=officer, answer="Yes, for about 40 care workers."
    )
    other_org, other_user = other_supplier
    tender_actions.ask_question(
        tender=tender, by=other_user, organisation=other_org, question="Unanswered so far?"
    )
    for viewer in (None, other_user, user):
        if viewer:
            client.force_login(viewer)
        body = client.get(reverse("public:opportunity", args=[tender.reference])).content.decode()
        assert "Is TUPE likely to apply?" in body
        assert "Yes, for about 40 care workers." in body
        assert "Unanswered so far?" not in body
        assert org.name not in body.replace(f"at {org.name}", "")  # phase banner for the asker
        assert user.full_name not in body.replace(f"Signed in as {user.full_name}", "")
        assert user.email not in body


def test_a_supplier_asks_a_question_before_the_deadline(client, tender, supplier):
    org, user = supplier
    client.force_login(user)
    page = client.get(reverse("public:opportunity", args=[tender.reference])).content.decode()
    assert 'name="question"' in page
    assert reverse("bids:edit", args=[tender.lots.get().pk]) in page
    response = client.post(
        reverse("public:ask", args=[tender.reference]), {"question": "Can we bid as a group?"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("public:opportunity", args=[tender.reference])
    clarification = Clarification.objects.get()
    assert clarification.asked_by_organisation == org
    assert clarification.question == "Can we bid as a group?"
    body = client.get(response["Location"]).content.decode()
    assert "Your question has been sent to the buyer" in body
    # Not published until the buyer answers.
    assert "Can we bid as a group?" not in body


def test_an_empty_question_is_refused_with_a_message(client, tender, supplier):
    client.force_login(supplier[1])
    response = client.post(reverse("public:ask", args=[tender.reference]), {"question": " "})
    assert response.status_code == 200
    assert "Enter your question" in response.content.decode()
    assert not Clarification.objects.exists()


def test_asking_after_the_clarification_deadline_is_refused(client, tender, supplier):
    client.force_login(supplier[1])
    with clock.frozen_at(tender.clarification_deadline + timedelta(seconds=1)):
        page = client.get(reverse("public:opportunity", args=[tender.reference]))
        assert "The clarification deadline has passed" in page.content.decode()
        assert 'name="question"' not in page.content.decode()
        response = client.post(
            reverse("public:ask", args=[tender.reference]), {"question": "Too late?"}
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert "The clarification deadline has passed, so no more questions can be asked" in body
    assert "govuk-error-summary" in body
    assert not Clarification.objects.exists()


def test_only_signed_in_suppliers_can_ask(client, tender, buyer, officer):
    url = reverse("public:ask", args=[tender.reference])
    response = client.post(url, {"question": "Anonymous?"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    client.force_login(officer)
    assert client.post(url, {"question": "From the buyer?"}).status_code == 404
    page = client.get(reverse("public:opportunity", args=[tender.reference])).content.decode()
    assert 'name="question"' not in page
    assert "Start or continue your bid" not in page
    other_buyer = testing.buyer_org("Other Council")
    client.force_login(testing.member(other_buyer, Role.BUYER_ADMIN))
    assert client.post(url, {"question": "Another buyer?"}).status_code == 404
    assert not Clarification.objects.exists()


def test_no_bid_link_once_the_tender_is_closed(client, tender, supplier):
    client.force_login(supplier[1])
    with testing.after_deadline(tender):
        body = client.get(reverse("public:opportunity", args=[tender.reference])).content.decode()
    assert "Start or continue your bid" not in body
    assert "Closed" in body
