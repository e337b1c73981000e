"""Consortium membership after it is formed: the lead withdraws an invitation or removes a
member, a member leaves; none of it while the consortium has a submitted bid, and whoever goes
stops seeing the consortium's bids. Where the lead alone is liable, it records each member's
guarantee."""

import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection, connections, transaction
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.bids import actions as bid_actions
from levelfield.bids.models import Bid
from levelfield.core.audit import events_for
from levelfield.core.errors import DomainError
from levelfield.suppliers import actions
from levelfield.suppliers.models import Liability, MemberRole, MemberStatus
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


def form(trust, cic, kennet, liability=Liability.JOINT_AND_SEVERAL):
    """Led by the trust; the CIC accepted; Kennet is invited and has not answered."""
    (trust_org, trust_admin), (cic_org, cic_admin), (kennet_org, _) = trust, cic, kennet
    consortium = actions.create_consortium(
        lead=trust_org, by=trust_admin, name="Wessex Care Partnership", liability=liability
    )
    member = actions.invite_to_consortium(
        consortium=consortium, by=trust_admin, organisation=cic_org, role=MemberRole.MEMBER
    )
    actions.respond_to_consortium(member=member, by=cic_admin, accept=True)
    actions.invite_to_consortium(
        consortium=consortium, by=trust_admin, organisation=kennet_org, role=MemberRole.MEMBER
    )
    return consortium


@pytest.fixture
def partnership(trust, cic, kennet):
    return form(trust, cic, kennet)


def draft_bid(tender, consortium, by):
    bid = bid_actions.start_bid(lot=tender.lots.get(), supplier=consortium.organisation, by=by)
    answers = {q.pk: "Together we answer." for q in bid.lot.questions.all()}
    return bid_actions.save_bid(bid=bid, by=by, price=Decimal("95000"), answers=answers)


def api(client, user):
    _, secret = create_api_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def actions_recorded(consortium) -> list[str]:
    return [e.action for e in events_for(consortium).order_by("id")]


# --- Withdrawing an invitation ---------------------------------------------------------------


def test_the_lead_withdraws_an_invitation_and_can_invite_again(
    django_capture_on_commit_callbacks, partnership, trust, cic, kennet
):
    (_, trust_admin), (cic_org, cic_admin), (kennet_org, kennet_admin) = trust, cic, kennet
    invitation = partnership.members.get(organisation=kennet_org)

    # Only the lead's admin can withdraw it; an answered invitation cannot be withdrawn.
    with pytest.raises(DomainError) as refused:
        actions.withdraw_invitation(member=invitation, by=cic_admin)
    assert refused.value.code == "forbidden"
    with pytest.raises(DomainError, match="already answered"):
        actions.withdraw_invitation(
            member=partnership.members.get(organisation=cic_org), by=trust_admin
        )

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = actions.withdraw_invitation(member=invitation, by=trust_admin)
    assert withdrawn.status == MemberStatus.WITHDRAWN and withdrawn.ended_at is not None
    assert actions_recorded(partnership)[-1] == "consortium.invitation_withdrawn"
    [email] = mail.outbox
    assert email.to == [kennet_admin.email] and "withdrawn" in email.subject

    # Kennet can no longer accept it, and is told why.
    with pytest.raises(DomainError, match="has withdrawn this invitation"):
        actions.respond_to_consortium(member=invitation, by=kennet_admin, accept=True)
    # The lead may invite it again: the same row, a fresh invitation.
    again = actions.invite_to_consortium(
        consortium=partnership, by=trust_admin, organisation=kennet_org, role=MemberRole.MEMBER
    )
    assert again.pk == invitation.pk
    assert (again.status, again.ended_at) == (MemberStatus.INVITED, None)


# --- Removing a member and leaving -----------------------------------------------------------


