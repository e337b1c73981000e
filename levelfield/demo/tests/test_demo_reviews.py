"""The demo's procurement review service: a review manager and a reviewer; Kennet Home Care's
anonymous concern about the home care tender, closed and published naming the council and the
tender, never Kennet; Tarrant Highways' late payment, accepted by the system and awaiting the
council's response. Loaded once for the module, as of today."""

from levelfield.accounts.models import Organisation, User
from levelfield.core.models import AuditEvent
from levelfield.demo import reviews_data as data
from levelfield.reviews import selectors, selectors_public
from levelfield.reviews.lifecycle import CaseStatus
from levelfield.reviews.models import Case, CaseKind
from levelfield.reviews.rules import is_review_manager, is_review_team


def test_the_review_team_can_sign_in(demo, db):
    manager = User.objects.get(email=data.REVIEW_MANAGER["email"])
    reviewer = User.objects.get(email=data.REVIEWER["email"])
    assert is_review_manager(manager) and is_review_team(reviewer)
    assert not is_review_manager(reviewer)
    assert data.REVIEW_MANAGER["email"] in demo and data.REVIEWER["email"] in demo


def test_the_anonymous_concern_is_published_without_its_raiser(demo, db):
    kennet = Organisation.objects.get(name="Kennet Home Care Ltd")
    case = Case.objects.get(kind=CaseKind.PROCUREMENT)
    assert case.raiser_organisation == kennet and not case.buyer_may_know
    assert case.status == CaseStatus.CLOSED and case.published_at is not None
    assert case.closed_on <= case.due_on
    assert case.sector == "wider" and case.target_months == 3  # a county council
    [published] = selectors_public.published_outcomes()
    assert published.authority == "Wessex County Council"
    assert "Home care and reablement" in published.procurement
    assert published.within_target
    officer = User.objects.get(email="daniel.okafor@wessex.example")
    seen = selectors.respondent_case(officer, case.pk)
    assert seen is not None and seen.anonymous and seen.raised_by == ""
    assert "Kennet" not in repr(seen) and "Joanne" not in repr(seen)
    assert [r.responded_at is not None for r in seen.requests] == [True]


def test_the_late_payment_was_accepted_by_the_system_and_awaits_the_council(demo, db):
    case = Case.objects.get(kind=CaseKind.LATE_PAYMENT)
    assert case.raiser_organisation.name == "Tarrant Highways Ltd" and case.buyer_may_know
    assert case.accepted_automatically and case.accepted_by is None
    assert case.status == CaseStatus.AWAITING_RESPONSE
    assert case.invoice.reference == data.LATE_PAYMENT_CASE["invoice_reference"]
    late = [i for i in selectors.case_invoices(case) if i["named_in_case"]]
    assert late[0]["late"] and late[0]["days_open"] == 45
    accepted = AuditEvent.objects.get(action="review.accepted", object_id=str(case.pk))
    assert accepted.actor is None


def test_the_yearly_summary_counts_both(demo, db):
    summary = selectors_public.yearly_summary()
    assert sum(year.cases for year in summary) == 2
    assert sum(year.accepted for year in summary) == 2
    assert sum(year.resolved_within_target for year in summary) == 1
