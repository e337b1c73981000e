"""The API's view of one search result among every UK opportunity: a tender of this platform
or an open notice imported from Find a Tender, Contracts Finder or another publisher."""

from datetime import datetime

from ninja import Field, Schema

from levelfield.core.api_helpers import DecimalString

from .schemas import _absolute
from .templatetags.tenders import opportunity_path

OWN_SOURCE = "levelfield"


class AnyOpportunity(Schema):
    source: str = Field(
        description="Where it was published: levelfield (here), find_a_tender, "
        "contracts_finder or other"
    )
    source_label: str = Field(description="The same in words: levelfield, Find a Tender, ...")
    reference: str = Field(description="Our reference (LF-2026-00001), or the notice's OCID")
    title: str
    buyer: str = Field(description="The contracting authority, as published")
    description: str
    value: DecimalString | None = Field(description="Estimated value in pounds, if given")
    closing: datetime | None = Field(description="Submission deadline")
    regions: list[str] = Field(description="NUTS 1 region codes, where known")
    cpv_codes: list[str]
    open_for_bids: bool
    url: str = Field(
        description="Where to read it and bid: its page here, or the notice on the publisher's "
        "own site (empty when the publisher gave no link)"
    )

    @staticmethod
    def resolve_source(obj) -> str:
        return obj.source if getattr(obj, "is_external", False) else OWN_SOURCE

    @staticmethod
    def resolve_source_label(obj) -> str:
        return obj.source_label if getattr(obj, "is_external", False) else OWN_SOURCE

    @staticmethod
    def resolve_reference(obj) -> str:
        return obj.ocid if getattr(obj, "is_external", False) else obj.reference

    @staticmethod
    def resolve_buyer(obj) -> str:
        return obj.buyer_name if getattr(obj, "is_external", False) else obj.buyer.name

    @staticmethod
    def resolve_value(obj):
        return obj.value if getattr(obj, "is_external", False) else obj.estimated_value

    @staticmethod
    def resolve_closing(obj):
        return obj.deadline if getattr(obj, "is_external", False) else obj.submission_deadline

    @staticmethod
    def resolve_regions(obj) -> list[str]:
        if getattr(obj, "is_external", False):
            return obj.region_list
        return [obj.region] if obj.region else []

    @staticmethod
    def resolve_cpv_codes(obj) -> list[str]:
        if getattr(obj, "is_external", False):
            return obj.cpv_list
        return [cpv.code for cpv in obj.cpv_codes.all()]

    @staticmethod
    def resolve_open_for_bids(obj) -> bool:
        return obj.is_open if getattr(obj, "is_external", False) else obj.is_open_for_bids

    @staticmethod
    def resolve_url(obj, context) -> str:
        if getattr(obj, "is_external", False):
            return obj.url
        return _absolute(context, opportunity_path(obj.reference))
