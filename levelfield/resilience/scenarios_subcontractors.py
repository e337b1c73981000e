"""Failure scenarios: the subcontractors of the failed group, and who else relies on them.
The rules are in `scenarios`' docstring."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Q

from levelfield.contracts.lifecycle import IN_FORCE
from levelfield.suppliers.models import ContractSubcontractor

from .scenarios import SubcontractorImpact, SubcontractorWork, norm


def _sub_key(organisation_id, number: str, name: str) -> str:
    if organisation_id:
        return f"org-{organisation_id}"
    if number:
        return f"ch-{number.upper()}"
    return f"name-{norm(name)}"


def subcontractors_of(contracts, group_ids, as_of: date) -> list[SubcontractorImpact]:
    rows = list(
        ContractSubcontractor.objects.filter(contract__in=[c.pk for c in contracts])
        .only("organisation_id", "name", "companies_house_number", "contract_id")
        .order_by("name", "pk")
    )
    found: dict[str, dict] = {}
    for row in rows:
        key = _sub_key(row.organisation_id, row.companies_house_number, row.name)
        entry = found.setdefault(
            key,
            {
                "name": row.name,
                "number": row.companies_house_number,
                "organisation_id": row.organisation_id,
                "contracts": [],
            },
        )
        if row.contract_id not in entry["contracts"]:
            entry["contracts"].append(row.contract_id)
    if not found:
        return []
    match = Q(
        organisation__in=[e["organisation_id"] for e in found.values() if e["organisation_id"]]
    )
    match |= Q(
        organisation__isnull=True,
        companies_house_number__in=[e["number"] for e in found.values() if e["number"]],
    )
    match |= Q(
        organisation__isnull=True,
        companies_house_number="",
        name__in=[e["name"] for e in found.values()],
    )
    elsewhere = (
        ContractSubcontractor.objects.filter(match)
        .filter(
            contract__status__in=IN_FORCE,
            contract__start_date__lte=as_of,
            contract__end_date__gte=as_of,
        )
        .exclude(contract__supplier__in=group_ids)
        .select_related("contract__supplier")
        .only(
            "organisation_id",
            "name",
            "companies_house_number",
            "contract__id",
            "contract__reference",
            "contract__supplier__id",
            "contract__supplier__name",
        )
        .order_by("contract__supplier__name", "contract__reference", "pk")
    )
    others: dict[str, dict[int, list]] = defaultdict(dict)
    for row in elsewhere:
        key = _sub_key(row.organisation_id, row.companies_house_number, row.name)
        if key not in found:
            continue
        supplier = row.contract.supplier
        works = others[key].setdefault(supplier.pk, [supplier.name, []])
        if row.contract.pk not in [c.pk for c in works[1]]:
            works[1].append(row.contract)
    out = []
    for key, entry in found.items():
        out.append(
            SubcontractorImpact(
                key=key,
                name=entry["name"],
                companies_house_number=entry["number"],
                organisation_id=entry["organisation_id"],
                in_group=entry["organisation_id"] in group_ids,
                contract_ids=tuple(entry["contracts"]),
                other_suppliers=tuple(
                    SubcontractorWork(
                        supplier_id=supplier_id,
                        supplier_name=supplier_name,
                        contract_ids=tuple(c.pk for c in cs),
                        contract_references=tuple(c.reference for c in cs),
                    )
                    for supplier_id, (supplier_name, cs) in others[key].items()
                ),
            )
        )
    out.sort(key=lambda s: (not s.shared, norm(s.name), s.key))
    return out
