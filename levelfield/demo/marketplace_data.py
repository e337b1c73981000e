"""The demo's catalogue marketplace (issue 19): the content `marketplace.py` plays through the
actions. Moments are (days from today, hour), UK time."""

from decimal import Decimal

from .spec import Spec

FRAMEWORK: Spec = {
    "reference": "LF-CLOUD-2026",
    "name": "Cloud services",
    "description": (
        "Cloud hosting, cloud software and cloud support bought from a catalogue of services "
        "with published prices, as G-Cloud on the Digital Marketplace: a buyer searches, "
        "shortlists and calls off without a new competition."
    ),
    "statements": [
        "We will keep our service listings accurate and sell at no more than our listed prices.",
        "We will pay our subcontractors within 30 days of a valid invoice.",
    ],
    "lots": (
        ("Cloud hosting", ["Compute", "Storage", "Networking"], "72400000"),
        (
            "Cloud software",
            ["Case management", "Field working", "Facilities", "Finance"],
            "72260000",
        ),
        ("Cloud support", ["Migration", "Training", "Ongoing support"], "72600000"),
    ),
    # The framework's year so far: announced, open, closed, decided, standstill, live.
    "created": (-220, 10),
    "opened": (-210, 9),
    "closed": (-150, 17),
    "decided": (-140, 11),
    "standstill": (-135, 9),
    "live": (-120, 9),
    "live_days": 3 * 365,
}

# Each supplier's application (its lots by number) and its listings: (lot, content), applied
# and listed on `applied`, micro to large, two of them VCSEs.
APPLICATIONS: tuple[Spec, ...] = (
    {
        "supplier": "bytebridge",  # micro
        "applied": (-200, 14),
        "listings": (
            (
                1,
                {
                    "name": "Managed library Wi-Fi and cloud hosting",
                    "summary": "Public Wi-Fi and the library's systems hosted in UK data "
                    "centres, managed for you.",
                    "description": "We run public Wi-Fi for libraries and community buildings "
                    "and host the systems behind it (booking, printing, the catalogue) in two "
                    "UK data centres, with a named engineer in the South West.",
                    "features": ["Hosted in the UK", "Content filtering", "Named engineer"],
                    "benefits": ["No hardware to buy", "Fixed monthly price"],
                    "category": "Networking",
                    "price": Decimal("95.00"),
                    "price_unit": "per site per month",
                    "certifications": ["cyber_essentials"],
                },
            ),
            (
                3,
                {
                    "name": "Microsoft 365 migration for small councils",
                    "summary": "Moving mail, files and Teams from on-premises servers.",
                    "description": "A fixed-price move of mailboxes, shared drives and "
                    "calendars to Microsoft 365, with training for staff.",
                    "features": ["Fixed price", "Training included"],
                    "benefits": ["Servers switched off sooner"],
                    "category": "Migration",
                    "price": Decimal("650.00"),
                    "price_unit": "per day",
                },
            ),
        ),
    },
    {
        "supplier": "tarrant",  # small
        "applied": (-198, 11),
        "listings": (
            (
                2,
                {
                    "name": "Highway inspection and pothole reporting app",
                    "summary": "Inspectors record defects on a phone; residents report "
                    "potholes online; repairs are ordered the same day.",
                    "description": "Built by our own highway inspectors: safety inspections "
                    "to the Code of Practice, defects photographed and located on the map, "
                    "residents' reports through a GOV.UK-style form, and works orders sent to "
                    "the repair gangs. Hosted in the UK.",
                    "features": ["Works offline", "Residents' reports", "Works orders"],
                    "benefits": ["Repairs ordered the day a defect is found"],
                    "category": "Field working",
                    "price": Decimal("1187.50"),
                    "price_unit": "per month",
                },
            ),
        ),
    },
    {
        "supplier": "kennet",  # medium
        "applied": (-196, 15),
        "listings": (
            (
                2,
                {
                    "name": "Home care visit scheduling and monitoring",
                    "summary": "Rotas, travel time and visit check-ins for home care.",
                    "description": "The scheduling system we run our own home care on, "
                    "offered to councils' in-house teams: rotas with paid travel time, "
                    "check-in at each visit and alerts for a missed one.",
                    "features": ["Paid travel time", "Missed-visit alerts"],
                    "benefits": ["Fewer missed visits"],
                    "category": "Case management",
                    "price": Decimal("18.00"),
                    "price_unit": "per care worker per month",
                },
            ),
        ),
    },
    {
        "supplier": "albion",  # large
        "applied": (-205, 10),
        "listings": (
            (
                2,
                {
                    "name": "Facilities helpdesk and asset management (CAFM)",
                    "summary": "Computer-aided facilities management for estates teams.",
                    "description": "Helpdesk, planned maintenance and asset registers for "
                    "council estates, with a mobile app for engineers.",
                    "features": ["Planned maintenance", "Asset register", "Mobile app"],
                    "benefits": ["One record of every building"],
                    "category": "Facilities",
                    "price": Decimal("2400.00"),
                    "price_unit": "per month",
                    "certifications": ["iso_9001"],
                },
            ),
            (
                1,
                {
                    "name": "Highway asset management hosting",
                    "summary": "Highway asset and inspection systems hosted and supported.",
                    "description": "Hosting and support for highway asset management and "
                    "inspection systems, for authorities of every size.",
                    "features": ["Managed hosting", "24/7 support"],
                    "benefits": ["One supplier for hosting and support"],
                    "category": "Compute",
                    "price": Decimal("2000.00"),
                    "price_unit": "per month",
                    "certifications": ["iso_9001"],
                },
            ),
        ),
    },
    {
        "supplier": "cic",  # small VCSE
        "applied": (-190, 16),
        "listings": (
            (
                3,
                {
                    "name": "Digital skills training for care staff",
                    "summary": "Hands-on training in the council's cloud systems for care "
                    "workers and volunteers.",
                    "description": "Half-day sessions in community venues across Wessex, for "
                    "care workers and volunteers new to tablets and online systems.",
                    "features": ["Community venues", "Small groups"],
                    "benefits": ["Social value: local trainers"],
                    "category": "Training",
                    "price": Decimal("450.00"),
                    "price_unit": "per session",
                },
            ),
        ),
    },
)

# The council's finished call-off: searched, ended, awarded, the contract signed. Before, it paid
# a national supplier £48,000 for two years of its highway inspection system; it calls off
# Tarrant's app for £28,500 over the same two years. It prices a pothole repair at £130, so the
# saving reads "£19,500 less than before: about 150 pothole repairs" (19,500 / 130 = 150).
CALL_OFF: Spec = {
    "project": "Highway inspection and pothole reporting",
    "need": "An app for our highway inspectors and a way for residents to report potholes, "
    "replacing the inspection system whose contract ends this year.",
    "created": (-45, 10),
    # Refined from one service to two: the shortlist compares Tarrant's app with Albion's hosting.
    "searches": (("pothole", (-45, 11)), ("highway", (-44, 15))),
    "ended": (-40, 12),
    "awarded": (-35, 14),
    "supplier": "tarrant",
    "value": Decimal("28500.00"),
    "start": -21,
    "years": 2,
    "reason": "The only app that takes residents' reports and orders repairs the same day; "
    "£8,500 a year cheaper than the highway asset hosting listed, which has no residents' form.",
    "previous_cost": Decimal("48000.00"),
    "previous_supplier": "National Highways Software plc",
}
UNIT_COST: Spec = {
    "label": "pothole",
    "unit": "pothole repairs",
    "cost_per_unit": Decimal("130.00"),
    "set": (-30, 9),
}
