"""A small catalogue for the buying tests: a live framework with three lots, four suppliers
(micro, small VCSE, medium, large) admitted, and listings across the lots with prices and
certifications; and a buyer with an admin, an officer and an evaluator."""

from dataclasses import dataclass
from datetime import timedelta

from levelfield.accounts.models import Role
from levelfield.accounts.selectors import SESSION_KEY
from levelfield.core import clock
from levelfield.marketplace.models import Framework, Listing
from tests.support import marketplace, testing


@dataclass
class Catalogue:
    framework: Framework
    lots: list
    listings: dict[str, Listing]
    suppliers: dict
    supplier_users: dict
    buyer: object
    admin: object
    officer: object
    evaluator: object
    platform_admin: object


# name -> (supplier, lot number, category, price, certifications, summary)
LISTINGS = {
    "Managed Kubernetes Hosting": ("micro", 1, "Compute", "120.00", ("cyber_essentials",), ""),
    "Secure Object Storage": (
        "large",
        1,
        "Storage",
        "45.50",
        ("cyber_essentials", "iso_27001"),
        "Encrypted storage for records",
    ),
    "Casework Cloud": ("vcse", 2, "Case management", "30.00", (), "Case management for councils"),
    "Ledger Finance Suite": ("medium", 2, "Finance", "80.00", ("iso_27001",), ""),
    "Cloud Migration Support": (
        "large",
        3,
        "Migration",
        "650.00",
        ("cyber_essentials", "iso_27001"),
        "Moving hosting to the cloud",
    ),
    "Cleaning up legacy hosting": ("small", 3, "Migration", "400.00", (), ""),
}

SUPPLIERS = {
    "micro": ("Bytebridge Ltd", {"size": "micro"}),
    "small": ("Tarrant Digital Ltd", {"size": "small"}),
    "vcse": ("Wessex Community Tech CIC", {"size": "small", "is_vcse": True}),
    "medium": ("Kennet Systems Ltd", {"size": "medium"}),
    "large": ("Albion Cloud plc", {"size": "large"}),
}


def catalogue() -> Catalogue:
    platform_admin = testing.UserFactory(is_superuser=True, is_staff=True)
    framework = marketplace.framework(by=platform_admin)
    lots = list(framework.lots.order_by("number"))
    suppliers, users, applications = {}, {}, {}
    for key, (name, profile) in SUPPLIERS.items():
        org, user = testing.supplier_with_user(name, **profile)
        suppliers[key], users[key] = org, user
        applications[key] = marketplace.admitted(framework, org, by=user, admin=platform_admin)
    listings = {}
    for name, (key, lot, category, price, certs, summary) in LISTINGS.items():
        listings[name] = marketplace.listing(
            applications[key],
            lots[lot - 1],
            by=users[key],
            name=name,
            category=category,
            price=price,
            certifications=certs,
            summary=summary,
        )
    buyer = testing.buyer_org("Wessex County Council")
    return Catalogue(
        framework=framework,
        lots=lots,
        listings=listings,
        suppliers=suppliers,
        supplier_users=users,
        buyer=buyer,
        admin=testing.member(buyer, Role.BUYER_ADMIN),
        officer=testing.member(buyer, Role.BUYER_OFFICER),
        evaluator=testing.member(buyer, Role.EVALUATOR),
        platform_admin=platform_admin,
    )


def award_form(project, **fields) -> dict:
    """The outcome page's form as a buyer admin fills it in to award the project's first
    shortlisted service, with a term ending the day before it starts and no reason (two problems
    at once), with `fields` changed (None: left out)."""
    today = clock.today_uk()
    form = {
        "awarded": "yes",
        "entry": str(project.shortlist.get(position=1).pk),
        "value": "5000",
        "start_date": today.strftime("%d/%m/%Y"),
        "end_date": (today - timedelta(days=1)).strftime("%d/%m/%Y"),
        "reason": "",
        **fields,
    }
    return {name: value for name, value in form.items() if value is not None}


def acting_for(client, user, organisation):
    """`client` signed in as `user`, acting for `organisation` (one of several they are on)."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[SESSION_KEY] = organisation.pk
    session.save()
    return client
