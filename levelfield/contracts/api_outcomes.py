"""Outcomes and payment by results in the API: for the buyer, the outcome measure, outcomes
recorded, cost per outcome and its comparison across contracts, priced outcomes, and the
decision on each claim; for the supplier, priced outcomes and claims with evidence. Each
endpoint finds its contract with `api_common` and calls the action that does it; the action
checks permission and state."""

from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from levelfield.accounts.api_auth import acting_buyer, api_auth
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, SIGNED_IN_ERRORS, Pages, errors
from levelfield.core.errors import PermissionDenied

from . import selectors_kpis
from .actions import outcomes as outcome_actions
from .api_common import buyer_contract, supplier_contract
from .models.performance import ClaimStatus, OutcomeRecord, PricedOutcome
from .schemas_kpis import (
    ClaimRejectIn,
    OutcomeClaimIn,
    OutcomeClaimOut,
    OutcomeComparisonOut,
    OutcomeMeasureIn,
    OutcomeRecordIn,
    OutcomeRecordOut,
    OutcomesOut,
    PricedOutcomeIn,
    PricedOutcomeOut,
)

router = Router(auth=api_auth, tags=["Buyer: KPIs, performance and outcomes"])
supplier_router = Router(auth=api_auth, tags=["Supplier: KPI reports and outcome claims"])

MANAGERS = "For admins, officers and the contract manager (403 otherwise)."
RULES = "400 with the rule's code for a value that breaks a rule (the message says which)."
ENDED = "409 `invalid_state` once the contract has ended (or before it is signed, for outcomes)."


# --- Buyer: outcomes and payment by results ----------------------------------------------------


def _outcomes_out(contract) -> dict:
    summary = selectors_kpis.outcome_summary(contract)
    return {
        "measure": summary.measure,
        "paid": summary.paid,
        "delivered": summary.delivered,
        "cost_per_outcome": summary.cost,
        "records": summary.records,
    }


