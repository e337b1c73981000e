"""The review team's pages: the case list (overdue first, time left, filters), the case page
with the raiser and the history, and each step through its own page: accept, ask the buyer,
findings, follow-up; a review manager closes and publishes. The buyer responds on its pages.
Anyone off the team gets 404; a reviewer cannot close."""

from datetime import timedelta

import pytest
from django.urls import reverse

from levelfield.core import clock
from levelfield.reviews import actions
from levelfield.reviews.lifecycle import CaseStatus
from levelfield.reviews.models import Case, CaseKind
from tests.support import testing

pytestmark = pytest.mark.django_db


def _case(world, **fields) -> Case:
    return actions.raise_case(
        by=world.raiser,
        kind=CaseKind.PROCUREMENT,
        description="The criteria changed after bids were in.",
        raiser_organisation=world.supplier,
        tender=world.tender,
        evidence=[testing.pdf("ambridge-minutes.pdf")],
        **fields,
    )


def test_only_the_review_team_reaches_its_pages(client, world):
    case = _case(world)
    team_pages = [
        reverse("reviews:team_cases"),
        reverse("reviews:team_case", args=[case.pk]),
        reverse("reviews:team_accept", args=[case.pk]),
        reverse("reviews:team_evidence", args=[case.pk, 1]),
    ]
    for person in (world.raiser, world.buyer_admin, world.officer):
        client.force_login(person)
        assert [client.get(url).status_code for url in team_pages] == [404] * 4
    client.force_login(world.reviewer)
    assert [client.get(url).status_code for url in team_pages] == [200] * 4


def test_a_reviewer_takes_a_case_from_triage_to_findings(client, world):
    case = _case(world)
    client.force_login(world.reviewer)

    listed = client.get(reverse("reviews:team_cases")).content.decode()
    assert case.reference in listed and "Not yet accepted" in listed
    page = client.get(reverse("reviews:team_case", args=[case.pk])).content.decode()
    assert "Pip Archer" in page and "ambridge-minutes.pdf" in page
    assert "Anonymous: never name them to the buyer" in page

    accepted = client.post(reverse("reviews:team_accept", args=[case.pk]), {"sector": "central"})
    assert accepted.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.target_months == 2

    due = clock.today_uk() + timedelta(days=10)
    asked = client.post(
        reverse("reviews:team_request", args=[case.pk]),
        {
            "organisation": world.buyer.pk,
            "question": "Why did the criteria change?",
            "due_on": due.strftime("%d/%m/%Y"),
        },
    )
    assert asked.status_code == 302

    # The buyer's officer answers on its own pages.
    client.force_login(world.officer)
    requests = client.get(reverse("reviews:respondent_cases")).content.decode()
    assert case.reference in requests and "10 days left" in requests
    responded = client.post(
        reverse("reviews:respond", args=[case.pk]),
        {"response": "A clerical error, corrected.", "documents": [testing.pdf("memo.pdf")]},
    )
    assert responded.status_code == 302

    client.force_login(world.reviewer)
    page = client.get(reverse("reviews:team_case", args=[case.pk])).content.decode()
    assert "A clerical error, corrected." in page and "memo.pdf" in page
    found = client.post(
        reverse("reviews:team_findings", args=[case.pk]),
        {"findings": "The change was not published.", "recommendations": "Publish changes."},
    )
    assert found.status_code == 302
    followed = client.post(
        reverse("reviews:team_follow_up", args=[case.pk]), {"note": "Changes now published."}
    )
    assert followed.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.FOLLOWING_UP
    history = client.get(reverse("reviews:team_case", args=[case.pk])).content.decode()
    assert "Rita Reviewer" in history

    # A reviewer may not close: the page is not theirs.
    assert client.get(reverse("reviews:team_close", args=[case.pk])).status_code == 404


def test_a_manager_closes_and_publishes_and_the_public_reads_it(client, world):
    case = _case(world)
    client.force_login(world.manager)
    client.post(reverse("reviews:team_accept", args=[case.pk]), {"sector": "wider"})
    closed = client.post(
        reverse("reviews:team_close", args=[case.pk]),
        {
            "outcome": "resolved",
            "summary": "The buyer re-ran the evaluation.",
            "amount_unblocked": "",
        },
    )
    assert closed.status_code == 302
    published = client.post(
        reverse("reviews:team_publish", args=[case.pk]),
        {"summary": "Borsetshire re-ran an evaluation after criteria changed."},
    )
    assert published.status_code == 302

    client.logout()
    listed = client.get(reverse("reviews:published_cases")).content.decode()
    assert case.reference in listed and "Borsetshire County Council" in listed
    filtered = client.get(reverse("reviews:published_cases"), {"kind": "late_payment"})
    assert case.reference not in filtered.content.decode()
    outcome = client.get(reverse("reviews:published_case", args=[case.pk])).content.decode()
    assert "re-ran an evaluation" in outcome
    summary = client.get(reverse("reviews:yearly_summary")).content.decode()
    assert str(clock.today_uk().year) in summary


def test_a_text_naming_an_anonymous_raiser_is_refused_beside_its_field(client, world):
    case = _case(world)
    client.force_login(world.reviewer)
    client.post(reverse("reviews:team_accept", args=[case.pk]), {"sector": "central"})

    response = client.post(
        reverse("reviews:team_request", args=[case.pk]),
        {
            "organisation": world.buyer.pk,
            "question": "Pip Archer says the criteria changed: why?",
            "due_on": (clock.today_uk() + timedelta(days=5)).strftime("%d/%m/%Y"),
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_question-error"' in page and "There is a problem" in page
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


def test_the_list_puts_overdue_cases_first_and_filters(client, world):
    late = _case(world)
    with clock.frozen_at(clock.now() - timedelta(days=120)):
        actions.accept_case(case=late, by=world.reviewer, sector="central")
    waiting = _case(world)
    client.force_login(world.reviewer)

    page = client.get(reverse("reviews:team_cases")).content.decode()
    assert page.index(late.reference) < page.index(waiting.reference)
    assert "overdue" in page and "govuk-tag--red" in page
    only_raised = client.get(reverse("reviews:team_cases"), {"status": "raised"}).content.decode()
    assert waiting.reference in only_raised and late.reference not in only_raised


def test_the_platform_admin_gives_the_review_roles_on_the_platform_roles_page(client):
    admin = testing.UserFactory(is_superuser=True, is_staff=True)
    person = testing.UserFactory(email="rhea@example.org", full_name="Rhea Reviewer")
    client.force_login(admin)
    page = client.get(reverse("resilience:platform_team")).content.decode()
    assert "Reviewer" in page and "Review manager" in page

    response = client.post(
        reverse("resilience:platform_team"),
        {"email": person.email, "role": "review_manager"},
        follow=True,
    )

    assert "Rhea Reviewer is now a review manager" in response.content.decode()
    client.force_login(person)
    assert client.get(reverse("reviews:team_cases")).status_code == 200
