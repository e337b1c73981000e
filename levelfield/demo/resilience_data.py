"""The demo's supplier resilience, as plain data (played by `demo/resilience.py`).

Meridian Care Group plc, a large care provider the platform admin has marked strategic, holds
critical contracts at two councils: supported living for Wessex County Council and extra care
support for Sandbourne Borough Council, both awarded on levelfield; its subsidiary Meridian Home
Care Ltd, registered here too, holds Sandbourne's home care contract (critical, and with no
living will of its own: flagged on both sides). A third entity, Meridian Property Services Ltd,
owns the buildings and is not on levelfield. Shaston Community Transport drives for both
Meridian and Wessex Community Care Trust. Three smaller providers in the same CPV classes and
region, each assessed on a contract here, are the replacements a failure scenario ranks.

Days are counted from the day the demo is loaded (negative: in the past), at a UK clock hour.
"""

from decimal import Decimal

from levelfield.accounts.models import Role
from levelfield.contracts.models import Rating
from levelfield.demo.spec import Spec
from levelfield.suppliers.models import Region, Size, VcseType

SECOND_BUYER = "Sandbourne Borough Council"

SECOND_BUYER_STAFF: tuple[Spec, ...] = (
    {
        "key": "admin",
        "full_name": "Martin Greaves",
        "email": "martin.greaves@sandbourne.example",
        "role": Role.BUYER_ADMIN,
    },
    {
        "key": "officer",
        "full_name": "Chloe Adeyemi",
        "email": "chloe.adeyemi@sandbourne.example",
        "role": Role.BUYER_OFFICER,
    },
    {
        "key": "evaluator",
        "full_name": "Lucy Tran",
        "email": "lucy.tran@sandbourne.example",
        "role": Role.EVALUATOR,
    },
)

# The resilience team is a platform role: this person belongs to no organisation.
RESILIENCE_TEAM: Spec = {
    "full_name": "Nadia Kowalski",
    "email": "nadia.kowalski@levelfield.example",
    "granted": (-120, 10),
}

# Each registers as a supplier, confirms its email and completes its profile.
SUPPLIERS: tuple[Spec, ...] = (
    {
        "key": "meridian",
        "legal_name": "Meridian Care Group plc",
        "companies_house_number": "05318274",
        "size": Size.LARGE,
        "is_vcse": False,
        "region": Region.LONDON,
        "full_name": "Alistair Reeve",
        "email": "alistair.reeve@meridiancare.example",
        "staff_headcount": 5200,
        "annual_turnover": Decimal("310000000"),
        "balance_sheet_total": Decimal("190000000"),
        "regions_served": [Region.LONDON, Region.SOUTH_EAST, Region.SOUTH_WEST],
        "cpv_interests": ["853", "85311000"],
    },
    {
        "key": "meridian_home",
        "legal_name": "Meridian Home Care Ltd",
        "companies_house_number": "07964125",
        "size": Size.LARGE,
        "is_vcse": False,
        "region": Region.SOUTH_WEST,
        "full_name": "Priti Nair",
        "email": "priti.nair@meridiancare.example",
        "staff_headcount": 420,
        "annual_turnover": Decimal("18500000"),
        "balance_sheet_total": Decimal("7400000"),
        "regions_served": [Region.SOUTH_WEST],
        "cpv_interests": ["85312400"],
    },
    {
        "key": "egdon",
        "legal_name": "Egdon Support Services Ltd",
        "companies_house_number": "10482735",
        "size": Size.SMALL,
        "is_vcse": False,
        "region": Region.SOUTH_WEST,
        "full_name": "Ruth Penrose",
        "email": "ruth.penrose@egdonsupport.example",
        "staff_headcount": 38,
        "annual_turnover": Decimal("2600000"),
        "balance_sheet_total": Decimal("900000"),
        "regions_served": [Region.SOUTH_WEST],
        "cpv_interests": ["85311000", "85312000"],
    },
    {
        "key": "sandbourne_trust",
        "legal_name": "Sandbourne Independent Living Trust",
        "companies_house_number": "03927461",
        "size": Size.MEDIUM,
        "is_vcse": True,
        "vcse_type": VcseType.CHARITY,
        "charity_number": "1072345",
        "region": Region.SOUTH_WEST,
        "full_name": "Kwame Mensah",
        "email": "kwame.mensah@sandbournetrust.example",
        "staff_headcount": 120,
        "annual_turnover": Decimal("5200000"),
        "balance_sheet_total": Decimal("2400000"),
        "regions_served": [Region.SOUTH_WEST],
        "cpv_interests": ["853"],
    },
)
# Every supplier answered the exclusion grounds 460 days ago (a declaration lasts a year: it
# covered the bids of 450 days ago) and again 90 days ago.
DECLARATIONS_DAYS_AGO = (460, 90)

