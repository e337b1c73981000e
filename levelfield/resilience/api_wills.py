"""Living wills in the API. The supplier's side (its admins edit and submit; its members read,
draft included) under /supplier/living-will; the readers' side (the buyers of the supplier's
critical contracts in force and the resilience team, who read only what was submitted, and the
supplier's own people) under /resilience/living-wills. A will the caller may not read is 404
`not_found`, as if it did not exist."""

from django.http import Http404
from ninja import Router, Status
from ninja.pagination import paginate

from levelfield.accounts.api_auth import acting_supplier, api_auth
from levelfield.accounts.models import User
from levelfield.accounts.rules import has_role
from levelfield.core import clock
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, SIGNED_IN_ERRORS, Pages, errors
from levelfield.core.errors import DomainError, PermissionDenied

from . import actions, selectors_wills
from . import content as will_content
from .models import LivingWillVersion
from .models.living_wills import SUPPLIER_READ_ROLES
from .schemas_wills import (
    LivingWillIn,
    LivingWillOut,
    LivingWillReadDetailOut,
    LivingWillReadOut,
    LivingWillVersionOut,
    LivingWillVersionSummaryOut,
)

supplier_router = Router(auth=api_auth, tags=["Supplier: living will"])
reader_router = Router(auth=api_auth, tags=["Resilience: living wills"])
ROUTERS = (("/supplier", supplier_router), ("/resilience", reader_router))

SUPPLIER_ONLY = (
    "For a supplier's people (anyone else: 403 `forbidden`); 404 `not_found` before the living "
    "will is started."
)
ADMINS_ONLY = "Only the supplier's admins (a member: 403 `forbidden`)."


def _supplier(request):
    supplier = acting_supplier(request)
    if not has_role(request.user, supplier, *SUPPLIER_READ_ROLES):
        raise PermissionDenied("This part of the API is for a supplier's people")
    return supplier


def _own_will(request):
    will = selectors_wills.own_will(_supplier(request))
    if will is None:
        raise Http404("The living will has not been started")
    return will


def _will_out(will) -> dict:
    score, missing = will_content.completeness(
        will.draft, owner=will.owner, review_date=will.review_date
    )
    return {
        "id": will.pk,
        "supplier": will.supplier,
        "draft": {**will_content.empty(), **will.draft},
        "owner": will.owner,
        "review_date": will.review_date,
        "score": score,
        "missing": missing,
        "updated_at": will.updated_at,
        "versions": list(selectors_wills.versions_of(will)),
    }


def _version_out(version) -> dict:
    _, missing = will_content.completeness(
        version.content, owner=version.owner, review_date=version.review_date
    )
    return {
        "number": version.number,
        "submitted_at": version.submitted_at,
        "submitted_by": version.submitted_by,
        "score": version.score,
        "review_date": version.review_date,
        "owner": version.owner,
        "missing": missing,
        "content": {**will_content.empty(), **version.content},
    }


# --- The supplier's side ------------------------------------------------------------------------


