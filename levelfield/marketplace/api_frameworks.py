"""The marketplace's API for frameworks: anyone reads the frameworks and a framework with its
lots; a supplier's people read its applications, and its admins start one (choosing lots),
declare, submit and withdraw. ROUTERS lists each router with its prefix (levelfield/api.py adds
them)."""

from django.http import Http404
from ninja import Router, Status
from ninja.pagination import paginate

from levelfield.accounts.api_auth import acting_supplier, api_auth
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, SIGNED_IN_ERRORS, Pages, errors

from . import selectors_frameworks as selectors
from .actions import applications as actions
from .models import Application
from .rules import require_supplier_member
from .schemas_frameworks import (
    MpApplicationDeclareIn,
    MpApplicationOut,
    MpApplicationStartIn,
    MpFrameworkOut,
    MpFrameworkSummaryOut,
)

public_router = Router(tags=["Marketplace: frameworks"])
supplier_router = Router(auth=api_auth, tags=["Marketplace: a supplier's applications"])
ROUTERS = (("/marketplace", public_router), ("/marketplace", supplier_router))

ADMINS = "Your supplier's admins only (403 `forbidden` for its members)."
WHILE_OPEN = "409 `framework_not_open` unless the framework is open for applications."


@public_router.get(
    "/frameworks",
    response={200: list[MpFrameworkSummaryOut], **errors(422)},
    operation_id="marketplace_frameworks",
    summary="The frameworks: coming, open for applications, live and past",
    description="Every framework announced, newest term first. No sign-in needed. Paginated "
    "with `limit` and `offset`.",
)
@paginate(Pages)
def frameworks(request):
    return selectors.public_frameworks()


@public_router.get(
    "/frameworks/{framework_id}",
    response={200: MpFrameworkOut, **errors(404)},
    operation_id="marketplace_framework",
    summary="A framework with its lots, dates, status and what suppliers declare",
    description="No sign-in needed. 404 `not_found` for an id that is no framework.",
)
def framework(request, framework_id: int):
    found = selectors.public_framework(framework_id)
    if found is None:
        raise Http404("No framework has that id")
    return found


def _own(request, application_id: int) -> Application:
    organisation = acting_supplier(request)
    require_supplier_member(request.user, organisation)
    found = selectors.supplier_application(organisation, application_id)
    if found is None:
        raise Http404("No application of yours has that id")
    return found


@supplier_router.get(
    "/supplier/applications",
    response={200: list[MpApplicationOut], **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="marketplace_applications",
    summary="Your supplier's applications to frameworks",
    description="Newest framework first. Anyone at the supplier; 403 `forbidden` for an "
    "organisation that is not a supplier. Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def my_applications(request):
    organisation = acting_supplier(request)
    require_supplier_member(request.user, organisation)
    return selectors.supplier_applications(organisation)


@supplier_router.get(
    "/supplier/applications/{application_id}",
    response={200: MpApplicationOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="marketplace_application",
    summary="One of your supplier's applications",
    description="Anyone at the supplier. 404 `not_found` for another supplier's application.",
)
def my_application(request, application_id: int):
    return _own(request, application_id)


@supplier_router.post(
    "/supplier/applications",
    response={201: MpApplicationOut, **errors(*SIGNED_IN_ERRORS, 400, 404, 409, 422)},
    operation_id="marketplace_application_start",
    summary="Start an application to a framework, choosing its lots",
    description=f"A draft, to declare and submit. {ADMINS} {WHILE_OPEN} 400 "
    "`lots_required` (no lot), `lot_not_in_framework`, or `already_applied` (one application "
    "per supplier and framework, a withdrawn one included). 404 `not_found` for an id that "
    "is no framework.",
)
def start_application(request, payload: MpApplicationStartIn):
    organisation = acting_supplier(request)
    found = selectors.public_framework(payload.framework_id)
    if found is None:
        raise Http404("No framework has that id")
    application = actions.start_application(
        framework=found, supplier=organisation, by=request.user, lot_ids=payload.lot_ids
    )
    return Status(201, selectors.supplier_application(organisation, application.pk))


@supplier_router.post(
    "/supplier/applications/{application_id}/declare",
    response={200: MpApplicationOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="marketplace_application_declare",
    summary="Declare for a draft application: the current exclusion declaration and each statement",
    description=f"Attaches your supplier's current exclusion declaration (from its profile) "
    f"and records the statements agreed. {ADMINS} {WHILE_OPEN} 409 `application_not_draft` "
    "once submitted. 400 `declaration_missing` (no current declaration: make it on the "
    "supplier profile, /suppliers/declaration/), `declaration_outdated` (it answers grounds no "
    "longer in force), `mandatory_ground_applies`, or `statements_not_agreed` (every "
    "statement's number must be sent).",
)
def declare(request, application_id: int, payload: MpApplicationDeclareIn):
    application = _own(request, application_id)
    actions.declare(application=application, agreed=payload.agreed_statements, by=request.user)
    return _own(request, application_id)


@supplier_router.post(
    "/supplier/applications/{application_id}/submit",
    response={200: MpApplicationOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="marketplace_application_submit",
    summary="Submit a draft application",
    description=f"Keeps the exclusion declaration as it stands now. {ADMINS} {WHILE_OPEN} "
    "409 `application_not_draft` once submitted. 400 with the first problem: `lots_required`, "
    "a declaration code (as for declaring), or `statements_not_agreed`. The platform admin "
    "decides once applications close; the decision is shown (and emailed) at the standstill.",
)
def submit(request, application_id: int):
    application = _own(request, application_id)
    actions.submit_application(application=application, by=request.user)
    return _own(request, application_id)


@supplier_router.post(
    "/supplier/applications/{application_id}/withdraw",
    response={200: MpApplicationOut, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="marketplace_application_withdraw",
    summary="Withdraw an application (and its listings not yet live)",
    description=f"A draft or submitted application, while the framework is open. {ADMINS} "
    f"{WHILE_OPEN} 409 `invalid_state` for one already withdrawn. The supplier cannot apply "
    "to that framework again.",
)
def withdraw(request, application_id: int):
    application = _own(request, application_id)
    actions.withdraw_application(application=application, by=request.user)
    return _own(request, application_id)
