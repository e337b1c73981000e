"""Before the award, the buyer reads the exclusion declarations each opened bid carried: the
bidder's, each consortium member's and each relied-on subcontractor's (associated persons,
Procurement Act 2023 s.26), and any declaration made since submission (s.57). Nothing shows
before the submission deadline, and no other buyer sees it."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.bids import actions as bid_actions
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers import exclusions, selectors
from levelfield.suppliers.models import Liability, MemberRole, Size
from levelfield.tenders import actions as tender_actions
from tests.support import testing


def answers(**applies) -> dict:
    result = exclusions.no_grounds()
    for code, details in applies.items():
        result[code] = {"applies": True, "details": details}
    return result


def filled(bid, by, price="95000"):
    data = {q.pk: "Our answer." for q in bid.lot.questions.all()}
    return bid_actions.save_bid(bid=bid, by=by, price=Decimal(price), answers=data)


@pytest.fixture
def bids(tender, supplier):
    """A consortium's bid and a solo bid that relies on a subcontractor, both submitted."""
    lot = tender.lots.get()
    trust, trust_admin = testing.supplier_with_user("Wessex Community Care Trust", is_vcse=True)
    cic, cic_admin = testing.supplier_with_user("Three Rivers Care CIC", is_vcse=True)
    consortium = supplier_actions.create_consortium(
        lead=trust,
        by=trust_admin,
        name="Wessex Care Partnership",
        liability=Liability.JOINT_AND_SEVERAL,
    )
    member = supplier_actions.invite_to_consortium(
        consortium=consortium, by=trust_admin, organisation=cic, role=MemberRole.MEMBER
    )
    supplier_actions.respond_to_consortium(member=member, by=cic_admin, accept=True)
    joint = filled(
        bid_actions.start_bid(lot=lot, supplier=consortium.organisation, by=trust_admin),
        trust_admin,
    )
    bid_actions.submit_bid(bid=joint, by=trust_admin)

    org, user = supplier
    supplier_actions.declare_exclusions(
        organisation=org,
        by=user,
        answers=answers(labour_misconduct="An employment tribunal award in 2024."),
    )
    sub_org, sub_admin = testing.supplier_with_user("Tarrant Highways Ltd", size=Size.SMALL)
    solo = filled(bid_actions.start_bid(lot=lot, supplier=org, by=user), user, "99000")
    supplier_actions.add_subcontractor(
        bid=solo,
        by=user,
        organisation=sub_org,
        name="",
        size="",
        share_percent=Decimal("20"),
        description="Traffic management.",
        relied_on=True,
    )
    bid_actions.submit_bid(bid=solo, by=user)

    # After submission, the CIC declares that a mandatory ground now applies.
    supplier_actions.declare_exclusions(
        organisation=cic, by=cic_admin, answers=answers(bribery="A conviction last month.")
    )
    return {"joint": joint, "solo": solo, "trust": trust, "cic": cic, "sub": sub_org, "org": org}


def test_the_buyer_sees_each_bids_declarations_and_later_changes(client, tender, officer, bids):
    url = reverse("contracts:exclusions", args=[tender.pk])
    client.force_login(officer)
    # Sealed before the deadline: the page does not exist.
    assert client.get(url).status_code == 404

    with testing.after_deadline(tender):
        # The checks read the bids' subcontractors, sealed until the bids are opened.
        tender_actions.open_evaluation(tender=tender, by=officer)
        checks = selectors.exclusion_checks([bids["joint"], bids["solo"]])
        joint = {c.organisation: c for c in checks[bids["joint"].pk]}
        assert [c.role_label for c in checks[bids["joint"].pk]] == [
            "Consortium lead",
            "Consortium member",
        ]
        assert joint[bids["trust"]].applies == () and joint[bids["trust"]].newer_declared_at is None
        cic = joint[bids["cic"]]
        assert cic.applies == ()  # as attached at submission
        assert cic.newer_declared_at is not None and cic.mandatory and cic.needs_attention
        assert [a.title for a in cic.newer_applies] == ["Bribery and corruption"]
        solo = {c.organisation: c for c in checks[bids["solo"].pk]}
        assert [c.role_label for c in checks[bids["solo"].pk]] == [
            "Bidder",
            "Subcontractor relied on",
        ]
        bidder = solo[bids["org"]]
        assert [(a.kind, a.title) for a in bidder.applies] == [
            ("discretionary", "Labour market misconduct")
        ]
        assert not bidder.mandatory and bidder.newer_declared_at is None
        assert not solo[bids["sub"]].needs_attention

        page = client.get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert "2 declarations need your attention" in body
        assert "Wessex Care Partnership, submitted" in body
        assert "Consortium lead" in body and "Subcontractor relied on" in body
        assert "Labour market misconduct: An employment tribunal award in 2024." in body
        assert "after this bid was submitted" in body
        assert "Bribery and corruption: A conviction last month." in body
        award_page = client.get(reverse("contracts:award", args=[tender.pk])).content.decode()
        assert url in award_page


def test_the_api_gives_the_same_checks_to_the_buyer_only(client, tender, officer, evaluator, bids):
    _, secret = create_api_token(user=officer, name="tests")
    url = f"/api/buyer/tenders/{tender.pk}/exclusion-checks"
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 404
    with testing.after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == 200, response.content
        by_supplier = {row["supplier"]: row for row in response.json()}
        member = by_supplier["Wessex Care Partnership"]["checks"][1]
        assert member["organisation"] == "Three Rivers Care CIC"
        assert member["applies"] == []
        assert member["newer_applies"][0]["kind"] == "mandatory"
        solo = by_supplier["Acorn Care Ltd"]["checks"]
        assert [c["role"] for c in solo] == ["Bidder", "Subcontractor relied on"]

        # An evaluator (who scores answers, not the award) cannot read them.
        _, evaluator_secret = create_api_token(user=evaluator, name="tests")
        assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {evaluator_secret}").status_code == 403
        # Another buyer's staff cannot either.
        other = testing.buyer_org("Avon District Council")
        stranger = testing.member(other, Role.BUYER_OFFICER)
        _, stranger_secret = create_api_token(user=stranger, name="tests")
        assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {stranger_secret}").status_code == 404
        client.force_login(stranger)
        page = client.get(reverse("contracts:exclusions", args=[tender.pk]))
        assert page.status_code == 404


def test_the_page_reads_the_checks_in_a_fixed_number_of_queries(
    client, buyer, officer, supplier, other_supplier
):
    client.force_login(officer)
    tender = testing.published_tender(buyer=buyer, by=officer)
    testing.submitted_bid(tender=tender, supplier=supplier[0], by=supplier[1], price="90000")
    url = reverse("contracts:exclusions", args=[tender.pk])

    def queries() -> int:
        with testing.after_deadline(tender), CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one = queries()
    testing.submitted_bid(
        tender=tender, supplier=other_supplier[0], by=other_supplier[1], price="95000"
    )
    for number in range(2):
        org, user = testing.supplier_with_user(f"Extra Bidder {number} Ltd")
        testing.submitted_bid(tender=tender, supplier=org, by=user, price="97000")
    assert queries() == one


def test_no_bids_is_an_empty_state(client, tender, officer):
    client.force_login(officer)
    with testing.after_deadline(tender):
        body = client.get(reverse("contracts:exclusions", args=[tender.pk])).content.decode()
    assert "No bids were received, so there is nothing to check." in body
