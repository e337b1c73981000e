"""The API's shapes for service listings. The bodies take a listing's content as typed and leave
its checking to the rule (listing_rules, called by the actions), which names every problem at
once in a 400 `listing_refused`; their descriptions give the rule's limits."""

from django.urls import reverse
from ninja import Field, Schema

from levelfield.core.api_helpers import (
    DecimalString,
    FormInput,
    InputSchema,
    UtcDateTime,
    patch_field,
)
from levelfield.suppliers.models import CertificateKind

from . import listing_rules as limits
from .lifecycle import ListingStatus
from .listing_rules import LINE_MAX, LINES_MAX

CODES = ", ".join(f"`{code}`" for code in CertificateKind.values)
HELP = {
    "name": f"Required, at most {limits.NAME_MAX} characters",
    "summary": f"At most {limits.SUMMARY_MAX} characters",
    "description": f"At most {limits.DESCRIPTION_MAX} characters",
    "features": f"Up to {LINES_MAX} short lines, each at most {LINE_MAX} characters",
    "benefits": f"Up to {LINES_MAX} short lines, each at most {LINE_MAX} characters",
    "category": "One of the lot's categories; needed to submit (where the lot has categories)",
    "price": "Pounds, like 120.00 (0 for free), at most 2 decimal places; needed to submit",
    "price_unit": f"What the price is for, like `per user per month` (at most "
    f"{limits.PRICE_UNIT_MAX} characters); needed to submit",
    "discounts": f"In words, at most {limits.DISCOUNTS_MAX} characters",
    "certifications": f"Codes among {CODES}; to submit, each must be one your supplier "
    "profile holds a current certificate for",
}


# --- In ----------------------------------------------------------------------------------------


class ListingCreateIn(InputSchema):
    lot_id: int = Field(description="A lot of a framework you applied to, in your application")
    name: str = Field(description=HELP["name"])
    summary: str = Field("", description=HELP["summary"])
    description: str = Field("", description=HELP["description"])
    features: list[str] = Field(default_factory=list, description=HELP["features"])
    benefits: list[str] = Field(default_factory=list, description=HELP["benefits"])
    category: str = Field("", description=HELP["category"])
    price: str | None = Field(None, description=HELP["price"], examples=["120.00"])
    price_unit: str = Field("", description=HELP["price_unit"])
    discounts: str = Field("", description=HELP["discounts"])
    certifications: list[str] = Field(default_factory=list, description=HELP["certifications"])


class ListingPatch(InputSchema):
    """Send only what changes (a draft)."""

    name: str = patch_field(description=HELP["name"])
    summary: str = patch_field(description=HELP["summary"])
    description: str = patch_field(description=HELP["description"])
    features: list[str] = patch_field(description=HELP["features"])
    benefits: list[str] = patch_field(description=HELP["benefits"])
    category: str = patch_field(description=HELP["category"])
    price: str | None = Field(None, description=HELP["price"] + "; null for none yet")
    price_unit: str = patch_field(description=HELP["price_unit"])
    discounts: str = patch_field(description=HELP["discounts"])
    certifications: list[str] = patch_field(description=HELP["certifications"])


class ListingChangeIn(ListingPatch):
    """What changes in a submitted or live listing, and why (kept with the new version)."""

    change_note: str = Field(
        description=f"What changed and why, for buyers reading the history (required, at most "
        f"{limits.CHANGE_NOTE_MAX} characters)"
    )


class ListingWithdrawIn(InputSchema):
    reason: str = Field("", max_length=500, description="Why, kept in the audit trail")


class ListingDocumentIn(FormInput):
    title: str = Field(
        description=f"Like `Service definition` (at most {limits.DOCUMENT_TITLE_MAX} characters)"
    )


# --- Out ---------------------------------------------------------------------------------------


class ListingLotOut(Schema):
    id: int
    number: int
    title: str
    framework_reference: str = Field(description="The framework's reference, like LF-CLOUD-1")
    framework_name: str

    @staticmethod
    def resolve_framework_reference(obj) -> str:
        return obj.framework.reference

    @staticmethod
    def resolve_framework_name(obj) -> str:
        return obj.framework.name


class ListingDocumentOut(Schema):
    id: int
    title: str
    name: str = Field(description="The file's name as uploaded")
    size: int = Field(description="Bytes")
    sha256: str
    added_at: UtcDateTime
    removed_at: UtcDateTime | None = Field(description="When taken off the listing (kept)")

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.original_name


class ListingContentOut(Schema):
    name: str
    summary: str
    description: str
    features: list[str]
    benefits: list[str]
    category: str
    price: DecimalString | None
    price_unit: str
    discounts: str
    certifications: list[str] = Field(description=f"Codes among {CODES}")


class SupplierListingOut(ListingContentOut):
    id: int
    status: ListingStatus = Field(description="draft, submitted, live, withdrawn or expired")
    version: int = Field(description="The current version's number (0 for a draft)")
    lot: ListingLotOut
    supplier_name: str
    supplier_size: str = Field(description="micro, small, medium or large, from your profile")
    supplier_is_vcse: bool
    created_at: UtcDateTime
    updated_at: UtcDateTime
    submitted_at: UtcDateTime | None
    live_at: UtcDateTime | None
    withdrawn_at: UtcDateTime | None
    documents: list[ListingDocumentOut] = Field(description="Removed ones too, with removed_at")

    @staticmethod
    def resolve_documents(obj) -> list:
        return list(obj.documents.all())  # ordered by the model; prefetched by lists


class PublicListingDocumentOut(Schema):
    title: str
    size: int
    url: str = Field(description="Where to download it")


class PublicListingOut(ListingContentOut):
    id: int
    version: int
    lot: ListingLotOut
    supplier_name: str
    supplier_size: str = Field(description="micro, small, medium or large")
    supplier_is_vcse: bool
    live_at: UtcDateTime | None
    documents: list[PublicListingDocumentOut]

    @staticmethod
    def resolve_documents(obj) -> list[dict]:
        return [
            {
                "title": document.title,
                "size": document.size,
                "url": reverse("marketplace:service_document", args=[obj.pk, document.pk]),
            }
            for document in obj.documents.all()
        ]


class ListingVersionOut(Schema):
    number: int
    content: ListingContentOut
    change_note: str = Field(description="Empty for version 1")
    changed: list[str] = Field(description="What changed since the version before, by label")
    created_at: UtcDateTime
