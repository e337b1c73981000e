"""Failure scenarios: what the living wills say. The group of the chosen suppliers (the
entities of the latest submitted wills of the group, and the suppliers whose wills list a group
member), and the services, people and plans of every group
member's latest submitted will; a draft is never read. The rules are in `scenarios`' docstring."""

from __future__ import annotations

from django.db.models import OuterRef, Q, Subquery

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


def _numbers(version) -> list[str]:
    """The Companies House numbers of a will's entities, upper case, in order, none blank."""
    out = []
    for e in (version.content or {}).get("entities") or []:
        number = (e.get("company_number") or "").upper()
        if number and number not in out:
            out.append(number)
    return out


def failed_group(chosen: list[Organisation], everyone) -> tuple[list[FailedEntity], dict]:
    """The failed group, and for each group organisation the group members whose living wills
    list it as an entity. `everyone`: the latest submitted version of every supplier's will, by
    organisation id.

    A will is read when its supplier is in the group or its entities include the Companies
    House number of a group member (so a chosen subsidiary with no will brings in the parent
    whose will names it, and through that will its sister companies); its supplier and every
    entity join the group; this repeats until no will adds anyone. Each round reads at least
    one more will, so it ends after at most as many rounds as there are wills. Two queries."""
    numbers_of = {org_id: _numbers(version) for org_id, version in everyone.items()}
    listed = {n for numbers in numbers_of.values() for n in numbers}
    profiles = list(
        SupplierProfile.objects.filter(
            Q(organisation__in=[o.pk for o in chosen])
            | Q(organisation__in=list(everyone))
            | Q(companies_house_number__in=listed)
        )
        .select_related("organisation")
        .only("organisation_id", "companies_house_number", "organisation__name")
        .order_by("organisation_id")
    )
    number_of = {p.organisation_id: (p.companies_house_number or "").upper() for p in profiles}
    by_number: dict[str, SupplierProfile] = {}
    for p in profiles:
        if p.companies_house_number:
            by_number.setdefault(p.companies_house_number.upper(), p)
    names = {p.organisation_id: p.organisation.name for p in profiles}
    names.update({o.pk: o.name for o in chosen})
    for org_id, version in everyone.items():
        names.setdefault(org_id, version.will.supplier.name)

    entities = [
        FailedEntity(
            organisation_id=org.pk,
            name=org.name,
            companies_house_number=number_of.get(org.pk, ""),
            reason=CHOSEN,
            chosen=True,
        )
        for org in chosen
    ]
    seen_ids = {org.pk for org in chosen}
    seen_numbers = {number_of.get(org.pk) for org in chosen} - {None, ""}
    member_by_number = {number_of[o.pk]: o.pk for o in chosen if number_of.get(o.pk)}
    covered_by: dict[int, set[int]] = {}
    read: set[int] = set()
    for _round in range(len(everyone) + 1):
        found = [
            org_id
            for org_id in sorted(everyone, key=lambda i: (names.get(i, ""), i))
            if org_id not in read
            and (org_id in seen_ids or any(n in seen_numbers for n in numbers_of[org_id]))
        ]
        if not found:
            break
        for org_id in found:
            read.add(org_id)
            name = names.get(org_id, "")
            if org_id not in seen_ids:
                # Its will names a group member: it joins the group, drawn to that member.
                member = next(member_by_number[n] for n in numbers_of[org_id] if n in seen_numbers)
                seen_ids.add(org_id)
                own = number_of.get(org_id, "")
                if own:
                    seen_numbers.add(own)
                    member_by_number.setdefault(own, org_id)
                entities.append(
                    FailedEntity(
                        organisation_id=org_id,
                        name=name,
                        companies_house_number=own,
                        reason=f"Its living will lists {names.get(member, '')} as a group entity",
                        chosen=False,
                        listed_by=member,
                    )
                )
            for e in everyone[org_id].content.get("entities") or []:
                number = (e.get("company_number") or "").upper()
                profile = by_number.get(number) if number else None
                if profile is not None:
                    covered_by.setdefault(profile.organisation_id, set()).add(org_id)
                if number and number in seen_numbers:
                    continue
                if profile is not None and profile.organisation_id in seen_ids:
                    continue
                if number:
                    seen_numbers.add(number)
                reason = f"A group entity in the living will of {name}"
                if profile is None:
                    reason += (
                        ", not registered on levelfield"
                        if number
                        else ", given without a Companies House number"
                    )
                else:
                    seen_ids.add(profile.organisation_id)
                    member_by_number.setdefault(number, profile.organisation_id)
                entities.append(
                    FailedEntity(
                        organisation_id=None if profile is None else profile.organisation_id,
                        name=(e.get("name") or "")
                        if profile is None
                        else profile.organisation.name,
                        companies_house_number=number,
                        reason=reason,
                        chosen=False,
                        listed_by=org_id,
                    )
                )
    return entities, covered_by


def services_of(group_orgs, versions, covered_by, contracts) -> list[ServiceImpact]:
    """Each service of each group member's latest submitted will, with the affected contracts
    it relies on: those it names (its "contracts"), else the contracts of the suppliers the will
    covers whose authority it names."""
    names = {org_id: name for org_id, name in group_orgs}
    # The wills covering each supplier: its own, and the chosen one listing it as an entity.
    out = []
    for org_id, version in versions.items():
        content = version.content or {}
        plans = {p.get("service"): p for p in content.get("plans") or []}
        for s in content.get("services") or []:
            name = s.get("name") or ""
            relied = {norm(a) for a in s.get("authorities") or []}
            runs_under = set(s.get("contracts") or ())
            contract_ids = tuple(
                c.pk
                for c in contracts
                if (c.pk in runs_under if runs_under else norm(c.buyer.name) in relied)
                and (c.supplier_id == org_id or org_id in covered_by.get(c.supplier_id, ()))
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
