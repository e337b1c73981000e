"""Finished catalogue projects for the reports' and savings' tests: a project searched and ended
with its frozen shortlist, and its outcome (a call-off contract awarded, signed; or not
awarded). Made directly, as the buying side's actions leave them, so these tests read only what
the reports read; the buying side's own tests make them through its actions."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from itertools import count

from levelfield.accounts.models import Organisation, Role, User
from levelfield.contracts.lifecycle import ContractStatus
from levelfield.contracts.models import Contract, Origin
from levelfield.core import clock
from levelfield.marketplace.lifecycle import ProjectStatus
from levelfield.marketplace.models import Outcome, Project, ShortlistEntry
from levelfield.suppliers.models import Size

from . import marketplace, testing
from .marketplace import content

_numbers = count(1)


def ended_project(buyer, listings, *, by, name: str = "Cloud hosting for the library service"):
    """A project of `buyer` whose search ended with `listings` on its frozen shortlist."""
    number = next(_numbers)
    now = clock.now()
    project = Project.objects.create(
        buyer=buyer,
        reference=f"MP-TEST-{number}",
        name=name,
        need=f"{name}: what we need.",
        framework=listings[0].lot.framework if listings else None,
        created_by=by,
        created_at=now,
    )
    for position, listing in enumerate(listings, start=1):
        ShortlistEntry.objects.create(
            project=project,
            listing=listing,
            listing_version=listing.versions.get(number=listing.version),
            position=position,
            snapshot={**content(listing), "supplier_name": listing.supplier_name},
        )
    project.transition(ProjectStatus.ENDED, now)
    project.ended_by = by
    project.save()
    return project


def awarded(
    buyer,
    listing,
    *,
    by,
    value,
    previous_cost=None,
    name: str = "Cloud hosting for the library service",
    years: int = 2,
    signed: bool = True,
) -> Outcome:
    """A project of `buyer` that awarded `listing` a call-off of `value` (a contract with the
    listing's supplier, titled `name`, signed unless `signed` is False), with the buyer's
    `previous_cost`."""
    project = ended_project(buyer, [listing], by=by, name=name)
    now = clock.now()
    start = clock.today_uk() + timedelta(days=14)
    end = start.replace(year=start.year + years) - timedelta(days=1)
    contract = Contract(
        buyer=buyer,
        origin=Origin.CALL_OFF,
        reference=f"CO-{project.reference}",
        title=name,
        supplier=listing.supplier,
        value=Decimal(value),
        start_date=start,
        end_date=end,
        original_value=Decimal(value),
        original_end_date=end,
        recorded_by=by,
        recorded_at=now,
    )
    if signed:
        contract.transition(ContractStatus.SIGNED, now)
        contract.signed_by = by
    contract.save()
    project.transition(ProjectStatus.AWARDED, now)
    project.save()
    return Outcome.objects.create(
        project=project,
        awarded=True,
        entry=project.shortlist.get(),
        value=Decimal(value),
        start_date=start,
        end_date=end,
        reason="The best value of the shortlist for our need.",
        contract=contract,
        previous_cost=None if previous_cost is None else Decimal(previous_cost),
        previous_supplier="Our previous supplier" if previous_cost is not None else "",
        recorded_by=by,
        recorded_at=now,
    )


def not_awarded(buyer, listings, *, by, name: str = "Cloud support we did not buy") -> Outcome:
    project = ended_project(buyer, listings, by=by, name=name)
    project.transition(ProjectStatus.NOT_AWARDED, clock.now())
    project.save()
    return Outcome.objects.create(
        project=project,
        awarded=False,
        reason="None of the services met the need.",
        recorded_by=by,
        recorded_at=clock.now(),
    )


@dataclass
class Catalogue:
    """A live framework (tests/support/marketplace.LOTS) with one live listing from each of
    four suppliers, micro to large (the small one a VCSE), and a buyer with its staff."""

    platform_admin: User
    buyer: Organisation
    buyer_admin: User
    buyer_officer: User
    framework: object
    suppliers: dict[str, Organisation]
    listings: dict[str, object]


# (size, VCSE, name, lot number, service, price)
CATALOGUE = (
    (Size.MICRO, False, "Bytebridge Digital", 1, "Managed Kubernetes hosting", "40.00"),
    (Size.SMALL, True, "Three Rivers Digital CIC", 3, "Cloud migration support", "650.00"),
    (Size.MEDIUM, False, "Kennet Cloud", 2, "Case management software", "12.00"),
    (Size.LARGE, False, "Albion Cloud plc", 1, "Object storage", "0.02"),
)


def catalogue(buyer_name: str = "Shire County Council") -> Catalogue:
    admin = testing.UserFactory(is_superuser=True, is_staff=True)
    buyer = testing.buyer_org(buyer_name)
    buyer_admin = testing.member(buyer, Role.BUYER_ADMIN)
    officer = testing.member(buyer, Role.BUYER_OFFICER)
    framework = marketplace.framework(by=admin)
    suppliers, listings = {}, {}
    for size, vcse, name, lot, service, price in CATALOGUE:
        supplier, user = testing.supplier_with_user(name, size=size, is_vcse=vcse)
        application = marketplace.admitted(framework, supplier, by=user, admin=admin)
        suppliers[size] = supplier
        listings[size] = marketplace.listing(
            application, framework.lots.get(number=lot), by=user, name=service, price=price
        )
    return Catalogue(admin, buyer, buyer_admin, officer, framework, suppliers, listings)
