"""Exclusion declarations: answered once, dated, attached to every bid until a year old; a
changed answer is a new declaration; no bid is submitted without a current one."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.bids import actions as bid_actions
from levelfield.bids.models import BidStatus
from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.suppliers import actions, exclusions, selectors
from levelfield.suppliers.models import BidDeclaration, ExclusionDeclaration
from tests.support import testing


def draft_bid(tender, org, user):
    lot = tender.lots.get()
    bid = bid_actions.start_bid(lot=lot, supplier=org, by=user)
    answers = {q.pk: "Our answer." for q in lot.questions.all()}
    return bid_actions.save_bid(bid=bid, by=user, price=Decimal("90000"), answers=answers)


def clean_answers(**applies) -> dict:
    answers = exclusions.no_grounds()
    for code, details in applies.items():
        answers[code] = {"applies": True, "details": details}
    return answers


@pytest.fixture
def undeclared(db):
    """A supplier that has never made a declaration."""
    org = testing.supplier_org("Newcomer Ltd", declared=False)
    return org, testing.member(org, Role.SUPPLIER_ADMIN)


def test_the_grounds_are_data_from_schedules_6_and_7():
    grounds = exclusions.ground_set_for(clock.today_uk())
    assert grounds.code == "PA2023" and grounds.valid_for_years == 1
    assert len(grounds.mandatory) >= 10 and len(grounds.discretionary) >= 8
    assert all("Schedule 6" in g.source for g in grounds.mandatory)
    assert all("Schedule 7" in g.source for g in grounds.discretionary)
    assert len({g.code for g in grounds.grounds}) == len(grounds.grounds)


def test_no_bid_is_submitted_without_a_declaration(tender, undeclared):
    org, admin = undeclared
    bid = draft_bid(tender, org, admin)
    with pytest.raises(DomainError) as refused:
        bid_actions.submit_bid(bid=bid, by=admin)
    assert refused.value.code == "exclusion_declaration"
    assert "Newcomer Ltd has no current exclusion declaration" in refused.value.message
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT and not bid.receipts.exists()

    actions.declare_exclusions(organisation=org, by=admin, answers=clean_answers())
    receipt = bid_actions.submit_bid(bid=bid, by=admin)
    assert receipt.bid.status == BidStatus.SUBMITTED


def test_a_declaration_lasts_a_year_to_the_second(buyer, officer, undeclared):
    org, admin = undeclared
    declaration = actions.declare_exclusions(organisation=org, by=admin, answers=clean_answers())
    assert declaration.expires_at.year == declaration.declared_at.year + 1
    assert declaration.expires_at - declaration.declared_at in {
        timedelta(days=365),
        timedelta(days=366),
    }
    # A tender whose window runs across the day the declaration turns a year old.
    with clock.frozen_at(declaration.expires_at - timedelta(days=20)):
        tender = testing.published_tender(buyer=buyer, by=officer)
        bid = draft_bid(tender, org, admin)
    with clock.frozen_at(declaration.expires_at - timedelta(seconds=1)):
        assert selectors.current_declaration(org) == declaration
        bid_actions.submit_bid(bid=bid, by=admin)
        bid_actions.withdraw_bid(bid=bid, by=admin)
    with clock.frozen_at(declaration.expires_at):
        assert selectors.current_declaration(org) is None
        with pytest.raises(DomainError, match="no current exclusion declaration"):
            bid_actions.submit_bid(bid=bid, by=admin)
        # Declaring again brings it back.
        actions.declare_exclusions(organisation=org, by=admin, answers=clean_answers())
        bid_actions.submit_bid(bid=bid, by=admin)


def test_the_declaration_is_attached_to_each_bid_as_it_stood(tender, supplier):
    org, user = supplier
    bid = testing.submitted_bid(tender=tender, supplier=org, by=user, price="100000")
    [attached] = bid.declarations.all()
    assert attached.role == BidDeclaration.Role.BIDDER
    assert attached.declaration == selectors.current_declaration(org)
    assert attached.snapshot["grounds_version"] == "PA2023"
    assert all(not a["applies"] for a in attached.snapshot["answers"])
    # A later declaration does not change what this bid carried.
    later = actions.declare_exclusions(
        organisation=org,
        by=user,
        answers=clean_answers(insolvency="Entered a company voluntary arrangement in May."),
    )
    attached.refresh_from_db()
    assert attached.declaration != later
    assert attached.snapshot["discretionary_grounds"] == []


def test_a_changed_answer_is_a_new_dated_declaration(supplier):
    org, user = supplier
    first = selectors.current_declaration(org)
    changed = actions.declare_exclusions(
        organisation=org,
        by=user,
        answers=clean_answers(poor_performance="A contract ended early in 2024."),
    )
    assert changed.pk != first.pk and changed.declared_at > first.declared_at
    assert selectors.current_declaration(org) == changed
    assert changed.discretionary_grounds == ["poor_performance"]
    first.refresh_from_db()
    assert first.answers == exclusions.no_grounds()
    assert ExclusionDeclaration.objects.filter(organisation=org).count() == 2


def test_a_discretionary_ground_does_not_stop_a_bid_but_a_mandatory_one_does(tender, supplier):
    org, user = supplier
    actions.declare_exclusions(
        organisation=org,
        by=user,
        answers=clean_answers(labour_misconduct="An employment tribunal award in 2024."),
    )
    bid = testing.submitted_bid(tender=tender, supplier=org, by=user, price="100000")
    assert bid.status == BidStatus.SUBMITTED
    bid_actions.withdraw_bid(bid=bid, by=user)
    actions.declare_exclusions(
        organisation=org, by=user, answers=clean_answers(bribery="A conviction in March 2024.")
    )
    with pytest.raises(DomainError) as refused:
        bid_actions.submit_bid(bid=bid, by=user)
    assert "Acorn Care Ltd (bidder) has declared that a mandatory exclusion ground applies" in (
        refused.value.message
    )
    assert "bribery and corruption" in refused.value.message


def test_every_ground_needs_an_answer_and_a_yes_needs_details(supplier):
    org, user = supplier
    answers = clean_answers()
    del answers["terrorism"]
    answers["cartel"] = {"applies": True, "details": " "}
    with pytest.raises(DomainError) as refused:
        actions.declare_exclusions(organisation=org, by=user, answers=answers)
    assert "Answer yes or no: Terrorism offences" in refused.value.details
    assert "Say what happened and when: Cartel offences and bid rigging" in refused.value.details


def test_only_an_admin_declares(supplier):
    org, _user = supplier
    member = testing.member(org, Role.SUPPLIER_MEMBER)
    with pytest.raises(DomainError) as refused:
        actions.declare_exclusions(organisation=org, by=member, answers=clean_answers())
    assert refused.value.code == "forbidden"


def test_the_declaration_page_takes_every_answer(client, undeclared, tender):
    org, admin = undeclared
    client.force_login(admin)
    page = client.get(reverse("suppliers:declaration"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "You have not made a declaration yet" in body
    assert "Procurement Act 2023, Schedule 6, paragraph 2" in body

    form = {g.code: "no" for g in exclusions.PA2023.grounds}
    form["insolvency"] = "yes"
    response = client.post(reverse("suppliers:declaration"), form)
    assert response.status_code == 200
    assert "Say what happened and when: Insolvency and bankruptcy" in response.content.decode()
    assert not ExclusionDeclaration.objects.filter(organisation=org).exists()

    form["insolvency_details"] = "A creditors' arrangement agreed in 2025, now complete."
    response = client.post(reverse("suppliers:declaration"), form)
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "Your exclusion declaration has been made" in body
    assert "Current" in body and "now complete" in body
    declaration = selectors.current_declaration(org)
    assert declaration.discretionary_grounds == ["insolvency"]
    assert declaration.declared_by == admin

    # The bid page says the declaration will be attached.
    body = client.get(reverse("bids:edit", args=[tender.lots.get().pk])).content.decode()
    assert "will be attached to this bid" in body


def test_the_bid_page_warns_without_a_declaration(client, undeclared, tender):
    _org, admin = undeclared
    client.force_login(admin)
    body = client.get(reverse("bids:edit", args=[tender.lots.get().pk])).content.decode()
    assert "You have no current exclusion declaration" in body
    assert reverse("suppliers:declaration") in body


def test_submitting_on_the_page_without_a_declaration_shows_why(client, undeclared, tender):
    org, admin = undeclared
    client.force_login(admin)
    lot = tender.lots.get()
    client.post(reverse("bids:start", args=[lot.pk]))
    bid = org.bids.get()
    data = {"price": "90000"}
    data.update({f"answer_{q.pk}": "Our answer." for q in lot.questions.all()})
    response = client.post(reverse("bids:submit", args=[bid.pk]), data)
    assert response.status_code == 200
    assert "Newcomer Ltd has no current exclusion declaration" in response.content.decode()
    bid.refresh_from_db()
    assert bid.price == Decimal("90000") and bid.status == BidStatus.DRAFT


def test_new_exclusion_grounds_ask_every_supplier_to_answer_again(
    monkeypatch, client, supplier, tender
):
    """A change to the grounds themselves (an amended Act) asks for a new answer, even from a
    declaration less than a year old; the bid is refused until the supplier answers again."""
    org, user = supplier
    bid = draft_bid(tender, org, user)
    old = selectors.current_declaration(org)
    changed_on = clock.today_uk() + timedelta(days=2)
    amended = exclusions.GroundSet(
        code="PA2023-AMENDED",
        title="Procurement Act 2023 exclusion grounds, as amended",
        valid_from=changed_on,
        source="An amendment (for this test)",
        valid_for_years=1,
        grounds=exclusions.PA2023.grounds,
    )
    monkeypatch.setattr(exclusions, "GROUND_SETS", (exclusions.PA2023, amended))
    assert selectors.current_declaration(org) == old  # the old grounds are still in force

    with clock.frozen_at(clock.now() + timedelta(days=3)):
        assert old.expires_at > clock.now()
        assert selectors.current_declaration(org) is None
        with pytest.raises(DomainError) as refused:
            bid_actions.submit_bid(bid=bid, by=user)
        assert refused.value.code == "exclusion_declaration"
        assert "The exclusion grounds have changed" in refused.value.message
        client.force_login(user)
        profile = client.get(reverse("suppliers:profile")).content.decode()
        assert "The exclusion grounds have changed since your declaration" in profile
        page = client.get(reverse("suppliers:declaration")).content.decode()
        assert "Out of date" in page and "answer them again below" in page

        renewed = actions.declare_exclusions(organisation=org, by=user, answers=clean_answers())
        assert renewed.grounds_version == "PA2023-AMENDED"
        assert selectors.current_declaration(org) == renewed
        bid_actions.submit_bid(bid=bid, by=user)
    assert bid.declarations.get().declaration == renewed
