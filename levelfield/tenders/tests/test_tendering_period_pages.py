"""The buyer's "Tendering period" page (Procurement Act 2023 s.54 details of a draft): what the
details give (the minimum period, the earliest lawful deadline, the deadline's warnings in UK
time with its zone), the fields with a GOV.UK error summary linking to each, and the same
summary on the Amend page of a published tender."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.core import clock
from levelfield.core.models import AuditEvent
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.models import Tender
from tests.support import testing

# Monday 2 March 2026, 10:00 GMT (UK time is UTC until 29 March).
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def page_url(tender) -> str:
    return reverse("tenders:tendering_period", args=[tender.pk])


def summary_links(body: str) -> list[str]:
    """The targets of the error summary's links, each checked to be an element on the page."""
    summary = body[body.index("govuk-error-summary__list") :]
    summary = summary[: summary.index("</ul>")]
    targets = re.findall(r'href="#([^"]+)"', summary)
    for target in targets:
        assert f'id="{target}"' in body, f"the error summary links to #{target}, not on the page"
    return targets


def form_data(**fields) -> dict:
    data = {
        "s54_contract_kind": "central",
        "has_planned_notice": "no",
        "is_urgent": "no",
        "needs_short_period": "no",
    }
    data.update(fields)
    return data


def uk3_date(day: date) -> dict:
    name = "s54_planned_notice_published_on"
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


def get(client, tender) -> str:
    response = client.get(page_url(tender))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_minimum_the_earliest_lawful_deadline_and_the_days_given(
    signed_in, buyer, officer
):
    with clock.frozen_at(NOW):
        tender = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=30)
        body = get(signed_in, tender)
    assert "25 days (above threshold)" in body
    assert "is at or above the £135,018 threshold for goods or services for a central" in body
    assert "If you publish today, 2 March 2026, the period begins the next day" in body
    # 3 to 27 March: 25 days. 27 March is a Friday, before the clocks change.
    assert "Any time on Friday 27 March 2026 (UK time)" in body
    assert "A clearer choice, on a working day: midday GMT on 27 March 2026." in body
    assert "11:00am BST on 1 April 2026: 30 days from publication" in body
    assert "Meets the minimum period" in body
    assert "tendering-period-warnings" not in body
    # The form starts from the tender's details: nothing recorded, central government.
    assert 'value="central" checked' in body
    assert 'id="id_is_urgent_1" name="is_urgent" type="radio" value="no" checked' in body


def test_a_short_deadline_says_publication_is_refused_and_warnings_carry_the_zone(
    signed_in, buyer, officer
):
    with clock.frozen_at(NOW):
        short = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=24)
        body = get(signed_in, short)
        assert "The tender cannot be published with this deadline" in body
        assert "gives bidders 24 days" in body and "Meets the minimum period" not in body
        # 2 March + 33 days: Saturday 4 April 2026, 11:00 BST.
        weekend = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=33, title="B")
        body = get(signed_in, weekend)
    assert 'id="tendering-period-warnings"' in body
    assert "The submission deadline, 11:00am BST on 4 April 2026, falls on a weekend" in body


def test_yes_without_the_words_is_refused_at_the_revealed_field(signed_in, buyer, officer):
    with clock.frozen_at(NOW):
        tender = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=10)
        response = signed_in.post(
            page_url(tender), form_data(is_urgent="yes", s54_urgency_reason="  ")
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Error: Tendering period" in body
    assert summary_links(body) == ["id_s54_urgency_reason"]
    assert "Say why the procurement is urgent" in body
    # "Yes" stays chosen and its field revealed; the other questions' fields stay hidden.
    assert 'class="govuk-radios__conditional" id="conditional-id_is_urgent"' in body
    assert 'govuk-radios__conditional--hidden" id="conditional-id_needs_short_period"' in body
    assert Tender.objects.get(pk=tender.pk).s54_urgency_reason == ""


def test_every_unanswered_question_is_linked_from_the_summary(signed_in, buyer, officer):
    with clock.frozen_at(NOW):
        tender = testing.draft_tender(buyer=buyer, by=officer)
        body = signed_in.post(page_url(tender), {}).content.decode()
    assert summary_links(body) == [
        "id_s54_contract_kind",
        "id_has_planned_notice",
        "id_is_urgent",
        "id_needs_short_period",
    ]


def test_the_planned_notice_date_is_checked_by_the_domain_rule(signed_in, buyer, officer):
    with clock.frozen_at(NOW):
        tender = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=10)
        missing = signed_in.post(page_url(tender), form_data(has_planned_notice="yes"))
        assert summary_links(missing.content.decode()) == ["id_s54_planned_notice_published_on"]
        assert "Enter the date the planned procurement notice was published" in (
            missing.content.decode()
        )
        future = signed_in.post(
            page_url(tender), form_data(has_planned_notice="yes", **uk3_date(date(2026, 3, 9)))
        )
        body = future.content.decode()
        assert summary_links(body) == ["id_s54_planned_notice_published_on"]
        assert "must be today or in the past" in body
        # The same rule refuses it through the API (periods.field_problems in the action).
        with pytest.raises(Exception, match="must be today or in the past"):
            tender_actions.update_tender(
                tender=tender, by=officer, s54_planned_notice_published_on=date(2026, 3, 9)
            )
        # Published 20 February, 10 days before: recorded, but it does not shorten the period.
        response = signed_in.post(
            page_url(tender), form_data(has_planned_notice="yes", **uk3_date(date(2026, 2, 20)))
        )
        assert response.status_code == 302
        body = get(signed_in, tender)
    assert "The planned procurement notice of 20 February 2026 is 10 days before" in body
    assert "only when published at least 40 days, and at most 365 days" in body
    assert "25 days (above threshold)" in body


