"""Anonymity where the buyer can look, outside the pages (those are test_pages_anonymity.py):
every API operation, email, export and audit view a buyer (admin, officer, evaluator) can
reach, for an anonymous case taken all the way (evidence, a reminder, a response with a
document, findings, a follow-up, closed, published), holds no trace of the raiser: their name,
email address (or its local part), organisation's name or identifier, nor their files' names.

The reads are a table, `BUYER_READS`: add a line for anything new a buyer can reach. The same
table read for a case whose raiser let the buyer know finds the raiser's name where the buyer
should see it, so the search can fail."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role, User
from levelfield.core import clock
from levelfield.reviews import actions, exports, selectors
from levelfield.reviews.models import Case, CaseKind, Outcome
from levelfield.tenders.history import tender_history
from tests.support import testing

SECRET_FILE = "pip-archer-timesheets-0412.pdf"


@dataclass
class Scene:
    case: Case
    raiser: User
    buyer_people: dict[str, User]
    emails: list = field(default_factory=list)  # every email sent while the case ran
    answers: dict[str, str] = field(default_factory=dict)  # what the changes answered

    def api(self, person: str, path: str, method: str = "get", **data) -> str:
        user = self.buyer_people[person]
        token = create_api_token(user=user, name="anonymity")[1]
        response = getattr(Client(), method)(path, HTTP_AUTHORIZATION=f"Bearer {token}", **data)
        assert response.status_code < 500, (path, response.status_code)
        return f"{response.status_code} {dict(response.headers)} {response.content.decode()}"

    def emails_to(self, person: str) -> str:
        address = self.buyer_people[person].email
        return "\n".join(f"{m.subject}\n{m.body}\n{m.to}" for m in self.emails if address in m.to)


Read = tuple[str, Callable[[Scene, str], str]]

# Each: what a buyer reads, as a function of the scene and the buyer person ("admin",
# "officer", "evaluator"), giving the text to search.
BUYER_READS: list[Read] = [
    ("API: the requests list", lambda s, p: s.api(p, "/api/reviews/requests")),
    ("API: the case", lambda s, p: s.api(p, f"/api/reviews/requests/{s.case.pk}")),
    (
        "API: responding (refused now)",
        lambda s, p: s.api(
            p, f"/api/reviews/requests/{s.case.pk}/response", "post", data={"response": "More"}
        ),
    ),
    ("API: the response answered", lambda s, p: s.answers.get(f"respond:{p}", "")),
    ("API: a raiser's case (refused)", lambda s, p: s.api(p, f"/api/reviews/my-cases/{s.case.pk}")),
    (
        "API: the team's case (refused)",
        lambda s, p: s.api(p, f"/api/reviews/team/cases/{s.case.pk}"),
    ),
    ("API: the team's list (refused)", lambda s, p: s.api(p, "/api/reviews/team/cases")),
    ("API: the outcomes", lambda s, p: s.api(p, "/api/reviews/outcomes")),
    ("API: the outcome", lambda s, p: s.api(p, f"/api/reviews/outcomes/{s.case.pk}")),
    ("API: the summary", lambda s, p: s.api(p, "/api/reviews/summary")),
    ("API: the tender", lambda s, p: s.api(p, f"/api/buyer/tenders/{s.case.tender_id}")),
    ("API: OCDS releases", lambda s, p: s.api(p, "/api/ocds/releases")),
    ("emails", lambda s, p: s.emails_to(p)),
    ("export: the buyer's cases", lambda s, p: exports.respondent_csv(s.buyer_people[p])),
    ("export: published outcomes", lambda s, p: exports.published_csv()),
    (
        "audit: the case's history",
        lambda s, p: repr(selectors.respondent_history(s.buyer_people[p], s.case.pk)),
    ),
    ("audit: the tender's history", lambda s, p: repr(tender_history(s.case.tender))),
    (
        "evidence download",
        lambda s, p: repr(selectors.respondent_evidence(s.buyer_people[p], s.case.pk, 1)),
    ),
]


def traces(scene: Scene) -> list[str]:
    raiser, organisation = scene.raiser, scene.case.raiser_organisation
    return [
        raiser.full_name,
        raiser.email,
        raiser.email.split("@")[0],
        organisation.name,
        f"GB-LEVELFIELD-{organisation.pk}",
        SECRET_FILE,
        SECRET_FILE.rsplit(".", 1)[0],
    ]


def build(world, *, named: bool) -> Scene:
    """The case run all the way, every email it sent kept."""
    evaluator = testing.member(world.buyer, Role.EVALUATOR)
    people = {"admin": world.buyer_admin, "officer": world.officer, "evaluator": evaluator}
    scene_answers: dict[str, str] = {}
    mail.outbox = []
    case = actions.raise_case(
        by=world.raiser,
        kind=CaseKind.PROCUREMENT,
        description="Pip Archer of Ambridge Widgets Ltd: the council asked for 5 years' accounts.",
        raiser_organisation=world.supplier,
        buyer_may_know=named,
        tender=world.tender,
        evidence=[testing.pdf(SECRET_FILE)],
    )
    actions.accept_case(case=case, by=world.reviewer)
    request = actions.request_response(
        case=case,
        by=world.reviewer,
        organisation=world.buyer,
        question="Why does the tender ask for five years of audited accounts?",
        due_on=clock.today_uk() + timedelta(days=7),
    )
    assert actions.send_response_reminders(today=clock.today_uk()) == 1
    scene = Scene(case=case, raiser=world.raiser, buyer_people=people, answers=scene_answers)
    scene_answers["respond:officer"] = scene.api(
        "officer",
        f"/api/reviews/requests/{case.pk}/response",
        "post",
        data={"response": "Our finance policy asks it.", "documents": [testing.pdf("policy.pdf")]},
    )
    assert request.pk
    actions.record_findings(
        case=case,
        by=world.reviewer,
        findings="Five years is out of proportion for this contract.",
        recommendations="Ask for two years, or other evidence of standing.",
    )
    actions.record_follow_up(case=case, by=world.reviewer, note="The template now asks for two.")
    actions.close_case(
        case=case, by=world.manager, outcome=Outcome.RESOLVED, summary="The council changed it."
    )
    actions.publish_outcome(
        case=case,
        by=world.manager,
        public_summary="Borsetshire County Council now asks for two years of accounts.",
    )
    case.refresh_from_db()
    return scene


@pytest.fixture
def anonymous(world, django_capture_on_commit_callbacks) -> Scene:
    with django_capture_on_commit_callbacks(execute=True):
        scene = build(world, named=False)
    scene.emails = list(mail.outbox)  # sent once the callbacks ran
    return scene


def test_nothing_a_buyer_reads_names_an_anonymous_raiser(anonymous, settings):
    settings.LEVELFIELD_RATE_LIMITS = {}
    found = []
    for person in anonymous.buyer_people:
        for what, read in BUYER_READS:
            text = read(anonymous, person).casefold()
            found += [
                f"{what} as the {person}: {trace!r}"
                for trace in traces(anonymous)
                if trace.casefold() in text
            ]
    assert found == []
    # The buyer was written to, and read the case: the search had something to search.
    assert anonymous.emails_to("officer") and anonymous.emails_to("admin")
    case_text = BUYER_READS[1][1](anonymous, "officer")
    assert anonymous.case.reference in case_text and "five years" in case_text


def test_a_raiser_who_let_the_buyer_know_is_named_where_the_buyer_reads_the_case(
    world, django_capture_on_commit_callbacks, settings
):
    settings.LEVELFIELD_RATE_LIMITS = {}
    with django_capture_on_commit_callbacks(execute=True):
        named = build(world, named=True)
    named.emails = list(mail.outbox)
    reads = dict(BUYER_READS)
    for what in (
        "API: the case",
        "emails",
        "export: the buyer's cases",
        "audit: the case's history",
    ):
        assert named.raiser.full_name in reads[what](named, "officer"), what
    evidence = selectors.respondent_evidence(world.officer, named.case.pk, 1)
    assert evidence is not None
    assert evidence.neutral_name == f"{named.case.reference}-evidence-1.pdf"
    assert SECRET_FILE not in evidence.file.name
    # The public never reads the raiser, named to the buyer or not.
    for what in ("API: the outcomes", "API: the outcome", "export: published outcomes"):
        assert named.raiser.full_name not in reads[what](named, "officer"), what
