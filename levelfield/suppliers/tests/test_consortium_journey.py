"""Suppliers bid together: the lead forms a consortium, invites members by organisation, each
member's admin accepts; the consortium bids as one, every member that accepted sees the bid,
the lead submits; it is awarded like any bid and published with its members."""

from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from jsonschema.validators import Draft4Validator

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.bids import actions as bid_actions
from levelfield.bids.models import Bid, BidStatus
from levelfield.contracts import actions as contract_actions
from levelfield.contracts.actions import exclusions as exclusion_actions
from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.opendata.models import Release
from levelfield.opendata.tests import schema
from levelfield.suppliers import actions, exclusions, selectors
from levelfield.suppliers.models import BidDeclaration, Liability, MemberRole, MemberStatus
from levelfield.tenders import actions as tender_actions
from tests.support import testing


@pytest.fixture
def trust(db):
    return testing.supplier_with_user("Wessex Community Care Trust", is_vcse=True)


@pytest.fixture
def cic(db):
    return testing.supplier_with_user("Three Rivers Care CIC", is_vcse=True)


@pytest.fixture
def kennet(db):
    return testing.supplier_with_user("Kennet Home Care Ltd")


@pytest.fixture
def partnership(trust, cic, kennet):
    """Led by the trust; the CIC accepted; Kennet is invited and has not answered."""
    (trust_org, trust_admin), (cic_org, cic_admin), (kennet_org, _) = trust, cic, kennet
    consortium = actions.create_consortium(
        lead=trust_org,
        by=trust_admin,
        name="Wessex Care Partnership",
        liability=Liability.JOINT_AND_SEVERAL,
    )
    member = actions.invite_to_consortium(
        consortium=consortium, by=trust_admin, organisation=cic_org, role=MemberRole.MEMBER
    )
    actions.respond_to_consortium(member=member, by=cic_admin, accept=True)
    actions.invite_to_consortium(
        consortium=consortium,
        by=trust_admin,
        organisation=kennet_org,
        role=MemberRole.KEY_SUBCONTRACTOR,
    )
    return consortium


def fill_in(bid, by, price="95000"):
    answers = {q.pk: f"Together we answer question {q.number}." for q in bid.lot.questions.all()}
    return bid_actions.save_bid(bid=bid, by=by, price=Decimal(price), answers=answers)


def latest_release(tag: str) -> dict:
    return [r.data for r in Release.objects.order_by("position") if tag in r.tags][-1]


def schema_errors(release: dict) -> list[str]:
    """Errors against OCDS 1.1.5 patched with our extensions."""
    patched = schema.patched_release_schema()
    validator = Draft4Validator(patched, format_checker=Draft4Validator.FORMAT_CHECKER)
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(release)]


