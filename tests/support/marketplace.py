"""Marketplace rows for tests of the buying side, the reports and the bench: a live framework
with lots, suppliers admitted to it, and live listings with their first version and search
documents. Made directly, as the framework and listing actions would leave them (the actions'
own tests make them through the actions)."""

from datetime import date, timedelta
from decimal import Decimal

from levelfield.core import clock
from levelfield.marketplace import indexing, listing_rules
from levelfield.marketplace.actions.listings import content_of
from levelfield.marketplace.lifecycle import (
    ApplicationStatus,
    FrameworkStatus,
    ListingStatus,
)
from levelfield.marketplace.models import (
    Application,
    Framework,
    FrameworkLot,
    Listing,
    ListingVersion,
)
from levelfield.suppliers.models import ExclusionDeclaration

LOTS = (
    ("Cloud hosting", ["Compute", "Storage", "Networking"], "72400000"),
    ("Cloud software", ["Case management", "Finance", "Collaboration"], "72260000"),
    ("Cloud support", ["Migration", "Training", "Ongoing support"], "72600000"),
)


def framework(*, by, status: str = FrameworkStatus.LIVE, reference: str = "LF-CLOUD-1", lots=LOTS):
    """A framework walked through its lifecycle to `status`, with `lots` (title, categories,
    CPV code)."""
    today = clock.today_uk()
    row = Framework.objects.create(
        reference=reference,
        name="Cloud services",
        description="Hosting, software and support bought from a catalogue.",
        applications_open_on=today - timedelta(days=120),
        applications_close_on=today - timedelta(days=60),
        live_from=today - timedelta(days=30),
        expires_on=date(today.year + 2, today.month, 1),
        statements=["We will keep our listings accurate and our prices as listed."],
        created_by=by,
        created_at=clock.now(),
    )
    order = [
        FrameworkStatus.COMING,
        FrameworkStatus.OPEN,
        FrameworkStatus.PENDING,
        FrameworkStatus.STANDSTILL,
        FrameworkStatus.LIVE,
        FrameworkStatus.EXPIRED,
    ]
    for target in order[1 : order.index(status) + 1]:
        row.transition(target, clock.now())
    row.save()
    for number, (title, categories, cpv) in enumerate(lots, start=1):
        FrameworkLot.objects.create(
            framework=row, number=number, title=title, categories=categories, cpv_code=cpv
        )
    return row


def admitted(framework, supplier, *, by, admin):
    """The supplier's application to `framework`, submitted with its current declaration and
    admitted by the platform admin `admin`."""
    declaration = ExclusionDeclaration.objects.filter(organisation=supplier).first()
    application = Application.objects.create(
        framework=framework,
        supplier=supplier,
        declaration=declaration,
        declaration_snapshot=declaration.answers if declaration else {},
        agreed_statements=list(framework.statements),
        created_by=by,
        created_at=clock.now(),
        submitted_by=by,
    )
    application.lots.set(framework.lots.all())
    application.transition(ApplicationStatus.SUBMITTED, clock.now())
    application.transition(ApplicationStatus.ADMITTED, clock.now())
    application.decided_by = admin
    application.save()
    return application


def listing(
    application,
    lot,
    *,
    by,
    name: str,
    price="100.00",
    price_unit: str = "per user per month",
    category: str = "",
    summary: str = "",
    description: str = "",
    features=(),
    benefits=(),
    certifications=(),
    status: str = ListingStatus.LIVE,
):
    """A listing on `lot` with its first version, submitted and (by default) live."""
    supplier = application.supplier
    profile = supplier.supplier_profile
    now = clock.now()
    row = Listing.objects.create(
        lot=lot,
        application=application,
        supplier=supplier,
        name=name,
        summary=summary,
        description=description,
        features=list(features),
        benefits=list(benefits),
        category=category or (lot.categories[0] if lot.categories else ""),
        price=Decimal(price) if price is not None else None,
        price_unit=price_unit,
        certifications=list(certifications),
        supplier_name=supplier.name,
        supplier_size=profile.size,
        supplier_is_vcse=profile.is_vcse,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    if status != ListingStatus.DRAFT:
        row.transition(ListingStatus.SUBMITTED, now)
        row.version = 1
        ListingVersion.objects.create(
            listing=row, number=1, content=content(row), created_by=by, created_at=now
        )
    if status == ListingStatus.LIVE:
        row.transition(ListingStatus.LIVE, now)
    row.save()
    indexing.index_listing(row)
    return row


def content(row) -> dict:
    """A listing's content as a version keeps it (the listing actions' own reading)."""
    return listing_rules.as_json(content_of(row))
