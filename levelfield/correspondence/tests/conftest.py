"""A tender past its deadline with two bidders (Acorn and Beech), and the people around it."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from levelfield.accounts.models import Role
from levelfield.core import clock
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers.models import MemberRole
from levelfield.tenders.models import Tender
from tests.support import testing

from .. import actions
from ..models import Purpose, Thread


def close(tender: Tender) -> Tender:
    """Move the tender's deadlines into the past, as if time had passed."""
    past = clock.now() - timedelta(minutes=1)
    Tender.objects.filter(pk=tender.pk).update(
        clarification_deadline=past - timedelta(days=1), submission_deadline=past
    )
    tender.refresh_from_db()
    return tender


@pytest.fixture
def world(buyer, buyer_admin, officer, evaluator, tender):
    acorn, acorn_admin = testing.supplier_with_user("Acorn Care Ltd")
    acorn_member = testing.member(acorn, Role.SUPPLIER_MEMBER, full_name="Ash Member")
    beech, beech_admin = testing.supplier_with_user("Beech Homecare CIC")
    testing.submitted_bid(tender=tender, supplier=acorn, by=acorn_admin, price="90000")
    testing.submitted_bid(tender=tender, supplier=beech, by=beech_admin, price="95000")
    other_council = testing.buyer_org("Other Borough Council")
    other_admin = testing.member(other_council, Role.BUYER_ADMIN, full_name="Otto Other")
    return SimpleNamespace(
        tender=tender,
        buyer=buyer,
        buyer_admin=buyer_admin,
        officer=officer,
        evaluator=evaluator,
        acorn=acorn,
        acorn_admin=acorn_admin,
        acorn_member=acorn_member,
        beech=beech,
        beech_admin=beech_admin,
        other_admin=other_admin,
    )


@pytest.fixture
def closed(world):
    close(world.tender)
    return world


def start(world, *, body="Please confirm your price includes travel time.", **kwargs) -> Thread:
    fields = {
        "tender": world.tender,
        "supplier": world.acorn,
        "by": world.officer,
        "purpose": Purpose.BID_CLARIFICATION,
        "subject": "Travel time in your price",
        "body": body,
    }
    fields.update(kwargs)
    return actions.start_thread(**fields)


@pytest.fixture
def consortium_thread(closed):
    """A thread with a consortium that bid (made directly: the consortium's bid itself is the
    bids app's to test), led by Acorn with Beech as an accepted member, and an invited one."""
    lead, lead_admin = closed.acorn, closed.acorn_admin
    consortium = testing.accepted_consortium(
        lead=lead,
        lead_admin=lead_admin,
        member=closed.beech,
        member_admin=closed.beech_admin,
        name="Acorn Partnership",
    )
    invited, invited_admin = testing.supplier_with_user("Cedar Care Ltd")
    supplier_actions.invite_to_consortium(
        consortium=consortium, by=lead_admin, organisation=invited, role=MemberRole.MEMBER
    )
    now = clock.now()
    thread = Thread.objects.create(
        tender=closed.tender,
        supplier=consortium.organisation,
        purpose=Purpose.STANDSTILL,
        subject="Your standstill letter",
        started_by=closed.officer,
        started_at=now,
        last_message_at=now,
    )
    return SimpleNamespace(
        thread=thread,
        lead_admin=lead_admin,
        member_admin=closed.beech_admin,
        invited_admin=invited_admin,
        world=closed,
    )
