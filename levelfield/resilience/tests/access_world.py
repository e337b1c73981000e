"""The world both access tables start from: a supplier with a critical contract in force and a
non-critical one, its living will with a submitted version and a newer draft, and one person
of each kind the tables try (the keys of `people`)."""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser

from levelfield.accounts.models import Role
from levelfield.core import clock
from levelfield.resilience import actions
from tests.support import testing

SUPPLIER = "Hidden Resilience Ltd"
SUBMITTED = "Submitted meals service"
DRAFT = "Draft-only laundry service"


def build():
    """(the supplier, its living will, the people by kind)."""
    org, admin = testing.supplier_with_user(SUPPLIER)
    critical = testing.signed_contract(supplier=(org, admin))
    critical.contract.critical = True
    critical.contract.save(update_fields=["critical"])
    plain = testing.signed_contract(
        supplier=(org, admin), buyer=testing.buyer_org("Wessex Council")
    )
    will = actions.start_living_will(supplier=org, by=admin)
    review = clock.today_uk() + timedelta(days=90)
    content = {"services": [{"name": SUBMITTED, "authorities": ["Shire"], "people_served": 9}]}
    actions.edit_living_will(will=will, by=admin, content=content, owner=admin, review_date=review)
    actions.submit_living_will(will=will, by=admin)
    content["services"].append({"name": DRAFT})
    actions.edit_living_will(will=will, by=admin, content=content, owner=admin, review_date=review)
    _, rival = testing.supplier_with_user("Rival Ltd")
    people = {
        "supplier admin": admin,
        "supplier member": testing.member(org, Role.SUPPLIER_MEMBER),
        "another supplier": rival,
        "critical buyer admin": critical.buyer_admin,
        "critical buyer officer": critical.officer,
        "buyer of a non-critical contract": plain.buyer_admin,
        "unrelated buyer": testing.member(testing.buyer_org("Far Council"), Role.BUYER_ADMIN),
        "evaluator at the critical buyer": testing.member(critical.buyer, Role.EVALUATOR),
        "resilience team": testing.resilience_team_member(),
        "platform admin not on the team": testing.UserFactory(is_superuser=True, is_staff=True),
        "anonymous": AnonymousUser(),
    }
    will.refresh_from_db()
    return org, will, people
