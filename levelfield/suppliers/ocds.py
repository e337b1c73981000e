"""Suppliers as OCDS fragments for the award (UK6) and contract (UK7) releases that
`contracts/ocds.py` builds: a supplier party with its scale and VCSE status; a consortium and its
members; and the subcontracting of an award (subcontracting extension).

A consortium's award lists the consortium and each member that accepted in `award.suppliers`;
each is a party with the `supplier` role, and `roleDetails` (UK extension) says who is the
consortium, the lead or a member and how liability is shared. Subcontractors are parties with
the `subcontractor` role (subcontracting extension's addition to the partyRole codelist)."""

from decimal import Decimal

from django.utils.text import slugify

from levelfield.core.ocds import money
from levelfield.tenders import ocds as tender_ocds

from . import selectors
from .models import BidSubcontractor, ContractSubcontractor, MemberRole, MemberStatus


def supplier_party(organisation, *, roles=("supplier",), role_details: str = "") -> dict:
    profile = getattr(organisation, "supplier_profile", None)
    party = {
        "id": tender_ocds.organisation_id(organisation),
        "name": organisation.name,
        "identifier": {
            "scheme": tender_ocds.PLATFORM_SCHEME,
            "id": str(organisation.pk),
            "legalName": profile.legal_name if profile else organisation.name,
        },
        "roles": list(roles),
    }
    if role_details:
        party["roleDetails"] = role_details
    if profile is not None:
        if profile.companies_house_number:
            party["additionalIdentifiers"] = [
                {"scheme": "GB-COH", "id": profile.companies_house_number}
            ]
        party["details"] = {
            "scale": "large" if profile.size == "large" else "sme",
            "vcse": profile.is_vcse,
        }
        party["address"] = {"region": profile.get_region_display(), "countryName": "United Kingdom"}
    return party


def _reference(party: dict) -> dict:
    return {"id": party["id"], "name": party["name"]}


def award_suppliers(organisation, bid=None) -> tuple[list[dict], list[dict]]:
    """(award.suppliers references, parties) for the winner of an award: the supplier, or a
    consortium followed by each member that accepted. With the winning `bid`, a consortium is
    listed as it bid: the members whose exclusion declarations went with the bid, not one that
    joined later and was never checked."""
    consortium = selectors.consortium_of(organisation)
    if consortium is None:
        party = supplier_party(organisation)
        return [_reference(party)], [party]
    members = [m for m in consortium.members.all() if m.status == MemberStatus.ACCEPTED]
    checked = selectors.declared_member_ids(bid) if bid is not None else set()
    if checked:
        members = [m for m in members if m.organisation_id in checked]
    liability = consortium.get_liability_display().lower()
    names = ", ".join(m.organisation.name for m in members)
    parties = [
        supplier_party(
            organisation,
            role_details=f"Consortium of {names}, led by {consortium.lead.name}; liability: "
            f"{liability}",
        )
    ]
    for member in members:
        role = "Lead" if member.role == MemberRole.LEAD else member.get_role_display()
        parties.append(
            supplier_party(
                member.organisation,
                role_details=f"{role} of the consortium {consortium.name} ({liability} liability)",
            )
        )
    return [_reference(p) for p in parties], parties


def _subcontractor_party(row) -> dict:
    if row.organisation_id:
        return supplier_party(row.organisation, roles=("subcontractor",))
    if row.companies_house_number:
        party_id = f"GB-COH-{row.companies_house_number}"
        identifier = {"scheme": "GB-COH", "id": row.companies_house_number, "legalName": row.name}
    else:
        # Stable across the award and contract releases, which hold different rows.
        party_id = f"subcontractor-{slugify(row.name)[:80] or 'unnamed'}"
        identifier = None
    party = {
        "id": party_id,
        "name": row.name,
        "roles": ["subcontractor"],
        "details": {"scale": "large" if row.size == "large" else "sme", "vcse": row.is_vcse},
    }
    if identifier:
        party["identifier"] = identifier
    return party


def subcontracting(rows, value: Decimal | None) -> tuple[dict, list[dict]]:
    """(award fields, subcontractor parties) for the subcontractors of an award: whether there
    is subcontracting, the share and value subcontracted, and one subcontract per subcontractor
    (subcontracting extension). Percentages are proportions from 0 to 1."""
    rows = list(rows)
    if not rows:
        return {"hasSubcontracting": False}, []
    parties: dict[str, dict] = {}
    subcontracts = []
    for number, row in enumerate(rows, start=1):
        party = _subcontractor_party(row)
        parties.setdefault(party["id"], party)
        subcontracts.append({"id": str(number), "subcontractor": _reference(party)})
    share = sum((row.share_percent for row in rows), Decimal("0"))
    proportion = float(share / Decimal("100"))
    details = {
        "description": "; ".join(
            f"{row.name} ({row.share_percent.normalize():f}%): {row.description}" for row in rows
        ),
        "minimumPercentage": proportion,
        "maximumPercentage": proportion,
        "subcontracts": subcontracts,
    }
    if value is not None:
        details["value"] = money(value * share / Decimal("100"))
    return {"hasSubcontracting": True, "subcontracting": details}, list(parties.values())


def award_subcontracting(decision) -> tuple[dict, list[dict]]:
    """The subcontracting of an award decision: the contract's subcontractors once it is
    recorded (with the contract value), else those the winning bid declared."""
    carried = list(
        ContractSubcontractor.objects.filter(contract__award=decision)
        .select_related("organisation__supplier_profile", "contract")
        .order_by("id")
    )
    if carried:
        return subcontracting(carried, carried[0].contract.value)
    declared = (
        BidSubcontractor.objects.filter(bid=decision.winning_bid)
        .select_related("organisation__supplier_profile")
        .order_by("id")
    )
    return subcontracting(declared, decision.winning_bid.price)
