"""Financial standing for the resilience team (a platform role): the indicators, recording a
supplier's reading (a reading past its threshold raises a breach), a supplier's readings and
breaches with whether each was notified within 2 working days, and recording that a breach was
notified. Anyone else is 403 `forbidden`, a platform admin not on the team included."""

from dataclasses import dataclass

from django.http import Http404
from ninja import Router, Status

from levelfield.accounts.api_auth import api_auth
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, SIGNED_IN_ERRORS, errors

from . import (
    actions_financial,
    rules_financial,  # noqa: F401  (registers the permissions)
)
from . import selectors_standing as standing
from .api_access import team_only
from .models import BreachEvent, Reading
from .schemas_financial import (
    BreachOut,
    IndicatorOut,
    NotifiedIn,
    ReadingIn,
    ReadingOut,
    SupplierStandingOut,
)

router = Router(auth=api_auth, tags=["Resilience team: financial standing"])
ROUTERS = (("/resilience", router),)


@dataclass(frozen=True)
class SupplierStanding:
    """A supplier with its readings and breaches, as SupplierStandingOut shows them."""

    id: int
    name: str
    readings: list[Reading]
    breaches: list[BreachEvent]


TEAM_ONLY = "For the resilience team only: anyone else is 403 `forbidden`. "


@router.get(
    "/financial/indicators",
    response={200: list[IndicatorOut], **errors(*SIGNED_IN_ERRORS)},
    operation_id="resilience_financial_indicators",
    summary="The indicators of financial standing and their thresholds",
    description=TEAM_ONLY + "By name. A reading past its indicator's threshold (below it or "
    "above it, as `direction` says) raises a breach.",
)
def list_indicators(request):
    team_only(request)
    return list(standing.indicators())


@router.post(
    "/financial/readings",
    response={201: ReadingOut, **errors(*SIGNED_IN_ERRORS, 400, 422)},
    operation_id="resilience_financial_reading_record",
    summary="Record a supplier's reading of an indicator",
    description=TEAM_ONLY + "400 `not_a_supplier` when `supplier_id` is no supplier "
    "organisation; 400 `invalid_reading` for an unknown indicator code, a value that is not a "
    "number, or a date in the future, with each problem in `details`. A reading past its "
    "threshold raises a breach, answered in `breach` with the time it must be notified by.",
)
def record_reading(request, payload: ReadingIn):
    team_only(request)
    reading = actions_financial.record_reading(
        supplier=standing.supplier(payload.supplier_id),
        indicator_code=payload.indicator,
        value=payload.value,
        as_of=payload.as_of,
        by=request.user,
    )
    return Status(201, reading)


@router.get(
    "/financial/suppliers/{supplier_id}",
    response={200: SupplierStandingOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="resilience_financial_supplier",
    summary="A supplier's readings and breaches",
    description=TEAM_ONLY + "Every reading of the supplier and every breach, with whether it "
    "was notified within 2 working days (`notice_status`). 404 `not_found` for an id that is "
    "no supplier organisation.",
)
def supplier_standing(request, supplier_id: int):
    team_only(request)
    supplier = standing.supplier(supplier_id)
    if supplier is None:
        raise Http404("No supplier has that id")
    return SupplierStanding(
        id=supplier.pk,
        name=supplier.name,
        readings=list(
            standing.readings_of(supplier).order_by(
                "indicator__code", "-as_of", "-recorded_at", "-pk"
            )
        ),
        breaches=list(standing.breaches_by_urgency(supplier=supplier)),
    )


@router.post(
    "/financial/breaches/{breach_id}/notified",
    response={200: BreachOut, **errors(*OWN_OBJECT_ERRORS, 400, 422)},
    operation_id="resilience_financial_breach_notified",
    summary="Record that a breach was notified",
    description=TEAM_ONLY
    + "`notified_at` (with its offset) is when; send `{}` to record it as notified now. "
    "400 `invalid_time` for a time in the future or before the breach was raised; 400 "
    "`already_notified` if it was recorded before (the first record stands).",
)
def breach_notified(request, breach_id: int, payload: NotifiedIn | None = None):
    team_only(request)
    breach = BreachEvent.objects.filter(pk=breach_id).first()
    if breach is None:
        raise Http404("No breach has that id")
    breach = actions_financial.record_breach_notified(
        breach=breach, by=request.user, notified_at=payload.notified_at if payload else None
    )
    return BreachEvent.objects.select_related("indicator", "reading").get(pk=breach.pk)
