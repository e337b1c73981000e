"""Barrier checks: what in a tender may keep small firms, charities and social enterprises out.

The Procurement Act 2023 s.12(4) asks a contracting authority to have regard to the particular
barriers small and medium-sized enterprises face and to consider whether they can be removed or
reduced. While a buyer drafts a tender, `check` lists each barrier it finds, with the reason
and the source; the buyer may change the tender or go ahead and record why
(`actions.record_barrier_reason`). Nothing here stops a tender being published.

The thresholds are data with a version, chosen by the procurement's commencement date like the
social value policy (`core/policy.py`): the rules in law changed on 24 February 2025, when the
Procurement Act 2023 replaced the Public Contracts Regulations 2015.

The tender window is judged by the one minimum-period rule publication applies
(`periods.tendering_period_problems`, s.54): a window publication would refuse is a finding, a
lawful one (10 days in recorded urgency, or after a qualifying planned procurement notice) is
not, and a deadline already passed is always one. Those two findings block publication, so the
buyer cannot record a reason to go ahead with them: the deadline or the s.54 details change.

`check` is a pure function of the tender, its lots and a moment: it reads no other table.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from levelfield.core import clock
from levelfield.core.display import uk_time
from levelfield.core.money import format_gbp as _gbp

from . import periods
from .dates import out_of_range
from .models import BarrierDecision, RequiredCertificate

# Finding codes. A buyer's recorded reason to proceed is kept per tender and code.
TURNOVER = "turnover_over_twice_value"
SHORT_WINDOW = "short_tender_window"
DEADLINE_PASSED = "deadline_passed"
NOT_IN_LOTS = "large_contract_not_in_lots"
LOT_TOO_LARGE = "lot_too_large"
INSURANCE = "insurance_before_award"
CERTIFICATE_PREFIX = "certificate_"


@dataclass(frozen=True)
class BarrierRules:
    """One version of the thresholds, with where each comes from."""

    code: str
    title: str
    valid_from: date
    # Minimum turnover may be at most this many times the contract value.
    turnover_multiple: Decimal
    turnover_source: str
    # A tender in one lot worth more than this should be divided into lots or say why not.
    large_contract_value: Decimal
    # A lot worth more than this is too big for most small firms even in a divided tender.
    large_lot_value: Decimal
    lots_source: str
    insurance_source: str
    # A certificate demanded for a contract worth less than this is out of proportion.
    # Certificates not named here (Cyber Essentials) are never flagged.
    certificate_minimum_values: tuple[tuple[str, Decimal], ...]
    certificates_source: str

    def certificate_minimum(self, certificate: str) -> Decimal | None:
        return dict(self.certificate_minimum_values).get(certificate)


# levelfield's own judgement, the same under both regimes. What a certificate costs to obtain
# and keep (an external audit every year) is roughly fixed, so it weighs most on small
# contracts. Cyber Essentials (a few hundred pounds) is never flagged: PPN 09/14 requires it
# for central government contracts that handle personal data.
_CERTIFICATE_MINIMUMS = (
    (RequiredCertificate.CYBER_ESSENTIALS_PLUS, Decimal("100000")),
    (RequiredCertificate.ISO_9001, Decimal("500000")),
    (RequiredCertificate.ISO_14001, Decimal("500000")),
    (RequiredCertificate.ISO_45001, Decimal("500000")),
    (RequiredCertificate.ISO_27001, Decimal("1000000")),
)

# The lot thresholds are levelfield's own: £5m is where the Act itself asks more of a contract
# (s.52: at least three published KPIs above £5m), so a lot above it is large by the Act's own
# measure. A whole contract above £2m left in one lot asks one firm to carry it: at the
# twice-turnover rule a buyer may then demand £4m a year, beyond most small enterprises, and a
# three-year £2m contract is still more than half the annual turnover of a typical small firm.
_LARGE_CONTRACT = Decimal("2000000")
_LARGE_LOT = Decimal("5000000")

_INSURANCE_SOURCE = (
    "Standard Selection Questionnaire (PPN 03/16), insurance question: bidders confirm they "
    "have, or will obtain before the contract starts, the cover asked for"
)

RULE_VERSIONS: tuple[BarrierRules, ...] = (
    BarrierRules(
        code="PCR-2015",
        title="Public Contracts Regulations 2015",
        valid_from=date(2015, 2, 26),
        turnover_multiple=Decimal("2"),
        turnover_source="Public Contracts Regulations 2015 reg. 58(9): minimum yearly turnover "
        "no more than twice the estimated contract value, except in duly justified cases; for a "
        "contract divided into lots, for each lot",
        large_contract_value=_LARGE_CONTRACT,
        large_lot_value=_LARGE_LOT,
        lots_source="Public Contracts Regulations 2015 reg. 46: consider dividing a contract "
        "into lots and give the main reasons when it is not divided",
        insurance_source=_INSURANCE_SOURCE,
        certificate_minimum_values=_CERTIFICATE_MINIMUMS,
        certificates_source="Public Contracts Regulations 2015 reg. 58(1) and reg. 62: "
        "selection criteria proportionate to the subject matter, equivalent evidence accepted",
    ),
    BarrierRules(
        code="PA-2023",
        title="Procurement Act 2023",
        valid_from=date(2025, 2, 24),
        turnover_multiple=Decimal("2"),
        turnover_source="Procurement Act 2023 s.22 (conditions of participation must be "
        "proportionate); twice the contract value, or of each lot, is the long-standing limit "
        "of Public Contracts Regulations 2015 reg. 58(9)",
        large_contract_value=_LARGE_CONTRACT,
        large_lot_value=_LARGE_LOT,
        lots_source="Procurement Act 2023 s.18: consider whether the contract could be "
        "divided into lots, and give the reasons in the tender notice if it is not",
        insurance_source=_INSURANCE_SOURCE,
        certificate_minimum_values=_CERTIFICATE_MINIMUMS,
        certificates_source="Procurement Act 2023 s.22 (conditions of participation must be "
        "proportionate) and s.12(4) (the particular barriers SMEs face); the value thresholds "
        "are levelfield's own",
    ),
)


def rules_for(commencement: date) -> BarrierRules:
    """The thresholds in force on the commencement date."""
    applicable = [r for r in RULE_VERSIONS if r.valid_from <= commencement]
    if not applicable:
        return RULE_VERSIONS[0]
    return max(applicable, key=lambda r: r.valid_from)


def rules_for_tender(tender, at: datetime | None = None) -> BarrierRules:
    """A published tender is judged by the rules of its publication date; a draft by today's."""
    moment = tender.published_at or at or clock.now()
    return rules_for(moment.astimezone(clock.UK).date())


