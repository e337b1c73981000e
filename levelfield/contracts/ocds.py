"""Awards and contracts as OCDS releases: the UK6 contract award notice at the start of the
standstill, and the UK7 contract details notice when a contract is signed."""

from collections.abc import Callable
from typing import Any

from levelfield.bids.ocds import statistics
from levelfield.core.ocds import absolute_url, compact, money, ocds_datetime, ocds_end_of_day
from levelfield.opendata.publisher import ocid_for
from levelfield.suppliers import ocds as supplier_ocds
from levelfield.tenders import ocds as tender_ocds

from .lifecycle import IN_FORCE
from .models import AwardDecision, Origin


def supplier_party(organisation) -> dict:
    return supplier_ocds.supplier_party(organisation)


def _awards(tender, status: str) -> tuple[list[dict], list[dict]]:
    decisions = (
        AwardDecision.objects.filter(lot__tender=tender, winning_bid__isnull=False)
        .select_related("lot", "winning_bid__supplier__supplier_profile")
        .order_by("lot__number")
    )
    awards: list[dict] = []
    parties: dict[str, dict] = {}
    for decision in decisions:
        assert decision.winning_bid is not None  # filtered: winning_bid__isnull=False
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


# --- Contract management notices (UK8-UK11, UK17) ----------------------------------------------
#
# Each notice is one release about the contract's contracting process: for a contract awarded
# here, the tender's ocid, so that the compiled release carries the whole story; for a contract
# let elsewhere and entered by hand, an ocid of its own. The notice itself is a document with
# the UK extension's noticeType, as Find a Tender publishes it.


def contract_ocid(contract) -> str:
    if contract.lot_id:
        return tender_ocds.ocid(contract.lot.tender)
    return ocid_for(f"C-{contract.buyer_id}-{contract.pk}")


def contract_ocds_id(contract) -> str:
    """The contract's id in OCDS: as the UK7 release named it for an awarded contract."""
    return f"contract-{contract.lot.number}" if contract.lot_id else f"contract-{contract.pk}"


def contract_notice_document(contract, notice_type: str, document_type: str, title: str, at):
    return {
        "id": f"notice-{notice_type}-{at:%Y%m%dT%H%M%S%f}",
        "documentType": document_type,
        "noticeType": notice_type,
        "title": title,
        "url": absolute_url("contracts:public_contract", contract.pk),
        "datePublished": ocds_datetime(at),
    }


def contract_award_id(contract) -> str:
    """The award the contract comes from: the lot's award for a contract awarded here; for a
    contract let elsewhere, an award of its own (see `let_elsewhere_award`), since OCDS needs
    every contract to name its award."""
    return f"award-{contract.lot.number}" if contract.lot_id else f"award-{contract.pk}"


def let_elsewhere_award(contract) -> dict:
    """The award a contract let elsewhere comes from, stated as OCDS requires: the supplier the
    contract was let to, its value, and the day it was entered into."""
    return {
        "id": contract_award_id(contract),
        "title": contract.title,
        "status": "active",
        "date": ocds_datetime(contract.signed_at),
        "value": money(contract.value),
        "suppliers": [
            {
                "id": tender_ocds.organisation_id(contract.supplier),
                "name": contract.supplier.name,
            }
        ],
    }


def contract_fragment(contract) -> dict:
    """The contract as it now stands: the fields every contract notice repeats."""
    return {
        "id": contract_ocds_id(contract),
        "awardID": contract_award_id(contract),
        "title": contract.title,
        "status": OCDS_CONTRACT_STATUS[contract.status],
        "period": {
            "startDate": ocds_datetime(contract.start_date),
            "endDate": ocds_end_of_day(contract.end_date),
        },
        "value": money(contract.value),
        "dateSigned": ocds_datetime(contract.signed_at),
    }


# Who describes the processes a call-off is related to: the app whose call-offs they are (the
# marketplace registers its framework's process from its AppConfig.ready). A list here rather
# than a plain call because the marketplace is the app that knows, and it imports contracts
# (it enters and signs call-offs through contracts' actions): contracts never imports it back.
RelatedProcesses = Callable[[Any], list[dict]]
_RELATED_PROCESS_PROVIDERS: list[RelatedProcesses] = []


def register_related_processes(provider: RelatedProcesses) -> None:
    """Add `provider(contract) -> [relatedProcess, ...]` for the call-offs it knows (a contract
    it does not know gets []). Registering the same provider twice adds it once."""
    if provider not in _RELATED_PROCESS_PROVIDERS:
        _RELATED_PROCESS_PROVIDERS.append(provider)


def related_processes(contract) -> list[dict]:
    """The processes a contract entered here is related to: a call-off names the framework it
    was called off (from the registered providers); a contract let elsewhere, none."""
    if contract.origin != Origin.CALL_OFF:
        return []
    return [process for provider in _RELATED_PROCESS_PROVIDERS for process in provider(contract)]


OCDS_CONTRACT_STATUS = {
    "recorded": "pending",
    "signed": "active",
    "mobilising": "active",
    "live": "active",
    "suspended": "active",
    "expired": "terminated",
    "terminated": "terminated",
    "completed": "terminated",
}


def publish_contract_notice(
    contract,
    *,
    tags: list[str],
    notice_type: str,
    document_type: str,
    title: str,
    key: str,
    contract_extra: dict | None = None,
    period_start=None,
    period_end=None,
):
    """Publish one notice about a contract as a release, and keep it in ContractNotice (once
    per contract, type and key: publishing the same notice again is refused by the database).
    Must run inside the action's transaction."""
    from levelfield.core import clock

    from .models import ContractNotice

    now = clock.now()
    section = contract_fragment(contract)
    section.update(contract_extra or {})
    section.setdefault("documents", []).insert(
        0, contract_notice_document(contract, notice_type, document_type, title, now)
    )
    data = {
        "parties": [
            tender_ocds.organisation_party(contract.buyer, ["buyer", "procuringEntity"]),
            supplier_party(contract.supplier),
        ],
        "buyer": {
            "id": tender_ocds.organisation_id(contract.buyer),
            "name": contract.buyer.name,
        },
        "contracts": [section],
    }
    if contract.lot_id:
        data["tender"] = _tender_status(contract.lot.tender)
    else:
        data["awards"] = [let_elsewhere_award(contract)]
        data["relatedProcesses"] = related_processes(contract)
    release = tender_ocds.publish(
        ocid=contract_ocid(contract),
        tags=tags,
        data=compact(data),
        buyer_id=tender_ocds.organisation_id(contract.buyer),
    )
    return ContractNotice.objects.create(
        buyer=contract.buyer,
        contract=contract,
        notice_type=notice_type,
        key=key,
        period_start=period_start,
        period_end=period_end,
        release_id=release.release_id,
        data=release.data,
        published_at=now,
    )
