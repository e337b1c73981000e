"""Anonymity on the pages: for an anonymous case taken all the way (evidence, a request
answered with a document, findings, a follow-up, closed, published), every page a buyer can
reach, as each buyer role (admin, officer, evaluator) and as the prime contractor's supplier
admin asked about a subcontract case, shows no trace of the raiser: their name, email address
(or its local part), organisation's name, organisation identifier, nor their files' names, in
the page or in its headers (a download's Content-Disposition).

The pages come from the URL resolver: every page of the review service is either in
`BUYER_PAGES` (with its parameters) or in `NOT_FOR_BUYERS` (and then refused to them), so a
new page cannot be missed; and every page of the platform that takes no parameters (the
dashboards, lists and audit views a buyer opens) is read too."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse

from levelfield.accounts.models import Role, User
from levelfield.core import clock
from levelfield.reviews import actions, case_rules
from levelfield.reviews.models import Case, CaseKind
from tests.authz.routes import url_patterns
from tests.support import testing

pytestmark = pytest.mark.django_db

SECRET_FILE = "ambridge-board-minutes-7731.pdf"


@dataclass
class Scene:
    case: Case
    sub_case: Case
    answered_request: int
    people: dict[str, User]


# The review service's pages a buyer or prime contractor reads, with their parameters.
BUYER_PAGES = {
    "reviews:respondent_cases": lambda s: {},
    "reviews:respondent_cases_csv": lambda s: {},
    "reviews:respondent_case": lambda s: {"pk": s.case.pk},
    "reviews:respond": lambda s: {"pk": s.case.pk},
    "reviews:respondent_evidence": lambda s: {"pk": s.case.pk, "number": 1},
    "reviews:respondent_document": lambda s: {"request_id": s.answered_request, "number": 1},
    "reviews:published_cases": lambda s: {},
    "reviews:published_cases_csv": lambda s: {},
    "reviews:published_case": lambda s: {"pk": s.case.pk},
    "reviews:yearly_summary": lambda s: {},
    "reviews:raise_start": lambda s: {},
}
# The rest: the raiser's and the team's, refused to a buyer (404, or a step with no answers).
NOT_FOR_BUYERS = {
    "reviews:raise_kind": None,
    "reviews:raise_details": None,
    "reviews:raise_who": None,
    "reviews:raise_check": None,
    "reviews:raise_done": lambda s: {"pk": s.case.pk},
    "reviews:raiser_cases": None,
    "reviews:raiser_case": lambda s: {"pk": s.case.pk},
    "reviews:raiser_add_evidence": lambda s: {"pk": s.case.pk},
    "reviews:raiser_evidence": lambda s: {"pk": s.case.pk, "number": 1},
    "reviews:team_cases": lambda s: {},
    **{
        f"reviews:team_{step}": (lambda s: {"pk": s.case.pk})
        for step in ("case", "accept", "reject", "request", "findings", "follow_up", "close")
    },
    "reviews:team_publish": lambda s: {"pk": s.case.pk},
    "reviews:team_evidence": lambda s: {"pk": s.case.pk, "number": 1},
    "reviews:team_document": lambda s: {"request_id": s.answered_request, "number": 1},
}


def _review_routes() -> set[str]:
    return {r.name for r in url_patterns() if r.name.startswith("reviews:")}


def _plain_pages() -> list[str]:
    """Every page of the platform with no parameters, but signing out."""
    return sorted(
        r.name
        for r in url_patterns()
        if not r.kwargs and not r.name.startswith("reviews:") and r.name != "accounts:logout"
    )


def test_every_review_page_is_in_the_table():
    listed = set(BUYER_PAGES) | set(NOT_FOR_BUYERS)
    assert _review_routes() == listed, (
        f"not in the table: {sorted(_review_routes() - listed)}; "
        f"gone: {sorted(listed - _review_routes())}"
    )


@pytest.fixture
def scene(world) -> Scene:
    manager = world.manager
    prime = testing.signed_contract(buyer=world.buyer)
    case = actions.raise_case(
        by=world.raiser,
        kind=CaseKind.PROCUREMENT,
        description="Pip Archer of Ambridge Widgets Ltd: the criteria changed after bids.",
        raiser_organisation=world.supplier,
        tender=world.tender,
        evidence=[testing.pdf(SECRET_FILE)],
    )
    actions.accept_case(case=case, by=manager)
    due = clock.today_uk() + timedelta(days=7)
    request = actions.request_response(
        case=case, by=manager, organisation=world.buyer, question="Why?", due_on=due
    )
    actions.respond(
        request=request, by=world.officer, response="Because.", documents=[testing.pdf("r.pdf")]
    )
    actions.request_response(
        case=case, by=manager, organisation=world.buyer, question="And?", due_on=due
    )
    actions.record_findings(
        case=case, by=manager, findings="Criteria changed.", recommendations="Re-run it."
    )
    actions.record_follow_up(case=case, by=manager, note="Re-run under way.")
    actions.close_case(case=case, by=manager, outcome="resolved", summary="Re-run.")
    actions.publish_outcome(case=case, by=manager, public_summary="The council re-ran it.")
    sub_case = actions.raise_case(
        by=world.raiser,
        kind=CaseKind.SUBCONTRACT,
        description="The prime contractor pays us late.",
        raiser_organisation=world.supplier,
        contract=prime.contract,
        evidence=[testing.pdf(SECRET_FILE)],
    )
    actions.accept_case(case=sub_case, by=manager)
    actions.request_response(
        case=sub_case,
        by=manager,
        organisation=prime.supplier,
        question="How do you pay your subcontractors?",
        due_on=due,
    )
    prime_admin = prime.supplier_user
    evaluator = testing.member(world.buyer, Role.EVALUATOR)
    return Scene(
        case=case,
        sub_case=sub_case,
        answered_request=request.pk,
        people={
            "buyer admin": world.buyer_admin,
            "buyer officer": world.officer,
            "evaluator": evaluator,
            "prime contractor's admin": prime_admin,
        },
    )


def _traces(case: Case) -> list[re.Pattern]:
    profile = getattr(case.raiser_organisation, "supplierprofile", None)
    words = [*case_rules.raiser_words(case), SECRET_FILE, SECRET_FILE.removesuffix(".pdf")]
    if profile is not None and profile.companies_house_number:
        words.append(profile.companies_house_number)
    patterns = [re.compile(re.escape(w), re.IGNORECASE) for w in words]
    # The platform's identifier of the raiser's organisation, not a longer number.
    patterns.append(re.compile(rf"GB-LEVELFIELD-{case.raiser_organisation_id}(?!\d)"))
    return patterns


def _read(client, url: str) -> tuple[int, str]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    return response.status_code, headers + "\n" + body.decode("utf-8", "replace")


def test_no_page_a_buyer_reaches_names_the_anonymous_raiser(client, scene):
    traces = _traces(scene.case)
    found, read = [], 0
    for role, person in scene.people.items():
        client.force_login(person)
        case = scene.sub_case if role == "prime contractor's admin" else scene.case
        own = Scene(case, scene.sub_case, scene.answered_request, scene.people)
        urls = [reverse(name, kwargs=params(own)) for name, params in BUYER_PAGES.items()]
        urls += [reverse(name) for name in _plain_pages()]
        for url in urls:
            status, text = _read(client, url)
            read += status == 200
            for pattern in traces:
                if pattern.search(text):
                    found.append(f"{role}: {url} ({status}) shows {pattern.pattern!r}")
    assert not found, "\n".join(found)
    assert read > 4 * 20  # the table was read, not refused


def test_the_buyer_reads_its_request_and_the_outcome_without_the_raiser(client, scene):
    client.force_login(scene.people["buyer officer"])
    page = client.get(reverse("reviews:respondent_case", args=[scene.case.pk])).content.decode()
    assert scene.case.reference in page
    assert "Re-run it." in page and "Not disclosed" in page
    assert "the criteria changed after bids" not in page  # the raiser's own account
    # The raiser's evidence is not offered to the buyer of an anonymous case.
    url = reverse("reviews:respondent_evidence", args=[scene.case.pk, 1])
    assert client.get(url).status_code == 404
    exported = client.get(reverse("reviews:respondent_cases_csv")).content.decode()
    assert scene.case.reference in exported and "Re-run it." in exported
    document = client.get(reverse("reviews:respondent_document", args=[scene.answered_request, 1]))
    assert document.status_code == 200 and "r.pdf" in document["Content-Disposition"]


def test_buyers_are_refused_the_raisers_and_the_teams_pages(client, scene):
    refused = []
    for role, person in scene.people.items():
        client.force_login(person)
        for name, params in NOT_FOR_BUYERS.items():
            url = reverse(name, kwargs=params(scene) if params else None)
            status = client.get(url).status_code
            if params is None:
                # The raising steps: a buyer may raise a concern too; nothing of a case here.
                continue
            if status != 404:
                refused.append(f"{role}: {name} answered {status}")
    assert not refused, "\n".join(refused)
