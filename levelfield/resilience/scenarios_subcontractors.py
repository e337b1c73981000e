"""Failure scenarios: the subcontractors of the failed group, and who else relies on them.
The rules are in `scenarios`' docstring.

A subcontractor on the affected contracts is one by its levelfield organisation, else its
Companies House number, else its name; a subcontractor a living will names (free text) is one by
its name, ignoring case and spacing, and is the same as a contract's subcontractor of that name."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Q, Value
from django.db.models.functions import Lower, Replace

from levelfield.contracts.models import Contract
from levelfield.suppliers.models import ContractSubcontractor

from .scenarios import SubcontractorImpact, SubcontractorWork, norm


def _sub_key(organisation_id, number: str, name: str) -> str:
    if organisation_id:
        return f"org-{organisation_id}"
    if number:
        return f"ch-{number.upper()}"
    return f"name-{norm(name)}"


def _squash(name: str) -> str:
    """A name in lower case without spaces, as the database can match it."""
    return (name or "").lower().replace(" ", "")


def _named_subcontractors(content: dict) -> list[tuple[str, list[str]]]:
    """(name, services) of each subcontractor dependency a will's content names."""
    return [
        (d.get("name") or "", list(d.get("services") or []))
        for d in (content or {}).get("dependencies") or []
        if d.get("kind") == "subcontractor" and (d.get("name") or "").strip()
    ]


class _Found:
    """The subcontractors found so far, by key, with an index of their names."""

    def __init__(self):
        self.entries: dict[str, dict] = {}
        self.by_name: dict[str, str] = {}

    def add(self, key, *, name, number="", organisation_id=None) -> dict:
        entry = self.entries.get(key)
        if entry is None:
            entry = self.entries[key] = {
                "name": name,
                "number": number,
                "organisation_id": organisation_id,
                "contracts": [],
                "services": [],
                "named_by": [],
            }
        self.by_name.setdefault(norm(name), key)
        return entry

    def key_of(self, organisation_id, number, name) -> str | None:
        key = _sub_key(organisation_id, number, name)
        if key in self.entries:
            return key
        return self.by_name.get(norm(name))


def _from_contracts(found: _Found, contracts) -> None:
    rows = ContractSubcontractor.objects.filter(contract__in=[c.pk for c in contracts]).only(
        "organisation_id", "name", "companies_house_number", "contract_id"
    )
    for row in rows.order_by("name", "pk"):
        key = _sub_key(row.organisation_id, row.companies_house_number, row.name)
        entry = found.add(
            key,
            name=row.name,
            number=row.companies_house_number,
            organisation_id=row.organisation_id,
        )
        if row.contract_id not in entry["contracts"]:
            entry["contracts"].append(row.contract_id)


def _from_wills(found: _Found, versions) -> None:
    for supplier_id, version in sorted(versions.items()):
        for name, services in _named_subcontractors(version.content):
            key = found.by_name.get(norm(name)) or f"name-{norm(name)}"
            entry = found.add(key, name=name.strip())
            entry["services"] += [s for s in services if s not in entry["services"]]
            if supplier_id not in entry["named_by"]:
                entry["named_by"].append(supplier_id)


def _elsewhere(found: _Found, group_ids, as_of: date):
    """Contract subcontractors outside the group, in force on `as_of`, that may be one of
    `found`: by organisation, number, or name in lower case without spaces (the match by name
    is finished in Python by `norm`, ignoring case and spacing)."""
    entries = found.entries.values()
    match = Q(organisation__in=[e["organisation_id"] for e in entries if e["organisation_id"]])
    match |= Q(companies_house_number__in=[e["number"] for e in entries if e["number"]])
    # By name ignoring case and spaces here (a superset); `norm` decides in Python.
    match |= Q(squashed__in=sorted({_squash(e["name"]) for e in entries}))
    return (
        ContractSubcontractor.objects.annotate(
            squashed=Replace(Lower("name"), Value(" "), Value(""))
        )
        .filter(match)
        .filter(contract__in=Contract.objects.in_force_on(as_of))
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


def subcontractors_of(
    contracts, group_ids, as_of: date, versions, everyone=None
) -> list[SubcontractorImpact]:
    """The group's subcontractors: on `contracts` (the affected ones) and named in `versions`
    (the group's latest submitted wills, by organisation id), each with the suppliers outside
    the group relying on it; `everyone`, when given, is every supplier's latest submitted
    version (else it is read). At most three queries, whatever the number of contracts."""
    from .scenarios_wills import latest_versions

    found = _Found()
    _from_contracts(found, contracts)
    _from_wills(found, versions)
    if not found.entries:
        return []
    # supplier id -> [name, contracts, named in its will], per subcontractor key
    others: dict[str, dict[int, list]] = defaultdict(dict)
    for row in _elsewhere(found, group_ids, as_of):
        key = found.key_of(row.organisation_id, row.companies_house_number, row.name)
        if key is None:
            continue
        supplier = row.contract.supplier
        work = others[key].setdefault(supplier.pk, [supplier.name, [], False])
        if row.contract.pk not in [c.pk for c in work[1]]:
            work[1].append(row.contract)
    if everyone is None:
        outside = latest_versions(exclude=group_ids)
    else:
        outside = {k: v for k, v in everyone.items() if k not in group_ids}
    for supplier_id, version in sorted(outside.items()):
        for name, _services in _named_subcontractors(version.content):
            key = found.by_name.get(norm(name))
            if key is None:
                continue
            work = others[key].setdefault(supplier_id, [version.will.supplier.name, [], False])
            work[2] = True
    out = []
    for key, entry in found.entries.items():
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
                        named_in_will=named,
                    )
                    for supplier_id, (supplier_name, cs, named) in sorted(
                        others[key].items(), key=lambda i: (norm(i[1][0]), i[0])
                    )
                ),
                services=tuple(entry["services"]),
                named_by=tuple(entry["named_by"]),
            )
        )
    out.sort(key=lambda s: (not s.shared, norm(s.name), s.key))
    return out
