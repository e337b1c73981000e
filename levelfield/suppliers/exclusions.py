"""The exclusion grounds a supplier declares against, as versioned data.

A plain-English summary of the Procurement Act 2023, Schedule 6 (mandatory grounds) and
Schedule 7 (discretionary grounds), in our own words. The Act is the authority; this list is
what a supplier answers once, and again whenever an answer changes or the declaration is a year
old. Under s.57 a supplier is *excluded* (its tender must be disregarded) when a mandatory ground
applies to it or an associated person and the circumstances are likely to occur again, and
*excludable* (the buyer may disregard it) for a discretionary ground. Associated persons are
consortium members and subcontractors relied on to meet the conditions of participation (s.26).
"""

from dataclasses import dataclass
from datetime import date

MANDATORY, DISCRETIONARY = "mandatory", "discretionary"


@dataclass(frozen=True)
class Ground:
    code: str
    kind: str
    title: str
    question: str
    source: str


@dataclass(frozen=True)
class GroundSet:
    code: str
    title: str
    valid_from: date
    source: str
    # How long an answered declaration stays current, in years.
    valid_for_years: int
    grounds: tuple[Ground, ...]

    def by_code(self) -> dict[str, Ground]:
        return {g.code: g for g in self.grounds}

    @property
    def mandatory(self) -> tuple[Ground, ...]:
        return tuple(g for g in self.grounds if g.kind == MANDATORY)

    @property
    def discretionary(self) -> tuple[Ground, ...]:
        return tuple(g for g in self.grounds if g.kind == DISCRETIONARY)


_SCH6 = "Procurement Act 2023, Schedule 6"
_SCH7 = "Procurement Act 2023, Schedule 7"
_WHO = "your organisation, or a person connected with it (such as a director or parent company),"