@dataclass(frozen=True)
class Finding:
    code: str
    title: str
    reason: str
    source: str
    rules: str
    # What was found, kept with a buyer's reason to go ahead (BarrierDecision.finding): when the
    # tender changes so that the check finds something else, the reason is reviewed again. The
    # reason's words, but for the tender window (its days left change while it is drafted) and
    # the turnover in lots (a lot's title or number may change, its value is what counts).
    subject: str = ""
    # Publication refuses the tender while this is found (the tender window): no reason to go
    # ahead can be recorded, the tender must change.
    blocks_publication: bool = False


def check(tender, *, lots=None, at: datetime | None = None, rules=None) -> list[Finding]:
    """Every barrier the tender puts in a small organisation's way, in the order a buyer would
    fix them. `lots` defaults to the tender's lots; `at` is when the tendering period would
    start for a draft (now)."""
    at = at or clock.now()
    rules = rules or rules_for_tender(tender, at)
    lots = list(tender.lots.all()) if lots is None else list(lots)
    value = tender.estimated_value
    findings: list[Finding] = []

    def add(code: str, title: str, reason: str, source: str, subject: str = "") -> None:
        findings.append(Finding(code, title, reason, source, rules.code, subject or reason))

    # In lots, the limit is for each lot (reg. 58(9)): the tender's one minimum turnover is asked
    # of a firm bidding for its smallest lot alone.
    valued_lots = [lot for lot in lots if lot.estimated_value is not None]
    smallest = (
        min(valued_lots, key=lambda lot: lot.estimated_value)
        if len(lots) > 1 and valued_lots
        else None
    )
    basis = smallest.estimated_value if smallest else value
    if (
        tender.minimum_turnover is not None
        and basis is not None
        and tender.minimum_turnover > basis * rules.turnover_multiple
    ):
        asked = f"You ask for a turnover of at least {_gbp(tender.minimum_turnover)} a year"
        limit = _gbp(basis * rules.turnover_multiple)
        if smallest:
            add(
                TURNOVER,
                "Minimum turnover is more than twice the value of a lot",
                f"{asked} of every bidder, and lot {smallest.number} ({smallest.title}) is worth "
                f"{_gbp(basis)}. Above {limit} this shuts out small firms that could deliver "
                "that lot alone. The limit is for each lot, unless the turnover asked is only of "
                "bidders for groups of lots to be delivered at the same time.",
                rules.turnover_source,
                # not the lot's title or number: renaming or renumbering lots changes nothing
                subject=f"{asked} of every bidder; the smallest lot is worth {_gbp(basis)}.",
            )
        else:
            add(
                TURNOVER,
                "Minimum turnover is more than twice the contract value",
                f"{asked} on a contract worth {_gbp(value)}. Above {limit} this shuts out small "
                "firms that could deliver the contract.",
                rules.turnover_source,
            )

    findings += _window_findings(tender, at=at, rules=rules)

    if len(lots) == 1 and value is not None and value > rules.large_contract_value:
        if not (tender.lots_not_divided_reason or "").strip():
            add(
                NOT_IN_LOTS,
                "A large contract is not divided into lots",
                f"The contract is worth {_gbp(value)} in a single lot. Lots let smaller "
                "organisations bid for the part they can deliver. Divide it into lots, or "
                "record why not in the tender details (the reason is published).",
                rules.lots_source,
            )
    if len(lots) > 1:
        large = [lot for lot in lots if (lot.estimated_value or 0) > rules.large_lot_value]
        if large:
            names = ", ".join(f"lot {lot.number} ({_gbp(lot.estimated_value)})" for lot in large)
            add(
                LOT_TOO_LARGE,
                f"A lot is worth more than {_gbp(rules.large_lot_value)}",
                f"Even divided, {names} may be too big for a small organisation to bid for "
                "alone. Consider smaller lots.",
                rules.lots_source,
            )

    if tender.insurance_before_award:
        cover = f" ({tender.insurance_cover})" if tender.insurance_cover else ""
        add(
            INSURANCE,
            "Insurance is demanded before award",
            f"You ask bidders to hold insurance{cover} before the contract is awarded. A small "
            "firm pays for that cover whether it wins or not; ask instead for a commitment to "
            "hold it from the contract start.",
            rules.insurance_source,
        )

    labels = dict(RequiredCertificate.choices)
    for certificate in tender.certificates_required or []:
        minimum = rules.certificate_minimum(certificate)
        if minimum is None or value is None or value >= minimum:
            continue
        name = labels.get(certificate, certificate)
        add(
            CERTIFICATE_PREFIX + certificate,
            f"{name} is not proportionate to the value",
            f"Certification to {name} costs a firm thousands of pounds and a yearly audit. On "
            f"a contract worth {_gbp(value)} (under {_gbp(minimum)}) that is out of proportion: "
            "accept equivalent evidence of how the bidder works instead.",
            rules.certificates_source,
        )
    return findings


