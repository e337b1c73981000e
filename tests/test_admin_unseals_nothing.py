"""The platform admin unseals nothing. Before a tender's deadline the admin shows nothing of its
bids: not their audit events (who bid, on which lot, when, the receipt's hash: listed, counted,
offered as a filter or opened), not the queued receipt emails (whom they went to, about what), and
no admin page lets the admin give itself a membership of a bidder to read its bid. People and
organisations change only through audited actions."""

import importlib
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from levelfield.accounts.actions import create_api_token, user_for_token
from levelfield.accounts.models import Membership, Organisation, Role, User
from levelfield.bids import actions as bid_actions
from levelfield.core import audit
from levelfield.core.models import AuditEvent
from levelfield.socialvalue.tests.conftest import commit, social_value_tender
from levelfield.suppliers import actions as supplier_actions
from tests.support import testing

pytestmark = pytest.mark.django_db

BIDDER = "Quillon Sealed Bidder"
PRICE = Decimal("76543.21")
ANSWER = "SEALED-ANSWER-b52e our approach"
ATTACHMENT = "SEALED-FILE-9d01 method"
SUBCONTRACTOR = "SEALED-SUBCONTRACTOR-4c7a Ltd"
COMMITMENT = "SEALED-COMMITMENT-e3f0 apprentices"
MARKERS = ("76543.21", "76,543.21", ANSWER, ATTACHMENT, SUBCONTRACTOR, COMMITMENT)


@pytest.fixture
def platform_admin(db):
    return User.objects.create_superuser(
        "root@levelfield.example", "platform-admin-pass-1", full_name="Platform Admin"
    )


@pytest.fixture
def sealed(buyer, officer, django_capture_on_commit_callbacks):
    """A submitted bid with every kind of event a bid has (started, saved, attachment,
    subcontractor, social value commitment, submitted), its receipt email queued."""
    tender = social_value_tender(buyer=buyer, by=officer)
    lot = tender.lots.get()
    organisation, user = testing.supplier_with_user(BIDDER)
    with django_capture_on_commit_callbacks(execute=True):
        bid = bid_actions.start_bid(lot=lot, supplier=organisation, by=user)
        bid_actions.save_bid(
            bid=bid, by=user, price=PRICE, answers={q.pk: ANSWER for q in lot.questions.all()}
        )
        bid_actions.add_attachment(bid=bid, by=user, title=ATTACHMENT, upload=testing.pdf())
        supplier_actions.add_subcontractor(
            bid=bid,
            by=user,
            name=SUBCONTRACTOR,
            size="micro",
            share_percent=Decimal("5"),
            description="Transport.",
        )
        commit(bid, user, description=COMMITMENT)
        bid_actions.submit_bid(bid=bid, by=user)
    bid.refresh_from_db()
    assert bid.receipt_hash
    return tender, bid, user


def bid_events(bid):
    return AuditEvent.objects.filter(organisation_id=bid.supplier_id).exclude(
        action__startswith="supplier."
    )


def test_every_event_of_a_bid_is_sealed_until_its_deadline(sealed):
    tender, bid, _ = sealed
    events = bid_events(bid)
    assert set(events.values_list("action", flat=True)) == {
        "bid.started",
        "bid.saved",
        "bid.attachment_added",
        "bid.subcontractor_added",
        "socialvalue.commitment_added",
        "bid.submitted",
    }
    assert set(events.values_list("sealed_until", flat=True)) == {tender.submission_deadline}
    assert not AuditEvent.objects.unsealed().filter(pk__in=events).exists()
    assert not audit.events_for(bid).exists()  # what history pages show
    with testing.after_deadline(tender):
        assert AuditEvent.objects.unsealed().filter(pk__in=events).count() == events.count()
        assert audit.events_for(bid).count() == 5  # the commitment's is on the commitment


def test_before_the_deadline_the_audit_admin_shows_nothing_of_a_bid(client, sealed, platform_admin):
    tender, bid, user = sealed
    client.force_login(platform_admin)
    changelist = reverse("admin:core_auditevent_changelist")
    for query in ("", "?action=bid.submitted", "?action=bid.started", f"?q={bid.pk}"):
        response = client.get(changelist + query)
        assert response.status_code == 200
        body = response.content.decode()
        shown = list(response.context["cl"].result_list)
        assert not [e for e in shown if e.organisation_id == bid.supplier_id], query
        assert user.full_name not in body and user.email not in body, query
        assert bid.receipt_hash not in body, query
    # Neither the filter's choices nor the total count them.
    body = client.get(changelist).content.decode()
    assert "bid.submitted" not in body and "bid.started" not in body
    assert response.context["cl"].full_result_count == AuditEvent.objects.unsealed().count()
    for event in bid_events(bid):
        change = reverse("admin:core_auditevent_change", args=[event.pk])
        assert client.get(change).status_code in {302, 404}, event.action

    # The control: after the deadline, the same list shows them.
    with testing.after_deadline(tender):
        response = client.get(changelist + "?action=bid.submitted")
        body = response.content.decode()
        assert [e.object_id for e in response.context["cl"].result_list] == [str(bid.pk)]
        assert user.full_name in body
        submitted = bid_events(bid).get(action="bid.submitted")
        change = client.get(reverse("admin:core_auditevent_change", args=[submitted.pk]))
        assert change.status_code == 200 and bid.receipt_hash in change.content.decode()