STRATEGIC: Spec = {
    "supplier": "meridian",
    "reason": "Supported living, extra care and home care for about 500 people across two "
    "councils in the South West; the largest provider of adult social care to public bodies "
    "on levelfield.",
    "marked": (-100, 11),
}

# Tenders awarded on levelfield, each lot to its one bidder: (buyer "wessex" or "sandbourne").
# Meridian's two contracts are critical; the replacements' contracts at Sandbourne started
# earlier and are assessed after their first year (s.71), so a failure scenario ranks them on
# past performance.
AWARDED: tuple[Spec, ...] = (
    {
        "buyer": "wessex",
        "title": "Supported living for adults with learning disabilities: South Wessex",
        "description": "Support in their own homes for about 140 adults with learning "
        "disabilities in 31 shared and single tenancies across South Wessex, around the clock "
        "where needed.",
        "cpv_codes": ["85311000", "85312000"],
        "years": 4,
        "start_days": -250,
        "critical": True,
        "lots": (
            {
                "title": "Supported living: South Wessex",
                "value": Decimal("4200000.00"),
                "supplier": "meridian",
                "answers": (
                    "Each tenancy has a named team leader and a support plan reviewed with the "
                    "person and their family every three months.",
                    "We keep 95% of shifts with regular staff through a local bank of relief "
                    "workers.",
                    "Six supported employment placements a year with Wessex employers.",
                ),
                "subcontractors": (
                    {
                        "name": "Shaston Community Transport",
                        "size": Size.MICRO,
                        "is_vcse": True,
                        "share_percent": Decimal("4"),
                        "description": "Transport to day activities, work placements and "
                        "appointments.",
                    },
                ),
            },
        ),
    },
    {
        "buyer": "sandbourne",
        "title": "Extra care housing support: Sandbourne",
        "description": "Care and support for about 85 tenants of the council's three extra "
        "care housing schemes, with a 24-hour on-site team.",
        "cpv_codes": ["85311000"],
        "years": 3,
        "start_days": -140,
        "critical": True,
        "lots": (
            {
                "title": "Extra care housing support",
                "value": Decimal("2850000.00"),
                "supplier": "meridian",
                "answers": (
                    "An on-site team in each scheme around the clock, and a wellbeing "
                    "coordinator for tenants' activities and links with their families.",
                    "Staff transfer under TUPE; we recruit locally and pay the real Living Wage.",
                    "Two apprenticeships a year for Sandbourne residents.",
                ),
                "subcontractors": (),
            },
        ),
    },
    {
        "buyer": "sandbourne",
        "title": "Care and support in Sandbourne 2025 to 2028",
        "description": "Three services let together, a lot each, so that local and smaller "
        "providers can bid for one.",
        "cpv_codes": ["85311000", "85312000"],
        "years": 3,
        "start_days": -400,
        "critical": False,
        "assessment": Rating.GOOD,
        "lots": (
            {
                "title": "Learning disability day and community support",
                "value": Decimal("620000.00"),
                "supplier": "egdon",
                "answers": (
                    "Small teams that know each person, planning each week with them.",
                    "Local recruitment with paid training and travel time.",
                    "Volunteering days with Sandbourne community groups.",
                ),
                "subcontractors": (),
            },
            {
                "title": "Extra care support: Boscombe Court",
                "value": Decimal("940000.00"),
                "supplier": "sandbourne_trust",
                "answers": (
                    "A tenants' panel that agrees the support offered each year.",
                    "Staff recruited from the tenants' own neighbourhood where we can.",
                    "All surplus reinvested in tenants' activities.",
                ),
                "subcontractors": (),
            },
            {
                "title": "Home care: Sandbourne west",
                "value": Decimal("1350000.00"),
                "supplier": "kennet",
                "answers": (
                    "Rounds planned by postcode and a named coordinator for each person.",
                    "A rolling recruitment campaign and paid travel time.",
                    "Two apprenticeships a year for Sandbourne residents.",
                ),
                "subcontractors": (),
            },
        ),
    },
)