def test_a_removed_member_stops_seeing_the_consortiums_bids(
    client, django_capture_on_commit_callbacks, tender, partnership, trust, cic
):
    (trust_org, trust_admin), (cic_org, cic_admin) = trust, cic
    bid = draft_bid(tender, partnership, trust_admin)
    assert bid in Bid.objects.for_supplier(cic_org)
    member = partnership.members.get(organisation=cic_org)

    # The member cannot remove itself this way, nor anyone the lead itself.
    with pytest.raises(DomainError) as refused:
        actions.remove_member(member=member, by=cic_admin)
    assert refused.value.code == "forbidden"
    lead = partnership.members.get(organisation=trust_org)
    with pytest.raises(DomainError, match="lead cannot be removed"):
        actions.remove_member(member=lead, by=trust_admin)
    # An invitation is withdrawn, not removed.
    with pytest.raises(DomainError, match="withdraw the invitation instead"):
        actions.remove_member(
            member=partnership.members.get(status=MemberStatus.INVITED), by=trust_admin
        )

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        removed = actions.remove_member(member=member, by=trust_admin)
    assert removed.status == MemberStatus.REMOVED
    assert actions_recorded(partnership)[-1] == "consortium.member_removed"
    assert [m.to for m in mail.outbox] == [[cic_admin.email]]

    # From now on the CIC sees nothing of the consortium's bid, anywhere.
    assert bid not in Bid.objects.for_supplier(cic_org)
    assert not cic_admin.has_perm("bids.view_bid", bid)
    assert not cic_admin.has_perm("bids.change_bid", bid)
    client.force_login(cic_admin)
    assert client.get(reverse("bids:receipt", args=[bid.pk])).status_code == 404
    edit = reverse("bids:edit", args=[bid.lot_id]) + f"?for={partnership.organisation.pk}"
    assert client.get(edit).status_code == 404
    assert client.get(f"/api/supplier/bids/{bid.pk}", **api(client, cic_admin)).status_code == 404
    page = client.get(reverse("suppliers:consortium", args=[partnership.pk])).content.decode()
    assert "removed your organisation from this consortium" in page
    assert "The consortium&#x27;s bids" not in page
    # It can be invited back, and then (once it accepts) sees the bid again.
    again = actions.invite_to_consortium(
        consortium=partnership, by=trust_admin, organisation=cic_org, role=MemberRole.MEMBER
    )
    actions.respond_to_consortium(member=again, by=cic_admin, accept=True)
    assert bid in Bid.objects.for_supplier(cic_org)


def test_a_member_leaves_and_the_lead_cannot(
    django_capture_on_commit_callbacks, tender, partnership, trust, cic
):
    (trust_org, trust_admin), (cic_org, cic_admin) = trust, cic
    bid = draft_bid(tender, partnership, trust_admin)
    member = partnership.members.get(organisation=cic_org)
    lead = partnership.members.get(organisation=trust_org)

    with pytest.raises(DomainError, match="lead cannot leave its own consortium"):
        actions.leave_consortium(member=lead, by=trust_admin)
    # Only the member's admin takes it out; its other people and the lead cannot.
    cic_person = testing.member(cic_org, Role.SUPPLIER_MEMBER)
    for someone in (cic_person, trust_admin):
        with pytest.raises(DomainError) as refused:
            actions.leave_consortium(member=member, by=someone)
        assert refused.value.code == "forbidden"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        left = actions.leave_consortium(member=member, by=cic_admin)
    assert left.status == MemberStatus.LEFT
    assert actions_recorded(partnership)[-1] == "consortium.member_left"
    [email] = mail.outbox
    assert email.to == [trust_admin.email] and "has left" in email.subject
    assert bid not in Bid.objects.for_supplier(cic_org)
    assert bid in Bid.objects.for_supplier(trust_org)
    # Leaving twice is refused.
    with pytest.raises(DomainError, match="not a member"):
        actions.leave_consortium(member=member, by=cic_admin)


def test_no_one_goes_while_the_consortium_has_a_submitted_bid(
    tender, partnership, trust, cic, kennet
):
    (_, trust_admin), (cic_org, cic_admin) = trust, cic
    bid = draft_bid(tender, partnership, trust_admin)
    bid_actions.submit_bid(bid=bid, by=trust_admin)
    member = partnership.members.get(organisation=cic_org)

    for attempt in (
        lambda: actions.remove_member(member=member, by=trust_admin),
        lambda: actions.leave_consortium(member=member, by=cic_admin),
    ):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.code == "bid_submitted"
        assert "has a submitted bid" in refused.value.message
        assert tender.title in refused.value.message
        assert "withdraw the bid first" in refused.value.message
    member.refresh_from_db()
    assert member.status == MemberStatus.ACCEPTED
    assert bid in Bid.objects.for_supplier(cic_org)
    # An unanswered invitation is not part of the bid: it can still be withdrawn.
    actions.withdraw_invitation(
        member=partnership.members.get(organisation=kennet[0]), by=trust_admin
    )

    # Once the lead withdraws the bid (before the deadline), the member can leave.
    bid_actions.withdraw_bid(bid=bid, by=trust_admin)
    actions.leave_consortium(member=member, by=cic_admin)
    assert bid not in Bid.objects.for_supplier(cic_org)


