"""The marketplace in OCDS: a framework is a contracting process of its own (its ocid, a tender
with techniques.hasFrameworkAgreement, its lots, the admitted suppliers' framework awards), and
each call-off is another, its contract's (contracts.ocds.contract_ocid), linked to the framework
by a related process of relationship "framework", as the OCDS guidance on framework agreements
describes. Published by the actions in their own transaction."""

from django.conf import settings

from levelfield.contracts import ocds as contract_ocds
from levelfield.core.ocds import compact, ocds_datetime, ocds_end_of_day, platform_party_id
from levelfield.opendata.models import Record
from levelfield.opendata.publisher import ocid_for, publish
from levelfield.suppliers import ocds as supplier_ocds
from levelfield.tenders import ocds as tender_ocds

from .lifecycle import ApplicationStatus, FrameworkStatus

TENDER_STATUS = {
    FrameworkStatus.COMING: "planned",
    FrameworkStatus.OPEN: "active",
    FrameworkStatus.PENDING: "active",
    FrameworkStatus.STANDSTILL: "active",
    FrameworkStatus.LIVE: "complete",
    FrameworkStatus.EXPIRED: "complete",
}

# Once live, the admitted suppliers' places on the framework are awards in force (and stay the
# record of who was on it once it has expired).
AWARDED = frozenset({FrameworkStatus.LIVE, FrameworkStatus.EXPIRED})


def framework_ocid(framework) -> str:
    return ocid_for(f"FW-{framework.reference}")


def _framework_awards(framework) -> tuple[list[dict], list[dict]]:
    """Each admitted supplier's place on the framework, as an award, and its party."""
    applications = (
        framework.applications.filter(status=ApplicationStatus.ADMITTED)
        .select_related("supplier__supplier_profile")
        .prefetch_related("lots")
        .order_by("pk")
    )
    awards, parties = [], []
    for application in applications:
        supplier = application.supplier
        parties.append(supplier_ocds.supplier_party(supplier))
        awards.append(
            {
                "id": f"framework-award-{application.pk}",
                "status": "active" if framework.status in AWARDED else "pending",
                "date": ocds_datetime(application.decided_at),
                "suppliers": [{"id": platform_party_id(supplier), "name": supplier.name}],
                "relatedLots": [str(lot.number) for lot in application.lots.all()],
            }
        )
    return awards, parties


def framework_release_data(framework) -> dict:
    """The framework as a release body: its tender (lots, application window, term) and the
    suppliers admitted to it."""
    lots = list(framework.lots.order_by("number"))
    awards, parties = _framework_awards(framework)
    return compact(
        {
            "parties": parties,
            "tender": {
                "id": framework.reference,
                "title": framework.name,
                "description": framework.description or None,
                "status": TENDER_STATUS[framework.status],
                "techniques": {"hasFrameworkAgreement": True},
                "tenderPeriod": {
                    "startDate": ocds_datetime(framework.applications_open_on),
                    "endDate": ocds_end_of_day(framework.applications_close_on),
                },
                "contractPeriod": {
                    "startDate": ocds_datetime(framework.live_from),
                    "endDate": ocds_end_of_day(framework.expires_on),
                },
                "lots": [
                    {
                        "id": str(lot.number),
                        "title": lot.title,
                        "description": lot.description or None,
                        "status": "active",
                    }
                    for lot in lots
                ],
                "items": [
                    {
                        "id": f"lot-{lot.number}",
                        "description": lot.title,
                        "classification": {"scheme": "CPV", "id": lot.cpv_code},
                        "relatedLot": str(lot.number),
                    }
                    for lot in lots
                    if lot.cpv_code
                ],
            },
            "awards": awards,
        }
    )


def publish_framework(framework):
    """Publish the framework as it now stands (a release of its own process)."""
    return publish(
        ocid=framework_ocid(framework),
        tags=["tender", "award"] if framework.status in AWARDED else ["tender"],
        data=framework_release_data(framework),
    )


def _framework_published(framework) -> None:
    """Publish the framework first if nothing of it has been: a call-off names its process."""
    if not Record.objects.filter(ocid=framework_ocid(framework)).exists():
        publish_framework(framework)


def framework_process(framework) -> dict:
    """The related process a call-off names: the framework it was called off."""
    ocid = framework_ocid(framework)
    return {
        "id": "framework",
        "relationship": ["framework"],
        "title": framework.name,
        "scheme": "ocid",
        "identifier": ocid,
        "uri": f"{settings.SITE_URL.rstrip('/')}/api/ocds/records/{ocid}",
    }


def related_processes(contract) -> list[dict]:
    """The processes a contract is related to: a call-off's framework (none for others)."""
    outcome = getattr(contract, "call_off", None)
    if outcome is None:
        return []
    return [framework_process(outcome.project.framework)]


def publish_call_off(outcome):
    """Publish an awarded outcome's call-off contract: the award (the supplier, its value, the
    day it was signed) and the contract, with the framework as a related process. Must run in
    the action's transaction, after the contract is signed."""
    contract = outcome.contract
    project = outcome.project
    _framework_published(project.framework)
    buyer_id = platform_party_id(contract.buyer)
    data = {
        "parties": [
            tender_ocds.organisation_party(contract.buyer, ["buyer"]),
            contract_ocds.supplier_party(contract.supplier),
        ],
        "buyer": {"id": buyer_id, "name": contract.buyer.name},
        "tender": {
            "id": project.reference,
            "title": project.name,
            "status": "complete",
            "techniques": {"hasFrameworkAgreement": True},
        },
        "awards": [contract_ocds.let_elsewhere_award(contract)],
        "contracts": [contract_ocds.contract_fragment(contract)],
        "relatedProcesses": [framework_process(project.framework)],
    }
    return publish(
        ocid=contract_ocds.contract_ocid(contract),
        tags=["award", "contract"],
        data=compact(data),
        buyer_id=buyer_id,
    )
