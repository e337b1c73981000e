"""Fill a PostgreSQL database with published tenders for the search benchmark.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lf_bench_search \
        .venv/bin/python bench/search/generate.py --tenders 200000

Creates the database if it does not exist, migrates it, then bulk-inserts the tenders with
their CPV codes and writes their search documents in one UPDATE, as `publish_tender` would
one by one; then stores the table in publication order, as a live portal's would be. Bench data
only: product code never writes models like this. Deterministic for a given --seed. Tenders are
spread over the last three years; those whose deadline is still ahead are open (about 4% of
them), the rest closed, awarded or cancelled.
"""

import argparse
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.search.settings")

# (CPV code, title stems, words that turn up in descriptions of that kind of work)
CATEGORIES = [
    (
        "85312400",
        ["Home care and reablement", "Domiciliary care", "Supported living", "Respite care"],
        "personal care at home, reablement after hospital, visits of at least 30 minutes",
    ),
    (
        "85320000",
        ["Youth services", "Domestic abuse support", "Homelessness outreach", "Carers support"],
        "community support for residents, outreach, advice and advocacy",
    ),
    (
        "85323000",
        ["Drug and alcohol recovery service", "Sexual health services", "Stop smoking service"],
        "public health services commissioned by the council",
    ),
    (
        "90910000",
        ["Office cleaning", "School cleaning", "Window cleaning", "Washroom services"],
        "cleaning of offices, schools and depots, with eco-friendly products",
    ),
    (
        "45233141",
        ["Highway maintenance", "Road resurfacing", "Gully cleansing", "Footway repairs"],
        "maintenance of the road network, drainage and verges",
    ),
    (
        "45316110",
        ["Street lighting maintenance", "Traffic signals maintenance"],
        "lanterns, columns and signals on the highway, with night-time working",
    ),
    (
        "72000000",
        ["Cloud hosting", "Case management system", "IT service desk", "Network refresh"],
        "software, hosting and support for council services, with data held in the UK",
    ),
    (
        "72212000",
        ["Website redevelopment", "Digital services development", "Data platform"],
        "agile software development in user-centred teams",
    ),
    (
        "79714000",
        ["Cyber security services", "Penetration testing", "Security operations centre"],
        "protecting systems and data from cyber attack",
    ),
    (
        "55524000",
        ["School meals", "Hospital catering", "Meals on wheels", "Vending services"],
        "freshly prepared meals and catering to national food standards",
    ),
    (
        "90500000",
        ["Household waste collection", "Recycling services", "Clinical waste disposal"],
        "collection, recycling and disposal of waste",
    ),
    (
        "79100000",
        ["Legal services", "Conveyancing services", "Employment law advice"],
        "legal advice and representation for the authority",
    ),
    (
        "79400000",
        ["Transformation consultancy", "Programme management support", "Audit services"],
        "consultancy and professional support to the authority",
    ),
    (
        "79540000",
        ["Translation and interpreting", "British Sign Language interpreting"],
        "interpreting face to face, by telephone and video, and document translation",
    ),
    (
        "60130000",
        ["Home to school transport", "Community transport", "Patient transport services"],
        "passenger transport with trained drivers and accessible vehicles",
    ),
    (
        "80530000",
        ["Apprenticeship training", "Leadership development programme", "First aid training"],
        "training and development for staff and residents",
    ),
    (
        "45214200",
        ["New primary school", "School extension", "Library refurbishment"],
        "construction and refurbishment of public buildings",
    ),
    (
        "45453000",
        ["Housing repairs and maintenance", "Roof replacement", "Fire door installation"],
        "repairs, planned maintenance and compliance works to council homes",
    ),
    (
        "77310000",
        ["Grounds maintenance", "Tree surgery", "Parks management", "Cemetery maintenance"],
        "grass cutting, planting and care of parks and open spaces",
    ),
    (
        "33141000",
        ["Wound care products", "Medical consumables", "Continence products"],
        "medical supplies delivered to clinics and patients' homes",
    ),
    (
        "09332000",
        ["Solar panel installation", "Heat pump installation", "EV charging points"],
        "low-carbon energy for public buildings and the fleet",
    ),
    (
        "79710000",
        ["Security guarding", "CCTV maintenance", "Alarm monitoring"],
        "security for buildings, events and car parks",
    ),
    (
        "50750000",
        ["Lift maintenance", "Boiler servicing", "Fire alarm maintenance"],
        "servicing, inspection and reactive repairs of building systems",
    ),
    (
        "39130000",
        ["Office furniture", "School furniture", "Library shelving"],
        "supply, delivery and installation of furniture",
    ),
    (
        "90922000",
        ["Pest control", "Graffiti removal", "Abandoned vehicle removal"],
        "environmental services across the district",
    ),
]
PLACES = [
    "Bristol",
    "Bath",
    "Exeter",
    "Plymouth",
    "Truro",
    "Taunton",
    "Gloucester",
    "Swindon",
    "Salisbury",
    "Dorchester",
    "Leeds",
    "Sheffield",
    "York",
    "Hull",
    "Bradford",
    "Manchester",
    "Liverpool",
    "Preston",
    "Carlisle",
    "Newcastle",
    "Durham",
    "Sunderland",
    "Birmingham",
    "Coventry",
    "Wolverhampton",
    "Worcester",
    "Hereford",
    "Nottingham",
    "Leicester",
    "Derby",
    "Lincoln",
    "Norwich",
    "Ipswich",
    "Cambridge",
    "Peterborough",
    "Oxford",
    "Reading",
    "Brighton",
    "Maidstone",
    "Southampton",
    "Portsmouth",
    "Camden",
    "Hackney",
    "Croydon",
    "Cardiff",
    "Swansea",
    "Wrexham",
    "Glasgow",
    "Edinburgh",
    "Aberdeen",
    "Belfast",
    "Derry",
]
REGIONS = ["UKC", "UKD", "UKE", "UKF", "UKG", "UKH", "UKI", "UKJ", "UKK", "UKL", "UKM", "UKN"]
BUYER_KINDS = [
    "{} City Council",
    "{} County Council",
    "{} NHS Foundation Trust",
    "{} Integrated Care Board",
    "{} Police",
    "{} Fire and Rescue Service",
    "{} Housing Association",
    "University of {}",
]
SUFFIXES = [
    "",
    " in {place}",
    " for {place}",
    ": {place} area",
    " framework",
    " {year} to {end}",
    " (re-procurement)",
    " pilot",
]
GENERIC = [
    "The contract runs for {years} years with an option to extend by up to two.",
    "The authority welcomes bids from small businesses and voluntary organisations.",
    "Bidders must show how they will deliver social value in the local area.",
    "Services are delivered across {place} and the surrounding villages.",
    "Payment is monthly in arrears against agreed performance measures.",
    "TUPE may apply to staff currently delivering the service.",
    "A site visit is available on request before the clarification deadline.",
    "The service supports the council's net zero commitment.",
    "Bidders may bid for one or more lots.",
    "Tender documents are available on this portal at no charge.",
]
ENDED = ["published", "evaluation", "award_decided", "standstill", "contract_signed", "cancelled"]
ENDED_WEIGHTS = [30, 4, 2, 2, 47, 15]


