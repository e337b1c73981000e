"""Raising a concern: who may, what each kind needs (checked once, in the domain), the 2-year
limit, evidence checked and stored under a random name; what the raiser and the team read."""

from datetime import timedelta

import pytest

from levelfield.core import clock
from levelfield.core.errors import DomainError, PermissionDenied
from levelfield.reviews import actions, selectors
from levelfield.reviews.case_rules import FIELD_FOR_CODE
from levelfield.reviews.lifecycle import CaseStatus
from levelfield.reviews.models import CaseKind
from tests.support import testing


def refusal(call) -> str:
    with pytest.raises(DomainError) as error:
        call()
    assert error.value.code in FIELD_FOR_CODE or isinstance(error.value, PermissionDenied)
    return error.value.code


def by_hand(world, **changes):
    fields = {
        "by": world.raiser,
        "kind": CaseKind.PROCUREMENT,
        "description": "The council let the contract without advertising it.",
        "procurement_title": "Street lighting maintenance",
        "notice_reference": "2025/S 000-123456",
        "procurement_date": clock.today_uk() - timedelta(days=300),
        "authority_name": "Loamshire District Council",
    }
    fields.update(changes)
    return lambda: actions.raise_case(**fields)


def test_what_a_procurement_described_by_hand_needs(world):
    today = clock.today_uk()
    assert refusal(by_hand(world, description="  ")) == "description_required"
    assert refusal(by_hand(world, procurement_title="")) == "procurement_required"
    assert refusal(by_hand(world, notice_reference="")) == "notice_reference_required"
    assert refusal(by_hand(world, procurement_date=None)) == "procurement_date_required"
    assert refusal(by_hand(world, authority_name="")) == "authority_required"
    assert refusal(by_hand(world, kind="other")) == "kind_unknown"
    assert (
        refusal(by_hand(world, procurement_date=today + timedelta(days=1)))
        == "procurement_date_future"
    )
    # The last 2 years: two years ago today is in; the day before is out.
    two_years = today.replace(year=today.year - 2)
    assert by_hand(world, procurement_date=two_years)().status == CaseStatus.RAISED
    assert (
        refusal(by_hand(world, procurement_date=two_years - timedelta(days=1)))
        == "procurement_too_old"
    )


def test_who_may_raise(world):
    unverified = testing.UserFactory(email_verified_at=None)
    with pytest.raises(PermissionDenied):
        by_hand(world, by=unverified)()
    _elsewhere, stranger = testing.supplier_with_user("Elsewhere Ltd")
    assert refusal(by_hand(world, by=stranger, raiser_organisation=world.supplier)) == (
        "not_your_organisation"
    )
    # Anyone registered, with no organisation at all.
    assert by_hand(world, by=testing.UserFactory())().status == CaseStatus.RAISED


def test_a_draft_tender_is_not_a_procurement_to_raise(world):
    draft = testing.draft_tender(buyer=world.buyer, by=world.officer, title="Not yet out")
    code = refusal(
        lambda: actions.raise_case(
            by=world.raiser, kind=CaseKind.PROCUREMENT, description="Hm.", tender=draft
        )
    )
    assert code == "tender_not_published"


def test_a_subcontract_concern_names_the_prime_contractor(world):
    assert (
        refusal(by_hand(world, kind=CaseKind.SUBCONTRACT, prime_contractor_name=""))
        == "prime_contractor_required"
    )
    case = by_hand(world, kind=CaseKind.SUBCONTRACT, prime_contractor_name="Big Prime plc")()
    assert case.prime_contractor_name == "Big Prime plc" and case.prime_contractor is None


def test_evidence_is_checked_and_stored_under_a_random_name(world):
    case = actions.raise_case(
        by=world.raiser,
        kind=CaseKind.PROCUREMENT,
        description="See the attached.",
        tender=world.tender,
        evidence=[testing.pdf("Pip Archer notes.pdf")],
    )
    item = case.evidence.get()
    assert item.original_name == "Pip Archer notes.pdf"
    assert "Pip" not in item.file.name and item.file.name.startswith("reviews/evidence/")
    assert item.neutral_name == f"{case.reference}-evidence-1.pdf"
    not_a_pdf = testing.pdf("fake.pdf", body=b"MZ this is no PDF")
    assert (
        refusal(lambda: actions.add_evidence(case=case, by=world.raiser, upload=not_a_pdf))
        == "validation_error"
    )
    assert case.evidence.count() == 1
    second = actions.add_evidence(case=case, by=world.raiser, upload=testing.pdf("more.pdf"))
    assert second.number == 2
    with pytest.raises(PermissionDenied):
        actions.add_evidence(case=case, by=world.officer, upload=testing.pdf("theirs.pdf"))


def test_a_question_to_the_buyer_of_an_anonymous_case_may_not_name_the_raiser(world):
    case = actions.accept_case(
        case=by_hand(world, authority=world.buyer, raiser_organisation=world.supplier)(),
        by=world.reviewer,
    )
    for text in (
        "Pip Archer says the lots were too big",
        "As PIP.ARCHER@ambridge.example told us",
        "Ambridge Widgets Ltd was excluded",
    ):
        code = refusal(
            lambda text=text: actions.request_response(
                case=case,
                by=world.reviewer,
                organisation=world.buyer,
                question=text,
                due_on=clock.today_uk() + timedelta(days=5),
            )
        )
        assert code == "names_the_raiser"


def test_each_viewer_reads_its_own(world):
    case = by_hand(world, raiser_organisation=world.supplier)()
    colleague = testing.member(world.supplier, "supplier_member")
    assert selectors.raiser_case(world.raiser, case.pk) == case
    assert selectors.raiser_case(colleague, case.pk) == case
    assert selectors.raiser_case(world.officer, case.pk) is None
    assert selectors.team_case(world.reviewer, case.pk) == case
    assert selectors.team_case(world.officer, case.pk) is None
    # The buyer reads nothing until it is asked (and this authority is not on levelfield).
    assert selectors.respondent_case(world.officer, case.pk) is None
    assert selectors.respondent_cases(world.officer) == []


def test_what_an_anonymous_raiser_types_for_the_buyer_to_read_may_not_name_them(world):
    assert (
        refusal(by_hand(world, procurement_title="Pip Archer's bid for street lighting"))
        == "names_the_raiser"
    )
    named = by_hand(
        world, procurement_title="Pip Archer's bid for street lighting", buyer_may_know=True
    )()
    assert named.status == CaseStatus.RAISED