def api_get(client, user, path):
    _, secret = create_api_token(user=user, name="tests")
    return client.get("/api" + path, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_create_invite_accept_bid_award(
    client,
    django_capture_on_commit_callbacks,
    tender,
    officer,
    buyer_admin,
    evaluator,
    trust,
    cic,
    kennet,
    other_supplier,
):
    (trust_org, trust_admin), (cic_org, cic_admin), (kennet_org, kennet_admin) = (
        trust,
        cic,
        kennet,
    )
    lot = tender.lots.get()

    # The trust forms the consortium and invites the CIC and Kennet by organisation.
    consortium = actions.create_consortium(
        lead=trust_org,
        by=trust_admin,
        name="Wessex Care Partnership",
        liability=Liability.JOINT_AND_SEVERAL,
    )
    assert consortium.organisation.is_supplier
    assert not consortium.organisation.memberships.exists()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = actions.invite_to_consortium(
            consortium=consortium,
            by=trust_admin,
            organisation=selectors.find_supplier(cic_org.supplier_profile.platform_identifier),
            role=MemberRole.MEMBER,
        )
        pending = actions.invite_to_consortium(
            consortium=consortium,
            by=trust_admin,
            organisation=kennet_org,
            role=MemberRole.KEY_SUBCONTRACTOR,
        )
    assert {tuple(m.to) for m in mail.outbox} == {(cic_admin.email,), (kennet_admin.email,)}
    assert "Wessex Care Partnership" in mail.outbox[0].subject

    # Only the invited organisation's admin answers; the CIC accepts.
    with pytest.raises(DomainError):
        actions.respond_to_consortium(member=invitation, by=trust_admin, accept=True)
    actions.respond_to_consortium(member=invitation, by=cic_admin, accept=True)
    invitation.refresh_from_db()
    assert invitation.status == MemberStatus.ACCEPTED

    # The lead starts the consortium's bid: an ordinary bid whose supplier is the consortium.
    with pytest.raises(DomainError):
        bid_actions.start_bid(lot=lot, supplier=consortium.organisation, by=cic_admin)
    bid = bid_actions.start_bid(lot=lot, supplier=consortium.organisation, by=trust_admin)
    assert bid.supplier == consortium.organisation

    # Every member that accepted sees it and may work on it; the invited one does not.
    assert bid in Bid.objects.for_supplier(cic_org)
    assert bid in Bid.objects.for_supplier(trust_org)
    assert bid not in Bid.objects.for_supplier(kennet_org)
    assert cic_admin.has_perm("bids.view_bid", bid) and cic_admin.has_perm("bids.change_bid", bid)
    assert not kennet_admin.has_perm("bids.view_bid", bid)
    bid = fill_in(bid, cic_admin)

    # Only the lead submits.
    with pytest.raises(DomainError) as refused:
        bid_actions.submit_bid(bid=bid, by=cic_admin)
    assert refused.value.code == "forbidden"
    receipt = bid_actions.submit_bid(bid=bid, by=trust_admin)
    assert receipt.bid.status == BidStatus.SUBMITTED
    # Each accepted member's declaration went with it.
    assert {(d.organisation, d.role) for d in bid.declarations.all()} == {
        (trust_org, BidDeclaration.Role.MEMBER),
        (cic_org, BidDeclaration.Role.MEMBER),
    }

    # Kennet accepts later: from then on it sees the bid too, but nothing of it was checked
    # with the bid, so the buyer is told and the award lists the consortium as it bid.
    actions.respond_to_consortium(member=pending, by=kennet_admin, accept=True)
    assert bid in Bid.objects.for_supplier(kennet_org)

    # A rival bids; the consortium wins.
    other_org, other_user = other_supplier
    rival = testing.submitted_bid(tender=tender, supplier=other_org, by=other_user, price="99000")
    with testing.after_deadline(tender):
        tender_actions.open_evaluation(tender=tender, by=officer)
        testing.score_everything(
            tender=tender,
            officer=officer,
            evaluator=evaluator,
            scores={(bid.pk, 1): 100, (bid.pk, 2): 75, (rival.pk, 1): 50, (rival.pk, 2): 50},
        )
        # s.57: the buyer decides each flagged finding (Kennet's missing declaration) first.
        opened = list(Bid.objects.filter(pk__in=[bid.pk, rival.pk]).select_related("lot__tender"))
        for finding in exclusion_actions.findings(opened):
            exclusion_actions.decide_exclusion(
                bid=finding.bid,
                organisation=finding.check.organisation,
                exclude=False,
                reasons="Declared since; checked with the member's other buyers.",
                by=buyer_admin,
            )
        with django_capture_on_commit_callbacks(execute=True):
            [decision] = contract_actions.confirm_award(tender=tender, by=buyer_admin)
        assert decision.winning_bid == bid
        checks = selectors.exclusion_checks([bid])[bid.pk]
        assert [(c.organisation, c.role_label) for c in checks] == [
            (trust_org, "Consortium lead"),
            (cic_org, "Consortium member"),
            (kennet_org, "Joined the consortium after the bid was submitted"),
        ]
        assert checks[2].joined_later and checks[2].needs_attention
        tender = contract_actions.publish_award_notice(tender=tender, by=officer)
    # Every member's people were told, though the consortium has no people of its own.
    summary_emails = [m for m in mail.outbox if m.subject.startswith("Assessment summary")]
    told = {address for m in summary_emails for address in m.to}
    assert {trust_admin.email, cic_admin.email, kennet_admin.email} <= told

    with clock.frozen_at(tender.standstill_ends_at):
        contract = contract_actions.record_contract(
            lot=lot,
            by=officer,
            value=Decimal("95000"),
            start_date=tender.contract_start,
            end_date=tender.contract_end,
        )
        contract_actions.sign_contract(contract=contract, by=buyer_admin)
    assert contract.supplier == consortium.organisation

    # Published: the award lists the consortium and each member, as parties with their roles.
    data = latest_release("contract")
    [award] = data["awards"]
    supplier_ids = [s["id"] for s in award["suppliers"]]
    assert supplier_ids == [
        f"GB-LEVELFIELD-{consortium.organisation.pk}",
        f"GB-LEVELFIELD-{trust_org.pk}",
        f"GB-LEVELFIELD-{cic_org.pk}",
    ]
    parties = {p["id"]: p for p in data["parties"]}
    consortium_party = parties[supplier_ids[0]]
    assert consortium_party["roles"] == ["supplier"]
    assert (
        "Consortium of Wessex Community Care Trust, Three Rivers Care CIC"
        in (consortium_party["roleDetails"])
    )
    assert "joint and several" in consortium_party["roleDetails"]
    assert parties[supplier_ids[1]]["roleDetails"].startswith("Lead of the consortium")
    assert parties[supplier_ids[2]]["details"] == {"scale": "sme", "vcse": True}
    assert award["hasSubcontracting"] is False
    assert schema_errors(data) == []
    # The award notice before it listed them the same way.
    assert [s["id"] for s in latest_release("award")["awards"][0]["suppliers"]] == supplier_ids


def test_a_member_that_has_not_accepted_cannot_see_the_bid_page_or_api(
    client, tender, partnership, trust, kennet
):
    (_trust_org, trust_admin), (_kennet_org, kennet_admin) = trust, kennet
    lot = tender.lots.get()
    bid = fill_in(
        bid_actions.start_bid(lot=lot, supplier=partnership.organisation, by=trust_admin),
        trust_admin,
    )
    for_consortium = reverse("bids:edit", args=[lot.pk]) + f"?for={partnership.organisation.pk}"

    client.force_login(kennet_admin)
    assert client.get(for_consortium).status_code == 404
    assert client.get(reverse("bids:receipt", args=[bid.pk])).status_code == 404
    assert client.get(reverse("suppliers:subcontractors", args=[bid.pk])).status_code == 404
    dashboard = client.get(reverse("bids:dashboard")).content.decode()
    assert "Wessex Care Partnership" not in dashboard
    assert api_get(client, kennet_admin, f"/supplier/bids/{bid.pk}").status_code == 404
    listed = api_get(client, kennet_admin, "/supplier/bids").json()
    assert listed["count"] == 0
    # It can read the invitation, but not the consortium's bids.
    page = client.get(reverse("suppliers:consortium", args=[partnership.pk])).content.decode()
    assert "Your organisation has been invited" in page
    assert reverse("bids:edit", args=[lot.pk]) not in page
    # Nor can anyone outside it.
    outsider_org, outsider = testing.supplier_with_user("Albion Facilities Group plc")
    client.force_login(outsider)
    assert client.get(for_consortium).status_code == 404
    assert client.get(reverse("suppliers:consortium", args=[partnership.pk])).status_code == 404
    assert api_get(client, outsider, f"/supplier/bids/{bid.pk}").status_code == 404


def test_members_see_and_edit_on_the_pages_and_only_the_lead_submits(
    client, tender, partnership, trust, cic
):
    (trust_org, trust_admin), (_cic_org, cic_admin) = trust, cic
    lot = tender.lots.get()
    for_consortium = reverse("bids:edit", args=[lot.pk]) + f"?for={partnership.organisation.pk}"

    # A member's visit does not start the bid: only the lead can.
    client.force_login(cic_admin)
    body = client.get(for_consortium).content.decode()
    assert "Wessex Care Partnership has not started a bid for this lot" in body
    assert not Bid.objects.filter(supplier=partnership.organisation).exists()

    # The lead's bid page offers to bid as the consortium, which starts its draft.
    client.force_login(trust_admin)
    own_page = client.get(reverse("bids:edit", args=[lot.pk])).content.decode()
    assert "Bid for lot 1 as Wessex Care Partnership" in own_page
    assert for_consortium.replace("&", "&amp;") in own_page or for_consortium in own_page
    body = client.get(for_consortium).content.decode()
    assert "You are bidding as the consortium" in body
    assert "Start a bid" in body
    assert not Bid.objects.filter(lot=lot).exists()
    start = reverse("bids:start", args=[lot.pk])
    response = client.post(start + f"?for={partnership.organisation.pk}")
    assert response["Location"] == for_consortium
    bid = Bid.objects.get(supplier=partnership.organisation)
    # The trust's own draft is a different bid.
    client.post(start)
    assert Bid.objects.get(supplier=trust_org, lot=lot) != bid

    # The member saves the draft on the page and comes back to the consortium's page.
    client.force_login(cic_admin)
    data = {"price": "95000"}
    data.update({f"answer_{q.pk}": "Our joint answer." for q in lot.questions.all()})
    response = client.post(for_consortium, data)
    assert response.status_code == 302 and response["Location"] == for_consortium
    bid.refresh_from_db()
    assert bid.price == Decimal("95000")
    dashboard = client.get(reverse("bids:dashboard")).content.decode()
    assert "As the consortium Wessex Care Partnership" in dashboard
    assert f"?for={partnership.organisation.pk}" in dashboard

    # The member cannot submit on the page or the API.
    assert client.post(reverse("bids:submit", args=[bid.pk]), data).status_code == 404
    _, secret = create_api_token(user=cic_admin, name="tests")
    refused = client.post(
        f"/api/supplier/bids/{bid.pk}/submit", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert refused.status_code == 403
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT

    # The lead submits.
    client.force_login(trust_admin)
    response = client.post(reverse("bids:submit", args=[bid.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED

    # The member sees the submitted bid and its receipt.
    client.force_login(cic_admin)
    assert client.get(reverse("bids:receipt", args=[bid.pk])).status_code == 200
    consortium_page = client.get(reverse("suppliers:consortium", args=[partnership.pk]))
    assert "Submitted" in consortium_page.content.decode()


def test_an_excluded_member_blocks_submission_with_a_message_naming_it(
    tender, partnership, trust, cic
):
    (_trust_org, trust_admin), (_cic_org, cic_admin) = trust, cic
    lot = tender.lots.get()
    bid = fill_in(
        bid_actions.start_bid(lot=lot, supplier=partnership.organisation, by=trust_admin),
        trust_admin,
    )
    answers = exclusions.no_grounds()
    answers["slavery_labour"] = {"applies": True, "details": "A conviction in 2025."}
    actions.declare_exclusions(organisation=cic[0], by=cic_admin, answers=answers)
    with pytest.raises(DomainError) as refused:
        bid_actions.submit_bid(bid=bid, by=trust_admin)
    message = refused.value.message
    assert message.startswith(
        "Three Rivers Care CIC (consortium member) has declared that a mandatory exclusion "
        "ground applies"
    )
    assert "modern slavery" in message
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT and not bid.declarations.exists()


def test_a_member_without_a_current_declaration_blocks_submission(tender, trust):
    trust_org, trust_admin = trust
    newcomer = testing.supplier_org("Newcomer Care Ltd", declared=False)
    newcomer_admin = testing.member(newcomer, Role.SUPPLIER_ADMIN)
    consortium = actions.create_consortium(
        lead=trust_org,
        by=trust_admin,
        name="Two Together",
        liability=Liability.LEAD_WITH_GUARANTEES,
    )
    member = actions.invite_to_consortium(
        consortium=consortium, by=trust_admin, organisation=newcomer, role=MemberRole.MEMBER
    )
    actions.respond_to_consortium(member=member, by=newcomer_admin, accept=True)
    bid = fill_in(
        bid_actions.start_bid(
            lot=tender.lots.get(), supplier=consortium.organisation, by=trust_admin
        ),
        trust_admin,
    )
    with pytest.raises(DomainError) as refused:
        bid_actions.submit_bid(bid=bid, by=trust_admin)
    assert refused.value.message.startswith(
        "Newcomer Care Ltd (consortium member) has no current exclusion declaration"
    )


def test_invitations_are_checked(partnership, trust, cic, kennet):
    (_trust_org, trust_admin), (cic_org, cic_admin), (kennet_org, kennet_admin) = (
        trust,
        cic,
        kennet,
    )
    with pytest.raises(DomainError, match="already a member"):
        actions.invite_to_consortium(
            consortium=partnership, by=trust_admin, organisation=cic_org, role=MemberRole.MEMBER
        )
    with pytest.raises(DomainError, match="already invited"):
        actions.invite_to_consortium(
            consortium=partnership,
            by=trust_admin,
            organisation=kennet_org,
            role=MemberRole.MEMBER,
        )
    with pytest.raises(DomainError) as refused:
        actions.invite_to_consortium(
            consortium=partnership,
            by=cic_admin,
            organisation=testing.supplier_org(),
            role=MemberRole.MEMBER,
        )
    assert refused.value.code == "forbidden"
    with pytest.raises(DomainError, match="No registered supplier"):
        actions.invite_to_consortium(
            consortium=partnership, by=trust_admin, organisation=None, role=MemberRole.MEMBER
        )
    with pytest.raises(DomainError, match="cannot be a member of a consortium"):
        actions.invite_to_consortium(
            consortium=partnership,
            by=trust_admin,
            organisation=partnership.organisation,
            role=MemberRole.MEMBER,
        )
    # A decline can be followed by a new invitation.
    member = partnership.members.get(organisation=kennet_org)
    actions.respond_to_consortium(member=member, by=kennet_admin, accept=False)
    with pytest.raises(DomainError, match="already been answered"):
        actions.respond_to_consortium(member=member, by=kennet_admin, accept=True)
    again = actions.invite_to_consortium(
        consortium=partnership, by=trust_admin, organisation=kennet_org, role=MemberRole.MEMBER
    )
    assert again.pk == member.pk and again.status == MemberStatus.INVITED


def test_the_consortium_pages_form_invite_and_answer(client, trust, cic):
    (trust_org, trust_admin), (cic_org, cic_admin) = trust, cic
    client.force_login(trust_admin)
    assert (
        "You are not part of a consortium"
        in client.get(reverse("suppliers:consortia")).content.decode()
    )
    response = client.post(
        reverse("suppliers:consortium_create"),
        {"name": "Wessex Care Partnership", "liability": "lead_with_guarantees"},
    )
    assert response.status_code == 302
    consortium = selectors.consortium_of(trust_org.led_consortia.get().organisation)
    page = client.get(response["Location"]).content.decode()
    assert "Wessex Care Partnership has been formed" in page
    assert "Lead only, with guarantees from members" in page

    # A wrong identifier is refused on the page, keeping what was typed.
    invite = reverse("suppliers:consortium_invite", args=[consortium.pk])
    response = client.post(invite, {"identifier": "GB-LEVELFIELD-99999", "role": "member"})
    assert response.status_code == 200
    assert "No registered supplier has that" in response.content.decode()
    assert "GB-LEVELFIELD-99999" in response.content.decode()
    identifier = cic_org.supplier_profile.platform_identifier
    response = client.post(invite, {"identifier": identifier, "role": "member"})
    assert response.status_code == 302

    # The CIC's admin sees the invitation and accepts.
    client.force_login(cic_admin)
    page = client.get(reverse("suppliers:consortia")).content.decode()
    assert "Wessex Care Partnership" in page and "Accept" in page
    member = consortium.members.get(organisation=cic_org)
    response = client.post(reverse("suppliers:consortium_respond", args=[member.pk, "accept"]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "You have joined Wessex Care Partnership" in page
    member.refresh_from_db()
    assert member.status == MemberStatus.ACCEPTED
    # Answering someone else's invitation is 404.
    client.force_login(trust_admin)
    url = reverse("suppliers:consortium_respond", args=[member.pk, "decline"])
    assert client.post(url).status_code == 404


def test_the_api_forms_invites_answers_and_starts_the_bid(client, tender, trust, cic):
    (_trust_org, trust_admin), (cic_org, cic_admin) = trust, cic
    _, lead_secret = create_api_token(user=trust_admin, name="tests")
    _, member_secret = create_api_token(user=cic_admin, name="tests")
    lead = {"HTTP_AUTHORIZATION": f"Bearer {lead_secret}"}
    member = {"HTTP_AUTHORIZATION": f"Bearer {member_secret}"}

    made = client.post(
        "/api/supplier/consortia",
        {"name": "Wessex Care Partnership", "liability": "joint_and_several"},
        content_type="application/json",
        **lead,
    )
    assert made.status_code == 201, made.content
    consortium = made.json()
    invited = client.post(
        f"/api/supplier/consortia/{consortium['id']}/members",
        {"identifier": cic_org.supplier_profile.platform_identifier, "role": "member"},
        content_type="application/json",
        **lead,
    )
    assert invited.status_code == 201, invited.content
    answered = client.post(
        f"/api/supplier/consortium-invitations/{invited.json()['id']}/accept", **member
    )
    assert answered.json()["status"] == "accepted"

    lot = tender.lots.get()
    start = f"/api/supplier/consortia/{consortium['id']}/lots/{lot.pk}/bid"
    assert client.post(start, **member).status_code == 403
    started = client.post(start, **lead)
    assert started.status_code == 200, started.content
    bid_id = started.json()["id"]
    # The member reads and changes it through the ordinary bid endpoints.
    assert client.get(f"/api/supplier/bids/{bid_id}", **member).status_code == 200
    patched = client.patch(
        f"/api/supplier/bids/{bid_id}",
        {"price": "95000.00"},
        content_type="application/json",
        **member,
    )
    assert patched.status_code == 200, patched.content
    bids = client.get("/api/supplier/bids", **member).json()["items"]
    assert [(b["id"], b["supplier_name"]) for b in bids] == [(bid_id, "Wessex Care Partnership")]
    listed = client.get("/api/supplier/consortia", **member).json()
    assert [c["name"] for c in listed] == ["Wessex Care Partnership"]
    assert {m["status"] for m in listed[0]["members"]} == {"accepted"}


def test_the_dashboard_lists_consortium_bids_without_a_query_per_bid(
    client, buyer, officer, partnership, trust, cic
):
    (_trust_org, trust_admin), (_cic_org, cic_admin) = trust, cic
    client.force_login(cic_admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("bids:dashboard")).status_code == 200
        return len(captured)

    def consortium_bid(title):
        tender = testing.published_tender(buyer=buyer, by=officer, title=title)
        bid_actions.start_bid(
            lot=tender.lots.get(), supplier=partnership.organisation, by=trust_admin
        )

    consortium_bid("Day services")
    one = queries()
    consortium_bid("Reablement")
    consortium_bid("Respite care")
    assert queries() == one
    body = client.get(reverse("bids:dashboard")).content.decode()
    assert body.count("As the consortium Wessex Care Partnership") == 3


def test_a_member_that_declined_cannot_see_the_bid(client, tender, partnership, trust, kennet):
    (_trust_org, trust_admin), (kennet_org, kennet_admin) = trust, kennet
    lot = tender.lots.get()
    bid = fill_in(
        bid_actions.start_bid(lot=lot, supplier=partnership.organisation, by=trust_admin),
        trust_admin,
    )
    member = partnership.members.get(organisation=kennet_org)
    actions.respond_to_consortium(member=member, by=kennet_admin, accept=False)
    assert bid not in Bid.objects.for_supplier(kennet_org)
    assert not kennet_admin.has_perm("bids.view_bid", bid)
    assert not kennet_admin.has_perm("bids.change_bid", bid)
    client.force_login(kennet_admin)
    assert client.get(reverse("bids:receipt", args=[bid.pk])).status_code == 404
    assert api_get(client, kennet_admin, f"/supplier/bids/{bid.pk}").status_code == 404
    page = client.get(reverse("suppliers:consortium", args=[partnership.pk])).content.decode()
    assert "Declined" in page and "The consortium&#x27;s bids" not in page
