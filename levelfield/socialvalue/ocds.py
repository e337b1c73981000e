"""Social value as OCDS release fragments (metrics and sustainability extensions).

- At signature, each obligation is an agreed metric of the award and of the contract, with one
  target observation: how many, of what unit, by when, where and who benefits. The lot says
  which sustainability goals its award criteria pursued.
- Each accepted delivery report is an observation of the contract's implementation metrics.

Nothing here is sealed: obligations exist only once the contract is signed, and reports only
count once the buyer accepts them. Pound values from a buyer's proxy table are not published:
the table belongs to the buyer and may be licensed.
"""

from decimal import Decimal

from levelfield.core.ocds import compact, ocds_datetime, ocds_end_of_day
from levelfield.opendata.publisher import publish
from levelfield.tenders import ocds as tender_ocds

from .models import (
    DeliveryReport,
    LotOutcome,
    Obligation,
    ReportStatus,
    SocialValueQuestion,
    contract_lot,
)

STRATEGIES = ["awardCriteria", "contractPerformanceConditions"]


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def metric_id(obligation: Obligation) -> str:
    return f"social-value-{contract_lot(obligation.contract).number}-{obligation.number}"


def _ids(contract) -> tuple[str, str]:
    number = contract.lot.number
    return f"award-{number}", f"contract-{number}"


def _description(obligation: Obligation) -> str:
    parts = [f"Social value commitment: {obligation.description}"]
    if obligation.measure_code:
        parts.append(f"buyer's measure {obligation.measure_code}")
    if obligation.metric_code:
        parts.append(f"model reporting metric {obligation.metric_code}")
    return "; ".join(parts) + "."


def agreed_metric(obligation: Obligation) -> dict:
    contract = obligation.contract
    # Where and who benefits go in the notes: the metrics extension's `dimensions` takes any key,
    # which tools that check for undeclared fields report.
    notes = ["Target committed in the winning bid."]
    if obligation.location:
        notes.append(f"Where: {obligation.location}.")
    if obligation.beneficiaries:
        notes.append(f"Who benefits: {obligation.beneficiaries}.")
    return {
        "id": metric_id(obligation),
        "title": obligation.description,
        "description": _description(obligation),
        "observations": [
            {
                "id": f"{metric_id(obligation)}-target",
                "period": {
                    "startDate": ocds_datetime(contract.start_date),
                    "endDate": ocds_end_of_day(obligation.due_on),
                },
                "measure": _number(obligation.quantity),
                "unit": {"name": obligation.unit},
                "notes": " ".join(notes),
            }
        ],
    }


def lot_sustainability(lot) -> list[dict]:
    """The sustainability goals of the outcomes behind the lot's social value questions (or
    picked for it), for the lot's `sustainability` (sustainability extension)."""
    outcomes = {
        source.outcome_id: source.outcome
        for source in SocialValueQuestion.objects.filter(question__lot=lot).select_related(
            "outcome"
        )
    }
    for chosen in LotOutcome.objects.filter(lot=lot).select_related("outcome"):
        outcomes.setdefault(chosen.outcome_id, chosen.outcome)
    goals: dict[str, list[str]] = {}
    for outcome in sorted(outcomes.values(), key=lambda o: (o.theme_id, o.position)):
        if outcome.sustainability_goal:
            goals.setdefault(outcome.sustainability_goal, []).append(outcome.text)
    return [
        {
            "goal": goal,
            "strategies": STRATEGIES,
            "description": "Social value award criteria and contract obligations: "
            + "; ".join(texts)
            + ".",
        }
        for goal, texts in goals.items()
    ]


def publish_commitments(contract, obligations: list[Obligation]):
    """The obligations as agreed metrics of the award and the contract (tag `contract`)."""
    tender = contract.lot.tender
    award_id, contract_id = _ids(contract)
    metrics = [agreed_metric(o) for o in obligations]
    sustainability = lot_sustainability(contract.lot)
    data = {
        "tender": {
            "id": tender.reference,
            "lots": [
                {
                    "id": str(contract.lot.number),
                    "hasSustainability": True,
                    "sustainability": sustainability,
                }
            ],
        }
        if sustainability
        else None,
        "awards": [{"id": award_id, "agreedMetrics": metrics}],
        "contracts": [{"id": contract_id, "awardID": award_id, "agreedMetrics": metrics}],
    }
    return publish(
        ocid=tender_ocds.ocid(tender),
        tags=["contract"],
        data=compact(data),
        buyer_id=tender_ocds.organisation_id(tender.buyer),
    )


def delivered_metrics(contract) -> list[dict]:
    """Every accepted report, as observations of the contract's implementation metrics."""
    accepted = (
        DeliveryReport.objects.filter(obligation__contract=contract, status=ReportStatus.ACCEPTED)
        .select_related("obligation__contract__lot", "period")
        .order_by("obligation__number", "period__number")
    )
    metrics: dict[int, dict] = {}
    for report in accepted:
        obligation = report.obligation
        metric = metrics.setdefault(
            obligation.pk,
            {
                "id": metric_id(obligation),
                "title": obligation.description,
                "description": _description(obligation),
                "observations": [],
            },
        )
        metric["observations"].append(
            {
                "id": f"{metric_id(obligation)}-report-{report.pk}",
                "period": {
                    "startDate": ocds_datetime(report.period.starts_on),
                    "endDate": ocds_end_of_day(report.period.ends_on),
                },
                "measure": _number(report.quantity),
                "unit": {"name": obligation.unit},
                "notes": f"Delivered in reporting period {report.period.number}; accepted by "
                "the buyer.",
            }
        )
    return list(metrics.values())


def publish_delivery(contract):
    """What was delivered, as accepted (tag `implementation`)."""
    tender = contract.lot.tender
    award_id, contract_id = _ids(contract)
    data = {
        "contracts": [
            {
                "id": contract_id,
                "awardID": award_id,
                "implementation": {"metrics": delivered_metrics(contract)},
            }
        ]
    }
    return publish(
        ocid=tender_ocds.ocid(tender),
        tags=["implementation"],
        data=compact(data),
        buyer_id=tender_ocds.organisation_id(tender.buyer),
    )