def test_after_the_deadline_the_membership_stands(tender, partnership, trust, cic):
    (_, trust_admin), (cic_org, cic_admin) = trust, cic
    bid = draft_bid(tender, partnership, trust_admin)
    bid_actions.submit_bid(bid=bid, by=trust_admin)
    member = partnership.members.get(organisation=cic_org)
    with testing.after_deadline(tender):
        with pytest.raises(DomainError) as refused:
            actions.leave_consortium(member=member, by=cic_admin)
    assert refused.value.code == "bid_submitted"
    assert bid in Bid.objects.for_supplier(cic_org)


# --- The pages -------------------------------------------------------------------------------


def test_the_lead_removes_a_member_on_the_pages_after_confirming(
    client, tender, partnership, trust, cic, kennet
):
    (_, trust_admin), (cic_org, cic_admin), (kennet_org, _) = trust, cic, kennet
    member = partnership.members.get(organisation=cic_org)
    invitation = partnership.members.get(organisation=kennet_org)
    remove = reverse("suppliers:consortium_remove", args=[partnership.pk, member.pk])
    withdraw = reverse("suppliers:consortium_withdraw", args=[partnership.pk, invitation.pk])
    page_url = reverse("suppliers:consortium", args=[partnership.pk])

    # The member has no such links and cannot use the addresses.
    client.force_login(cic_admin)
    page = client.get(page_url).content.decode()
    assert remove not in page and withdraw not in page
    assert client.get(remove).status_code == 403
    assert client.post(remove).status_code == 403

    client.force_login(trust_admin)
    page = client.get(page_url).content.decode()
    assert remove in page and withdraw in page
    # A bid submitted: the confirmation page says why it cannot be done, with no button.
    bid = draft_bid(tender, partnership, trust_admin)
    bid_actions.submit_bid(bid=bid, by=trust_admin)
    confirm = client.get(remove).content.decode()
    assert "cannot go while Wessex Care Partnership has a submitted bid" in confirm
    assert "Remove the member" not in confirm
    # Posting anyway is refused with the reason, and nothing changes.
    response = client.post(remove, follow=True)
    assert "has a submitted bid" in response.content.decode()
    member.refresh_from_db()
    assert member.status == MemberStatus.ACCEPTED

    bid_actions.withdraw_bid(bid=bid, by=trust_admin)
    confirm = client.get(remove).content.decode()
    assert "Remove Three Rivers Care CIC from Wessex Care Partnership?" in confirm
    assert "Remove the member" in confirm
    response = client.post(remove, follow=True)
    assert "Three Rivers Care CIC has been removed" in response.content.decode()
    member.refresh_from_db()
    assert member.status == MemberStatus.REMOVED
    # Nothing left to remove: back to the page with a message.
    response = client.get(remove, follow=True)
    assert "there is nothing to remove" in response.content.decode()

    assert (
        "Withdraw the invitation to Kennet Home Care Ltd?" in client.get(withdraw).content.decode()
    )
    response = client.post(withdraw, follow=True)
    assert "You have withdrawn the invitation to Kennet Home Care Ltd" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == MemberStatus.WITHDRAWN
    assert "Invitation withdrawn" in response.content.decode()
    # A member of another consortium, or the lead's own row, is 404.
    lead_row = partnership.members.get(role=MemberRole.LEAD)
    url = reverse("suppliers:consortium_remove", args=[partnership.pk, lead_row.pk])
    assert client.get(url).status_code == 404


