"""The authorisation matrix's lines for the marketplace's frameworks: its pages (PAGES), its API
operations (OPERATIONS) and the scenes they are tried on (`scenes`, called once the world is
built; it adds what it needs through the actions and returns scene name -> URL parameters).

Anyone reads the frameworks. The platform admin alone runs them (everyone else gets 404 on its
pages). A supplier's admin applies for its own supplier (its members read its applications;
other suppliers get 404); the Trust keeps a draft application to an open framework and a
submitted one to a pending framework here."""

# ruff: noqa: E501 (one route a line reads best as a table)

from datetime import timedelta

from levelfield.accounts.models import Organisation
from levelfield.core import clock
from levelfield.marketplace.actions import applications, frameworks
from levelfield.marketplace.actions.frameworks import FrameworkDetails, LotDetails
from tests.support import marketplace

from . import roles as r
from .roles import (
    OWN_SUPPLIER,
    OWN_SUPPLIER_ADMIN,
    PLATFORM_ADMIN_ONLY,
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


ADMIN = "the platform admin's pages: 404 to everyone else"

PAGES: dict = {
    # Anyone
    "marketplace:frameworks": page("none", PUBLIC),
    "marketplace:framework": page("mp_framework_open", PUBLIC),
    # The platform admin
    "marketplace:admin_frameworks": page("none", PLATFORM_ADMIN_ONLY, why=ADMIN),
    "marketplace:admin_framework_create": page("none", PLATFORM_ADMIN_ONLY, why=ADMIN),
    "marketplace:admin_framework": page("mp_framework_coming", PLATFORM_ADMIN_ONLY, why=ADMIN),
    "marketplace:admin_framework_edit": page("mp_framework_coming", PLATFORM_ADMIN_ONLY, why=ADMIN),
    "marketplace:admin_framework_step": post("mp_framework_coming", PLATFORM_ADMIN_ONLY, why=ADMIN),
    "marketplace:admin_framework_expire": form(
        "mp_framework_live", PLATFORM_ADMIN_ONLY, PLATFORM_ADMIN_ONLY, why=ADMIN
    ),
    "marketplace:admin_applications": page("mp_framework_pending", PLATFORM_ADMIN_ONLY, why=ADMIN),
    "marketplace:admin_application": page("mp_application_pending", PLATFORM_ADMIN_ONLY, why=ADMIN),
    # A supplier
    "marketplace:apply": page(
        "mp_framework_open",
        SUPPLIER_ADMINS_AREA,
        why="any supplier's admin applies for its own supplier; members 403",
    ),
    "marketplace:supplier_applications": page("none", SUPPLIER_AREA, why="one's own applications"),
    "marketplace:supplier_application": page("mp_application_draft", OWN_SUPPLIER),
    "marketplace:application_declare": page("mp_application_draft", OWN_SUPPLIER_ADMIN),
    "marketplace:application_check": page("mp_application_draft", OWN_SUPPLIER_ADMIN),
    "marketplace:application_withdraw": page("mp_application_draft", OWN_SUPPLIER_ADMIN),
}

OPERATIONS: dict = {
    "marketplace_frameworks": op("none", PUBLIC),  # GET /api/marketplace/frameworks
    "marketplace_framework": op("mp_framework_open", PUBLIC),  # GET .../frameworks/{framework_id}
    "marketplace_applications": op("none", SUPPLIER_AREA),  # GET .../supplier/applications
    "marketplace_application": op("mp_application_draft", OWN_SUPPLIER),  # GET .../{application_id}
    "marketplace_application_start": op(
        "mp_framework_fresh",
        SUPPLIER_ADMINS_AREA,
        why="any supplier's admin applies for its own supplier to an open framework",
    ),  # POST /api/marketplace/supplier/applications
    "marketplace_application_declare": op(
        "mp_application_draft", OWN_SUPPLIER_ADMIN
    ),  # POST .../declare
    "marketplace_application_submit": op(
        "mp_application_draft", OWN_SUPPLIER_ADMIN
    ),  # POST .../submit
    "marketplace_application_withdraw": op(
        "mp_application_draft", OWN_SUPPLIER_ADMIN
    ),  # POST .../withdraw
}


def _framework(reference: str, by, *, statements=("We keep our listings accurate.",)):
    today = clock.today_uk()
    return frameworks.create_framework(
        details=FrameworkDetails(
            reference=reference,
            name=f"Matrix framework {reference}",
            applications_open_on=today,
            applications_close_on=today + timedelta(days=30),
            live_from=today + timedelta(days=60),
            expires_on=today + timedelta(days=800),
            statements=list(statements),
            lots=[LotDetails("Cloud hosting"), LotDetails("Cloud support")],
            # The Trust's declaration in the world may not be current: not what is tried here.
            requires_exclusion_declaration=False,
        ),
        by=by,
    )


def scenes(world) -> dict[str, dict]:
    admin = world.people[r.PLATFORM_ADMIN]
    trust_admin = world.people[r.SUPPLIER_ADMIN]
    trust = Organisation.objects.get(name="Wessex Community Care Trust")

    coming = _framework("LF-MATRIX-FW-COMING", admin)

    opened = frameworks.open_applications(
        framework=_framework("LF-MATRIX-FW-OPEN", admin), by=admin
    )
    lots = list(opened.lots.values_list("pk", flat=True))
    draft = applications.start_application(
        framework=opened, supplier=trust, by=trust_admin, lot_ids=lots
    )

    fresh = frameworks.open_applications(
        framework=_framework("LF-MATRIX-FW-FRESH", admin), by=admin
    )

    pending = frameworks.open_applications(
        framework=_framework("LF-MATRIX-FW-PENDING", admin, statements=()), by=admin
    )
    sent = applications.start_application(
        framework=pending,
        supplier=trust,
        by=trust_admin,
        lot_ids=pending.lots.values_list("pk", flat=True),
    )
    applications.declare(application=sent, agreed=[], by=trust_admin)
    applications.submit_application(application=sent, by=trust_admin)
    frameworks.close_applications(framework=pending, by=admin)

    # A live framework for the question before expiring it (the POST from its form expires it).
    live = marketplace.framework(by=admin, reference="LF-MATRIX-FW-LIVE")

    return {
        "mp_framework_live": {"pk": live.pk, "framework_id": live.pk},
        "mp_framework_coming": {"pk": coming.pk, "framework_id": coming.pk, "step": "open"},
        "mp_framework_open": {"pk": opened.pk, "framework_id": opened.pk},
        "mp_framework_fresh": {
            "framework_id": fresh.pk,
            "lot_ids": list(fresh.lots.values_list("pk", flat=True)),
        },
        "mp_application_draft": {
            "pk": draft.pk,
            "application_id": draft.pk,
            "agreed_statements": [1],
        },
        "mp_framework_pending": {"pk": pending.pk, "framework_id": pending.pk},
        "mp_application_pending": {"pk": sent.pk, "application_id": sent.pk},
    }
