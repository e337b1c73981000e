"""What the failure scenario API reads and answers. The report's fields are those of
`resilience.scenarios.ScenarioReport` (documented there field by field); the limits are the
selectors' (`selectors_scenarios.scenario_problems`)."""

from datetime import date
from typing import Annotated

from ninja import Field, Schema

from levelfield.core.api_helpers import (
    MAX_POSITION,
    DecimalString,
    InputSchema,
    QueryDate,
    UtcDateTime,
)

from . import selectors_scenarios
from .scenarios import ScenarioReport
from .selectors_scenarios import MAX_NAME, MAX_SUPPLIERS

SupplierId = Annotated[int, Field(ge=1, le=MAX_POSITION)]


class ScenarioPreviewIn(InputSchema):
    supplier_ids: list[SupplierId] = Field(
        max_length=MAX_SUPPLIERS,
        description=f"The levelfield organisation ids of the suppliers that fail: 1 to "
        f"{MAX_SUPPLIERS} registered suppliers (422 `invalid_scenario` naming each id that is "
        "not one)",
    )
    as_of: QueryDate = Field(
        description="The day they fail, YYYY-MM-DD, from 2000-01-01 to 2099-12-31: contracts "
        "in force that day are affected",
        examples=["2027-04-01"],
    )


class ScenarioIn(ScenarioPreviewIn):
    name: str = Field(
        max_length=MAX_NAME,
        description="A name for the scenario (not empty or only spaces: 422 `invalid_scenario`)",
        examples=["Albion Facilities Group fails"],
    )


class PartyOut(Schema):
    organisation_id: int
    name: str


class FailedEntityOut(Schema):
    organisation_id: int | None = Field(description="null: not registered on levelfield")
    name: str
    companies_house_number: str = Field(description='"" when none is known')
    reason: str = Field(description="Why it is in the failed group, in words")
    chosen: bool = Field(description="One of the suppliers chosen")
    listed_by: int | None = Field(
        description="The chosen supplier whose living will lists it as a group entity"
    )


class AffectedContractOut(Schema):
    id: int
    reference: str
    title: str
    buyer_id: int
    buyer_name: str
    supplier_id: int
    supplier_name: str
    value: DecimalString = Field(description="The whole term's value, pounds")
    annual_value: DecimalString = Field(
        description="value x 365 / term days for a term of a year or more, else the value"
    )
    start_date: date
    end_date: date
    critical: bool
    cpv_codes: list[str] = Field(description="Empty for a contract let elsewhere")
    region: str = Field(description='NUTS 1 code, like "UKK"; "" when none is recorded')
    region_name: str
    services: list[str] = Field(description="Living-will services relying on it")


class AuthorityImpactOut(Schema):
    buyer_id: int
    name: str
    contract_count: int
    annual_value: DecimalString
    critical_contracts: int
    contract_ids: list[int]
    services: list[str]


class ContinuityPlanOut(Schema):
    steps: list[str]
    days_to_transfer: int | None
    data: str
    assets: str
    staff: str = Field(description="Staff involved (TUPE)")
    tell: list[str] = Field(description="Who must be told")


class ServiceImpactOut(Schema):
    supplier_id: int
    supplier_name: str
    name: str
    authorities: list[str]
    people_served: int | None
    plan: ContinuityPlanOut | None = Field(description="null: no continuity plan")
    plan_words: str = Field(description='Like "30 days to transfer" or "No continuity plan"')
    dependencies: list[str]
    contract_ids: list[int]
    will_version: int


class WillReadOut(Schema):
    supplier_id: int
    supplier_name: str
    version: int
    review_date: date
    stale: bool = Field(description="Its review date was before the scenario's date")


class SubcontractorWorkOut(Schema):
    supplier_id: int
    supplier_name: str
    contract_ids: list[int] = Field(description="Empty when only its living will names it")
    contract_references: list[str]
    named_in_will: bool = Field(
        description="Its latest submitted living will names it as a subcontractor"
    )


class ScenarioSubcontractorOut(Schema):
    key: str
    name: str
    companies_house_number: str
    organisation_id: int | None
    in_group: bool
    shared: bool = Field(description="Suppliers outside the group rely on it too")
    contract_ids: list[int] = Field(description="The affected contracts it works on")
    other_suppliers: list[SubcontractorWorkOut]
    services: list[str] = Field(
        description="The group's services depending on it, as its wills say"
    )
    named_by: list[int] = Field(description="Group members whose living wills name it")


class ScorePartOut(Schema):
    points: int
    words: str


class CandidateOut(Schema):
    organisation_id: int
    name: str
    size: str
    is_sme: bool
    is_vcse: bool
    score: int
    rank: int
    capacity: DecimalString | None = Field(
        description="Annual turnover / the contract's annual value; null when unknown"
    )
    reasons: list[ScorePartOut] = Field(description="The parts of the score, in words")


class ContractCandidatesOut(Schema):
    contract_id: int
    candidates: list[CandidateOut] = Field(description="Best first, at most five")
    note: str = Field(description='Why there are none, or ""')


class MapNodeOut(Schema):
    key: str
    kind: str
    label: str


class MapEdgeOut(Schema):
    source: str
    target: str
    kind: str


class ScenarioReportOut(Schema):
    as_of: date
    chosen: list[PartyOut]
    group: list[FailedEntityOut]
    contracts: list[AffectedContractOut]
    authorities: list[AuthorityImpactOut]
    annual_value: DecimalString
    services: list[ServiceImpactOut]
    people_served: int
    services_without_people: list[str]
    services_without_contract: list[str] = Field(
        description="Services of the group's living wills relying on no contract in force on "
        "the date: their people are not counted in people_served"
    )
    wills: list[WillReadOut]
    without_will: list[PartyOut] = Field(
        description="Chosen suppliers with no submitted living will"
    )
    subcontractors: list[ScenarioSubcontractorOut]
    candidates: list[ContractCandidatesOut] = Field(description="One per affected contract")
    map_nodes: list[MapNodeOut]
    map_edges: list[MapEdgeOut]

    @staticmethod
    def resolve_map_nodes(obj):
        return obj.dependency_nodes()

    @staticmethod
    def resolve_map_edges(obj):
        return obj.dependency_edges()


class ScenarioOut(Schema):
    id: int
    name: str
    as_of: date
    suppliers: list[PartyOut]
    created_by_name: str
    created_at: UtcDateTime

    @staticmethod
    def resolve_suppliers(obj):
        return [{"organisation_id": s.pk, "name": s.name} for s in obj.suppliers.all()]

    @staticmethod
    def resolve_created_by_name(obj) -> str:
        return obj.created_by.full_name


class ScenarioDetailOut(ScenarioOut):
    report: ScenarioReportOut

    @staticmethod
    def resolve_report(obj) -> ScenarioReport:
        """The report, worked out from the data as it is now."""
        return selectors_scenarios.report(obj)