@router.get(
    "/contracts/{contract_id}/outcomes",
    response={200: OutcomesOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="buyer_contract_outcomes",
    summary="The outcome measure, outcomes recorded, amount paid and cost per outcome",
)
def outcome_get(request, contract_id: int):
    return _outcomes_out(buyer_contract(request, contract_id))


@router.put(
    "/contracts/{contract_id}/outcomes/measure",
    response={200: OutcomesOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_contract_outcome_measure",
    summary="Set the contract's outcome measure",
    description=f"{MANAGERS} 409 `invalid_state` once the contract has ended.",
)
def outcome_measure(request, contract_id: int, payload: OutcomeMeasureIn):
    contract = outcome_actions.set_outcome_measure(
        contract=buyer_contract(request, contract_id), by=request.user, measure=payload.measure
    )
    return _outcomes_out(contract)


@router.post(
    "/contracts/{contract_id}/outcomes/records",
    response={201: OutcomeRecordOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_contract_outcome_records_add",
    summary="Record the outcomes delivered in a period",
    description=f"{MANAGERS} 400 `no_measure` without an outcome measure. {RULES} {ENDED}",
)
def outcome_record(request, contract_id: int, payload: OutcomeRecordIn):
    record = outcome_actions.record_outcomes(
        contract=buyer_contract(request, contract_id), by=request.user, **payload.model_dump()
    )
    return Status(201, record)


@router.delete(
    "/contracts/{contract_id}/outcomes/records/{record_id}",
    response={204: None, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="buyer_contract_outcome_records_remove",
    summary="Remove an outcome record entered by mistake",
    description=f"{MANAGERS} {ENDED}",
)
def outcome_record_remove(request, contract_id: int, record_id: int):
    contract = buyer_contract(request, contract_id)
    record = get_object_or_404(OutcomeRecord.objects.filter(contract=contract), pk=record_id)
    record.contract = contract
    outcome_actions.remove_outcome_record(record=record, by=request.user)
    return Status(204, None)


@router.get(
    "/outcomes/compare",
    response={200: list[OutcomeComparisonOut], **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="buyer_outcomes_compare",
    summary="Cost per outcome across the buyer's contracts, by measure",
    description="Contracts with an outcome measure, grouped by it, cheapest outcome first; "
    "`measure` keeps one (any case).",
)
def compare(request, measure: str = ""):
    buyer = acting_buyer(request)
    if not request.user.has_perm("contracts.view_register", buyer):
        raise PermissionDenied("Only the buyer's staff can compare its contracts")
    return [
        {
            "measure": group.measure,
            "contracts": [
                {
                    "contract_id": c.pk,
                    "reference": c.reference,
                    "title": c.title,
                    "supplier": c.supplier.name,
                    "paid": c.paid,
                    "delivered": c.delivered,
                    "cost_per_outcome": c.cost,
                }
                for c in group.contracts
            ],
        }
        for group in selectors_kpis.compare_by_measure(buyer, measure=measure[:100])
    ]


@router.get(
    "/contracts/{contract_id}/priced-outcomes",
    response={200: list[PricedOutcomeOut], **errors(*OWN_OBJECT_ERRORS)},
    operation_id="buyer_contract_priced_outcomes_list",
    summary="Outcomes paid for by results, with totals claimed, validated and remaining",
)
def priced_list(request, contract_id: int):
    return selectors_kpis.priced_outcomes(buyer_contract(request, contract_id))


def _priced_out(contract, outcome_id: int):
    return next(o for o in selectors_kpis.priced_outcomes(contract) if o.pk == outcome_id)


@router.post(
    "/contracts/{contract_id}/priced-outcomes",
    response={201: PricedOutcomeOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_contract_priced_outcomes_add",
    summary="Price an outcome the contract pays for by results, with its budget",
    description=f"{MANAGERS} {RULES} 409 `invalid_state` once the contract has ended.",
)
def priced_add(request, contract_id: int, payload: PricedOutcomeIn):
    contract = buyer_contract(request, contract_id)
    outcome = outcome_actions.add_priced_outcome(
        contract=contract, by=request.user, **payload.model_dump()
    )
    return Status(201, _priced_out(contract, outcome.pk))


def _claims(contract, status: str):
    if status and status not in ClaimStatus.values:
        return selectors_kpis.claims_for(contract).none()
    return selectors_kpis.claims_for(contract, status=status)


@router.get(
    "/contracts/{contract_id}/claims",
    response={200: list[OutcomeClaimOut], **errors(*OWN_OBJECT_ERRORS, 422)},
    operation_id="buyer_contract_claims_list",
    summary="The supplier's outcome claims, newest first",
    description="`status` keeps `claimed`, `validated` or `rejected` ones. Paginated with "
    "`limit` and `offset`.",
)
@paginate(Pages)
def claim_list(request, contract_id: int, status: str = ""):
    return _claims(buyer_contract(request, contract_id), status)


def _claim(contract, claim_id: int):
    return get_object_or_404(selectors_kpis.claims_for(contract), pk=claim_id)


@router.post(
    "/contracts/{contract_id}/claims/{claim_id}/validate",
    response={200: OutcomeClaimOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="buyer_contract_claims_validate",
    summary="Validate a claim: an invoice for it is recorded, received today",
    description=f"{MANAGERS} 409 `invalid_state` for a claim already decided; 400 "
    "`validation_error` if its invoice cannot be recorded.",
)
def claim_validate(request, contract_id: int, claim_id: int):
    contract = buyer_contract(request, contract_id)
    claim = outcome_actions.validate_claim(claim=_claim(contract, claim_id), by=request.user)
    return _claim(contract, claim.pk)


@router.post(
    "/contracts/{contract_id}/claims/{claim_id}/reject",
    response={200: OutcomeClaimOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_contract_claims_reject",
    summary="Reject a claim with a reason; the supplier is emailed it",
    description=f"{MANAGERS} 400 `reason_required` without a reason; 409 `invalid_state` for "
    "a claim already decided.",
)
def claim_reject(request, contract_id: int, claim_id: int, payload: ClaimRejectIn):
    contract = buyer_contract(request, contract_id)
    claim = outcome_actions.reject_claim(
        claim=_claim(contract, claim_id), by=request.user, reason=payload.reason
    )
    return _claim(contract, claim.pk)


# --- Supplier ----------------------------------------------------------------------------------


@supplier_router.get(
    "/contracts/{contract_id}/priced-outcomes",
    response={200: list[PricedOutcomeOut], **errors(*OWN_OBJECT_ERRORS)},
    operation_id="supplier_contract_priced_outcomes_list",
    summary="The outcomes the buyer pays for by results, with totals against each budget",
)
def supplier_priced(request, contract_id: int):
    return selectors_kpis.priced_outcomes(supplier_contract(request, contract_id))


@supplier_router.get(
    "/contracts/{contract_id}/claims",
    response={200: list[OutcomeClaimOut], **errors(*OWN_OBJECT_ERRORS, 422)},
    operation_id="supplier_contract_claims_list",
    summary="Your outcome claims, newest first",
    description="`status` keeps `claimed`, `validated` or `rejected` ones. Paginated with "
    "`limit` and `offset`.",
)
@paginate(Pages)
def supplier_claims(request, contract_id: int, status: str = ""):
    return _claims(supplier_contract(request, contract_id), status)


@supplier_router.post(
    "/contracts/{contract_id}/priced-outcomes/{outcome_id}/claims",
    response={201: OutcomeClaimOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="supplier_contract_claims_add",
    summary="Claim outcomes achieved in a period, with evidence (multipart form)",
    description="Fields `period_start`, `period_end` (YYYY-MM-DD), `quantity`, `narrative` and "
    "the file `evidence` (required when the outcome asks for evidence: 400 "
    "`evidence_required`). 400 `over_budget` for a claim that, with those awaiting a decision "
    "and those validated, would exceed the outcome's budget. 409 `invalid_state` once the "
    "contract has ended.",
)
def supplier_claim(
    request,
    contract_id: int,
    outcome_id: int,
    payload: Form[OutcomeClaimIn],
    # ninja reads a None default as an optional part (it makes the type Optional itself); its
    # File alias for type checkers has no None. `File[UploadedFile | None]` would document null
    # and `File[UploadedFile] | None` would make it a query parameter.
    evidence: File[UploadedFile] = None,  # type: ignore[assignment]
):
    contract = supplier_contract(request, contract_id)
    outcome = get_object_or_404(PricedOutcome.objects.filter(contract=contract), pk=outcome_id)
    outcome.contract = contract
    claim = outcome_actions.claim_outcome(
        outcome=outcome, by=request.user, evidence=evidence, **payload.model_dump()
    )
    return Status(201, _claim(contract, claim.pk))