def _window_findings(tender, *, at: datetime, rules: BarrierRules) -> list[Finding]:
    """The tender window, by the rule publication applies (periods.py, s.54). A deadline
    outside the range of dates is refused by the range rule (dates.py) and cannot be shown in
    UK time."""
    deadline = tender.submission_deadline
    if deadline is None or out_of_range(deadline, "submission deadline"):
        return []
    start = tender.published_at or at
    minimum, basis = periods.minimum_days(tender, start)
    period_rules = periods.rules_for(start.astimezone(clock.UK).date())
    subject = (
        f"A submission deadline of {uk_time(deadline)}, with a minimum of {minimum} days ({basis})."
    )

    def finding(code: str, title: str, reason: str) -> Finding:
        return Finding(
            code,
            title,
            reason,
            period_rules.periods_source,
            rules.code,
            subject,
            blocks_publication=True,
        )

    if deadline <= max(start, at):
        # Publication refuses it too: never "no barriers" for a deadline already gone.
        return [
            finding(
                DEADLINE_PASSED,
                "The submission deadline has passed",
                f"The submission deadline, {uk_time(deadline)}, has already passed: no one "
                f"could bid. Set a deadline that gives bidders at least {max(minimum, 1)} "
                f"day{'s' if max(minimum, 1) != 1 else ''} from publication.",
            )
        ]
    problems = periods.tendering_period_problems(tender, published_at=start, deadline=deadline)
    if not problems:
        return []
    return [
        finding(
            SHORT_WINDOW,
            f"The tender window is shorter than {minimum} days",
            f"{problems[0]}. The deadline is {uk_time(deadline)}. Small organisations without "
            "a bid team need the time most.",
        )
    ]


@dataclass(frozen=True)
class PanelRow:
    """A finding on the buyer's panel with the buyer's recorded reason to go ahead (a
    BarrierDecision) or None. `changed`: the reason was recorded when the check found something
    else (the tender changed since), so the finding is to review again."""

    finding: Finding
    decision: BarrierDecision | None
    changed: bool = False

    @property
    def going_ahead(self) -> bool:
        return self.decision is not None and not self.changed


def panel(tender, *, at: datetime | None = None) -> list[PanelRow]:
    """The findings for the buyer's panel, each with the buyer's recorded decision."""
    decisions = {d.code: d for d in tender.barrier_decisions.select_related("decided_by")}
    rows = []
    for finding in check(tender, at=at):
        decision = decisions.get(finding.code)
        # A reason recorded before findings were kept with it answers whatever is found.
        changed = decision is not None and decision.finding not in ("", finding.subject)
        rows.append(PanelRow(finding, decision, changed))
    return rows
