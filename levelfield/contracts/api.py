"""Award and contract for the buyer: confirm the award, publish the award notice, record and
sign the contract. Each endpoint calls the contracts action that does it."""

from django.shortcuts import get_object_or_404
from ninja import Router, Status

from levelfield.accounts.api_auth import api_auth
from levelfield.bids.models import Bid
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, errors
from levelfield.core.errors import DomainError, PermissionDenied
from levelfield.suppliers import selectors as supplier_selectors
from levelfield.tenders.api_common import buyer_tender, tender_lot

from . import actions
from .models import AwardDecision, Contract
from .schemas import (
    AwardIn,
    AwardNoticeIn,
    AwardNoticeOut,
    AwardOut,
    BidExclusionChecksOut,
    ContractIn,
    ContractOut,
)

router = Router(auth=api_auth, tags=["Buyer: award and contracts"])


@router.post(
    "/tenders/{tender_id}/award",
    response={200: AwardOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="buyer_award_confirm",
    summary="Confirm the award decision (buyer admins)",
    description="The winner of each lot is its rank-1 bid. Where bids are still level after "
    "the published tie-break, give `choices` and a `reason` (400 `tie_unresolved` otherwise). "
    "Every bidder gets its assessment summary. Evaluation must be finished (409).",
)
def award(request, tender_id: int, payload: AwardIn):
    tender = buyer_tender(request, tender_id)
    choices = {choice.lot_id: choice.bid_id for choice in payload.choices}
    decisions = actions.confirm_award(
        tender=tender, by=request.user, choices=choices, reason=payload.reason
    )
    tender.refresh_from_db()
    decided = AwardDecision.objects.filter(pk__in=[d.pk for d in decisions]).select_related(
        "lot", "winning_bid__supplier"
    )
    return {"tender_id": tender.pk, "status": tender.status, "decisions": decided}


class _Sealed(DomainError):
    code = "sealed"
    status = 404


@router.get(
    "/tenders/{tender_id}/exclusion-checks",
    response={200: list[BidExclusionChecksOut], **errors(*OWN_OBJECT_ERRORS)},
    operation_id="buyer_exclusion_checks",
    summary="The exclusion declarations each opened bid carried",
    description="For buyer admins and officers, once bids are unsealed (404 `sealed` before "
    "the submission deadline). For each submitted bid: the declaration of the bidder, or of "
    "each consortium member, and of each subcontractor relied on (associated persons, "
    "Procurement Act 2023 s.26), as attached at submission, with the grounds declared to apply; "
    "and any declaration made since, to weigh before the award (s.57).",
)
def exclusion_checks(request, tender_id: int):
    tender = buyer_tender(request, tender_id)
    if not request.user.has_perm("evaluation.view_report", tender):
        raise PermissionDenied("Only buyer admins and officers can read the exclusion checks")
    if not tender.bids_unsealed:
        raise _Sealed("Bids stay sealed until the submission deadline has passed")
    bids = list(
        Bid.objects.unsealed_for_buyer(tender.buyer)
        .filter(lot__tender=tender)
        .select_related("supplier", "lot")
        .order_by("lot__number", "supplier__name", "id")
    )
    checks = supplier_selectors.exclusion_checks(bids)
    return [
        {
            "bid_id": bid.pk,
            "lot_number": bid.lot.number,
            "supplier": bid.supplier.name,
            "checks": checks[bid.pk],
        }
        for bid in bids
    ]


@router.post(
    "/tenders/{tender_id}/award-notice",
    response={200: AwardNoticeOut, **errors(*OWN_OBJECT_ERRORS, 400, 409)},
    operation_id="buyer_award_notice_publish",
    summary="Publish the award notice and start the standstill period",
    description="At least 8 working days (Procurement Act 2023 s.51); an earlier "
    "`standstill_ends_at` is refused with 400 `standstill_too_short`.",
)
def award_notice(request, tender_id: int, payload: AwardNoticeIn):
    tender = buyer_tender(request, tender_id)
    return actions.publish_award_notice(
        tender=tender, by=request.user, standstill_ends_at=payload.standstill_ends_at
    )


@router.post(
    "/tenders/{tender_id}/lots/{lot_id}/contract",
    response={201: ContractOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_contracts_record",
    summary="Record the contract for an awarded lot, after standstill",
    description="Refused with 409 `standstill_running` before the standstill period ends.",
)
def record_contract(request, tender_id: int, lot_id: int, payload: ContractIn):
    lot = tender_lot(buyer_tender(request, tender_id), lot_id)
    contract = actions.record_contract(lot=lot, by=request.user, **payload.model_dump())
    return Status(201, contract)


@router.post(
    "/tenders/{tender_id}/contracts/{contract_id}/sign",
    response={200: ContractOut, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="buyer_contracts_sign",
    summary="Record that the contract is signed (buyer admins)",
    description="When every awarded lot's contract is signed the tender is complete.",
)
def sign(request, tender_id: int, contract_id: int):
    tender = buyer_tender(request, tender_id)
    contract = get_object_or_404(
        Contract.objects.filter(lot__tender=tender).select_related("lot__tender__buyer"),
        pk=contract_id,
    )
    return actions.sign_contract(contract=contract, by=request.user)