def test_events_already_recorded_are_sealed_by_the_migrations(sealed):
    tender, bid, _ = sealed
    events = bid_events(bid)
    expected = dict(events.values_list("pk", "sealed_until"))
    # These migrations ran before the audit trail became append-only (core 0008 depends on
    # them): run them as then, on the models of that time, with the trigger off (until this
    # test's transaction ends).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred check left pending
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_append_only")
    then = MigrationExecutor(connection).loader.project_state(("core", "0008_audit_chain")).apps
    then.get_model("core", "AuditEvent").objects.filter(pk__in=expected).update(sealed_until=None)
    for module in (
        "levelfield.bids.migrations.0003_seal_bid_audit_events",
        "levelfield.socialvalue.migrations.0003_seal_commitment_audit_events",
    ):
        importlib.import_module(module).seal(then, None)
    assert dict(events.values_list("pk", "sealed_until")) == expected
    assert set(expected.values()) == {tender.submission_deadline}


def test_no_admin_page_shows_a_sealed_bid(client, sealed, platform_admin):
    """Every list and every object the admin has, opened before the deadline: no price,
    answer, attachment, subcontractor or commitment of the sealed bid."""
    client.force_login(platform_admin)
    opened = 0
    for model in admin.site._registry:
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        response = client.get(reverse(f"admin:{info}_changelist"))
        assert response.status_code == 200, info
        body = response.content.decode()
        assert [m for m in MARKERS if m in body] == [], info
        for pk in model._default_manager.values_list("pk", flat=True)[:50]:
            response = client.get(reverse(f"admin:{info}_change", args=[pk]))
            assert response.status_code in {200, 302, 404}, info
            body = response.content.decode()
            assert [m for m in MARKERS if m in body] == [], (info, pk)
            opened += 1
    assert opened > 20


def test_the_admin_cannot_give_itself_a_membership(client, sealed, platform_admin):
    """What used to work: the User admin's membership inline made the platform admin a member
    of the bidder (302), and its bid page then showed the sealed bid."""
    _, bid, _ = sealed
    client.force_login(platform_admin)
    user_change = reverse("admin:accounts_user_change", args=[platform_admin.pk])
    response = client.post(
        user_change,
        {
            "email": platform_admin.email,
            "full_name": platform_admin.full_name,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-organisation": str(bid.supplier_id),
            "memberships-0-role": Role.SUPPLIER_ADMIN,
        },
    )
    assert response.status_code == 403
    # Nor through the organisation's page, nor by adding one.
    org_change = reverse("admin:accounts_organisation_change", args=[bid.supplier_id])
    response = client.post(
        org_change,
        {
            "name": BIDDER,
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": str(platform_admin.pk),
            "memberships-0-role": Role.SUPPLIER_ADMIN,
        },
    )
    assert response.status_code in {302, 403}
    for name in ("admin:accounts_user_add", "admin:accounts_organisation_add"):
        assert client.get(reverse(name)).status_code == 403
        response = client.post(reverse(name), {"email": "x@example.com", "name": "X"})
        assert response.status_code == 403
    assert not Membership.objects.filter(user=platform_admin).exists()
    delete = reverse("admin:accounts_user_delete", args=[platform_admin.pk])
    assert client.get(delete).status_code == 403
    # The user's page is read-only: no form to save.
    page = client.get(user_change).content.decode()
    assert 'name="_save"' not in page


def test_the_admin_deactivates_and_reactivates_people_through_an_audited_action(
    client, supplier, platform_admin
):
    _, user = supplier
    _, secret = create_api_token(user=user, name="test")
    their_session = Client()
    their_session.force_login(user)
    assert their_session.get(reverse("bids:dashboard")).status_code == 200
    client.force_login(platform_admin)
    changelist = reverse("admin:accounts_user_changelist")
    response = client.post(
        changelist, {"action": "deactivate", "_selected_action": [user.pk, platform_admin.pk]}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    platform_admin.refresh_from_db()
    assert not user.is_active
    assert platform_admin.is_active  # not itself
    event = AuditEvent.objects.get(action="user.deactivated")
    assert event.object_id == str(user.pk) and event.actor == platform_admin
    messages = [str(m) for m in client.get(changelist).context["messages"]]
    assert f"Deactivated {user.email}" in messages
    assert "root@levelfield.example: You cannot deactivate your own account" in messages
    # Signed out everywhere, and the API token no longer works.
    assert their_session.get(reverse("bids:dashboard")).status_code == 302
    assert user_for_token(secret) is None

    client.post(changelist, {"action": "reactivate", "_selected_action": [user.pk]})
    user.refresh_from_db()
    assert user.is_active
    assert AuditEvent.objects.filter(action="user.reactivated", object_id=str(user.pk)).exists()


def test_renaming_an_organisation_in_the_admin_is_audited(client, supplier, platform_admin):
    organisation, _ = supplier
    client.force_login(platform_admin)
    response = client.post(
        reverse("admin:accounts_organisation_change", args=[organisation.pk]),
        {
            "name": "Acorn Care Limited",
            "kind": "buyer",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Acorn Care Limited"
    assert organisation.kind == Organisation.Kind.SUPPLIER  # only the name changes
    event = AuditEvent.objects.get(action="organisation.renamed")
    assert event.data == {"old_name": "Acorn Care Ltd", "name": "Acorn Care Limited"}
