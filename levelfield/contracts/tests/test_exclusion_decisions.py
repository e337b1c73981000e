"""Before the award, the buyer decides on every exclusion finding, with reasons (Procurement Act
2023 s.57); an excluded supplier's tender is disregarded (s.26(1)). The award cannot be confirmed
while a finding is undecided."""

import re

import pytest
from django.urls import reverse

from levelfield.contracts import actions as contract_actions
from levelfield.contracts.models import AssessmentSummary, AwardDecision, ExclusionDecision
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.core.models import AuditEvent
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers import exclusions
from tests.support import testing

from .test_pages import bid_on, evaluate, signed_in


def declare(organisation, user, **applies):
    answers = exclusions.no_grounds()
    for code, details in applies.items():
        answers[code] = {"applies": True, "details": details}
    supplier_actions.declare_exclusions(organisation=organisation, by=user, answers=answers)


@pytest.fixture
def flagged(tender, officer, evaluator, supplier, other_supplier):
    """Acorn declared labour market misconduct before bidding and scores best (92.00 against
    Beech's 70.00); Beech declared no ground."""
    declare(*supplier, labour_misconduct="An employment tribunal award in 2024.")
    declare(*other_supplier)
    bids = bid_on(tender, supplier, other_supplier)
    with testing.after_deadline(tender):
        yield evaluate(bids, officer, evaluator)


def test_the_award_is_refused_while_a_finding_is_undecided(flagged, buyer_admin):
    with pytest.raises(InvalidTransition) as refused:
        contract_actions.confirm_award(tender=flagged.tender, by=buyer_admin)
    assert refused.value.code == "exclusion_undecided"
    assert refused.value.message == (
        "Decide every exclusion finding before you confirm the award (s.57): 1 still undecided: "
        "Acorn Care Ltd (Acorn Care Ltd, lot 1)"
    )
    assert not AwardDecision.objects.exists()


def test_not_excluded_with_reasons_then_the_award_goes_to_the_best_bid(flagged, buyer_admin):
    acorn = flagged.bid_a.supplier
    with pytest.raises(DomainError, match="Give the reasons for your decision"):
        contract_actions.decide_exclusion(
            bid=flagged.bid_a, organisation=acorn, exclude=False, reasons="  ", by=buyer_admin
        )
    contract_actions.decide_exclusion(
        bid=flagged.bid_a,
        organisation=acorn,
        exclude=False,
        reasons="A single tribunal award; new HR policies since; not likely to recur.",
        by=buyer_admin,
    )
    event = AuditEvent.objects.get(action="exclusion.decided")
    assert event.data["exclude"] is False and event.data["supplier"] == "Acorn Care Ltd"
    contract_actions.confirm_award(tender=flagged.tender, by=buyer_admin)
    assert AwardDecision.objects.get().winning_bid == flagged.bid_a


def test_an_excluded_tender_is_disregarded_and_the_next_best_wins(flagged, buyer_admin):
    contract_actions.decide_exclusion(
        bid=flagged.bid_a,
        organisation=flagged.bid_a.supplier,
        exclude=True,
        reasons="Continuing: a second claim is pending.",
        by=buyer_admin,
    )
    contract_actions.confirm_award(tender=flagged.tender, by=buyer_admin)
    assert AwardDecision.objects.get().winning_bid == flagged.bid_b
    acorn = AssessmentSummary.objects.get(bid=flagged.bid_a)
    assert acorn.successful is False
    assert acorn.data["disqualified"] == "Excluded: its tender was disregarded (s.26, s.57)"


def test_only_a_flagged_organisation_and_only_a_buyer_admin(flagged, buyer_admin, officer):
    with pytest.raises(DomainError, match="No exclusion finding needs a decision"):
        contract_actions.decide_exclusion(
            bid=flagged.bid_b,
            organisation=flagged.bid_b.supplier,
            exclude=True,
            reasons="No reason.",
            by=buyer_admin,
        )
    with pytest.raises(DomainError, match="Only a buyer admin can decide on exclusion"):
        contract_actions.decide_exclusion(
            bid=flagged.bid_a,
            organisation=flagged.bid_a.supplier,
            exclude=True,
            reasons="Continuing.",
            by=officer,
        )
    assert not ExclusionDecision.objects.exists()


