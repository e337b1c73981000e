"""The demo: a county council, its staff, six suppliers and three procurements at different
stages, played through the same action functions a user's clicks call.

The content is plain data at the top of this module. `load_demo()` plays it through the
actions in one transaction, with the clock frozen at each past moment so that the history
(publication, bids, deadline, evaluation, award, standstill, contract) looks as it would have
happened. Times are given as whole days before (negative) or after today, at a UK clock time.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from levelfield.accounts import actions as account_actions
from levelfield.accounts.actions import check_password
from levelfield.accounts.models import Membership, Organisation, Role, User
from levelfield.accounts.tasks import verification_token
from levelfield.alerts import actions as alert_actions
from levelfield.bids import actions as bid_actions
from levelfield.bids.models import Bid
from levelfield.contracts import actions as contract_actions
from levelfield.contracts.actions import exclusions as exclusion_actions
from levelfield.core import clock
from levelfield.core.clock import UK
from levelfield.core.errors import DomainError
from levelfield.demo import contract_life
from levelfield.demo import correspondence as demo_correspondence
from levelfield.demo import marketplace as demo_marketplace
from levelfield.demo import resilience as demo_resilience
from levelfield.demo import reviews as demo_reviews
from levelfield.demo.spec import Spec
from levelfield.evaluation import actions as evaluation_actions
from levelfield.socialvalue import actions as socialvalue_actions
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers import exclusions
from levelfield.suppliers.models import (
    CertificateKind,
    Liability,
    MemberRole,
    Region,
    Size,
    VcseType,
)
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.models import Lot, PriceFormula, Tender, TenderDocument

# Django's validators accept it: 20 characters, not common, not like any demo email or name.
DEMO_PASSWORD = "levelfield-demo-2026"

BUYER_NAME = "Wessex County Council"

PLATFORM_ADMIN: Spec = {"full_name": "Sam Ellis", "email": "platform.admin@levelfield.example"}

BUYER_STAFF: tuple[Spec, ...] = (
    {
        "key": "admin",
        "full_name": "Helen Marsh",
        "email": "helen.marsh@wessex.example",
        "role": Role.BUYER_ADMIN,
    },
    {
        "key": "officer",
        "full_name": "Daniel Okafor",
        "email": "daniel.okafor@wessex.example",
        "role": Role.BUYER_OFFICER,
    },
    {
        "key": "evaluator1",
        "full_name": "Priya Shah",
        "email": "priya.shah@wessex.example",
        "role": Role.EVALUATOR,
    },
    {
        "key": "evaluator2",
        "full_name": "Tom Hughes",
        "email": "tom.hughes@wessex.example",
        "role": Role.EVALUATOR,
    },
)

SUPPLIERS: tuple[Spec, ...] = (
    {
        "key": "bytebridge",
        "legal_name": "Byte Bridge Digital Ltd",
        "companies_house_number": "13468257",
        "size": Size.MICRO,
        "is_vcse": False,
        "region": Region.SOUTH_WEST,
        "full_name": "Maya Collins",
        "email": "maya.collins@bytebridge.example",
    },
    {
        "key": "tarrant",
        "legal_name": "Tarrant Highways Ltd",
        "companies_house_number": "08234571",
        "size": Size.SMALL,
        "is_vcse": False,
        "region": Region.SOUTH_WEST,
        "full_name": "Gareth Price",
        "email": "gareth.price@tarranthighways.example",
    },
    {
        "key": "kennet",
        "legal_name": "Kennet Home Care Ltd",
        "companies_house_number": "06652190",
        "size": Size.MEDIUM,
        "is_vcse": False,
        "region": Region.SOUTH_EAST,
        "full_name": "Joanne Baker",
        "email": "joanne.baker@kennetcare.example",
    },
    {
        "key": "albion",
        "legal_name": "Albion Facilities Group plc",
        "companies_house_number": "02719384",
        "size": Size.LARGE,
        "is_vcse": False,
        "region": Region.LONDON,
        "full_name": "Richard Stone",
        "email": "richard.stone@albionfg.example",
    },
    # A registered charity that is also a company limited by guarantee.
    {
        "key": "trust",
        "legal_name": "Wessex Community Care Trust",
        "companies_house_number": "04518273",
        "size": Size.MEDIUM,
        "is_vcse": True,
        "region": Region.SOUTH_WEST,
        "full_name": "Fatima Rahman",
        "email": "fatima.rahman@wessextrust.example",
    },
    # A community interest company.
    {
        "key": "cic",
        "legal_name": "Three Rivers Care CIC",
        "companies_house_number": "11903462",
        "size": Size.SMALL,
        "is_vcse": True,
        "region": Region.SOUTH_WEST,
        "full_name": "Owen Davies",
        "email": "owen.davies@threerivers.example",
    },
)

# The rest of each supplier's profile: figures the size is worked out from (they match the
# sizes declared at registration), VCSE type, charity number, regions served and CPV interests.
PROFILES: Spec = {
    "bytebridge": {
        "staff_headcount": 6,
        "annual_turnover": Decimal("420000"),
        "balance_sheet_total": Decimal("180000"),
        "regions_served": [Region.SOUTH_WEST, Region.SOUTH_EAST],
        "cpv_interests": ["72", "30213000"],
    },
    "tarrant": {
        "staff_headcount": 38,
        "annual_turnover": Decimal("6400000"),
        "balance_sheet_total": Decimal("2900000"),
        "regions_served": [Region.SOUTH_WEST],
        "cpv_interests": ["45233141", "77314000"],
    },
    "kennet": {
        "staff_headcount": 180,
        "annual_turnover": Decimal("14500000"),
        "balance_sheet_total": Decimal("6200000"),
        "regions_served": [Region.SOUTH_EAST, Region.SOUTH_WEST],
        "cpv_interests": ["853"],
    },
    "albion": {
        "staff_headcount": 4200,
        "annual_turnover": Decimal("380000000"),
        "balance_sheet_total": Decimal("210000000"),
        "regions_served": [Region.LONDON, Region.SOUTH_EAST, Region.SOUTH_WEST, Region.EAST],
        "cpv_interests": ["79", "85", "90"],
    },
    "trust": {
        "staff_headcount": 140,
        "annual_turnover": Decimal("9600000"),
        "balance_sheet_total": Decimal("4100000"),
        "vcse_type": VcseType.CHARITY,
        "charity_number": "1098765",
        "regions_served": [Region.SOUTH_WEST],
        "cpv_interests": ["853", "85312400"],
    },
    "cic": {
        "staff_headcount": 45,
        "annual_turnover": Decimal("3100000"),
        "balance_sheet_total": Decimal("900000"),
        "vcse_type": VcseType.CIC,
        "regions_served": [Region.SOUTH_WEST],
        "cpv_interests": ["853"],
    },
}

# Every supplier answered the exclusion grounds 455 days ago (a declaration lasts a year: it
# covered the home care bids) and again 90 days ago. Albion declared a discretionary ground (it
# does not stop a bid; the buyer weighs it).
DECLARATIONS_DAYS_AGO = (455, 90)
DECLARED_GROUNDS: Spec = {
    "albion": {
        "poor_performance": "A facilities contract with a London borough was ended early in "
        "2023 after missed cleaning standards; we replaced the regional management team and "
        "have met every standard on our other public contracts since.",
    }
}

# (supplier, kind, number, issuer, days until expiry)
CERTIFICATES = (
    ("kennet", CertificateKind.PUBLIC_LIABILITY, "PL-448812", "Wessex Mutual Insurance", 20),
    ("kennet", CertificateKind.EMPLOYERS_LIABILITY, "EL-448813", "Wessex Mutual Insurance", 200),
    ("bytebridge", CertificateKind.CYBER_ESSENTIALS, "CE-2026-01877", "IASME", 5),
    ("albion", CertificateKind.ISO_9001, "Q-77120", "BSI", 400),
    ("albion", CertificateKind.ISO_14001, "E-77121", "BSI", 400),
    ("trust", CertificateKind.EMPLOYERS_LIABILITY, "EL-90311", "Charity Insurers Ltd", 150),
)

# A consortium led by the charity: the CIC has accepted; Kennet is invited and has not answered.
CONSORTIUM: Spec = {
    "name": "Wessex Care Partnership",
    "lead": "trust",
    "liability": Liability.JOINT_AND_SEVERAL,
    "formed": (-20, 10),
    "members": (
        ("cic", MemberRole.MEMBER, (-18, 15)),
        ("kennet", MemberRole.KEY_SUBCONTRACTOR, None),
    ),
}

# Saved searches with a daily email of new matches: (supplier, name, filters, when saved).
SAVED_SEARCHES = (
    ("bytebridge", "IT in the South West", {"cpv": "72", "region": Region.SOUTH_WEST}, (-20, 11)),
    ("cic", "Care and support for SMEs and VCSEs", {"q": "care", "vcse": "on"}, (-30, 16)),
)

# What each score on the published 0-100 scale means, as an evaluator would write it.
JUSTIFICATIONS = {
    0: "No relevant evidence was given for this question.",
    25: "Poor: meets few elements of the requirement and gives little evidence.",
    50: "Satisfactory: meets most elements of the requirement; some claims lack evidence.",
    75: "Good: meets all elements of the requirement with clear evidence.",
    100: "Excellent: meets every element with detailed, convincing evidence and adds value.",
}

# --- Tender 1: AWARDED, contract signed. The test checks its result by hand. ----------------
# One lot, lowest price / bid price x 40, quality 30 + 20, social value 10 (10% of the total).
# The contract has run for a year (demo/contract_life.py): the whole procurement happened
# YEAR_BACK days before it would for a contract starting this week, so it started 400 days ago.
YEAR_BACK = 395
HOME_CARE: Spec = {
    "title": "Home care and reablement: North Wessex",
    "description": (
        "Personal care and reablement at home for adults in the North Wessex locality "
        "(Shaston, Melchester and the surrounding villages), about 2,600 hours a week. "
        "Providers work to the council's outcome-based model: visits of at least 30 minutes, "
        "a named coordinator for each person, and paid travel time for care workers. Three "
        "years with an option to extend by up to two."
    ),
    "cpv_codes": ["85312400", "85300000"],
    "estimated_value": Decimal("3000000"),
    "region": Region.SOUTH_WEST,
    "suitable_for_sme": True,
    "suitable_for_vcse": True,
    # What bidders must hold (shown first on the opportunity page; barrier-checked).
    "requirements": {
        "minimum_turnover": Decimal("1500000"),
        "insurance_cover": "£5m public liability and £10m employer's liability",
        "lots_not_divided_reason": "Each person's care stays with one provider: dividing the "
        "locality would split people's care between providers.",
    },
    "timeline": {
        "created": (-84 - YEAR_BACK, 10),
        "published": (-80 - YEAR_BACK, 9),
        "clarification_deadline": (-58 - YEAR_BACK, 12),
        "submission_deadline": (-50 - YEAR_BACK, 12),
        "expected_award_date": -36 - YEAR_BACK,
        "contract_start": -5 - YEAR_BACK,
        "contract_years": 3,
        "bids_submitted": (-52 - YEAR_BACK, 15),
        "evaluation_opened": (-49 - YEAR_BACK, 9),
        "scored": (-45 - YEAR_BACK, 14),
        "moderated": (-42 - YEAR_BACK, 10),
        "award_confirmed": (-40 - YEAR_BACK, 11),
        "notice_published": (-39 - YEAR_BACK, 9),
    },
    "lots": (
        {
            "title": "North Wessex home care and reablement",
            "description": "All home care and reablement packages in the North Wessex locality.",
            "estimated_value": Decimal("3000000"),
            "price_weight": Decimal("40"),
            "price_formula": "lowest_price",
            "quality_threshold": Decimal("40"),
            "tie_break": "highest_quality",
            "questions": (
                (
                    "quality",
                    Decimal("30"),
                    "Describe how you will deliver person-centred care and reablement: how you "
                    "plan visits, keep the same care workers with each person, and work with "
                    "the council's reablement team to help people regain independence.",
                ),
                (
                    "quality",
                    Decimal("20"),
                    "How will you recruit, train and keep enough care workers to cover all "
                    "2,600 hours a week from the start date, including rural rounds?",
                ),
                (
                    "social_value",
                    Decimal("10"),
                    "Tackling economic inequality: set out specific, measurable commitments for "
                    "the first contract year, such as care apprenticeships for Wessex residents "
                    "and the real Living Wage, and how you will report against them.",
                ),
            ),
        },
    ),
    "documents": (
        (
            "Specification: home care and reablement",
            TenderDocument.DocType.SPECIFICATION,
            "home-care-specification.pdf",
        ),
        (
            "Instructions to bidders and evaluation method",
            TenderDocument.DocType.INSTRUCTIONS,
            "home-care-instructions.pdf",
        ),
    ),
    # Evaluator 1 scores Q1 and Q2; evaluator 2 double-marks Q1 and scores Q3.
    "assignments": {"evaluator1": (1, 2), "evaluator2": (1, 3)},
    # (supplier, price, {question: agreed score}, {question: evaluator 2's own score if it
    # differed before moderation}, answers)
    "bids": (
        (
            "kennet",
            Decimal("3000000.00"),
            {1: 75, 2: 75, 3: 50},
            {1: 50},
            (
                "Named coordinators for every person, rounds planned by postcode, and weekly "
                "reviews with the council's reablement therapists.",
                "We run a rolling recruitment campaign in Shaston and pay every care worker "
                "for travel time at their hourly rate; 92% of our staff hold the Care "
                "Certificate.",
                "Four apprenticeships for Wessex residents in year 1, reported quarterly.",
            ),
        ),
        (
            "cic",
            Decimal("2400000.00"),
            {1: 50, 2: 50, 3: 75},
            {},
            (
                "Small, place-based teams of six care workers per village cluster, so people "
                "see the same faces every week.",
                "Care workers are members of the company and share any surplus; we will "
                "recruit 40 more before the start date.",
                "Eight apprenticeships and 200 hours of volunteering a year by care workers in "
                "their communities, all reported quarterly.",
            ),
        ),
        (
            "trust",
            Decimal("2500000.00"),
            {1: 75, 2: 50, 3: 100},
            {},
            (
                "Strengths-based assessments within 48 hours, a named coordinator for each "
                "person and joint reablement goals agreed with the council's therapists.",
                "We will transfer staff under TUPE and recruit locally through our volunteer "
                "programme; rural rounds are paid at an enhanced rate.",
                "Twelve apprenticeships for Wessex residents in year 1, all care workers on "
                "the real Living Wage from day one, and 10% of surplus reinvested in local "
                "carers' groups; reported monthly.",
            ),
        ),
        (
            "albion",
            Decimal("3200000.00"),
            {1: 100, 2: 75, 3: 25},
            {1: 75},
            (
                "A digital care-planning platform, electronic call monitoring, and a "
                "dedicated reablement lead in each locality working to agreed goals.",
                "A national recruitment centre and a guaranteed-hours contract for every "
                "care worker from the start date.",
                "Two apprenticeships in year 1.",
            ),
        ),
    ),
    "contract": {"signed_after_days": 2},
    # The winner subcontracts: the contract carries these for indirect SME and VCSE spend.
    "subcontractors": {
        "trust": (
            {
                "name": "Shaston Community Transport",
                "size": Size.MICRO,
                "is_vcse": True,
                "share_percent": Decimal("6"),
                "description": "Door-to-door transport to day activities and appointments.",
            },
            {
                "registered": "bytebridge",
                "share_percent": Decimal("3"),
                "description": "Support and training for the care-planning app on staff phones.",
            },
        ),
    },
}

# --- Social value on the awarded tender ----------------------------------------------------
# The council's own measures with proxy values in pounds. These figures are invented for the
# demo: they are not the National TOMs, whose values are licensed and never shipped.
SOCIAL_VALUE_MEASURES = (
    ("code", "description", "unit", "proxy value"),
    ("WCC-APP", "Apprenticeships started by Wessex residents", "apprenticeships", "2800"),
    ("WCC-LW", "Care workers paid at least the real Living Wage", "care workers", "450"),
    ("WCC-VOL", "Hours volunteered in Wessex communities", "hours", "16"),
    ("WCC-CG", "Local carers' groups given practical support", "groups", ""),
)
SOCIAL_VALUE: Spec = {
    # The open tender values commitments in pounds too, so a supplier drafting a bid sees the
    # value and the ratio to its price as it types. No commitments yet: bids are open.
    "Library public computers, printing and Wi-Fi": {
        "framework": "Wessex social value measures (demo values)",
        "outcomes": ("G1", "H2"),
        "commitments": {},
        "reports": (),
    },
    HOME_CARE["title"]: {
        "framework": "Wessex social value measures (demo values)",
        # PPN 002 model outcomes the officer picked while drafting.
        "outcomes": ("G1", "O2"),
        # The quantified commitments behind each bidder's social value answer (question 3):
        # (what, measure code, how many, by the end of contract year, where, who benefits).
        "commitments": {
            "kennet": (
                (
                    "apprenticeships in home care",
                    "WCC-APP",
                    "4",
                    1,
                    "North Wessex",
                    "Wessex residents starting a career in care",
                ),
            ),
            "cic": (
                (
                    "apprenticeships in home care",
                    "WCC-APP",
                    "8",
                    1,
                    "North Wessex villages",
                    "Wessex residents starting a career in care",
                ),
                (
                    "hours of volunteering by care workers",
                    "WCC-VOL",
                    "200",
                    1,
                    "North Wessex",
                    "village community groups",
                ),
            ),
            "trust": (
                (
                    "apprenticeships in home care",
                    "WCC-APP",
                    "12",
                    1,
                    "Shaston, Melchester and the surrounding villages",
                    "Wessex residents, with places kept for care leavers",
                ),
                (
                    "care workers paid the real Living Wage",
                    "WCC-LW",
                    "140",
                    1,
                    "North Wessex",
                    "every care worker on the contract",
                ),
                (
                    "local carers' groups supported from reinvested surplus",
                    "WCC-CG",
                    "6",
                    1,
                    "North Wessex",
                    "unpaid carers and the groups that support them",
                ),
            ),
            "albion": (
                (
                    "apprenticeships in home care",
                    "WCC-APP",
                    "2",
                    1,
                    "North Wessex",
                    "Wessex residents",
                ),
            ),
        },
        # After signature, the winner reports on the first quarter: (commitment number, how
        # many, what happened, when sent, when accepted or None to leave it waiting). In the
        # contract's first days, as the tender's timeline is, a year back.
        "reports": (
            (
                1,
                "3",
                "Three apprentices from Shaston and Melchester started their Level 2 "
                "Adult Care apprenticeship, one of them a care leaver.",
                (-3 - YEAR_BACK, 15),
                (-2 - YEAR_BACK, 10),
            ),
            (
                2,
                "126",
                "126 of the 140 care workers on the contract are paid the real Living "
                "Wage so far; the rest transfer under TUPE next month.",
                (-1 - YEAR_BACK, 16),
                None,
            ),
        ),
    },
}

# --- Tender 2: IN EVALUATION. Two lots, proportional price scoring. --------------------------
HIGHWAYS: Spec = {
    "title": "Highway drainage and verge maintenance 2027 to 2030",
    "description": (
        "Cyclic and reactive maintenance of the county's highway drainage (about 68,000 gullies) "
        "and cutting of rural verges, hedges and visibility splays on the A and B road "
        "network. Two lots, so that smaller and local contractors can bid for one."
    ),
    "cpv_codes": ["45233141", "45232452", "77314000"],
    "estimated_value": Decimal("2400000"),
    "region": Region.SOUTH_WEST,
    "suitable_for_sme": True,
    "suitable_for_vcse": False,
    "requirements": {
        "minimum_turnover": Decimal("750000"),
        "certificates_required": ["iso_9001", "iso_14001"],
        "insurance_cover": "£10m public liability",
    },
    "timeline": {
        "created": (-52, 10),
        "published": (-50, 9),
        "clarification_deadline": (-24, 12),
        "submission_deadline": (-14, 12),
        "expected_award_date": 14,
        "contract_start": 60,
        "contract_years": 3,
        "bids_submitted": (-16, 11),
        "evaluation_opened": (-13, 9),
        "scored": (-10, 14),
        "moderated": (-7, 10),
    },
    "lots": (
        {
            "title": "Gully cleansing and drainage repairs",
            "description": "Cyclic gully cleansing, CCTV surveys and reactive drainage repairs.",
            "estimated_value": Decimal("1500000"),
            "price_weight": Decimal("50"),
            "price_formula": "proportional",
            "quality_threshold": None,
            "tie_break": "lowest_price",
            "questions": (
                (
                    "quality",
                    Decimal("20"),
                    "Describe your method for cyclic gully cleansing and how you will "
                    "prioritise reactive repairs after flooding.",
                ),
                (
                    "quality",
                    Decimal("15"),
                    "How will you plan traffic management to keep road users and your crews "
                    "safe, and keep disruption to a minimum?",
                ),
                (
                    "social_value",
                    Decimal("15"),
                    "Fighting climate change: what measurable commitments will you make to cut "
                    "emissions from your fleet and plant over the contract?",
                ),
            ),
        },
        {
            "title": "Verge, hedge and grass cutting",
            "description": "Rural verge cutting, visibility splays and hedge maintenance.",
            "estimated_value": Decimal("900000"),
            "price_weight": Decimal("50"),
            "price_formula": "proportional",
            "quality_threshold": None,
            "tie_break": "lowest_price",
            "questions": (
                (
                    "quality",
                    Decimal("20"),
                    "Describe your cutting programme, including how you will protect "
                    "wildflower verges and nesting birds.",
                ),
                (
                    "quality",
                    Decimal("15"),
                    "How will you plan traffic management to keep road users and your crews "
                    "safe on narrow rural roads?",
                ),
                (
                    "social_value",
                    Decimal("15"),
                    "Fighting climate change: what measurable commitments will you make to cut "
                    "emissions from your fleet and plant over the contract?",
                ),
            ),
        },
    ),
    "documents": (
        (
            "Specification: drainage and verge maintenance",
            TenderDocument.DocType.SPECIFICATION,
            "highways-specification.pdf",
        ),
        ("Pricing schedule", TenderDocument.DocType.PRICING, "highways-pricing-schedule.pdf"),
    ),
    "assignments": {"evaluator1": (1, 2), "evaluator2": (1, 3)},
    # (lot number, supplier, price, answers)
    "bids": (
        (
            1,
            "tarrant",
            Decimal("1380000.00"),
            (
                "Two gully tankers working a risk-based cycle, with hotspots visited twice a year.",
                "Our own Chapter 8 trained crews and a traffic management plan for each route.",
                "Two electric vans in year 1 and HVO fuel in every tanker.",
            ),
        ),
        (
            1,
            "albion",
            Decimal("1290000.00"),
            (
                "Asset data from a drainage survey drives a cleansing programme reviewed monthly.",
                "A national traffic management partner with a local depot.",
                "A 30% cut in fleet emissions by year 3 against our 2026 baseline.",
            ),
        ),
        (
            2,
            "tarrant",
            Decimal("820000.00"),
            (
                "Cut-and-collect on wildflower verges, with no hedge cutting in nesting season.",
                "Mobile lane closures with convoy working on narrow roads.",
                "Battery-powered hand tools for all verge crews from the start.",
            ),
        ),
        (
            2,
            "albion",
            Decimal("870000.00"),
            (
                "A cutting programme planned with the county ecologist.",
                "Traffic management to our national standard.",
                "Electric mowers on urban verges by year 2.",
            ),
        ),
    ),
    # Evaluation part done: (lot, supplier, question, evaluator, score).
    "scores": (
        (1, "tarrant", 1, "evaluator1", 75),
        (1, "tarrant", 2, "evaluator1", 75),
        (1, "albion", 1, "evaluator1", 50),
        (1, "albion", 2, "evaluator1", 75),
        (1, "tarrant", 1, "evaluator2", 50),
        (1, "tarrant", 3, "evaluator2", 50),
        (1, "albion", 3, "evaluator2", 75),
        (2, "tarrant", 1, "evaluator1", 75),
        (2, "albion", 1, "evaluator1", 50),
    ),
    # Agreed at moderation so far: (lot, supplier, question, score). The rest is still to do.
    "moderated": (
        (1, "tarrant", 2, 75),
        (1, "albion", 2, 75),
        (1, "tarrant", 1, 75),
    ),
}

# --- Tender 3: OPEN for bids. Lot 1 lowest price, lot 2 price per quality point. -------------
LIBRARY_IT: Spec = {
    "title": "Library public computers, printing and Wi-Fi",
    "description": (
        "A managed service for the public computers, printing and public Wi-Fi in the "
        "county's 38 libraries and two mobile libraries, including help for people who are "
        "new to computers. Two lots; suppliers may bid for one or both."
    ),
    "cpv_codes": ["72500000", "30213000", "72700000"],
    "estimated_value": Decimal("480000"),
    "region": Region.SOUTH_WEST,
    "suitable_for_sme": True,
    "suitable_for_vcse": True,
    "requirements": {
        "certificates_required": ["cyber_essentials"],
        "insurance_cover": "£5m public liability",
    },
    "timeline": {
        "created": (-12, 10),
        "published": (-10, 9),
        "clarification_deadline": (14, 12),
        "submission_deadline": (21, 12),
        "expected_award_date": 50,
        "contract_start": 100,
        "contract_years": 3,
        "question_asked": (-6, 11),
        "question_answered": (-5, 15),
        "second_question_asked": (-1, 14),
    },
    "lots": (
        {
            "title": "Public computers and printing",
            "description": "About 420 public computers, printing and payment kiosks.",
            "estimated_value": Decimal("320000"),
            "price_weight": Decimal("50"),
            "price_formula": "lowest_price",
            "quality_threshold": None,
            "tie_break": "highest_quality",
            "word_limit": 500,  # each answer: the bid page counts words
            "questions": (
                (
                    "quality",
                    Decimal("25"),
                    "Describe how you will install, support and refresh the public computers, "
                    "and the service levels you offer for faults.",
                ),
                (
                    "quality",
                    Decimal("15"),
                    "How will you make the service accessible, including assistive software "
                    "and support for people new to computers?",
                ),
                (
                    "social_value",
                    Decimal("10"),
                    "Equal opportunity: what digital skills sessions will you run in libraries, "
                    "how many, and how will you report them?",
                ),
            ),
        },
        {
            "title": "Public Wi-Fi",
            "description": "Public Wi-Fi in every library, with content filtering.",
            "estimated_value": Decimal("160000"),
            "price_weight": Decimal("0"),
            "price_formula": "price_per_quality_point",
            "quality_threshold": None,
            "tie_break": "lowest_price",
            "word_limit": 500,  # each answer: the bid page counts words
            "questions": (
                (
                    "quality",
                    Decimal("45"),
                    "Describe your Wi-Fi design, coverage and content filtering.",
                ),
                (
                    "quality",
                    Decimal("35"),
                    "How will you monitor the service and fix faults across rural sites?",
                ),
                (
                    "social_value",
                    Decimal("20"),
                    "Equal opportunity: how will you help people without internet at home to "
                    "get online?",
                ),
            ),
        },
    ),
    "documents": (
        (
            "Specification: library computers and Wi-Fi",
            TenderDocument.DocType.SPECIFICATION,
            "library-it-specification.pdf",
        ),
        (
            "Draft contract",
            TenderDocument.DocType.CONTRACT,
            "library-it-draft-contract.pdf",
        ),
    ),
    "clarification": (
        "bytebridge",
        "Will you accept refurbished computers for lot 1, if they meet the minimum "
        "specification in section 4?",
        "Yes. Refurbished equipment is acceptable if it meets the minimum specification in "
        "section 4 and is under warranty for the whole contract. Explain your approach in your "
        "answer to question 1.",
    ),
    "unanswered_question": (
        "albion",
        "Please confirm how many libraries have a leased-line connection today.",
    ),
    # The micro supplier has started (not submitted) a bid for lot 1.
    "draft_bid": (
        1,
        "bytebridge",
        Decimal("298500.00"),
        {
            1: "Refurbished, A-grade desktops with a five-year warranty, supported from our "
            "Casterbridge office with a four-hour fix for faults.",
        },
    ),
}


@dataclass(frozen=True)
class Login:
    role: str
    organisation: str
    email: str
    password: str = DEMO_PASSWORD


def logins() -> list[Login]:
    """Every demo login, for the table the command prints."""
    rows = [Login("Platform admin (superuser)", "levelfield (platform)", PLATFORM_ADMIN["email"])]
    rows += [Login(Role(p["role"]).label, BUYER_NAME, p["email"]) for p in BUYER_STAFF]
    rows += [Login(Role.SUPPLIER_ADMIN.label, s["legal_name"], s["email"]) for s in SUPPLIERS]
    rows += demo_resilience.logins(Login)
    rows += demo_reviews.logins(Login)
    return rows


def demo_loaded() -> bool:
    return Organisation.objects.filter(name=BUYER_NAME, kind=Organisation.Kind.BUYER).exists()


def load_demo() -> bool:
    """Load the demo in one transaction. Returns False, changing nothing, if it is loaded."""
    with transaction.atomic():
        if demo_loaded():
            return False
        emails = [PLATFORM_ADMIN["email"]] + [p["email"] for p in (*BUYER_STAFF, *SUPPLIERS)]
        emails += demo_resilience.emails()
        emails += demo_reviews.emails()
        taken = sorted(User.objects.filter(email__in=emails).values_list("email", flat=True))
        if taken:
            raise DomainError(
                f"{BUYER_NAME} is not here, but these demo accounts already exist: "
                f"{', '.join(taken)}. Use a fresh database for the demo.",
                code="demo_conflict",
            )
        _Loader().run()
    return True


# --- Helpers -------------------------------------------------------------------------------


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _pdf_text(text: str) -> bytes:
    out = bytearray()
    for char in text.encode("cp1252", errors="replace"):
        if char in b"()\\":
            out += b"\\" + bytes([char])
        elif char < 32 or char > 126:
            out += f"\\{char:03o}".encode()
        else:
            out.append(char)
    return bytes(out)


def make_pdf(title: str, lines: list[str]) -> bytes:
    """A small, valid one-page PDF (Helvetica) with a title and lines of text."""
    content = bytearray(b"BT /F1 16 Tf 56 780 Td (" + _pdf_text(title) + b") Tj ET\n")
    y = 750
    for line in lines:
        content += b"BT /F1 10 Tf 56 %d Td (" % y + _pdf_text(line) + b") Tj ET\n"
        y -= 16
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + bytes(content) + b"endstream",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        pdf += b"%010d 00000 n \n" % offset
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


def _document_lines(spec: dict) -> list[str]:
    lines = [f"{BUYER_NAME}: {spec['title']}", ""]
    words, line = spec["description"].split(), ""
    for word in words:
        if len(line) + len(word) > 90:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    lines += [line, ""]
    for number, lot in enumerate(spec["lots"], start=1):
        lines.append(f"Lot {number}: {lot['title']}")
        formula = PriceFormula(lot["price_formula"]).label
        if lot["price_formula"] == PriceFormula.PRICE_PER_QUALITY_POINT:
            lines.append(f"  {formula}.")
        else:
            lines.append(f"  Price {lot['price_weight']:g}%: {formula.lower()}.")
        for qnumber, (kind, weight, _text) in enumerate(lot["questions"], start=1):
            lines.append(f"  Q{qnumber}: {kind.replace('_', ' ')}, {weight:g}%")
    lines += ["", "Demo document generated by levelfield. Not a real procurement."]
    return lines


class _Loader:
    """Plays the demo content through the actions."""

    def __init__(self) -> None:
        self.people: dict[str, User] = {}
        self.suppliers: dict[str, Organisation] = {}
        self.supplier_users: dict[str, User] = {}
        # Fixed once: inside a frozen_at block, "today" would be the frozen day.
        self.today = clock.today_uk()

    def at(self, days: int, hour: int = 9) -> datetime:
        """A UK clock time `days` days from today (negative: in the past), timezone-aware."""
        return datetime.combine(self.today + timedelta(days=days), time(hour), tzinfo=UK)

    def moment(self, spec: tuple[int, int]) -> datetime:
        days, hour = spec
        return self.at(days, hour)

    def run(self) -> None:
        check_password(DEMO_PASSWORD, User(**PLATFORM_ADMIN))
        User.objects.create_superuser(
            PLATFORM_ADMIN["email"], DEMO_PASSWORD, full_name=PLATFORM_ADMIN["full_name"]
        )
        self.buyer = self._buyer()
        for spec in SUPPLIERS:
            self._supplier(spec)
        self._certificates()
        self._consortium()
        self._saved_searches()
        # Oldest first, so the references run in the order the procurements began.
        self._awarded(HOME_CARE)
        self._in_evaluation(HIGHWAYS)
        demo_correspondence.highways_clarification(self, HIGHWAYS["title"])
        self._open(LIBRARY_IT)
        # A small contract the council let elsewhere, entered by hand.
        contract_life.let_elsewhere(self)
        # Supplier resilience: a second council, a strategic supplier and its living will.
        demo_resilience.load(self)
        # The procurement review service: an anonymous concern published, a late payment.
        demo_reviews.load(self, password=DEMO_PASSWORD, home_care_title=HOME_CARE["title"])
        # The catalogue marketplace: a live framework, listings micro to large, a call-off.
        demo_marketplace.load(self)

    # People and organisations --------------------------------------------------------------

    def _buyer(self) -> Organisation:
        # There is no buyer-registration action: a platform admin sets buyers up.
        buyer = Organisation.objects.create(name=BUYER_NAME, kind=Organisation.Kind.BUYER)
        for spec in BUYER_STAFF:
            candidate = User(email=spec["email"], full_name=spec["full_name"])
            check_password(DEMO_PASSWORD, candidate)
            user = User.objects.create_user(
                spec["email"], DEMO_PASSWORD, full_name=spec["full_name"]
            )
            Membership.objects.create(user=user, organisation=buyer, role=spec["role"])
            self.people[spec["key"]] = user
        return buyer

    def _supplier(self, spec: dict) -> None:
        membership = supplier_actions.register_supplier(
            legal_name=spec["legal_name"],
            companies_house_number=spec["companies_house_number"],
            size=spec["size"],
            is_vcse=spec["is_vcse"],
            region=spec["region"],
            full_name=spec["full_name"],
            email=spec["email"],
            password=DEMO_PASSWORD,
        )
        # Each demo person has followed the link emailed when they registered: the tour's
        # suppliers draft, upload and submit, which an unconfirmed address may not.
        account_actions.verify_email(token=verification_token(membership.user))
        self.suppliers[spec["key"]] = membership.organisation
        self.supplier_users[spec["key"]] = membership.user
        organisation, user = membership.organisation, membership.user
        fill_profile(organisation, user, spec, PROFILES[spec["key"]])
        answers = exclusions.no_grounds()
        for code, details in DECLARED_GROUNDS.get(spec["key"], {}).items():
            answers[code] = {"applies": True, "details": details}
        for days_ago in DECLARATIONS_DAYS_AGO:
            with clock.frozen_at(self.at(-days_ago, 11)):
                supplier_actions.declare_exclusions(
                    organisation=organisation, by=user, answers=answers
                )

    def _certificates(self) -> None:
        for key, kind, number, issuer, days in CERTIFICATES:
            label = CertificateKind(kind).label
            body = make_pdf(
                f"{label}: {number}",
                [f"Issued to {self.suppliers[key].name} by {issuer}.", "Demo certificate."],
            )
            supplier_actions.add_certificate(
                organisation=self.suppliers[key],
                by=self.supplier_users[key],
                kind=kind,
                number=number,
                issuer=issuer,
                expires_on=self.today + timedelta(days=days),
                upload=SimpleUploadedFile(
                    f"{kind}-{number}.pdf".lower(), body, content_type="application/pdf"
                ),
            )

    def _consortium(self) -> None:
        lead = CONSORTIUM["lead"]
        with clock.frozen_at(self.moment(CONSORTIUM["formed"])):
            consortium = supplier_actions.create_consortium(
                lead=self.suppliers[lead],
                by=self.supplier_users[lead],
                name=CONSORTIUM["name"],
                liability=CONSORTIUM["liability"],
            )
            members = [
                supplier_actions.invite_to_consortium(
                    consortium=consortium,
                    by=self.supplier_users[lead],
                    organisation=self.suppliers[key],
                    role=role,
                )
                for key, role, _accepted in CONSORTIUM["members"]
            ]
        for member, (key, _role, accepted) in zip(members, CONSORTIUM["members"], strict=True):
            if accepted:
                with clock.frozen_at(self.moment(accepted)):
                    supplier_actions.respond_to_consortium(
                        member=member, by=self.supplier_users[key], accept=True
                    )

    def _saved_searches(self) -> None:
        for key, name, params, saved in SAVED_SEARCHES:
            with clock.frozen_at(self.moment(saved)):
                alert_actions.save_search(
                    user=self.supplier_users[key],
                    organisation=self.suppliers[key],
                    name=name,
                    params=params,
                )

    # Building a tender -----------------------------------------------------------------------

    def _draft(self, spec: dict) -> Tender:
        timeline = spec["timeline"]
        officer = self.people["officer"]
        deadline = self.moment(timeline["submission_deadline"])
        start = self.at(timeline["contract_start"]).date()
        end = _years_later(start, timeline["contract_years"]) - timedelta(days=1)
        with clock.frozen_at(self.moment(timeline["created"])):
            tender = tender_actions.create_tender(
                buyer=self.buyer,
                by=officer,
                title=spec["title"],
                description=spec["description"],
                cpv_codes=spec["cpv_codes"],
                estimated_value=spec["estimated_value"],
                region=spec["region"],
                suitable_for_sme=spec["suitable_for_sme"],
                suitable_for_vcse=spec["suitable_for_vcse"],
                clarification_deadline=self.moment(timeline["clarification_deadline"]),
                submission_deadline=deadline,
                expected_award_date=self.at(timeline["expected_award_date"]).date(),
                contract_start=start,
                contract_end=end,
                **spec.get("requirements", {}),
            )
            for index, lot_spec in enumerate(spec["lots"]):
                if index == 0:
                    lot = tender.lots.get()
                else:
                    lot = tender_actions.add_lot(tender=tender, by=officer, title=lot_spec["title"])
                tender_actions.update_lot(
                    lot=lot,
                    by=officer,
                    title=lot_spec["title"],
                    description=lot_spec["description"],
                    estimated_value=lot_spec["estimated_value"],
                    price_weight=lot_spec["price_weight"],
                    price_formula=lot_spec["price_formula"],
                    quality_threshold=lot_spec["quality_threshold"],
                    tie_break=lot_spec["tie_break"],
                )
                for kind, weight, text in lot_spec["questions"]:
                    tender_actions.add_question(
                        lot=lot,
                        by=officer,
                        kind=kind,
                        weight=weight,
                        text=text,
                        word_limit=lot_spec.get("word_limit"),
                    )
            for title, doc_type, filename in spec["documents"]:
                body = make_pdf(title, _document_lines(spec))
                tender_actions.add_document(
                    tender=tender,
                    by=officer,
                    title=title,
                    doc_type=doc_type,
                    upload=SimpleUploadedFile(filename, body, content_type="application/pdf"),
                )
            self._social_value_framing(tender, spec)
        with clock.frozen_at(self.moment(timeline["published"])):
            tender = tender_actions.publish_tender(tender=tender, by=officer)
        return tender

    def _lot(self, tender: Tender, number: int) -> Lot:
        # Fetched afresh each time: actions read the tender's state through lot.tender.
        return Lot.objects.select_related("tender").get(tender_id=tender.pk, number=number)

    def _submit(
        self, lot: Lot, supplier_key: str, price: Decimal, answers, subcontractors=()
    ) -> None:
        supplier, user = self.suppliers[supplier_key], self.supplier_users[supplier_key]
        bid = bid_actions.start_bid(lot=lot, supplier=supplier, by=user)
        questions = list(lot.questions.order_by("number"))
        bid_actions.save_bid(
            bid=bid,
            by=user,
            price=price,
            answers={q.pk: text for q, text in zip(questions, answers, strict=True)},
        )
        for sub in subcontractors:
            registered = self.suppliers.get(sub.get("registered", ""))
            supplier_actions.add_subcontractor(
                bid=bid,
                by=user,
                organisation=registered,
                name=sub.get("name", ""),
                size=sub.get("size", ""),
                is_vcse=sub.get("is_vcse", False),
                share_percent=sub["share_percent"],
                description=sub["description"],
            )
        self._social_value_commitments(bid, supplier_key)
        bid_actions.submit_bid(bid=bid, by=user)

    def _assign_and_declare(self, tender: Tender, assignments: dict) -> None:
        officer = self.people["officer"]
        for lot in tender.lots.all():
            for evaluator_key, numbers in assignments.items():
                for number in numbers:
                    evaluation_actions.assign_evaluator(
                        question=lot.questions.get(number=number),
                        evaluator=self.people[evaluator_key],
                        by=officer,
                    )
        for evaluator_key in assignments:
            evaluation_actions.declare_conflict(
                tender=tender, by=self.people[evaluator_key], has_conflict=False
            )

    def _score(self, lot: Lot, supplier_key: str, number: int, evaluator_key: str, score: int):
        lot = self._lot(lot.tender, lot.number)
        evaluation_actions.score_answer(
            bid=lot.bids.get(supplier=self.suppliers[supplier_key]),
            question=lot.questions.get(number=number),
            by=self.people[evaluator_key],
            score=score,
            justification=JUSTIFICATIONS[score],
        )

    def _moderate(self, lot: Lot, supplier_key: str, number: int, score: int, rationale: str):
        lot = self._lot(lot.tender, lot.number)
        evaluation_actions.moderate(
            bid=lot.bids.get(supplier=self.suppliers[supplier_key]),
            question=lot.questions.get(number=number),
            by=self.people["officer"],
            score=score,
            rationale=rationale,
        )

    # Social value ---------------------------------------------------------------------------

    def _social_value_framing(self, tender: Tender, spec: dict) -> None:
        """While drafting: import the council's measures, pick the outcomes for lot 1."""
        plan = SOCIAL_VALUE.get(spec["title"])
        if plan is None:
            return
        from levelfield.socialvalue.models import MeasurementFramework, PolicyOutcome
        from levelfield.socialvalue.selectors import model_for

        officer = self.people["officer"]
        rows = "\n".join(",".join(row) for row in SOCIAL_VALUE_MEASURES) + "\n"
        framework = MeasurementFramework.objects.filter(
            buyer=self.buyer, name=plan["framework"]
        ).first() or socialvalue_actions.import_framework(
            buyer=self.buyer,
            by=officer,
            name=plan["framework"],
            upload=SimpleUploadedFile("measures.csv", rows.encode(), content_type="text/csv"),
        )
        outcomes = PolicyOutcome.objects.filter(
            theme__model=model_for(clock.today_uk()), code__in=plan["outcomes"]
        )
        lot = tender.lots.get(number=1)
        socialvalue_actions.choose_outcomes(lot=lot, by=officer, outcomes=list(outcomes))
        socialvalue_actions.set_options(
            tender=tender, by=officer, framework=framework, reporting_months=3
        )

    def _social_value_commitments(self, bid, supplier_key: str) -> None:
        plan = SOCIAL_VALUE.get(bid.lot.tender.title)
        if plan is None:
            return
        from levelfield.socialvalue.selectors import measures_for

        measures = {m.code: m for m in measures_for(bid.lot.tender)}
        question = bid.lot.questions.get(kind="social_value")
        for what, code, quantity, year, where, who in plan["commitments"].get(supplier_key, ()):
            socialvalue_actions.add_commitment(
                bid=bid,
                by=self.supplier_users[supplier_key],
                question=question,
                measure=measures[code],
                description=what,
                quantity=Decimal(quantity),
                contract_year=year,
                location=where,
                beneficiaries=who,
            )

    def _social_value_delivery(self, contract, spec: dict) -> None:
        """The winner reports on the first quarter; the officer accepts one report."""
        plan = SOCIAL_VALUE.get(spec["title"])
        if plan is None:
            return
        contract.refresh_from_db()
        winner = next(k for k, o in self.suppliers.items() if o.pk == contract.supplier_id)
        user = self.supplier_users[winner]
        period = contract.social_value_periods.get(number=1)
        for number, quantity, narrative, sent, accepted in plan["reports"]:
            obligation = contract.social_value_obligations.get(number=number)
            with clock.frozen_at(self.moment(sent)):
                report = socialvalue_actions.submit_report(
                    obligation=obligation,
                    period=period,
                    by=user,
                    quantity=Decimal(quantity),
                    narrative=narrative,
                    evidence=[
                        SimpleUploadedFile(
                            f"evidence-{number}.pdf",
                            make_pdf("Social value evidence", [narrative[:90]]),
                            content_type="application/pdf",
                        )
                    ],
                )
            if accepted:
                with clock.frozen_at(self.moment(accepted)):
                    socialvalue_actions.review_report(
                        report=report,
                        by=self.people["officer"],
                        decision="accepted",
                        reason="Checked against the apprenticeship agreements sent as evidence.",
                    )

    # The three procurements --------------------------------------------------------------------

    def _awarded(self, spec: dict) -> None:
        timeline = spec["timeline"]
        officer, admin = self.people["officer"], self.people["admin"]
        tender = self._draft(spec)
        lot = self._lot(tender, 1)
        with clock.frozen_at(self.moment(timeline["bids_submitted"])):
            for supplier_key, price, _agreed, _differed, answers in spec["bids"]:
                subcontractors = spec.get("subcontractors", {}).get(supplier_key, ())
                self._submit(lot, supplier_key, price, answers, subcontractors)
        with clock.frozen_at(self.moment(timeline["evaluation_opened"])):
            tender = tender_actions.open_evaluation(tender=tender, by=officer)
            self._assign_and_declare(tender, spec["assignments"])
        with clock.frozen_at(self.moment(timeline["scored"])):
            for supplier_key, _price, agreed, differed, _answers in spec["bids"]:
                for evaluator_key, numbers in spec["assignments"].items():
                    for number in numbers:
                        own = agreed[number]
                        if evaluator_key == "evaluator2":
                            own = differed.get(number, own)
                        self._score(lot, supplier_key, number, evaluator_key, own)
        with clock.frozen_at(self.moment(timeline["moderated"])):
            for supplier_key, _price, agreed, differed, _answers in spec["bids"]:
                for number, score in agreed.items():
                    rationale = (
                        "Evaluators agreed the score at the moderation meeting."
                        if number not in differed
                        else f"Evaluators differed ({differed[number]} and {score}); agreed "
                        f"{score} after reviewing the evidence against the scale."
                    )
                    self._moderate(lot, supplier_key, number, score, rationale)
        with clock.frozen_at(self.moment(timeline["award_confirmed"])):
            # s.57: the buyer weighs each discretionary ground declared (Albion's past poor
            # performance) and records its decision with reasons before the award.
            bids = list(Bid.objects.unsealed_for_buyer(tender.buyer).filter(lot__tender=tender))
            for finding in exclusion_actions.findings(bids):
                exclusion_actions.decide_exclusion(
                    bid=finding.bid,
                    organisation=finding.check.organisation,
                    exclude=False,
                    reasons="The contract ended early was in 2023; the supplier replaced its "
                    "regional management and has met every standard on its public contracts "
                    "since, which the council checked with two of its other buyers.",
                    by=admin,
                )
            contract_actions.confirm_award(tender=tender, by=admin)
        with clock.frozen_at(self.moment(timeline["notice_published"])):
            tender = contract_actions.publish_award_notice(tender=tender, by=officer)
        # The contract is entered into the morning after standstill ends (s.51), then signed.
        assert tender.standstill_ends_at is not None, "the award notice starts the standstill"
        recorded_at = tender.standstill_ends_at + timedelta(hours=10)
        signed_at = recorded_at + timedelta(days=spec["contract"]["signed_after_days"])
        if signed_at >= clock.now():
            raise RuntimeError("the demo timeline puts the contract in the future")
        lot = self._lot(tender, 1)
        award = lot.award
        assert award.winning_bid is not None, "the home care lot is awarded"
        assert tender.contract_start and tender.contract_end, "the tender says the term"
        with clock.frozen_at(recorded_at):
            contract = contract_actions.record_contract(
                lot=lot,
                by=officer,
                value=award.winning_bid.price,
                start_date=tender.contract_start,
                end_date=tender.contract_end,
            )
        # Its manager, KPIs and outcome measure are settled before signature; after it, a year.
        year = contract_life.play_year(self, contract, recorded_at)
        with clock.frozen_at(signed_at):
            contract_actions.sign_contract(contract=contract, by=admin)
        self._social_value_delivery(contract, spec)
        year.after_signature()

    def _in_evaluation(self, spec: dict) -> None:
        timeline = spec["timeline"]
        officer = self.people["officer"]
        tender = self._draft(spec)
        with clock.frozen_at(self.moment(timeline["bids_submitted"])):
            for lot_number, supplier_key, price, answers in spec["bids"]:
                self._submit(self._lot(tender, lot_number), supplier_key, price, answers)
        with clock.frozen_at(self.moment(timeline["evaluation_opened"])):
            tender = tender_actions.open_evaluation(tender=tender, by=officer)
            self._assign_and_declare(tender, spec["assignments"])
        with clock.frozen_at(self.moment(timeline["scored"])):
            for lot_number, supplier_key, number, evaluator_key, score in spec["scores"]:
                self._score(
                    self._lot(tender, lot_number), supplier_key, number, evaluator_key, score
                )
        with clock.frozen_at(self.moment(timeline["moderated"])):
            for lot_number, supplier_key, number, score in spec["moderated"]:
                self._moderate(
                    self._lot(tender, lot_number),
                    supplier_key,
                    number,
                    score,
                    "Agreed at the first moderation meeting.",
                )

    def _open(self, spec: dict) -> None:
        timeline = spec["timeline"]
        officer = self.people["officer"]
        tender = self._draft(spec)
        asker, question, answer = spec["clarification"]
        with clock.frozen_at(self.moment(timeline["question_asked"])):
            clarification = tender_actions.ask_question(
                tender=tender,
                by=self.supplier_users[asker],
                organisation=self.suppliers[asker],
                question=question,
            )
        with clock.frozen_at(self.moment(timeline["question_answered"])):
            tender_actions.answer_clarification(
                clarification=clarification, by=officer, answer=answer
            )
        asker, question = spec["unanswered_question"]
        with clock.frozen_at(self.moment(timeline["second_question_asked"])):
            tender_actions.ask_question(
                tender=tender,
                by=self.supplier_users[asker],
                organisation=self.suppliers[asker],
                question=question,
            )
        # Started today and not yet submitted.
        lot_number, supplier_key, price, answers = spec["draft_bid"]
        lot = self._lot(tender, lot_number)
        supplier, user = self.suppliers[supplier_key], self.supplier_users[supplier_key]
        bid = bid_actions.start_bid(lot=lot, supplier=supplier, by=user)
        bid_actions.save_bid(
            bid=bid,
            by=user,
            price=price,
            answers={lot.questions.get(number=n).pk: text for n, text in answers.items()},
        )


def fill_profile(organisation, user, spec: dict, extra: dict) -> None:
    """A demo supplier's profile, filled in by its admin: its names and region from `spec`, its
    size, turnover, regions served and interests from `extra` (the same dict, for a supplier
    whose spec holds everything)."""
    supplier_actions.update_profile(
        profile=organisation.supplier_profile,
        by=user,
        legal_name=spec["legal_name"],
        companies_house_number=spec["companies_house_number"],
        charity_number=extra.get("charity_number", ""),
        vcse_type=extra.get("vcse_type", ""),
        staff_headcount=extra["staff_headcount"],
        annual_turnover=extra["annual_turnover"],
        balance_sheet_total=extra["balance_sheet_total"],
        region=spec["region"],
        regions_served=extra["regions_served"],
        cpv_interests=extra["cpv_interests"],
    )
