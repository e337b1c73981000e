"""Concentration risk for the resilience team: for each authority and CPV division, the
suppliers holding more than a chosen share of the annual value of the contracts in force on a day.
Anyone not on the team (a platform role) is refused 403 `forbidden`."""

from ninja import Query, Router

from levelfield.accounts.api_auth import api_auth
from levelfield.core import clock
from levelfield.core.api_helpers import SIGNED_IN_ERRORS, errors

from . import concentration
from .api_access import team_only
from .schemas_concentration import ConcentrationOut, ConcentrationQuery

router = Router(auth=api_auth, tags=["Resilience team: concentration risk"])
ROUTERS = (("/resilience", router),)


@router.get(
    "/concentration",
    response={200: ConcentrationOut, **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="resilience_concentration",
    summary="Suppliers holding more than a share of an authority's market",
    description="A market is an authority (the contract's buyer) and a CPV division: the first "
    "two digits of the CPV codes of the tender a contract was let through (a contract whose "
    "tender names two divisions counts in each; one with no CPV code, let elsewhere, is in "
    "`cpv_division` null). A supplier's share is the annual value of its contracts in force on "
    "`as_of` (signed, within their term, not ended early) over the annual value of every "
    "contract in force in the market; a contract's annual value is its value x 365 / its term "
    "in days (both ends counted) for a term of a year or more, else its whole value. Suppliers "
    "above `threshold` percent, highest share first, all of them (at most 100 divided by the "
    "threshold per market). Resilience team only: 403 "
    "`forbidden` for anyone else; 422 `validation_error` for a threshold or date out of range.",
)
def concentration_list(request, query: Query[ConcentrationQuery]):
    team_only(request, "Concentration risk is for the resilience team")
    as_of = query.as_of or clock.today_uk()
    return {
        "as_of": as_of,
        "threshold": query.threshold,
        "suppliers": concentration.concentrated(as_of=as_of, threshold=query.threshold),
    }
