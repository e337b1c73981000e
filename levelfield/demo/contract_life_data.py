"""The demo contracts' figures after signature: who manages the home care contract, its KPIs
and what was reported each period, people reabled, invoices, the dispute, the two changes and
the annual assessment; and the small contract the council let elsewhere. Plain data: the player
in `contract_life.py` puts it through the actions, each at its own moment."""

from decimal import Decimal

from levelfield.contracts.models import AccreditationLevel, Direction, Frequency, Rating, Risk
from levelfield.demo.spec import Spec

# --- The home care contract --------------------------------------------------------------------

# Who manages it, and the accreditation the buyer admin records for them (a silver contract
# expects a practitioner).
MANAGER = "evaluator1"  # Priya Shah
MANAGER_ACCREDITATION: Spec = {
    "level": AccreditationLevel.PRACTITIONER,
    "reference": "CMCP-P-204417",
    # Days before the contract was recorded.
    "awarded_days_before": 240,
}

# Care for people at home: medium risk (still silver at its value; not marked critical, which
# would make it gold).
RISK = Risk.MEDIUM

OPTION: Spec = {
    "description": "Extend by up to two years, on the same terms",
    "months": 24,
    "value": Decimal("1666666.67"),
}

OUTCOME_MEASURE = "people reabled"

# The council sets three KPIs, all marked most material, though at £2.5m s.52 does not require
# them: (name, description, target, unit, direction, frequency, the values reported in order).
KPIS = (
    (
        "Visits on time",
        "Visits started within 15 minutes of the planned time, from electronic call monitoring.",
        Decimal("95"),
        "%",
        Direction.HIGHER,
        Frequency.MONTHLY,
        (
            "91.2",
            "92.8",
            "94.1",
            "95.3",
            "96.0",
            "95.8",
            "93.9",
            "94.6",
            "95.5",
            "96.2",
            "96.8",
            "97.1",
        ),
    ),
    (
        "Missed visits",
        "Planned visits not made at all, per 1,000 planned visits.",
        Decimal("2"),
        "per 1,000 visits",
        Direction.LOWER,
        Frequency.MONTHLY,
        ("3.1", "2.6", "2.2", "1.8", "1.5", "1.6", "2.4", "1.9", "1.4", "1.2", "1.1", "0.9"),
    ),
    (
        "Reablement completed",
        "People finishing a six-week reablement package who need no ongoing care.",
        Decimal("60"),
        "%",
        Direction.HIGHER,
        Frequency.QUARTERLY,
        ("54", "58", "63", "66"),
    ),
)
# What the supplier says with some reports: (KPI number, period, narrative).
KPI_NARRATIVES = {
    (1, 1): "Rural rounds around Shaston ran late while 14 care workers transferred under TUPE "
    "finished their induction.",
    (1, 7): "Snow closed the Melchester road for four days; every person was visited, 41 visits "
    "more than 15 minutes late.",
    (2, 1): "Missed visits came from rounds handed over from the previous provider without "
    "up-to-date key safe codes; all codes are now checked on the first visit.",
    (3, 1): "Referrals from hospital arrived later in the reablement window than planned; agreed "
    "a same-day handover with the discharge team.",
}
# People reabled in each quarter of the year.
REABLED = (38, 41, 46, 49)

# Monthly invoices in arrears, received two days after each month ends: (amount, days from
# receipt to payment or None while not yet due, what happened). Month 6 on includes the extra
# hours of change 1; month 10 on the night-sitting service of change 2.
INVOICES = (
    (Decimal("68912.50"), 21, ""),
    (Decimal("69480.00"), 18, ""),
    (Decimal("70115.25"), 25, ""),
    (Decimal("69874.00"), 24, ""),
    (Decimal("71230.75"), 35, "late"),
    (Decimal("72640.00"), 20, ""),
    (Decimal("73118.50"), 28, "disputed"),
    (Decimal("72905.00"), 19, ""),
    (Decimal("73402.25"), 22, ""),
    (Decimal("80950.00"), 26, ""),
    (Decimal("81276.50"), 23, ""),
    (Decimal("81540.00"), 21, ""),
    (Decimal("81602.75"), None, ""),
)
DISPUTE = (
    "120 visits billed in the second week are not in the call monitoring records; please send "
    "the care workers' timesheets for them."
)
DISPUTE_RESOLVED = (
    "Timesheets received: the visits were made during a call monitoring outage. Invoice "
    "accepted as sent."
)

# (months after the start, days before that, hour, value after, description, voluntary
# standstill). Change 1 moves the value by 4% of its original £2.5m; change 2 by a further
# 12%, so the two together move it 16%, over the 10% of s.75(2) for services.
CHANGES = (
    (
        5,
        12,
        14,
        Decimal("2600000.00"),
        "Extra home care hours for people leaving Melchester Community Hospital over the winter: "
        "about 90 more hours a week for the rest of the contract, at the contract's rates.",
        False,
    ),
    (
        9,
        20,
        10,
        Decimal("2900000.00"),
        "A night-sitting service added: care workers staying overnight with people at the end "
        "of their lives or just home from hospital, up to 14 nights a week across North Wessex.",
        True,
    ),
)

ASSESSMENT: Spec = {
    "days_after_year": 20,
    "rating": Rating.APPROACHING,
    "narrative": (
        "A slow start: visits on time were below the 95% target in the first three months "
        "while staff transferred under TUPE, and again during the February snow. Missed visits "
        "fell from 3.1 to 0.9 per 1,000, and reablement completions rose each quarter to 66%. "
        "One invoice was paid late by the council (day 35). The provider took on extra hours "
        "and the new night-sitting service without loss of quality. Target for year 2: visits "
        "on time at or above 95% every month."
    ),
}

# --- A contract let elsewhere, entered by hand -------------------------------------------------

LET_ELSEWHERE: Spec = {
    "title": "Grounds maintenance: County Hall and three libraries",
    "description": (
        "Grass cutting, hedges, shrub beds and leaf clearance at County Hall, Shaston, "
        "Melchester and Casterbridge libraries. Let by a request for quotation below the "
        "threshold, so no tender on levelfield."
    ),
    "supplier": "tarrant",
    "value": Decimal("86400.00"),
    "start_days": -150,
    "years": 2,
    "entered": (-165, 11),
    "signed": (-163, 10),
    "live_hour": 8,
    "risk": Risk.LOW,
    # Tom Hughes holds no contract management accreditation: the register flags the contract.
    "manager": "evaluator2",
}
