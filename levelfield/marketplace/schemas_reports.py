"""The API shapes of the marketplace's reports (reports.py) and a buyer's savings (savings.py).
Money and shares are strings with two decimal places; a share is per cent (one place of
precision), null where there is nothing to divide."""

from ninja import Field, Schema

from levelfield.core.api_helpers import DecimalString

SHARE = "Per cent to one decimal place (halves up); null when there is nothing to divide"


class MarketplaceSpendOut(Schema):
    value: DecimalString = Field(description="The call-offs' value awarded, in pounds")
    count: int = Field(description="How many call-offs")
    sme_value: DecimalString
    sme_count: int
    sme_share_by_value: DecimalString | None = Field(description=SHARE)
    sme_share_by_count: DecimalString | None = Field(description=SHARE)
    vcse_value: DecimalString
    vcse_count: int
    vcse_share_by_value: DecimalString | None = Field(description=SHARE)
    vcse_share_by_count: DecimalString | None = Field(description=SHARE)


class MarketplaceLotSpendOut(MarketplaceSpendOut):
    framework_reference: str
    framework_name: str
    lot_number: int
    lot_title: str


class MarketplaceSizeOut(MarketplaceSpendOut):
    size: str = Field(description="micro, small, medium or large")
    label: str
    suppliers_listed: int = Field(description="Suppliers of this size with a live service")
    services_live: int


class MarketplaceShareOut(Schema):
    kind: str = Field(description="sme or vcse")
    label: str
    value: DecimalString
    count: int
    share_by_value: DecimalString | None = Field(description=SHARE)
    share_by_count: DecimalString | None = Field(description=SHARE)
    target: DecimalString | None = Field(description="The target share, per cent; null: none")
    meets_target: bool | None = Field(
        description="The share by value (unrounded) is at least the target; null without both"
    )


class MarketplaceReportOut(Schema):
    framework: str | None = Field(description="The framework reported on; null for all")
    total: MarketplaceSpendOut
    shares: list[MarketplaceShareOut]
    by_lot: list[MarketplaceLotSpendOut]
    by_size: list[MarketplaceSizeOut]
    suppliers_listed: int = Field(description="Suppliers with a live service")
    services_live: int

    @staticmethod
    def resolve_framework(report) -> str | None:
        return report.framework.reference if report.framework else None


class MarketplaceSavingOut(Schema):
    project_reference: str
    title: str = Field(description="The call-off contract's title")
    contract_reference: str | None
    supplier: str | None
    value: DecimalString
    previous_cost: DecimalString | None = Field(description="What you paid before; null: unknown")
    saving: DecimalString | None = Field(
        description="previous_cost - value; negative: it cost more"
    )
    unit: str = Field(description="Your unit pricing this need, empty when none does")
    cost_per_unit: DecimalString | None
    units: int | None = Field(
        description="The saving in your units: to the nearest 10 from 100 up, else whole"
    )
    in_words: str

    @staticmethod
    def resolve_project_reference(row) -> str:
        return row.project.reference

    @staticmethod
    def resolve_contract_reference(row) -> str | None:
        return row.contract.reference if row.contract else None

    @staticmethod
    def resolve_supplier(row) -> str | None:
        return row.contract.supplier.name if row.contract else None

    @staticmethod
    def resolve_units(row) -> int | None:
        return None if row.units is None else int(row.units)
