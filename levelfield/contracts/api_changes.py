"""A contract's changes and its end, for the buyer: list and record changes, check a change
against s.75 without recording it, make a change after its standstill, terminate, complete.
Each endpoint calls the action that does it; the action checks permission and state."""

from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from levelfield.accounts.api_auth import api_auth
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, Pages, errors
from levelfield.core.errors import DomainError

from . import change_rules, selectors_changes
from .actions import changes, ending
from .api_common import buyer_contract
from .models import ContractChange, ExtensionOption
from .schemas_changes import (
    ChangeCheckIn,
    ChangeIn,
    ChangeOut,
    CompleteIn,
    ContractEndOut,
    S75Out,
    TerminateIn,
)

router = Router(auth=api_auth, tags=["Buyer: contract changes and endings"])

# Built from the rules' version in force when the API starts (descriptions are static text);
# each answer names the version it applied.
_RULES = change_rules.current()
S75_TEXT = (
    "Procurement Act 2023 s.75: a change needs a contract change notice (UK10) when, with every "
    "change since the contract was entered into (increases and decreases both counted), it "
    "moves the value by more than the limit for the contract's category "
    f"({change_rules.value_limits_text(_RULES)} of the original value) or the term by more "
    f"than {change_rules.pct_text(_RULES.term_limit_percent)} of the original term (rules "
    f"{_RULES.code}). Exactly at the limit is within."
)
STANDSTILL_DAYS = _RULES.standstill_working_days


def _option(contract, option_id):
    if option_id is None:
        return None
    option = ExtensionOption.objects.filter(contract=contract, pk=option_id).first()
    if option is None:
        raise DomainError("That option is not one of this contract's", code="invalid_change")
    return option


@router.get(
    "/contracts/{contract_id}/changes",
    response={200: list[ChangeOut], **errors(*OWN_OBJECT_ERRORS, 422)},
    operation_id="buyer_contract_changes_list",
    summary="A contract's changes, newest first, each with its s.75 answer",
    description="For the buyer's staff. Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def change_list(request, contract_id: int):
    return selectors_changes.changes_for(buyer_contract(request, contract_id))


@router.post(
    "/contracts/{contract_id}/changes/check",
    response={200: S75Out, **errors(*OWN_OBJECT_ERRORS, 400, 422)},
    operation_id="buyer_contract_changes_check",
    summary="Check a proposed change against s.75 without recording it",
    description=f"{S75_TEXT} For admins, officers and the contract manager (403 otherwise). "
    "400 `invalid_change` for a change that cannot be recorded (the contract not in force, a "
    "change waiting in its standstill, an option already used, a value or date that does not "
    "fit).",
)
def check(request, contract_id: int, payload: ChangeCheckIn):
    contract = buyer_contract(request, contract_id)
    proposal = changes.check_change(
        contract=contract,
        by=request.user,
        kind=payload.kind,
        value_after=payload.value_after,
        end_date_after=payload.end_date_after,
        option=_option(contract, payload.option_id),
    )
    answer = proposal.answer
    return {
        **vars(answer),
        "value_after": proposal.value_after,
        "end_date_after": proposal.end_date_after,
    }


@router.post(
    "/contracts/{contract_id}/changes",
    response={201: ChangeOut, **errors(*OWN_OBJECT_ERRORS, 400, 422)},
    operation_id="buyer_contract_changes_record",
    summary="Record a modification or the use of an option to extend",
    description=f"{S75_TEXT} When a notice is required it is published first; the change is "
    f"made at once, or, with `voluntary_standstill`, once {STANDSTILL_DAYS} working days have "
    "passed (s.76): the platform's daily run makes it, or `.../make`. For admins, officers and "
    "the contract manager (403 otherwise); 400 `invalid_change` as for the check.",
)
def record(request, contract_id: int, payload: ChangeIn):
    contract = buyer_contract(request, contract_id)
    change = changes.record_change(
        contract=contract,
        by=request.user,
        kind=payload.kind,
        description=payload.description,
        value_after=payload.value_after,
        end_date_after=payload.end_date_after,
        option=_option(contract, payload.option_id),
        voluntary_standstill=payload.voluntary_standstill,
    )
    return Status(201, change)


@router.post(
    "/contracts/{contract_id}/changes/{number}/make",
    response={200: ChangeOut, **errors(*OWN_OBJECT_ERRORS, 409, 422)},
    operation_id="buyer_contract_changes_make",
    summary="Make a change whose voluntary standstill has ended",
    description="409 `invalid_state` when already made, before the standstill ends, or once "
    "the contract has ended.",
)
def make(request, contract_id: int, number: int):
    contract = buyer_contract(request, contract_id)
    change = get_object_or_404(ContractChange, contract=contract, number=number)
    return changes.make_change(change=change, by=request.user)


@router.post(
    "/contracts/{contract_id}/terminate",
    response={200: ContractEndOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_contract_terminate",
    summary="Terminate a contract early (buyer admins)",
    description="The supplier's performance up to termination is assessed and published (UK9, "
    "s.71), then the contract termination notice (UK11, s.80); the supplier is emailed. 409 "
    "`invalid_state` unless the contract is in force; 400 `invalid_termination` for a date "
    "after today or before signature.",
)
def terminate(request, contract_id: int, payload: TerminateIn):
    contract = buyer_contract(request, contract_id)
    return ending.terminate(
        contract=contract,
        by=request.user,
        reason=payload.reason,
        classification=payload.classification,
        terminated_on=payload.terminated_on,
        assessment=ending.AssessmentAtTermination(payload.rating, payload.narrative),
    )


@router.post(
    "/contracts/{contract_id}/complete",
    response={200: ContractEndOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_contract_complete",
    summary="Complete a live or expired contract with its final value",
    description="The supplier's performance up to `final_end_date` is assessed and published "
    "(UK9, s.71) unless an assessment already covers that period, then the contract "
    "termination notice (UK11) is published as a completion, with the contract completion "
    "extension's final value and end date. 409 `invalid_state` unless live or expired; 400 "
    "`invalid_completion` for a value of 0, a date after today or before the start, the "
    "assessment missing when due, or given when one already covers the period.",
)
def complete(request, contract_id: int, payload: CompleteIn):
    contract = buyer_contract(request, contract_id)
    return ending.complete(
        contract=contract,
        by=request.user,
        final_value=payload.final_value,
        final_end_date=payload.final_end_date,
        assessment=ending.AssessmentAtTermination(payload.rating or "", payload.narrative or ""),
    )


ROUTERS = [("/buyer", router)]