@supplier_router.get(
    "/living-will",
    response={200: LivingWillOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="supplier_living_will_get",
    summary="Your living will",
    description="The draft with its owner, review date, completeness score and what is "
    "missing, and a summary of each submitted version. " + SUPPLIER_ONLY,
)
def get_will(request):
    return _will_out(_own_will(request))


@supplier_router.post(
    "/living-will/start",
    response={201: LivingWillOut, **errors(*SIGNED_IN_ERRORS, 409)},
    operation_id="supplier_living_will_start",
    summary="Start your living will",
    description="Begun empty, with you as its owner. " + ADMINS_ONLY + " 409 `invalid_state` "
    "when it is already started.",
)
def start_will(request):
    will = actions.start_living_will(supplier=_supplier(request), by=request.user)
    return Status(201, _will_out(selectors_wills.own_will(will.supplier)))


@supplier_router.put(
    "/living-will",
    response={200: LivingWillOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="supplier_living_will_update",
    summary="Replace the draft, its owner and review date",
    description="The whole draft each time (a section left out is emptied). Sections may be "
    "partly filled: the score says what is missing. 422 `invalid_content` lists every problem "
    "in `details` (a required name left empty, a Companies House number not 8 characters, a "
    "parent that is not another entity's number, two services of one name, a dependency or "
    "plan naming no service, two plans for one service, a linked contract that is not yours); "
    "400 `owner_not_a_member` when `owner_id` is not one of your organisation's people. 409 "
    "`changed_since` when `updated_at` is sent and the draft has been saved since (nothing "
    "saved: read it again). " + ADMINS_ONLY + " " + SUPPLIER_ONLY,
)
def update_will(request, payload: LivingWillIn):
    will = _own_will(request)
    owner = None
    if payload.owner_id is not None:
        owner = User.objects.filter(pk=payload.owner_id).first()
        if owner is None:
            raise DomainError(
                "No person has that id: the owner must be one of your organisation's people",
                code="owner_not_a_member",
            )
    actions.edit_living_will(
        will=will,
        by=request.user,
        content=payload.content.model_dump(),
        owner=owner,
        review_date=payload.review_date,
        seen=payload.updated_at,
    )
    return _will_out(selectors_wills.own_will(will.supplier))


@supplier_router.post(
    "/living-will/submit",
    response={201: LivingWillVersionOut, **errors(*OWN_OBJECT_ERRORS, 400, 422)},
    operation_id="supplier_living_will_submit",
    summary="Submit the draft as a new version",
    description="The version never changes after; the buyers of your critical contracts in "
    "force and the resilience team read it. It may be incomplete (its score shows). 400 "
    "`owner_required` without an owner, 400 `review_date_required` without a review date from "
    "today on. " + ADMINS_ONLY + " " + SUPPLIER_ONLY,
)
def submit_will(request):
    version = actions.submit_living_will(will=_own_will(request), by=request.user)
    return Status(201, _version_out(version))


@supplier_router.get(
    "/living-will/versions",
    response={200: list[LivingWillVersionSummaryOut], **errors(*SIGNED_IN_ERRORS)},
    operation_id="supplier_living_will_versions",
    summary="Your submitted versions",
    description="Newest first; an empty list before the living will is started. Paginated "
    "with `limit` and `offset`. For a supplier's people (anyone else: 403 `forbidden`).",
)
@paginate(Pages)
def list_versions(request):
    will = selectors_wills.own_will(_supplier(request))
    if will is None:
        return LivingWillVersion.objects.none()
    return selectors_wills.versions_of(will)


@supplier_router.get(
    "/living-will/versions/{number}",
    response={200: LivingWillVersionOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="supplier_living_will_version",
    summary="One submitted version",
    description="With its content, score and what it lacks. 404 `not_found` for a number "
    "never submitted. " + SUPPLIER_ONLY,
)
def get_version(request, number: int):
    version = selectors_wills.version_of(_own_will(request), number)
    if version is None:
        raise Http404("No version of that number")
    return _version_out(version)


# --- The readers' side --------------------------------------------------------------------------


@reader_router.get(
    "/living-wills",
    response={200: list[LivingWillReadOut], **errors(*SIGNED_IN_ERRORS)},
    operation_id="resilience_living_wills_list",
    summary="The living wills you may read",
    description="Those of the suppliers of your organisation's critical contracts in force "
    "(buyer admins and officers), every submitted one (the resilience team), and your own "
    "supplier's; a will is listed to buyers and the team once submitted. By supplier name. "
    "Paginated with `limit` and `offset`; an empty list for anyone else.",
)
@paginate(Pages)
def list_wills(request):
    return selectors_wills.readable_wills(request.user)


@reader_router.get(
    "/living-wills/{will_id}",
    response={200: LivingWillReadDetailOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="resilience_living_will_get",
    summary="A living will's latest submitted version",
    description="Its number, score, what it lacks, review date and content; never the draft. "
    "404 `not_found` for a will you may not read, and for one not yet submitted.",
)
def get_will_for_reader(request, will_id: int):
    will = selectors_wills.readable_wills(request.user).filter(pk=will_id).first()
    if will is None or not request.user.has_perm("resilience.view_will", will):
        raise Http404("No living will of yours has that number")
    version = will.latest_version()
    if version is None:
        raise Http404("Nothing submitted yet")
    return {
        **_version_out(version),
        "id": will.pk,
        "supplier": will.supplier,
        "current": version.review_date >= clock.today_uk(),
    }