def test_recording_urgency_gives_10_days_and_no_clears_it(signed_in, buyer, officer):
    reason = "The current provider went into administration on 27 February."
    with clock.frozen_at(NOW):
        tender = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=10)
        assert tender_actions.publication_problems(tender)
        response = signed_in.post(
            page_url(tender), form_data(is_urgent="yes", s54_urgency_reason=f" {reason} ")
        )
        assert response.status_code == 302 and response["Location"] == page_url(tender)
        tender.refresh_from_db()
        assert tender.s54_urgency_reason == reason
        event = AuditEvent.objects.filter(action="tender.updated").latest("id")
        assert event.data["fields"] == ["s54_urgency_reason"]  # only what changed
        body = get(signed_in, tender)
        assert "Tendering period details saved" in body
        assert "10 days (above threshold, in a recorded state of urgency)" in body
        assert "Meets the minimum period" in body
        assert tender_actions.publication_problems(tender) == []
        detail = signed_in.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
        assert f'href="{page_url(tender)}"' in detail and "urgency recorded" in detail
        assert "The tender meets every publication rule" in detail
        assert ": urgency reason</td>" in detail  # the history says what changed, in words

        # "No" clears the reason it would reveal, even if words were left in the box.
        signed_in.post(page_url(tender), form_data(is_urgent="no", s54_urgency_reason=reason))
        tender.refresh_from_db()
        assert tender.s54_urgency_reason == ""


def test_below_threshold_a_reason_allows_a_short_period(signed_in, buyer, officer):
    with clock.frozen_at(NOW):
        tender = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=5)
        tender = tender_actions.update_tender(
            tender=tender,
            by=officer,
            estimated_value=Decimal("50000"),
            clarification_deadline=NOW + timedelta(days=2),
        )
        assert "10 days (below threshold)" in get(signed_in, tender)
        signed_in.post(
            page_url(tender),
            form_data(needs_short_period="yes", s54_short_period_reason="Storm damage repairs."),
        )
        body = get(signed_in, tender)
        assert "None: below the threshold, with your recorded reason" in body
        assert "Any time after publication" in body
        tender.refresh_from_db()
        assert tender_actions.publication_problems(tender) == []


def test_a_published_tender_shows_its_details_without_a_form(client, buyer, officer):
    with clock.frozen_at(NOW):
        tender = testing.published_tender(buyer=buyer, by=officer)
        client.force_login(officer)
        body = get(client, tender)
        assert "As published" in body and 'name="s54_contract_kind"' not in body
        assert "Publication, 10:00am GMT on 2 March 2026" in body
        response = client.post(page_url(tender), form_data(is_urgent="yes"))
        assert response.status_code == 302
        assert Tender.objects.get(pk=tender.pk).s54_urgency_reason == ""


def test_another_buyers_tender_is_not_found(client, buyer, officer):
    tender = testing.draft_tender(buyer=buyer, by=officer)
    other = testing.buyer_org("Another Council")
    client.force_login(testing.member(other, Role.BUYER_OFFICER))
    assert client.get(page_url(tender)).status_code == 404
    assert client.post(page_url(tender), form_data()).status_code == 404


