"""Frameworks and applications for the frameworks part's tests, made through the actions: the
platform admin, a supplier with its admin and member, a buyer's staff, and a framework walked to
the status a test needs."""

from dataclasses import dataclass
from datetime import timedelta

from levelfield.accounts.models import Organisation, Role, User
from levelfield.core import clock
from levelfield.marketplace.actions import applications, frameworks
from levelfield.marketplace.actions.frameworks import FrameworkDetails, LotDetails
from levelfield.marketplace.lifecycle import FrameworkStatus
from levelfield.marketplace.models import Framework
from tests.support import testing

# The statuses in the order the lifecycle walks them (as FrameworkStatus declares them).
ORDER = list(FrameworkStatus)


@dataclass
class People:
    admin: User
    supplier: Organisation
    supplier_admin: User
    supplier_member: User
    other_supplier: Organisation
    other_admin: User
    buyer: Organisation
    buyer_admin: User
    officer: User
    evaluator: User


def make_people() -> People:
    supplier, supplier_admin = testing.supplier_with_user("Bytebridge Ltd")
    other, other_admin = testing.supplier_with_user("Cloudhaven Ltd")
    buyer = testing.buyer_org("Wessex County Council")
    return People(
        admin=testing.UserFactory(is_superuser=True, is_staff=True),
        supplier=supplier,
        supplier_admin=supplier_admin,
        supplier_member=testing.member(supplier, Role.SUPPLIER_MEMBER),
        other_supplier=other,
        other_admin=other_admin,
        buyer=buyer,
        buyer_admin=testing.member(buyer, Role.BUYER_ADMIN),
        officer=testing.member(buyer, Role.BUYER_OFFICER),
        evaluator=testing.member(buyer, Role.EVALUATOR),
    )


def details(reference: str = "LF-CLOUD-9", **changes) -> FrameworkDetails:
    today = clock.today_uk()
    values = {
        "reference": reference,
        "name": "Cloud services 9",
        "description": "Hosting, software and support.",
        "applications_open_on": today,
        "applications_close_on": today + timedelta(days=30),
        "live_from": today + timedelta(days=60),
        "expires_on": today + timedelta(days=60 + 730),
        "statements": ["We keep our listings accurate.", "We honour our listed prices."],
        "lots": [
            LotDetails("Cloud hosting", "Compute and storage", ["Compute", "Storage"], "72400000"),
            LotDetails("Cloud software", "", ["Finance"], ""),
        ],
    }
    values.update(changes)
    return FrameworkDetails(**values)


def framework_at(status: str, *, by, reference: str = "LF-CLOUD-9") -> Framework:
    """A framework created through the actions and walked to `status` (nobody applies)."""
    framework = frameworks.create_framework(details=details(reference), by=by)
    for target in ORDER[1 : ORDER.index(status) + 1]:
        framework = frameworks.STEPS[target](framework=framework, by=by)
    return framework


def submitted(framework: Framework, supplier: Organisation, by: User):
    """The supplier's application for every lot, declared and submitted."""
    application = applications.start_application(
        framework=framework,
        supplier=supplier,
        by=by,
        lot_ids=framework.lots.values_list("pk", flat=True),
    )
    applications.declare(
        application=application, agreed=range(1, len(framework.statements) + 1), by=by
    )
    return applications.submit_application(application=application, by=by)
