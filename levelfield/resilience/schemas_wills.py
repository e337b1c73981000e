"""What the living will API reads and answers. The content's shape and limits are
`content.py`'s: the schemas only describe it, and `content.validate` decides (its refusals are
422 `invalid_content` with one line per problem)."""

from datetime import date
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AwareDatetime, BeforeValidator

from levelfield.core import clock
from levelfield.core.api_helpers import ISO_DATE, MAX_POSITION, InputSchema, UtcDateTime

from .content import MAX_ITEMS, MAX_TEXT


def _date_text(value):
    """A date in a JSON body is its text, YYYY-MM-DD (pydantic alone reads a number as seconds
    since 1970)."""
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value.strip()):
        raise ValueError("Enter a date like 2026-03-27")
    return value


BodyDate = Annotated[date, BeforeValidator(_date_text)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
Id = Annotated[int, Field(ge=1, le=MAX_POSITION)]


def _text(description: str):
    return Field("", max_length=MAX_TEXT, description=description)


def _texts(description: str):
    return Field(default_factory=list, max_length=MAX_ITEMS, description=description)


def _items(description: str):
    return Field(default_factory=list, max_length=MAX_ITEMS, description=description)


# --- Content in ---------------------------------------------------------------------------------


class LivingWillEntityIn(InputSchema):
    name: str = _text("The company's name (required)")
    company_number: str = _text(
        "Its Companies House number, 8 characters like 01234567 or SC123456; empty if none"
    )
    parent: str = _text(
        "The Companies House number of the entity in the group that owns it; empty at the top"
    )


class LivingWillOtherContractIn(InputSchema):
    title: str = _text("Required")
    authority: str = _text("The public body it is with (required)")
    annual_value: int | None = Field(
        None, le=MAX_POSITION, description="Whole pounds, 0 or more; null if not known"
    )


class LivingWillServiceIn(InputSchema):
    name: str = _text("Required, different for each service")
    authorities: list[Text] = _texts("The authorities relying on it")
    people_served: int | None = Field(
        None, le=MAX_POSITION, description="About how many people it serves, 0 or more"
    )
    contracts: list[Id] = _items(
        "Optional: ids of the contracts it runs under, each one of the will's `contracts`; "
        "failure scenarios then take it as relying on those alone (with none, on the "
        "contracts with the authorities it names)"
    )


class LivingWillDependencyIn(InputSchema):
    name: str = _text("The subcontractor or group company relied on (required)")
    kind: Literal["subcontractor", "intra_group"] | None = Field(
        None, description="A key subcontractor or an intra-group dependency (required)"
    )
    services: list[Text] = _texts("Names of the services (of `services`) that depend on it")


class LivingWillPlanIn(InputSchema):
    service: str = _text("The name of the service (of `services`) it is for; one plan each")
    steps: list[Text] = _texts("Steps to transfer the service or take it in-house, in order")
    days_to_transfer: int | None = Field(
        None, le=MAX_POSITION, description="Days needed to transfer it, 0 or more"
    )
    data: str = _text("The data involved")
    assets: str = _text("The assets involved")
    staff: str = _text("The staff involved (TUPE)")
    tell: list[Text] = _texts("Who must be told")


class LivingWillContentIn(InputSchema):
    """Every section; one left out is empty. Sections may be partly filled: the completeness
    score says what is missing."""

    entities: list[LivingWillEntityIn] = _items("The group structure")
    contracts: list[Id] = _items("Ids of your own contracts on the platform")
    other_contracts: list[LivingWillOtherContractIn] = _items(
        "Public contracts not on the platform"
    )
    services: list[LivingWillServiceIn] = _items("The critical services and who relies on them")
    dependencies: list[LivingWillDependencyIn] = _items(
        "Key subcontractors and intra-group dependencies"
    )
    plans: list[LivingWillPlanIn] = _items("A continuity plan for each service")


class LivingWillIn(InputSchema):
    content: LivingWillContentIn
    owner_id: Id | None = Field(
        None, description="The person who keeps it up to date: one of your organisation's people"
    )
    review_date: BodyDate | None = Field(
        None, description="When it will next be reviewed (YYYY-MM-DD); needed to submit"
    )
    updated_at: AwareDatetime | None = Field(
        None,
        description="The draft's `updated_at` as you last read it (GET /living-will). When "
        "given and someone has saved the draft since, nothing is saved: 409 `changed_since`. "
        "Send it so two people editing at once never overwrite each other unknowingly",
    )


# --- Content out --------------------------------------------------------------------------------


class LivingWillEntityOut(Schema):
    name: str
    company_number: str
    parent: str


class LivingWillOtherContractOut(Schema):
    title: str
    authority: str
    annual_value: int | None


class LivingWillServiceOut(Schema):
    name: str
    authorities: list[str]
    people_served: int | None
    contracts: list[int] = Field([], description="Ids of the linked contracts it runs under")


class LivingWillDependencyOut(Schema):
    name: str
    kind: Literal["subcontractor", "intra_group"]
    services: list[str]


class LivingWillPlanOut(Schema):
    service: str
    steps: list[str]
    days_to_transfer: int | None
    data: str
    assets: str
    staff: str
    tell: list[str]


class LivingWillContentOut(Schema):
    entities: list[LivingWillEntityOut] = []
    contracts: list[int] = Field([], description="Ids of linked contracts on the platform")
    other_contracts: list[LivingWillOtherContractOut] = []
    services: list[LivingWillServiceOut] = []
    dependencies: list[LivingWillDependencyOut] = []
    plans: list[LivingWillPlanOut] = []


class LivingWillPersonOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.full_name


class LivingWillSupplierOut(Schema):
    id: int
    name: str


class LivingWillVersionSummaryOut(Schema):
    number: int
    submitted_at: UtcDateTime
    submitted_by: LivingWillPersonOut
    score: int = Field(description="Completeness when submitted, 0 to 100")
    review_date: date


class LivingWillVersionOut(LivingWillVersionSummaryOut):
    owner: LivingWillPersonOut | None
    missing: list[str] = Field(description="What the version lacks, in words")
    content: LivingWillContentOut


class LivingWillOut(Schema):
    """Your living will: the draft you edit and what you submitted."""

    id: int
    supplier: LivingWillSupplierOut
    draft: LivingWillContentOut
    owner: LivingWillPersonOut | None
    review_date: date | None
    score: int = Field(description="The draft's completeness, 0 to 100")
    missing: list[str] = Field(description="What the draft lacks, in words")
    updated_at: UtcDateTime
    versions: list[LivingWillVersionSummaryOut] = Field(description="Newest first")


class LivingWillReadOut(Schema):
    """A living will as its readers see it: the supplier and its latest submitted version (null
    only for your own supplier's will before its first submission)."""

    id: int
    supplier: LivingWillSupplierOut
    latest_version: int | None = Field(description="Its number")
    submitted_at: UtcDateTime | None
    score: int | None
    review_date: date | None
    current: bool = Field(description="Submitted and its review date not yet passed")

    @staticmethod
    def resolve_latest_version(obj):
        return obj.latest_number

    @staticmethod
    def resolve_submitted_at(obj):
        return obj.latest_submitted_at

    @staticmethod
    def resolve_score(obj):
        return obj.latest_score

    @staticmethod
    def resolve_review_date(obj):
        return obj.latest_review_date

    @staticmethod
    def resolve_current(obj) -> bool:
        return obj.latest_review_date is not None and obj.latest_review_date >= clock.today_uk()


class LivingWillReadDetailOut(LivingWillVersionOut):
    id: int = Field(description="The living will's id")
    supplier: LivingWillSupplierOut
    current: bool = Field(description="Its review date not yet passed")