def _value(rng: random.Random) -> Decimal:
    """Log-uniform from £10,000 to £50m, to the nearest £1,000."""
    return Decimal(round(10 ** rng.uniform(4, 7.7), -3))


def _tender_fields(rng: random.Random, number: int, now: datetime) -> tuple[dict, list[str]]:
    code, stems, topic = rng.choice(CATEGORIES)
    place = rng.choice(PLACES)
    published = now - timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
    year = published.year
    title = rng.choice(stems) + rng.choice(SUFFIXES).format(place=place, year=year, end=year + 3)
    other_topic = rng.choice(CATEGORIES)[2]
    sentences = [
        f"{title} for {place}: {topic}.",
        rng.choice(GENERIC).format(years=rng.randint(2, 5), place=place),
        rng.choice(GENERIC).format(years=rng.randint(2, 5), place=place),
    ]
    if rng.random() < 0.3:
        sentences.append(f"The work may include {other_topic}.")
    deadline = published + timedelta(days=rng.randint(20, 60), hours=rng.randint(0, 8))
    status = "published" if deadline > now else rng.choices(ENDED, ENDED_WEIGHTS)[0]
    start = (deadline + timedelta(days=rng.randint(45, 120))).date()
    value = _value(rng)
    fields = {
        "reference": f"BN-{year}-{number:07d}",
        "title": title[:200],
        "description": " ".join(sentences),
        "estimated_value": value,
        "region": rng.choice(REGIONS) if rng.random() < 0.9 else "",
        "suitable_for_sme": rng.random() < (0.8 if value < 500000 else 0.4),
        "suitable_for_vcse": rng.random() < 0.3,
        "reserved_participation": rng.choices(
            ["", "smeVcse", "publicServiceMissionOrganization"], [96, 3, 1]
        )[0],
        "minimum_turnover": value * 2 if rng.random() < 0.2 else None,
        "status": status,
        "policy_version": "PPN-002" if published.date() >= date(2025, 2, 24) else "PPN-06-20",
        "created_at": published - timedelta(days=rng.randint(1, 20)),
        "published_at": published,
        "clarification_deadline": deadline - timedelta(days=7),
        "submission_deadline": deadline,
        "expected_award_date": (deadline + timedelta(days=30)).date(),
        "contract_start": start,
        "contract_end": start + timedelta(days=365 * rng.randint(1, 5)),
    }
    if status == "cancelled":
        fields["cancelled_at"] = published + timedelta(days=rng.randint(1, 40))
        fields["cancellation_reason"] = "The requirement has changed."
    cpv = [code] + [rng.choice(CATEGORIES)[0] for _ in range(rng.choice([0, 0, 1, 2]))]
    return fields, list(dict.fromkeys(cpv))