# A contract Sandbourne let elsewhere, entered by hand: Meridian Home Care's, critical.
LET_ELSEWHERE: Spec = {
    "supplier": "meridian_home",
    "title": "Home care: Sandbourne east",
    "value": Decimal("1900000.00"),
    "start_days": -200,
    "years": 3,
}
ASSESSMENT_NARRATIVE = (
    "Every service standard met through the year; visits on time above target each quarter "
    "and good feedback from the people supported and their families."
)

# Meridian's living will. Version 1, submitted, about half complete: no public contracts linked,
# no dependencies, one service's plan partly written and the others without plans, people
# served missing for two services. The newer draft fills in much of the rest.
WILL_OWNER_REVIEW_DAYS = 140  # the review date, days after the submission
WILL_STARTED = (-70, 10)
WILL_SUBMITTED = (-45, 15)
DRAFT_EDITED = (-6, 11)
ENTITIES = [
    {"name": "Meridian Care Group plc", "company_number": "05318274", "parent": ""},
    {"name": "Meridian Home Care Ltd", "company_number": "07964125", "parent": "05318274"},
    {
        "name": "Meridian Property Services Ltd",
        "company_number": "08842613",
        "parent": "05318274",
    },
]
SUPPORTED_LIVING = "Supported living, South Wessex"
EXTRA_CARE = "Extra care housing support, Sandbourne"
HOME_CARE_EAST = "Home care, Sandbourne east"
NIGHT_RESPONSE = "Night response service, Sandbourne"
VERSION_1: Spec = {
    "entities": ENTITIES,
    "contracts": [],
    "other_contracts": [],
    "services": [
        {
            "name": SUPPORTED_LIVING,
            "authorities": ["Wessex County Council"],
            "people_served": 140,
        },
        {"name": EXTRA_CARE, "authorities": ["Sandbourne Borough Council"], "people_served": 85},
        {"name": HOME_CARE_EAST, "authorities": ["Sandbourne Borough Council"]},
        {"name": NIGHT_RESPONSE, "authorities": ["Sandbourne Borough Council"]},
    ],
    "dependencies": [],
    "plans": [
        {
            "service": SUPPORTED_LIVING,
            "steps": [
                "Tell Wessex County Council's commissioning team the same day",
                "Agree with the council which provider takes each tenancy, or whether the "
                "council runs them itself for a time",
                "Hand over each person's support plan and risk assessments",
            ],
            "days_to_transfer": 120,
        },
        {"service": EXTRA_CARE, "days_to_transfer": 60},
    ],
}
# Added to the draft after version 1 was submitted (not yet submitted).
DRAFT_ADDITIONS: Spec = {
    "other_contracts": [
        {
            "title": "Residential care placements",
            "authority": "Outer Wessex Council",
            "annual_value": 2300000,
        }
    ],
    "dependencies": [
        {
            "name": "Shaston Community Transport",
            "kind": "subcontractor",
            "services": [SUPPORTED_LIVING],
        },
        {
            "name": "Meridian Property Services Ltd",
            "kind": "intra_group",
            "services": [EXTRA_CARE],
        },
    ],
    "plan_details": {
        "data": "Support plans, risk assessments and medication records in our care system; "
        "an export for each person is kept weekly",
        "assets": "Two adapted minibuses and the office in Casterbridge",
        "staff": "About 210 support workers and 14 team leaders transfer under TUPE",
        "tell": ["Wessex County Council adult social care", "Care Quality Commission"],
    },
    "people_served": {HOME_CARE_EAST: 310},
}

# Financial readings the resilience team records for Meridian: (indicator, value, days ago
# recorded, days ago notified or None). The turnover fall is a breach notified the next day;
# the profit warning a breach not notified, now overdue.
READINGS = (
    ("credit_score", "58", (-75, 10), None),
    ("turnover_trend", "-14.5", (-40, 10), (-39, 16)),
    ("net_assets", "38200000", (-40, 11), None),
    ("profit_warnings", "1", (-9, 10), None),
)

SCENARIO: Spec = {
    "name": "Meridian Care Group fails in six weeks",
    "supplier": "meridian",
    "as_of_days": 42,
    "created": (-2, 14),
}
