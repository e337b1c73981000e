"""Failure scenarios: "what if these suppliers fail on this date". `build_report` works out the
report, a tree of frozen dataclasses the pages (HTML, SVG map, CSV, PDF) and the API read; it
writes nothing, so a preview and a saved scenario give the same report.

The rules, each applied here once:

- The group: the chosen suppliers; then, repeated until nobody new joins, every latest
  submitted living will whose supplier is in the group or whose entities include a group
  member's Companies House number brings in its supplier and every organisation registered on
  levelfield whose number is one of its entities (so a chosen subsidiary with no will brings in
  its parent and sister companies from the parent's will). An entity not on the platform (or
  given without a number) is still listed, with no organisation. The group is never a
  candidate.
- Contracts affected: the contracts of any group member in force on `as_of`
  (`Contract.objects.in_force_on`: signed, the term includes as_of, not ended early before it;
  concentration risk counts the same way).
- Annual value: value x 365 / term days (start and end day both counted) when the term is a
  year (365 days) or more; the whole value when it is shorter; rounded to the penny.
- Services, people served and continuity plans: from the latest submitted version of each
  group member's living will (a draft is never read). People served counts only the services
  relying on a contract in force on `as_of`; the others are listed apart, not counted.
  A service relies on the affected contracts it names (its "contracts", among the will's
  linked contracts); a service naming none relies on a contract when it names the contract's
  authority (by name, ignoring case) among its authorities and the will covers the contract's
  supplier (its own will, or a will listing it as an entity).
- Subcontractors: those recorded on the affected contracts (one subcontractor across contracts
  is matched by its levelfield organisation, else its Companies House number, else its name),
  and those the group's living wills name as subcontractor dependencies (matched by name);
  shared when it also works on a contract in force on `as_of` of a supplier outside the group,
  or that supplier's latest submitted living will names it (by name, ignoring case).
- Candidate replacements: `scenarios_candidates.candidates_for` (its docstring has the scoring).
  The failed suppliers and their group are never candidates.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from levelfield.contracts.models import Contract
from levelfield.suppliers.models import Region

PENNY = Decimal("0.01")
YEAR_DAYS = 365

# Why an entity is in the failed group.
CHOSEN = "Chosen"


# --- The report --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    """An organisation on levelfield, by id and name."""

    organisation_id: int
    name: str


@dataclass(frozen=True)
class FailedEntity:
    """One member of the failed group."""

    organisation_id: int | None  # its levelfield organisation; None when not registered here
    name: str  # the organisation's name on levelfield, else the name in the living will
    companies_house_number: str  # "" when none is known
    reason: str  # why it is in the group, in words: "Chosen", or "A group entity in the
    #              living will of Big Group plc"
    chosen: bool  # one of the suppliers picked (not brought in by a living will)
    listed_by: int | None = None  # the chosen supplier whose living will lists it

    @property
    def on_platform(self) -> bool:
        return self.organisation_id is not None


@dataclass(frozen=True)
class AffectedContract:
    """A contract of a group member in force on the scenario's date."""

    id: int
    reference: str
    title: str
    buyer_id: int
    buyer_name: str
    supplier_id: int
    supplier_name: str
    value: Decimal  # the contract's value now (after any changes), whole term
    annual_value: Decimal  # see the module docstring
    start_date: date
    end_date: date
    critical: bool  # the buyer marked it critical
    cpv_codes: tuple[str, ...]  # its tender's CPV codes; () for a contract let elsewhere
    region: str  # its tender's region code (like "UKK"), "" when none is recorded
    region_name: str  # the region in words, "" when none
    services: tuple[str, ...]  # names of the living-will services relying on it

    @property
    def has_cpv(self) -> bool:
        return bool(self.cpv_codes)


@dataclass(frozen=True)
class AuthorityImpact:
    """One authority (buyer) losing contracts."""

    buyer_id: int
    name: str
    contract_count: int
    annual_value: Decimal  # the sum of its affected contracts' annual values
    critical_contracts: int  # how many of them are critical
    contract_ids: tuple[int, ...]
    services: tuple[str, ...]  # services in the group's wills naming this authority


@dataclass(frozen=True)
class ContinuityPlan:
    """A service's continuity plan as the supplier submitted it."""

    steps: tuple[str, ...]
    days_to_transfer: int | None  # None: not given
    data: str
    assets: str
    staff: str  # staff involved, TUPE
    tell: tuple[str, ...]  # who must be told