def ensure_database(url: str) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    admin = psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')
            print(f"created database {config['NAME']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenders", type=int, default=200_000)
    parser.add_argument("--buyers", type=int, default=400)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database, like "
            "postgres://postgres@127.0.0.1:5432/lf_bench_search"
        )
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from levelfield.accounts.models import Organisation, User
    from levelfield.tenders.models import Tender, TenderCPV
    from levelfield.tenders.selectors import index_cpv_codes, search_document

    call_command("migrate", verbosity=0)
    if Tender.objects.exists():
        sys.exit("The database already has tenders: use a fresh database for the benchmark.")
    rng = random.Random(args.seed)
    now = datetime.now(UTC)
    started = time.monotonic()
    with transaction.atomic():
        user = User.objects.create_user("bench@levelfield.example", None, full_name="Bench")
        names = list(
            dict.fromkeys(
                rng.choice(BUYER_KINDS).format(rng.choice(PLACES)) for _ in range(args.buyers * 3)
            )
        )[: args.buyers]
        buyers = Organisation.objects.bulk_create(
            [Organisation(name=name, kind=Organisation.Kind.BUYER) for name in names]
        )
    made = 0
    while made < args.tenders:
        size = min(args.batch, args.tenders - made)
        rows, codes = [], []
        for offset in range(size):
            fields, cpv = _tender_fields(rng, made + offset + 1, now)
            rows.append(Tender(buyer=rng.choice(buyers), created_by=user, **fields))
            codes.append(cpv)
        with transaction.atomic():
            tenders = Tender.objects.bulk_create(rows)
            TenderCPV.objects.bulk_create(
                TenderCPV(tender=t, code=c)
                for t, cpv in zip(tenders, codes, strict=True)
                for c in cpv
            )
        made += size
        print(f"\r{made:,} tenders", end="", flush=True)
    print(f" inserted in {time.monotonic() - started:.0f} s")
    Tender.objects.update(search_vector=search_document())
    index_cpv_codes()
    with connection.cursor() as cursor:
        # A live portal stores tenders roughly in the order they are published; these were
        # made in random order. Rewriting the table in publication order (newest first) gives
        # it that layout, and drops the old row versions the UPDATE above left behind.
        cursor.execute("CLUSTER tenders_tender USING tender_published_newest")
        cursor.execute("VACUUM ANALYZE tenders_tender")
        cursor.execute("VACUUM ANALYZE tenders_tendercpv")
    open_now = Tender.objects.open_for_bids().count()
    print(
        f"search documents written; {open_now:,} open for bids; "
        f"{time.monotonic() - started:.0f} s in all"
    )


if __name__ == "__main__":
    main()