def test_a_member_leaves_on_the_pages_after_confirming(client, tender, partnership, trust, cic):
    (_, trust_admin), (cic_org, cic_admin) = trust, cic
    bid = draft_bid(tender, partnership, trust_admin)
    leave = reverse("suppliers:consortium_leave", args=[partnership.pk])
    page_url = reverse("suppliers:consortium", args=[partnership.pk])

    # The lead is offered no way to leave, and is refused if it tries.
    client.force_login(trust_admin)
    assert leave not in client.get(page_url).content.decode()
    response = client.get(leave, follow=True)
    assert "The lead cannot leave its own consortium" in response.content.decode()

    client.force_login(cic_admin)
    assert leave in client.get(page_url).content.decode()
    confirm = client.get(leave).content.decode()
    assert "Leave Wessex Care Partnership?" in confirm
    response = client.post(leave, follow=True)
    assert response.redirect_chain[-1][0] == reverse("suppliers:consortia")
    assert "You have left Wessex Care Partnership" in response.content.decode()
    assert "Wessex Care Partnership</a>, led by Wessex Community Care Trust (you left)" in (
        response.content.decode()
    )
    page = client.get(page_url).content.decode()
    assert "Your organisation left this consortium" in page
    assert leave not in page
    assert client.get(reverse("bids:receipt", args=[bid.pk])).status_code == 404
    dashboard = client.get(reverse("bids:dashboard")).content.decode()
    assert "Wessex Care Partnership" not in dashboard
    assert partnership.members.get(organisation=cic_org).status == MemberStatus.LEFT


# --- The API ---------------------------------------------------------------------------------


def test_the_api_withdraws_removes_and_leaves(client, tender, partnership, trust, cic, kennet):
    (_, trust_admin), (cic_org, cic_admin), (kennet_org, _) = trust, cic, kennet
    lead, member = api(client, trust_admin), api(client, cic_admin)
    base = f"/api/supplier/consortia/{partnership.pk}"
    cic_row = partnership.members.get(organisation=cic_org)
    kennet_row = partnership.members.get(organisation=kennet_org)

    assert client.post(f"{base}/members/{cic_row.pk}/remove", **member).status_code == 403
    assert client.post(f"{base}/members/999999/remove", **lead).status_code == 404
    answer = client.post(f"{base}/members/{kennet_row.pk}/withdraw-invitation", **lead)
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "withdrawn" and answer.json()["ended_at"]
    again = client.post(f"{base}/members/{kennet_row.pk}/withdraw-invitation", **lead)
    assert (again.status_code, again.json()["code"]) == (409, "invalid_state")

    bid = draft_bid(tender, partnership, trust_admin)
    bid_actions.submit_bid(bid=bid, by=trust_admin)
    refused = client.post(f"{base}/leave", **member)
    assert (refused.status_code, refused.json()["code"]) == (409, "bid_submitted")
    refused = client.post(f"{base}/members/{cic_row.pk}/remove", **lead)
    assert (refused.status_code, refused.json()["code"]) == (409, "bid_submitted")
    assert client.get(f"/api/supplier/bids/{bid.pk}", **member).status_code == 200

    bid_actions.withdraw_bid(bid=bid, by=trust_admin)
    lead_leaves = client.post(f"{base}/leave", **lead)
    assert (lead_leaves.status_code, lead_leaves.json()["code"]) == (400, "lead_cannot_leave")
    left = client.post(f"{base}/leave", **member)
    assert left.status_code == 200 and left.json()["status"] == "left"
    assert client.get(f"/api/supplier/bids/{bid.pk}", **member).status_code == 404
    assert client.get("/api/supplier/bids", **member).json()["count"] == 0
    listed = client.get(base, **lead).json()["members"]
    assert {m["organisation"]: m["status"] for m in listed} == {
        "Wessex Community Care Trust": "accepted",
        "Three Rivers Care CIC": "left",
        "Kennet Home Care Ltd": "withdrawn",
    }


# --- Guarantees ------------------------------------------------------------------------------