@dataclass(frozen=True)
class ServiceImpact:
    """A critical service named in a group member's living will."""

    supplier_id: int  # whose living will names it
    supplier_name: str
    name: str
    authorities: tuple[str, ...]  # who relies on it, as the will names them
    people_served: int | None  # None: not given
    plan: ContinuityPlan | None  # None: the will has no continuity plan for it
    dependencies: tuple[str, ...]  # subcontractors and group entities it depends on
    contract_ids: tuple[int, ...]  # affected contracts it relies on (see the docstring)
    will_version: int  # the number of the submitted version read

    @property
    def plan_words(self) -> str:
        if self.plan is None:
            return "No continuity plan"
        if self.plan.days_to_transfer is None:
            return "Continuity plan without a time to transfer"
        days = self.plan.days_to_transfer
        return f"{days} day{'s' if days != 1 else ''} to transfer"


@dataclass(frozen=True)
class WillRead:
    """A submitted living will the report read."""

    supplier_id: int
    supplier_name: str
    version: int
    review_date: date
    stale: bool  # its review date was before the scenario's date


@dataclass(frozen=True)
class SubcontractorWork:
    """Contracts a subcontractor works on for one supplier outside the group."""

    supplier_id: int
    supplier_name: str
    contract_ids: tuple[int, ...]  # may be empty when only its living will names it
    contract_references: tuple[str, ...]
    named_in_will: bool = False  # its latest submitted living will names it as a subcontractor


@dataclass(frozen=True)
class SubcontractorImpact:
    """A subcontractor of the group: on its affected contracts, or named as a subcontractor in
    one of its living wills; shared when suppliers outside the group rely on it too."""

    key: str  # "org-<id>", "ch-<number>" or "name-<name>": how it was matched
    name: str
    companies_house_number: str
    organisation_id: int | None
    in_group: bool  # itself a member of the failed group
    contract_ids: tuple[int, ...]  # affected contracts it works on
    other_suppliers: tuple[SubcontractorWork, ...]  # outside the group, relying on it
    services: tuple[str, ...] = ()  # the group's services depending on it, as its wills say
    named_by: tuple[int, ...] = ()  # group members whose living wills name it

    @property
    def shared(self) -> bool:
        return bool(self.other_suppliers)


@dataclass(frozen=True)
class ScorePart:
    """One part of a candidate's score, with the reason in words."""

    points: int
    words: str

    def __str__(self) -> str:
        sign = "+" if self.points >= 0 else "−"
        return f"{self.words} ({sign}{abs(self.points)})"


@dataclass(frozen=True)
class Candidate:
    """A registered supplier outside the group that could take a contract on."""

    organisation_id: int
    name: str
    size: str  # in words: Micro, Small, Medium, Large
    is_sme: bool
    is_vcse: bool
    score: int  # the sum of the parts' points
    rank: int  # 1 is the best
    capacity: Decimal | None  # annual turnover / the contract's annual value; None: unknown
    reasons: tuple[ScorePart, ...]


@dataclass(frozen=True)
class ContractCandidates:
    """The candidates for one affected contract, best first (at most five)."""

    contract_id: int
    candidates: tuple[Candidate, ...]
    note: str  # why there are none, or what the search could not use; "" otherwise


@dataclass(frozen=True)
class MapNode:
    key: str  # "supplier:<id>", "contract:<id>", "authority:<id>", "subcontractor:<key>",
    #           "other-supplier:<id>", "entity:<n>"
    kind: str  # supplier, entity, contract, authority, subcontractor, other_supplier
    label: str


@dataclass(frozen=True)
class MapEdge:
    source: str  # a MapNode key
    target: str
    kind: str  # holds, works_on, serves, group (see ScenarioReport.dependency_edges)


