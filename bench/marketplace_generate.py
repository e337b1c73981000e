"""Fill a database with a catalogue for the marketplace benchmark (bench/marketplace_bench.py):
one live framework with three lots (cloud hosting, cloud software, cloud support), suppliers
of every size admitted to it, and --listings live listings with their first version and search
documents, plus a buyer and its officer for the searches.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lf_bench_marketplace \
        .venv/bin/python bench/marketplace_generate.py --listings 50000
    .venv/bin/python bench/marketplace_generate.py --listings 50000 \
        --database-url sqlite:////tmp/lf-bench-marketplace.sqlite3

Creates a PostgreSQL database if it does not exist, migrates, then bulk-inserts the rows and
writes the search documents as indexing.index_listing would one by one (the folded text in
Python, then on PostgreSQL the weighted vector in one UPDATE). Bench data only: product code
never writes models like this. Deterministic for a given --seed: suppliers are 45% micro, 30%
small, 15% medium and 10% large, one in ten a VCSE, as a catalogue of mostly small firms is."""

import argparse
import math
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.search.settings")

FRAMEWORK_REFERENCE = "BENCH-CLOUD"
BUYER_NAME = "Bench County Council"
BUYER_EMAIL = "bench.buyer@levelfield.example"

# (lot title, categories, CPV, services: (name stem, price unit, price range))
LOTS = (
    (
        "Cloud hosting",
        ["Compute", "Storage", "Networking", "Databases"],
        "72400000",
        (
            ("Managed Kubernetes hosting", "per node per month", (40, 900)),
            ("Virtual machines", "per virtual machine per month", (10, 600)),
            ("Object storage", "per terabyte per month", (5, 60)),
            ("Managed PostgreSQL", "per instance per month", (50, 1200)),
            ("Backup as a service", "per terabyte per month", (10, 120)),
            ("Content delivery network", "per terabyte", (5, 90)),
            ("Private cloud", "per rack per month", (900, 9000)),
            ("Disaster recovery", "per server per month", (30, 400)),
        ),
    ),
    (
        "Cloud software",
        ["Case management", "Finance", "Collaboration", "Human resources", "Forms"],
        "72260000",
        (
            ("Case management software", "per user per month", (8, 90)),
            ("Finance and payroll system", "per user per month", (15, 120)),
            ("Online forms and payments", "per form per year", (100, 2500)),
            ("Document management", "per user per month", (4, 40)),
            ("HR and recruitment", "per employee per year", (20, 150)),
            ("Customer relationship management", "per user per month", (10, 110)),
            ("Library management system", "per branch per year", (600, 9000)),
            ("Social care records", "per user per month", (20, 140)),
        ),
    ),
    (
        "Cloud support",
        ["Migration", "Training", "Ongoing support", "Security"],
        "72600000",
        (
            ("Cloud migration", "per day", (450, 1400)),
            ("Security monitoring", "per server per month", (20, 300)),
            ("Service desk", "per user per month", (5, 45)),
            ("User training", "per day", (350, 1100)),
            ("Penetration testing", "per day", (600, 1500)),
            ("Accessibility audit", "per service", (1500, 9000)),
            ("Data migration", "per day", (450, 1300)),
            ("Architecture and design", "per day", (550, 1500)),
        ),
    ),
)
QUALIFIERS = [
    "",
    "UK sovereign",
    "Green",
    "Open source",
    "Managed",
    "Secure",
    "Scalable",
    "Council",
    "NHS-ready",
    "Accessible",
    "Low-code",
    "Resilient",
]
FEATURES = [
    "Data held in UK data centres",
    "99.95% availability",
    "Single sign-on with Microsoft Entra ID",
    "Role-based access control",
    "Audit logging",
    "Open standards and APIs",
    "Automatic daily backups",
    "24/7 support",
    "WCAG 2.2 AA accessible",
    "Encryption at rest and in transit",
    "Carbon-neutral hosting",
    "Migration from on-premises",
    "Real-time dashboards",
    "Mobile app for field staff",
    "Integration with GOV.UK Notify",
    "Integration with GOV.UK Pay",
]
BENEFITS = [
    "Lower running costs than on-premises",
    "No long-term lock-in",
    "Fast onboarding within a week",
    "Local support team",
    "Social value: apprenticeships in the region",
    "Meets the Technology Code of Practice",
    "Trusted by councils and NHS trusts",
]
PLACES = [
    "Bristol",
    "Exeter",
    "Leeds",
    "Sheffield",
    "Manchester",
    "Newcastle",
    "Birmingham",
    "Norwich",
    "Cardiff",
    "Glasgow",
    "Belfast",
    "Brighton",
    "Derby",
    "Plymouth",
    "York",
    "Swansea",
]
FIRM_WORDS = [
    "Byte",
    "Cloud",
    "Stack",
    "Harbour",
    "Beacon",
    "Ridge",
    "Kite",
    "Maple",
    "Orbit",
    "Quay",
    "Signal",
    "Thistle",
    "Vale",
    "Wren",
    "Anvil",
    "Cobalt",
]
FIRM_ENDINGS = ["Digital", "Systems", "Technology", "Labs", "Consulting", "Networks", "Data"]
SIZES = [("micro", 45), ("small", 30), ("medium", 15), ("large", 10)]
CERTIFICATIONS = ["cyber_essentials", "cyber_essentials_plus", "iso_27001", "iso_9001"]


