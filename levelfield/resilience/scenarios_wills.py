"""Failure scenarios: what the living wills say. The group of the chosen suppliers (the
entities of their latest submitted wills), and the services, people and plans of every group
member's latest submitted will; a draft is never read. The rules are in `scenarios`' docstring."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from levelfield.accounts.models import Organisation
from levelfield.suppliers.models import SupplierProfile

from .models import LivingWillVersion
from .scenarios import CHOSEN, ContinuityPlan, FailedEntity, ServiceImpact, norm


def latest_versions(organisation_ids=None, *, exclude=()) -> dict[int, LivingWillVersion]:
    """The latest submitted version of each organisation's living will (drafts never), of
    `organisation_ids` or (None) of every supplier but those in `exclude`: one query, reading
    only the latest version's content."""
    latest = (
        LivingWillVersion.objects.filter(will=OuterRef("will"))
        .order_by("-number")
        .values("number")[:1]
    )
    versions = LivingWillVersion.objects.all()
    if organisation_ids is not None:
        versions = versions.filter(will__supplier__in=organisation_ids)
    versions = (
        versions.exclude(will__supplier__in=exclude)
        .filter(number=Subquery(latest))
        .select_related("will__supplier")
        .only("number", "content", "review_date", "will__supplier__id", "will__supplier__name")
    )
    return {version.will.supplier_id: version for version in versions}


def failed_group(chosen: list[Organisation], chosen_wills) -> tuple[list[FailedEntity], dict]:
    """The failed group, and for each group organisation the chosen supplier whose will
    brought it in."""
    profiles = {
        p.organisation_id: p.companies_house_number
        for p in SupplierProfile.objects.filter(organisation__in=chosen).only(
            "organisation_id", "companies_house_number"
        )
    }
    entities = [
        FailedEntity(
            organisation_id=org.pk,
            name=org.name,
            companies_house_number=profiles.get(org.pk, ""),
            reason=CHOSEN,
            chosen=True,
        )
        for org in chosen
    ]
    seen_ids = {org.pk for org in chosen}
    numbers = {
        (e.get("company_number") or "").upper()
        for version in chosen_wills.values()
        for e in version.content.get("entities") or []
    } - {""}
    on_platform = {
        p.companies_house_number: p
        for p in SupplierProfile.objects.filter(companies_house_number__in=numbers)
        .select_related("organisation")
        .order_by("organisation_id")
    }
    covered_by: dict[int, int] = {}
    seen_numbers = {n for n in profiles.values() if n}
    for org in chosen:
        version = chosen_wills.get(org.pk)
        if version is None:
            continue
        for e in version.content.get("entities") or []:
            number = (e.get("company_number") or "").upper()
            if number and number in seen_numbers:
                continue
            profile = on_platform.get(number) if number else None
            if profile is not None and profile.organisation_id in seen_ids:
                continue
            if number:
                seen_numbers.add(number)
            reason = f"A group entity in the living will of {org.name}"
            if profile is None:
                reason += (
                    ", not registered on levelfield"
                    if number
                    else ", given without a Companies House number"
                )
                entities.append(
                    FailedEntity(
                        organisation_id=None,
                        name=e.get("name") or "",
                        companies_house_number=number,
                        reason=reason,
                        chosen=False,
                        listed_by=org.pk,
                    )
                )
                continue
            seen_ids.add(profile.organisation_id)
            covered_by[profile.organisation_id] = org.pk
            entities.append(
                FailedEntity(
                    organisation_id=profile.organisation_id,
                    name=profile.organisation.name,
                    companies_house_number=number,
                    reason=reason,
                    chosen=False,
                    listed_by=org.pk,
                )
            )
    return entities, covered_by


def services_of(group_orgs, versions, covered_by, contracts) -> list[ServiceImpact]:
    """Each service of each group member's latest submitted will, with the affected contracts
    it relies on."""
    names = {org_id: name for org_id, name in group_orgs}
    # The wills covering each supplier: its own, and the chosen one listing it as an entity.
    out = []
    for org_id, version in versions.items():
        content = version.content or {}
        plans = {p.get("service"): p for p in content.get("plans") or []}
        for s in content.get("services") or []:
            name = s.get("name") or ""
            relied = {norm(a) for a in s.get("authorities") or []}
            contract_ids = tuple(
                c.pk
                for c in contracts
                if norm(c.buyer.name) in relied
                and (c.supplier_id == org_id or covered_by.get(c.supplier_id) == org_id)
            )
            plan = plans.get(name)
            out.append(
                ServiceImpact(
                    supplier_id=org_id,
                    supplier_name=names.get(org_id, ""),
                    name=name,
                    authorities=tuple(s.get("authorities") or ()),
                    people_served=s.get("people_served"),
                    plan=None
                    if plan is None
                    else ContinuityPlan(
                        steps=tuple(plan.get("steps") or ()),
                        days_to_transfer=plan.get("days_to_transfer"),
                        data=plan.get("data") or "",
                        assets=plan.get("assets") or "",
                        staff=plan.get("staff") or "",
                        tell=tuple(plan.get("tell") or ()),
                    ),
                    dependencies=tuple(
                        d.get("name") or ""
                        for d in content.get("dependencies") or []
                        if name in (d.get("services") or [])
                    ),
                    contract_ids=contract_ids,
                    will_version=version.number,
                )
            )
    return out