def test_a_decision_made_before_a_new_declaration_no_longer_stands(flagged, buyer_admin):
    contract_actions.decide_exclusion(
        bid=flagged.bid_a,
        organisation=flagged.bid_a.supplier,
        exclude=False,
        reasons="Not likely to recur.",
        by=buyer_admin,
    )
    # An hour later Acorn declares again, now with a mandatory ground: the buyer must weigh it
    # afresh.
    with testing.after_deadline(flagged.tender, minutes=61):
        declare(flagged.bid_a.supplier, flagged.user_a, bribery="A conviction last month.")
        with pytest.raises(InvalidTransition, match="1 still undecided: Acorn Care Ltd"):
            contract_actions.confirm_award(tender=flagged.tender, by=buyer_admin)


def test_the_buyer_decides_on_the_exclusion_checks_page(client, flagged, buyer_admin, officer):
    url = reverse("contracts:exclusions", args=[flagged.tender.pk])
    signed_in(client, officer)
    page = client.get(url).content.decode()
    assert "1 finding still to decide." in page
    assert "Record the decision" not in page  # an officer reads, an admin decides
    assert client.post(url, {}).status_code == 403

    signed_in(client, buyer_admin)
    award_page = client.get(reverse("contracts:award", args=[flagged.tender.pk])).content.decode()
    assert "1 exclusion finding still to decide." in award_page
    assert "Confirm award decision" not in award_page
    page = client.get(url).content.decode()
    assert "Is Acorn Care Ltd excluded from this bid?" in page
    data = {"bid": flagged.bid_a.pk, "organisation": flagged.bid_a.supplier.pk}
    refused = client.post(url, {**data, "decision": "not_exclude"})
    assert refused.status_code == 200, refused.content.decode()[-3000:]
    assert "Give the reasons for your decision" in refused.content.decode()
    assert not ExclusionDecision.objects.exists()

    done = client.post(url, {**data, "decision": "not_exclude", "reasons": "Self-cleaned."})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "Decision on Acorn Care Ltd recorded" in page
    assert "Not excluded</strong> Self-cleaned." in page
    assert "Every finding is decided." in page

    award_page = client.get(reverse("contracts:award", args=[flagged.tender.pk])).content.decode()
    assert "Confirm award decision" in award_page and "still to decide" not in award_page
    response = client.post(
        reverse("contracts:award", args=[flagged.tender.pk]), {"reason": "", "confirm": "yes"}
    )
    assert response.status_code == 302
    assert AwardDecision.objects.get().winning_bid == flagged.bid_a


def summary_links(body: str) -> list[str]:
    """The targets of the error summary's links, each checked to be an element on the page."""
    summary = body[body.index("govuk-error-summary__list") :]
    summary = summary[: summary.index("</ul>")]
    targets = re.findall(r'href="#([^"]+)"', summary)
    for target in targets:
        assert f'id="{target}"' in body, f"the error summary links to #{target}, not on the page"
    return targets


def test_the_error_summary_links_to_each_field_of_the_refused_decision(
    client, flagged, buyer_admin
):
    """GOV.UK error summary: each error links to its own field, in the row of the finding the
    buyer was deciding, which keeps what was typed."""
    url = reverse("contracts:exclusions", args=[flagged.tender.pk])
    signed_in(client, buyer_admin)
    data = {"bid": flagged.bid_a.pk, "organisation": flagged.bid_a.supplier.pk}
    row = f"exclusion-{flagged.bid_a.pk}-{flagged.bid_a.supplier.pk}"

    nothing = client.post(url, data).content.decode()
    assert summary_links(nothing) == [f"{row}-decision", f"{row}-reasons"]
    assert "<title>Error: Exclusion checks" in nothing
    assert "Choose whether to exclude Acorn Care Ltd from this bid" in nothing
    assert "Give the reasons for your decision on Acorn Care Ltd" in nothing
    # Each message is beside its field too, and the field says so to a screen reader.
    assert f'id="{row}-decision-error"' in nothing and f'id="{row}-reasons-error"' in nothing
    assert f'aria-describedby="{row}-reasons-hint {row}-reasons-error"' in nothing

    typed = client.post(url, {**data, "reasons": "Self-cleaned since."}).content.decode()
    assert summary_links(typed) == [f"{row}-decision"]
    assert "Self-cleaned since.</textarea>" in typed
    assert not ExclusionDecision.objects.exists()