def _supplier_name(rng: random.Random, number: int) -> str:
    place = rng.choice(PLACES)
    words = f"{rng.choice(FIRM_WORDS)}{rng.choice(FIRM_WORDS).lower()} {rng.choice(FIRM_ENDINGS)}"
    kind = rng.choice([" Ltd", " Ltd", " Ltd", " plc", " CIC", " LLP"])
    return f"{place} {words} {number}{kind}"


def listing_fields(rng: random.Random, lot_number: int) -> dict:
    """One listing's content on lot `lot_number` (1-3)."""
    _title, categories, _cpv, services = LOTS[lot_number - 1]
    stem, unit, (low, high) = rng.choice(services)
    qualifier = rng.choice(QUALIFIERS)
    place = rng.choice(PLACES)
    name = f"{qualifier} {stem}".strip() + rng.choice(["", f" for {place}", " (G-Cloud)", " Pro"])
    # Log-uniform between the service's lowest and highest price, to the penny.
    price = Decimal(str(round(10 ** rng.uniform(math.log10(low), math.log10(high)), 2)))
    features = rng.sample(FEATURES, rng.randint(3, 6))
    return {
        "name": name[:200],
        "summary": f"{stem} for the public sector, {features[0].lower()}.",
        "description": (
            f"{name}: {stem.lower()} delivered from {place}. "
            + " ".join(f"{feature}." for feature in features[1:])
        ),
        "features": features,
        "benefits": rng.sample(BENEFITS, rng.randint(2, 4)),
        "category": rng.choice(categories),
        "price": price,
        "price_unit": unit,
        "discounts": rng.choice(["", "10% off for three-year terms", "Education discount 20%"]),
        "certifications": sorted(rng.sample(CERTIFICATIONS, rng.choice([0, 1, 1, 2]))),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=50_000)
    parser.add_argument("--suppliers", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--database-url", help="default: DATABASE_URL")
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        from bench.search.generate import ensure_database

        ensure_database(url)
    elif not url.startswith("sqlite:"):
        sys.exit("Set DATABASE_URL (or --database-url) to a PostgreSQL or SQLite database")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from levelfield.accounts.models import Membership, Organisation, Role, User
    from levelfield.marketplace import indexing
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
    from levelfield.suppliers.models import SupplierProfile

    call_command("migrate", verbosity=0)
    if Framework.objects.filter(reference=FRAMEWORK_REFERENCE).exists():
        sys.exit("The database already has the bench catalogue: use a fresh database.")
    rng = random.Random(args.seed)
    now = datetime.now(UTC)
    today = now.date()
    started = time.monotonic()
    with transaction.atomic():
        admin = User.objects.create_user("bench.admin@levelfield.example", None, full_name="Bench")
        buyer = Organisation.objects.create(name=BUYER_NAME, kind=Organisation.Kind.BUYER)
        officer = User.objects.create_user(BUYER_EMAIL, None, full_name="Bench Buyer")
        Membership.objects.create(user=officer, organisation=buyer, role=Role.BUYER_OFFICER)
        framework = Framework.objects.create(
            reference=FRAMEWORK_REFERENCE,
            name="Cloud services (bench)",
            status=FrameworkStatus.LIVE,
            applications_open_on=today - timedelta(days=120),
            applications_close_on=today - timedelta(days=60),
            live_from=today - timedelta(days=30),
            expires_on=date(today.year + 2, 1, 1),
            created_by=admin,
            created_at=now,
            live_at=now,
        )
        lots = [
            FrameworkLot.objects.create(
                framework=framework, number=n, title=title, categories=cats, cpv_code=cpv
            )
            for n, (title, cats, cpv, _services) in enumerate(LOTS, start=1)
        ]
        sizes, weights = zip(*SIZES, strict=True)
        organisations = Organisation.objects.bulk_create(
            Organisation(name=_supplier_name(rng, n), kind=Organisation.Kind.SUPPLIER)
            for n in range(1, args.suppliers + 1)
        )
        profiles = SupplierProfile.objects.bulk_create(
            SupplierProfile(
                organisation=organisation,
                legal_name=organisation.name,
                size=rng.choices(sizes, weights)[0],
                is_vcse=rng.random() < 0.1,
                region="UKK",
            )
            for organisation in organisations
        )
        applications = Application.objects.bulk_create(
            Application(
                framework=framework,
                supplier=organisation,
                status=ApplicationStatus.ADMITTED,
                created_by=admin,
                created_at=now,
                submitted_at=now,
                decided_at=now,
            )
            for organisation in organisations
        )
        Application.lots.through.objects.bulk_create(
            Application.lots.through(application_id=application.pk, frameworklot_id=lot.pk)
            for application in applications
            for lot in lots
        )
    print(f"{args.suppliers:,} suppliers admitted in {time.monotonic() - started:.0f} s")
    made = 0
    while made < args.listings:
        size = min(args.batch, args.listings - made)
        rows, contents = [], []
        for _ in range(size):
            index = rng.randrange(len(applications))
            organisation, profile = organisations[index], profiles[index]
            lot = rng.choice(lots)
            content = listing_fields(rng, lot.number)
            row = Listing(
                lot=lot,
                application=applications[index],
                supplier=organisation,
                status=ListingStatus.LIVE,
                version=1,
                supplier_name=organisation.name,
                supplier_size=profile.size,
                supplier_is_vcse=profile.is_vcse,
                created_by=admin,
                created_at=now,
                updated_at=now,
                submitted_at=now,
                live_at=now,
                **content,
            )
            row.search_text = indexing.listing_text(row)
            rows.append(row)
            contents.append({**content, "price": str(content["price"])})
        with transaction.atomic():
            listings = Listing.objects.bulk_create(rows)
            ListingVersion.objects.bulk_create(
                ListingVersion(listing=row, number=1, content=c, created_by=admin, created_at=now)
                for row, c in zip(listings, contents, strict=True)
            )
        made += size
        print(f"\r{made:,} listings", end="", flush=True)
    print(f" inserted in {time.monotonic() - started:.0f} s")
    if connection.vendor == "postgresql":
        Listing.objects.update(search_vector=indexing.search_document())
        # Every table written (the versions, applications and profiles too), so the searches'
        # plans and index-only reads are as on a database in use.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"search documents written ({connection.vendor}); "
        f"{Listing.objects.live().count():,} live listings; "
        f"{time.monotonic() - started:.0f} s in all"
    )


if __name__ == "__main__":
    main()
