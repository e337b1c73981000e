"""The authorisation matrix's lines for the marketplace's listings: its pages (PAGES), its API
operations (OPERATIONS) and the scenes they are tried on (`scenes`, called once the world is
built; it adds what it needs through the actions and returns scene name -> URL parameters).

The Trust is admitted to a live framework of its own here and keeps a complete draft listing
and a live one with a document. Its people read them (its members too); only its admins change
them; other suppliers get 404; anyone reads the live service."""

# ruff: noqa: E501 (one route a line reads best as a table)

from levelfield.accounts.models import Organisation
from levelfield.marketplace.actions import listings as listing_actions
from tests.support import marketplace, testing

from . import roles as r
from .roles import (
    OWN_SUPPLIER,
    OWN_SUPPLIER_ADMIN,
    PUBLIC,
    SUPPLIER_ADMINS_AREA,
    SUPPLIER_AREA,
    Entry,
    form,
    page,
    post,
)


def op(scene: str, policy: dict[str, str], why: str = "") -> Entry:
    return Entry(scene, policy, "", why)


PAGES: dict = {
    # A supplier's own listings: every supplier's people see their own list; admins list.
    "marketplace:supplier_listings": page("none", SUPPLIER_AREA, why="one's own listings"),
    "marketplace:listing_create": page(
        "none", SUPPLIER_ADMINS_AREA, why="the lots one's own supplier may list on"
    ),
    "marketplace:listing_detail": page("listing_draft", OWN_SUPPLIER),
    "marketplace:listing_edit": form("listing_draft", OWN_SUPPLIER_ADMIN, OWN_SUPPLIER_ADMIN),
    "marketplace:listing_check": form("listing_draft", OWN_SUPPLIER_ADMIN, OWN_SUPPLIER_ADMIN),
    "marketplace:listing_withdraw": form("listing_live", OWN_SUPPLIER_ADMIN, OWN_SUPPLIER_ADMIN),
    "marketplace:listing_versions": page("listing_live", OWN_SUPPLIER),
    "marketplace:listing_documents": form("listing_live", OWN_SUPPLIER, OWN_SUPPLIER_ADMIN),
    "marketplace:listing_document": page("listing_live", OWN_SUPPLIER),
    "marketplace:listing_document_remove": post("listing_live", OWN_SUPPLIER_ADMIN),
    # A live service: anyone.
    "marketplace:service": page("listing_live", PUBLIC),
    "marketplace:service_document": page("listing_live", PUBLIC),
}

OPERATIONS: dict = {
    "marketplace_listings": op("none", SUPPLIER_AREA),  # GET /api/marketplace/supplier/listings
    "marketplace_listing_create": op(
        "listing_draft",
        OWN_SUPPLIER_ADMIN,
        why="on a lot of the Trust's framework: other suppliers did not apply to it (404)",
    ),  # POST /api/marketplace/supplier/listings
    "marketplace_listing": op("listing_draft", OWN_SUPPLIER),  # GET .../listings/{listing_id}
    "marketplace_listing_update": op(
        "listing_draft", OWN_SUPPLIER_ADMIN
    ),  # PATCH .../listings/{listing_id}
    "marketplace_listing_submit": op(
        "listing_draft", OWN_SUPPLIER_ADMIN
    ),  # POST .../{listing_id}/submit
    "marketplace_listing_change": op(
        "listing_live", OWN_SUPPLIER_ADMIN
    ),  # POST .../{listing_id}/versions
    "marketplace_listing_versions": op(
        "listing_live", OWN_SUPPLIER
    ),  # GET .../{listing_id}/versions
    "marketplace_listing_withdraw": op(
        "listing_live", OWN_SUPPLIER_ADMIN
    ),  # POST .../{listing_id}/withdraw
    "marketplace_listing_document_add": op(
        "listing_live", OWN_SUPPLIER_ADMIN
    ),  # POST .../{listing_id}/documents
    "marketplace_listing_document_remove": op(
        "listing_live", OWN_SUPPLIER_ADMIN
    ),  # DELETE .../{listing_id}/documents/{document_id}
    "marketplace_service": op("listing_live", PUBLIC),  # GET /api/marketplace/services/{listing_id}
}

CONTENT = {
    "summary": "Care records kept in the cloud",
    "features": ["Works offline"],
    "benefits": ["Carers spend less time typing"],
    "category": "Case management",
    "price": "12.00",
    "price_unit": "per carer per month",
}


def scenes(world) -> dict[str, dict]:
    trust_admin = world.people[r.SUPPLIER_ADMIN]
    trust = Organisation.objects.get(name="Wessex Community Care Trust")
    platform_admin = world.people[r.PLATFORM_ADMIN]
    framework = marketplace.framework(by=platform_admin, reference="LF-MATRIX-LISTINGS")
    application = marketplace.admitted(framework, trust, by=trust_admin, admin=platform_admin)
    lot = framework.lots.get(number=2)
    draft = listing_actions.create_listing(
        application=application, lot=lot, by=trust_admin, name="Care records", **CONTENT
    )
    live = listing_actions.create_listing(
        application=application, lot=lot, by=trust_admin, name="Rota planner", **CONTENT
    )
    listing_actions.submit_listing(listing=live, by=trust_admin)
    document = listing_actions.add_document(
        listing=live, by=trust_admin, title="Service definition", upload=testing.pdf("def.pdf")
    )
    return {
        "listing_draft": {"pk": draft.pk, "listing_id": draft.pk, "lot_id": lot.pk},
        "listing_live": {
            "pk": live.pk,
            "listing_id": live.pk,
            "lot_id": lot.pk,
            "document_id": document.pk,
        },
    }