@dataclass(frozen=True)
class ScenarioReport:
    as_of: date
    chosen: tuple[Party, ...]  # the suppliers picked
    group: tuple[FailedEntity, ...]  # the chosen first, then the group entities
    contracts: tuple[AffectedContract, ...]  # by buyer name, then reference
    authorities: tuple[AuthorityImpact, ...]  # the largest annual value first
    annual_value: Decimal  # the sum over the affected contracts
    services: tuple[ServiceImpact, ...]
    people_served: int  # the sum of the people served by the services relying on a contract
    #                     in force on the date (unknown ones count 0)
    services_without_people: tuple[str, ...]  # those services not saying how many they serve
    wills: tuple[WillRead, ...]  # the submitted living wills read
    without_will: tuple[Party, ...]  # chosen suppliers with no submitted living will
    subcontractors: tuple[SubcontractorImpact, ...]  # on the affected contracts
    candidates: tuple[ContractCandidates, ...] = field(default=())  # one per affected contract
    # Services of the group's wills relying on no contract in force on the date: listed, their
    # people not counted.
    services_without_contract: tuple[str, ...] = ()

    @property
    def shared_subcontractors(self) -> tuple[SubcontractorImpact, ...]:
        return tuple(s for s in self.subcontractors if s.shared)

    @property
    def critical_contracts(self) -> tuple[AffectedContract, ...]:
        return tuple(c for c in self.contracts if c.critical)

    @property
    def group_ids(self) -> frozenset[int]:
        return frozenset(e.organisation_id for e in self.group if e.organisation_id is not None)

    def candidates_for(self, contract_id: int) -> ContractCandidates | None:
        return next((c for c in self.candidates if c.contract_id == contract_id), None)

    def dependency_nodes(self) -> tuple[MapNode, ...]:
        return _map(self)[0]

    def dependency_edges(self) -> tuple[MapEdge, ...]:
        """Supplier -> contract (holds), subcontractor -> contract (works_on), subcontractor ->
        other supplier (works_on), subcontractor named only in a group member's living will ->
        that member (works_on), contract -> authority (serves), group entity -> chosen
        supplier (group)."""
        return _map(self)[1]

    def as_dict(self) -> dict:
        """The report as plain data (Decimals and dates kept), for JSON."""
        return asdict(self)


# --- Working it out -----------------------------------------------------------------------------