def test_the_amend_page_shows_the_period_for_the_new_deadline(client, buyer, officer):
    with clock.frozen_at(NOW):
        tender = testing.published_tender(buyer=buyer, by=officer, days_to_deadline=30)
        client.force_login(officer)
        url = reverse("tenders:amend", args=[tender.pk])
        body = client.get(url).content.decode()
        assert "Tendering period" in body and "25 days (above threshold)" in body
        assert "Publication, 10:00am GMT on 2 March 2026: the period began the next day" in body
        assert "11:00am BST on 1 April 2026: 30 days from publication" in body
        # Extended to Saturday 4 April at 11pm BST, without a reason: refused, and the summary
        # is for the deadline typed, with its warnings.
        response = client.post(
            url,
            {
                "submission_date_day": "4",
                "submission_date_month": "4",
                "submission_date_year": "2026",
                "submission_time": "23:00",
                "confirm": "on",
            },
        )
    body = response.content.decode()
    assert response.status_code == 200 and "Say why the tender is being amended" in body
    assert "New submission deadline" in body
    assert "11:00pm BST on 4 April 2026: 33 days from publication" in body
    assert "The submission deadline, 11:00pm BST on 4 April 2026, is at or near midnight" in body
    assert "falls on a weekend" in body


def test_the_summary_follows_the_answers_before_they_are_saved(signed_in, buyer, officer):
    with clock.frozen_at(NOW):
        tender = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=10)
        url = reverse("tenders:tendering_period_preview", args=[tender.pk])
        assert 'hx-post="' + url + '"' in get(signed_in, tender)
        urgent = form_data(is_urgent="yes", s54_urgency_reason="The provider failed.")
        fragment = signed_in.post(url, urgent, HTTP_HX_REQUEST="true").content.decode()
        assert "10 days (above threshold, in a recorded state of urgency)" in fragment
        assert "Meets the minimum period" in fragment and "<html" not in fragment
        # Nothing is saved; an answer the form refuses leaves the saved details.
        assert Tender.objects.get(pk=tender.pk).s54_urgency_reason == ""
        refused = signed_in.post(url, form_data(is_urgent="yes")).content.decode()
        assert "25 days (above threshold)" in refused
        assert "gives bidders 10 days" in refused
        # Not for a published tender, nor for another buyer.
        published = testing.published_tender(buyer=buyer, by=officer, title="P")
    assert signed_in.get(url).status_code == 405
    preview = reverse("tenders:tendering_period_preview", args=[published.pk])
    assert signed_in.post(preview, urgent).status_code == 403
    other = testing.buyer_org("Another Council")
    signed_in.force_login(testing.member(other, Role.BUYER_OFFICER))
    assert signed_in.post(url, urgent).status_code == 404


def test_the_amend_page_summary_follows_the_deadline_being_typed(client, buyer, officer):
    with clock.frozen_at(NOW):
        tender = testing.published_tender(buyer=buyer, by=officer, days_to_deadline=30)
        client.force_login(officer)
        url = reverse("tenders:amend_period_preview", args=[tender.pk])
        assert (
            f'hx-post="{url}"'
            in client.get(reverse("tenders:amend", args=[tender.pk])).content.decode()
        )
        typed = {
            "submission_date_day": "4",
            "submission_date_month": "4",
            "submission_date_year": "2026",
            "submission_time": "23:00",
        }
        fragment = client.post(url, typed).content.decode()
        assert "New submission deadline" in fragment and "<html" not in fragment
        assert "11:00pm BST on 4 April 2026: 33 days from publication" in fragment
        assert "is at or near midnight" in fragment and "falls on a weekend" in fragment
        # Half typed: the current deadline; nothing is amended either way.
        half = client.post(url, {**typed, "submission_time": ""}).content.decode()
        assert "11:00am BST on 1 April 2026: 30 days from publication" in half
        assert not tender.amendments.exists()
    # After the deadline there is nothing to amend.
    with clock.frozen_at(NOW + timedelta(days=31)):
        assert client.post(url, typed).status_code == 403


def test_the_questions_name_the_periods_of_the_rules_in_force(
    signed_in, buyer, officer, monkeypatch
):
    """The periods are versioned data (periods.PERIOD_RULES): a new version's figures reach the
    questions' words, which are never written with the figures of an old one."""
    from dataclasses import replace

    from levelfield.tenders import periods

    current = periods.rules_for(NOW.date())
    changed = replace(
        current,
        code="test-later",
        valid_from=NOW.date() - timedelta(days=1),
        open_procedure_days=30,
        reduced_days=15,
        below_threshold_days=12,
        planned_notice_min_days=45,
    )
    monkeypatch.setattr(periods, "PERIOD_RULES", (*periods.PERIOD_RULES, changed))
    with clock.frozen_at(NOW):
        tender = testing.draft_tender(buyer=buyer, by=officer, days_to_deadline=40)
        body = get(signed_in, tender)
        refused = signed_in.post(
            page_url(tender), form_data(needs_short_period="yes")
        ).content.decode()
    assert "makes 30 days impracticable" in body
    assert "allows 15 days (s.54(4))" in body
    assert "at least 45 days and at most a year before the tender notice" in body
    assert "be given fewer than 12 days?" in body
    assert "a period under 12 days" in body
    assert "25 days impracticable" not in body
    assert "Say why bidders need fewer than 12 days" in refused
