"""Awards and contracts as OCDS releases: the UK6 contract award notice at the start of the
standstill, and the UK7 contract details notice when a contract is signed."""

from levelfield.bids.ocds import statistics
from levelfield.core.ocds import compact, money, ocds_datetime, ocds_end_of_day
from levelfield.suppliers import ocds as supplier_ocds
from levelfield.tenders import ocds as tender_ocds

from .lifecycle import IN_FORCE
from .models import AwardDecision


def supplier_party(organisation) -> dict:
    return supplier_ocds.supplier_party(organisation)


def _awards(tender, status: str) -> tuple[list[dict], list[dict]]:
    decisions = (
        AwardDecision.objects.filter(lot__tender=tender, winning_bid__isnull=False)
        .select_related("lot", "winning_bid__supplier__supplier_profile")
        .order_by("lot__number")
    )
    awards, parties = [], {}
    for decision in decisions:
        supplier = decision.winning_bid.supplier
        # A consortium is listed with each of its members; subcontractors are parties too.
        references, supplier_parties = supplier_ocds.award_suppliers(supplier, decision.winning_bid)
        subcontracting, subcontractors = supplier_ocds.award_subcontracting(decision)
        for party in (*supplier_parties, *subcontractors):
            parties.setdefault(party["id"], party)
        awards.append(
            {
                "id": f"award-{decision.lot.number}",
                "title": decision.lot.title,
                "status": status,
                "date": ocds_datetime(decision.decided_at),
                "value": money(decision.winning_bid.price),
                "suppliers": references,
                "relatedLots": [str(decision.lot.number)],
                "standstillPeriod": {
                    "startDate": ocds_datetime(tender.standstill_started_at),
                    "endDate": ocds_datetime(tender.standstill_ends_at),
                },
                "assessmentSummariesDateSent": ocds_datetime(tender.award_decided_at),
                **subcontracting,
            }
        )
    return awards, list(parties.values())


def publish_award_notice(tender):
    awards, suppliers = _awards(tender, "pending")
    data = {
        "parties": [tender_ocds.buyer_party(tender), *suppliers],
        "buyer": {"id": tender_ocds.organisation_id(tender.buyer), "name": tender.buyer.name},
        "tender": {
            **_tender_status(tender),
            "documents": [
                tender_ocds.notice(
                    tender,
                    "UK6",
                    "awardNotice",
                    "Contract award notice",
                    tender.standstill_started_at,
                )
            ],
        },
        "bids": {"statistics": statistics(tender)},
        "awards": awards,
    }
    return tender_ocds.publish(
        ocid=tender_ocds.ocid(tender),
        tags=["award"],
        data=compact(data),
        buyer_id=tender_ocds.organisation_id(tender.buyer),
    )


def publish_contract(contract):
    tender = contract.lot.tender
    awards, suppliers = _awards(tender, "active")
    data = {
        "parties": [tender_ocds.buyer_party(tender), *suppliers],
        "buyer": {"id": tender_ocds.organisation_id(tender.buyer), "name": tender.buyer.name},
        "tender": {
            **_tender_status(tender),
            "documents": [
                tender_ocds.notice(
                    tender, "UK7", "contractNotice", "Contract details notice", contract.signed_at
                )
            ],
        },
        "awards": awards,
        "contracts": [
            {
                "id": f"contract-{contract.lot.number}",
                "awardID": f"award-{contract.lot.number}",
                "title": contract.lot.title,
                "status": "active" if contract.status in IN_FORCE else "pending",
                "period": {
                    "startDate": ocds_datetime(contract.start_date),
                    "endDate": ocds_end_of_day(contract.end_date),
                },
                "value": money(contract.value),
                "dateSigned": ocds_datetime(contract.signed_at),
            }
        ],
    }
    return tender_ocds.publish(
        ocid=tender_ocds.ocid(tender),
        tags=["contract"],
        data=compact(data),
        buyer_id=tender_ocds.organisation_id(tender.buyer),
    )


def _tender_status(tender) -> dict:
    return {
        "id": tender.reference,
        "status": tender_ocds.OCDS_TENDER_STATUS.get(tender.status, "active"),
    }