def annual_value(value: Decimal, start: date, end: date) -> Decimal:
    """value x 365 / term days (both ends counted) for a term of a year or more; the value
    itself for a shorter one; to the penny."""
    days = (end - start).days + 1
    if days >= YEAR_DAYS:
        amount = Decimal(value) * YEAR_DAYS / days
    else:
        amount = Decimal(value)
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def norm(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def _affected_contracts(group_ids, as_of: date) -> list[Contract]:
    return list(
        Contract.objects.in_force_on(as_of)
        .filter(supplier__in=group_ids)
        .select_related("buyer", "supplier", "lot__tender")
        .prefetch_related("lot__tender__cpv_codes")
        .order_by("buyer__name", "reference", "pk")
    )


def _cpv_and_region(contract: Contract) -> tuple[tuple[str, ...], str]:
    """A contract awarded here carries its tender's CPV codes and region; one let elsewhere
    records neither."""
    tender = contract.lot.tender if contract.lot is not None else None
    if tender is None:
        return (), ""
    codes = tuple(sorted({c.code.split("-")[0] for c in tender.cpv_codes.all()}))
    return codes, tender.region or ""


def _region_name(code: str) -> str:
    return Region(code).label if code in Region.values else ""


def build_report(suppliers, as_of: date, *, with_candidates: bool = True) -> ScenarioReport:
    """The failure scenario report for `suppliers` (Organisations) failing on `as_of`: see
    the module docstring for the rules. The number of queries does not grow with the number of
    contracts or suppliers."""
    from .scenarios_candidates import candidates_for
    from .scenarios_subcontractors import subcontractors_of
    from .scenarios_wills import failed_group, latest_versions, services_of

    chosen = sorted({org.pk: org for org in suppliers}.values(), key=lambda o: (o.name, o.pk))
    everyone = latest_versions()
    group, covered_by = failed_group(chosen, everyone)
    group_ids = [e.organisation_id for e in group if e.organisation_id is not None]
    versions = {org_id: everyone[org_id] for org_id in group_ids if org_id in everyone}
    group_orgs = [(e.organisation_id, e.name) for e in group if e.organisation_id is not None]
    contracts = _affected_contracts(group_ids, as_of)
    services = services_of(group_orgs, versions, covered_by, contracts)
    by_contract: dict[int, list[str]] = defaultdict(list)
    for s in services:
        for contract_id in s.contract_ids:
            by_contract[contract_id].append(s.name)
    affected = []
    for c in contracts:
        codes, region = _cpv_and_region(c)
        affected.append(
            AffectedContract(
                id=c.pk,
                reference=c.reference,
                title=c.title,
                buyer_id=c.buyer_id,
                buyer_name=c.buyer.name,
                supplier_id=c.supplier_id,
                supplier_name=c.supplier.name,
                value=c.value,
                annual_value=annual_value(c.value, c.start_date, c.end_date),
                start_date=c.start_date,
                end_date=c.end_date,
                critical=c.critical,
                cpv_codes=codes,
                region=region,
                region_name=_region_name(region),
                services=tuple(by_contract.get(c.pk, ())),
            )
        )
    authorities = _authorities(affected, services)
    names = dict(group_orgs)
    report = ScenarioReport(
        as_of=as_of,
        chosen=tuple(Party(o.pk, o.name) for o in chosen),
        group=tuple(group),
        contracts=tuple(affected),
        authorities=authorities,
        annual_value=sum((c.annual_value for c in affected), Decimal("0.00")),
        services=tuple(services),
        people_served=sum(s.people_served or 0 for s in services if s.contract_ids),
        services_without_people=tuple(
            s.name for s in services if s.contract_ids and s.people_served is None
        ),
        services_without_contract=tuple(s.name for s in services if not s.contract_ids),
        wills=tuple(
            WillRead(
                supplier_id=org_id,
                supplier_name=names.get(org_id, ""),
                version=v.number,
                review_date=v.review_date,
                stale=v.review_date < as_of,
            )
            for org_id, v in sorted(versions.items(), key=lambda i: names.get(i[0], ""))
        ),
        without_will=tuple(Party(o.pk, o.name) for o in chosen if o.pk not in everyone),
        subcontractors=tuple(
            subcontractors_of(contracts, set(group_ids), as_of, versions, everyone)
        ),
    )
    if not with_candidates:
        return report
    return ScenarioReport(
        **{**_shallow(report), "candidates": candidates_for(report, exclude=set(group_ids))}
    )


def _shallow(report: ScenarioReport) -> dict:
    return {name: getattr(report, name) for name in report.__dataclass_fields__}


def _authorities(affected, services) -> tuple[AuthorityImpact, ...]:
    grouped: dict[int, list[AffectedContract]] = defaultdict(list)
    for c in affected:
        grouped[c.buyer_id].append(c)
    out = []
    for buyer_id, cs in grouped.items():
        name = cs[0].buyer_name
        out.append(
            AuthorityImpact(
                buyer_id=buyer_id,
                name=name,
                contract_count=len(cs),
                annual_value=sum((c.annual_value for c in cs), Decimal("0.00")),
                critical_contracts=sum(1 for c in cs if c.critical),
                contract_ids=tuple(c.id for c in cs),
                services=tuple(
                    dict.fromkeys(
                        s.name for s in services if norm(name) in {norm(a) for a in s.authorities}
                    )
                ),
            )
        )
    out.sort(key=lambda a: (-a.annual_value, norm(a.name), a.buyer_id))
    return tuple(out)


def _map(report: ScenarioReport) -> tuple[tuple[MapNode, ...], tuple[MapEdge, ...]]:
    nodes: dict[str, MapNode] = {}
    edges: list[MapEdge] = []

    def node(key, kind, label):
        nodes.setdefault(key, MapNode(key, kind, label))
        return key

    for e in report.group:
        if e.chosen:
            node(f"supplier:{e.organisation_id}", "supplier", e.name)
    for n, e in enumerate(report.group):
        if e.chosen:
            continue
        key = f"supplier:{e.organisation_id}" if e.on_platform else f"entity:{n}"
        node(key, "supplier" if e.on_platform else "entity", e.name)
        edges.append(MapEdge(key, f"supplier:{e.listed_by}", "group"))
    for c in report.contracts:
        supplier = node(f"supplier:{c.supplier_id}", "supplier", c.supplier_name)
        contract = node(f"contract:{c.id}", "contract", f"{c.reference}: {c.title}")
        authority = node(f"authority:{c.buyer_id}", "authority", c.buyer_name)
        edges.append(MapEdge(supplier, contract, "holds"))
        edges.append(MapEdge(contract, authority, "serves"))
    for s in report.subcontractors:
        sub = node(f"subcontractor:{s.key}", "subcontractor", s.name)
        for contract_id in s.contract_ids:
            edges.append(MapEdge(sub, f"contract:{contract_id}", "works_on"))
        if not s.contract_ids:
            for supplier_id in s.named_by:
                edges.append(MapEdge(sub, f"supplier:{supplier_id}", "works_on"))
        for other in s.other_suppliers:
            target = node(
                f"other-supplier:{other.supplier_id}", "other_supplier", other.supplier_name
            )
            edges.append(MapEdge(sub, target, "works_on"))
    return tuple(nodes.values()), tuple(edges)