PA2023 = GroundSet(
    code="PA2023",
    title="Procurement Act 2023 exclusion grounds",
    valid_from=date(2025, 2, 24),
    source="Procurement Act 2023, sections 57 to 59 and Schedules 6 and 7 (in force 24 February "
    "2025); summarised in our own words",
    valid_for_years=1,
    grounds=(
        Ground(
            "corporate_manslaughter",
            MANDATORY,
            "Corporate manslaughter or corporate homicide",
            f"Has {_WHO} been convicted of corporate manslaughter or corporate homicide?",
            f"{_SCH6}, paragraph 2",
        ),
        Ground(
            "terrorism",
            MANDATORY,
            "Terrorism offences",
            f"Has {_WHO} been convicted of a terrorism offence, including financing terrorism?",
            f"{_SCH6}, paragraph 3",
        ),
        Ground(
            "dishonesty",
            MANDATORY,
            "Theft, fraud and other dishonesty offences",
            f"Has {_WHO} been convicted of theft, robbery, fraud, false accounting, cheating the "
            "public revenue or a similar dishonesty offence?",
            f"{_SCH6}, paragraphs 4 to 11 and 13",
        ),
        Ground(
            "bribery",
            MANDATORY,
            "Bribery and corruption",
            f"Has {_WHO} been convicted of bribery, or of failing to prevent bribery?",
            f"{_SCH6}, paragraphs 12 and 17",
        ),
        Ground(
            "money_laundering",
            MANDATORY,
            "Money laundering",
            f"Has {_WHO} been convicted of a money laundering offence?",
            f"{_SCH6}, paragraph 14",
        ),
        Ground(
            "tax_offences",
            MANDATORY,
            "Tax offences",
            f"Has {_WHO} been convicted of a tax offence, including evading tax or failing to "
            "prevent the facilitation of tax evasion?",
            f"{_SCH6}, Part 1 (tax offences)",
        ),
        Ground(
            "cartel",
            MANDATORY,
            "Cartel offences and bid rigging",
            f"Has {_WHO} been convicted of a cartel offence, or found by a competition authority "
            "to have taken part in bid rigging or a similar infringement?",
            f"{_SCH6}, Part 1 (cartel offences) and Part 2 (competition law infringements)",
        ),
        Ground(
            "slavery_labour",
            MANDATORY,
            "Modern slavery, human trafficking and labour market offences",
            f"Has {_WHO} been convicted of slavery, forced labour, human trafficking or a serious "
            "labour market offence?",
            f"{_SCH6}, paragraphs 19 to 25",
        ),
        Ground(
            "organised_crime",
            MANDATORY,
            "Organised crime",
            f"Has {_WHO} been convicted of taking part in the activities of an organised crime "
            "group?",
            f"{_SCH6}, paragraphs 27 and 28",
        ),
        Ground(
            "offences_abroad",
            MANDATORY,
            "Equivalent offences abroad, and attempts or conspiracy",
            f"Has {_WHO} been convicted outside the UK of an offence like any of those above, or "
            "of attempting, conspiring or encouraging any of them?",
            f"{_SCH6}, paragraphs 33 and 34",
        ),
        Ground(
            "national_security_mandatory",
            MANDATORY,
            "Threat to national security (determined by a Minister)",
            "Has a Minister of the Crown decided that your organisation, or a person connected "
            "with it, is or has been a threat to the national security of the UK?",
            f"{_SCH6}, Part 2 (national security)",
        ),
        Ground(
            "labour_misconduct",
            DISCRETIONARY,
            "Labour market misconduct",
            f"Has {_WHO} been found to have broken employment law, such as paying less than the "
            "minimum wage or breaching health and safety duties to workers?",
            f"{_SCH7} (labour market misconduct)",
        ),
        Ground(
            "environmental_misconduct",
            DISCRETIONARY,
            "Environmental misconduct",
            f"Has {_WHO} been convicted of, or penalised for, an environmental offence?",
            f"{_SCH7} (environmental misconduct)",
        ),
        Ground(
            "insolvency",
            DISCRETIONARY,
            "Insolvency and bankruptcy",
            "Is your organisation insolvent, in administration or liquidation, or has it made an "
            "arrangement with its creditors, or is it likely to?",
            f"{_SCH7} (insolvency and bankruptcy)",
        ),
        Ground(
            "competition_infringement",
            DISCRETIONARY,
            "Potential competition infringements",
            "Has your organisation taken part in an arrangement that may distort competition in "
            "a procurement, such as sharing prices or dividing a market with another supplier?",
            f"{_SCH7} (potential competition infringements)",
        ),
        Ground(
            "professional_misconduct",
            DISCRETIONARY,
            "Professional misconduct",
            f"Has {_WHO} committed serious professional misconduct that brings its integrity into "
            "question?",
            f"{_SCH7} (professional misconduct)",
        ),
        Ground(
            "poor_performance",
            DISCRETIONARY,
            "Breach of contract and poor performance",
            "Has your organisation had a public contract terminated for breach, paid damages for "
            "breach, or been told its performance was not good enough, in the last five years?",
            f"{_SCH7} (breach of contract and poor performance)",
        ),
        Ground(
            "improper_procurement",
            DISCRETIONARY,
            "Acting improperly in a procurement",
            "Has your organisation tried to influence a buyer's decision improperly, used "
            "confidential information, or given misleading information in a procurement?",
            f"{_SCH7} (acting improperly in relation to procurement)",
        ),
        Ground(
            "tax_misconduct",
            DISCRETIONARY,
            "Tax non-payment and abusive tax arrangements",
            "Does your organisation owe tax that it has been ordered to pay, or has it been found "
            "to have used abusive tax arrangements?",
            f"{_SCH7} (tax non-payment)",
        ),
        Ground(
            "national_security_discretionary",
            DISCRETIONARY,
            "Threat to national security",
            "Is there any reason a buyer might consider your organisation, or a person connected "
            "with it, a threat to the national security of the UK?",
            f"{_SCH7} (national security)",
        ),
    ),
)

GROUND_SETS: tuple[GroundSet, ...] = (PA2023,)


def ground_set_for(day: date) -> GroundSet:
    """The grounds in force on `day` (the earliest set before any was in force)."""
    applicable = [s for s in GROUND_SETS if s.valid_from <= day]
    if not applicable:
        return GROUND_SETS[0]
    return max(applicable, key=lambda s: s.valid_from)


def ground_set_by_code(code: str) -> GroundSet:
    for ground_set in GROUND_SETS:
        if ground_set.code == code:
            return ground_set
    raise LookupError(f"unknown exclusion ground set {code!r}")


def no_grounds(ground_set: GroundSet = PA2023) -> dict[str, dict]:
    """Answers saying that no ground applies (for the demo and the test builders)."""
    return {g.code: {"applies": False, "details": ""} for g in ground_set.grounds}