def test_the_lead_records_each_members_guarantee(client, tender, trust, cic, kennet):
    (_, trust_admin), (cic_org, cic_admin), (kennet_org, _) = trust, cic, kennet
    consortium = form(trust, cic, kennet, liability=Liability.LEAD_WITH_GUARANTEES)
    draft_bid(tender, consortium, trust_admin)
    cic_row = consortium.members.get(organisation=cic_org)
    url = reverse("suppliers:consortium_guarantee", args=[consortium.pk, cic_row.pk])

    # Only the lead's admin records it; a guarantee given needs describing.
    with pytest.raises(DomainError) as refused:
        actions.record_guarantee(member=cic_row, by=cic_admin, given=True, note="Ours")
    assert refused.value.code == "forbidden"
    with pytest.raises(DomainError, match="Describe the guarantee"):
        actions.record_guarantee(member=cic_row, by=trust_admin, given=True, note="  ")

    client.force_login(trust_admin)
    page = client.get(reverse("suppliers:consortium", args=[consortium.pk])).content.decode()
    assert "Not recorded" in page and url in page
    # A column of the members' table, not of the bids' table below it.
    assert page.count(">Guarantee</th>") == 1 and "Home care services" in page
    response = client.post(url, {"given": "yes", "note": ""})
    assert response.status_code == 200
    assert "Describe the guarantee" in response.content.decode()
    response = client.post(
        url, {"given": "yes", "note": "Parent company guarantee up to £500,000"}, follow=True
    )
    assert "The guarantee from Three Rivers Care CIC is recorded" in response.content.decode()
    assert "Parent company guarantee up to £500,000" in response.content.decode()
    cic_row.refresh_from_db()
    assert cic_row.guarantee_given is True and cic_row.guarantee_recorded_at is not None
    assert events_for(consortium).filter(action="consortium.guarantee_recorded").exists()

    # The member sees it too; the API carries it; the lead records Kennet's as not yet given.
    client.force_login(cic_admin)
    page = client.get(reverse("suppliers:consortium", args=[consortium.pk])).content.decode()
    assert "Parent company guarantee up to £500,000" in page and url not in page
    assert client.get(url).status_code == 403
    kennet_row = consortium.members.get(organisation=kennet_org)
    answer = client.put(
        f"/api/supplier/consortia/{consortium.pk}/members/{kennet_row.pk}/guarantee",
        {"given": False, "note": "Deed sent for signature"},
        content_type="application/json",
        **api(client, trust_admin),
    )
    assert answer.status_code == 200, answer.content
    assert (answer.json()["guarantee_given"], answer.json()["guarantee_note"]) == (
        False,
        "Deed sent for signature",
    )


def test_no_guarantees_where_members_are_jointly_liable(client, partnership, trust, cic):
    (_, trust_admin), (cic_org, _) = trust, cic
    cic_row = partnership.members.get(organisation=cic_org)
    with pytest.raises(DomainError, match="jointly and severally liable"):
        actions.record_guarantee(member=cic_row, by=trust_admin, given=True, note="A deed")
    client.force_login(trust_admin)
    url = reverse("suppliers:consortium_guarantee", args=[partnership.pk, cic_row.pk])
    assert client.get(url).status_code == 404
    page = client.get(reverse("suppliers:consortium", args=[partnership.pk])).content.decode()
    assert "Guarantee" not in page


# --- A removal racing a submission (PostgreSQL: real concurrent writers) ---------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_submission_waits_for_a_removal_and_goes_in_without_the_removed_member(
    tender, trust, cic, kennet
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks: run with DATABASE_URL=postgres://...")
    (trust_org, trust_admin), (cic_org, _) = trust, cic
    partnership = form(trust, cic, kennet)
    bid = draft_bid(tender, partnership, trust_admin)
    member = partnership.members.get(organisation=cic_org)
    outcome = {}

    def submit():
        try:
            outcome["receipt"] = bid_actions.submit_bid(bid=bid, by=trust_admin)
        except DomainError as exc:  # pragma: no cover - reported by the assertion below
            outcome["refused"] = exc.message
        finally:
            connections.close_all()

    # The lead removes the CIC; before that commits, the lead's colleague submits the bid.
    with transaction.atomic():
        actions.remove_member(member=member, by=trust_admin)
        submitting = threading.Thread(target=submit)
        submitting.start()
        # The submission waits for the removal's lock on the consortium's bids.
        submitting.join(timeout=1)
        assert submitting.is_alive()
    submitting.join(timeout=30)
    assert not submitting.is_alive()
    assert "receipt" in outcome, outcome
    # It went in with the members as they were once the removal committed: not the CIC.
    assert {d.organisation for d in bid.declarations.all()} == {trust_org}
