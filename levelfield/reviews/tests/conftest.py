"""The people of a review case: a supplier who raises concerns, a buyer with a published tender,
a reviewer and a review manager (platform roles given by a platform admin)."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from levelfield.accounts.models import Organisation, Role, User
from levelfield.core import clock
from levelfield.tenders.models import Tender
from tests.support import testing


@dataclass
class World:
    buyer: Organisation
    buyer_admin: User
    officer: User
    tender: Tender
    supplier: Organisation
    raiser: User
    reviewer: User
    manager: User


@pytest.fixture
def world(db) -> World:
    buyer = testing.buyer_org("Borsetshire County Council")
    buyer_admin = testing.member(buyer, Role.BUYER_ADMIN)
    officer = testing.member(buyer, Role.BUYER_OFFICER)
    # Published 200 days ago: cases about it can be raised at moments in the past.
    with clock.frozen_at(clock.now() - timedelta(days=200)):
        tender = testing.published_tender(buyer=buyer, by=officer)
    supplier = testing.supplier_org("Ambridge Widgets Ltd")
    raiser = testing.member(
        supplier, Role.SUPPLIER_ADMIN, full_name="Pip Archer", email="pip.archer@ambridge.example"
    )
    return World(
        buyer=buyer,
        buyer_admin=buyer_admin,
        officer=officer,
        tender=tender,
        supplier=supplier,
        raiser=raiser,
        reviewer=testing.review_team_member(full_name="Rita Reviewer"),
        manager=testing.review_team_member(manager=True, full_name="Morgan Manager"),
    )
