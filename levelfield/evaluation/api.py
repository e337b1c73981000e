"""Evaluation for the buyer: assign evaluators, declare conflicts, open bids, score, moderate and
read the computed results.

Sealed bids: before the submission deadline every endpoint here that could show a bid answers
404 with code `sealed`, whatever the caller's role, and bids are only ever read from
`Bid.objects.unsealed_for_buyer(organisation)`.
"""

from django.shortcuts import get_object_or_404
from ninja import Router, Status

from levelfield.accounts.api_auth import api_auth
from levelfield.accounts.models import User
from levelfield.bids.models import Bid
from levelfield.bids.unsubmitted import complete_not_submitted
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, errors
from levelfield.core.errors import DomainError, PermissionDenied
from levelfield.tenders.api_common import buyer_tender, tender_question
from levelfield.tenders.models import Question, Tender

from . import actions
from .schemas import (
    AssignIn,
    AssignmentOut,
    CompleteNotSubmittedOut,
    ConflictDeclarationIn,
    DeclarationOut,
    EvaluationOut,
    ModerationIn,
    ModerationOut,
    OpenedBidOut,
    ScoreIn,
    ScoreOut,
)
from .selectors import tender_results

router = Router(auth=api_auth, tags=["Buyer: evaluation"])

SEALED_NOTE = (
    " Before the submission deadline this answers 404 with code `sealed` for every role and "
    "shows nothing of any bid."
)


class Sealed(DomainError):
    """Bids stay sealed until the submission deadline. 404, so nothing about them, not even
    whether any exist, is confirmed."""

    code = "sealed"
    status = 404


def _unsealed_tender(request, tender_id: int) -> Tender:
    tender = buyer_tender(request, tender_id)
    if not tender.bids_unsealed:
        raise Sealed("Bids stay sealed until the submission deadline has passed")
    return tender


def _opened_bids(tender: Tender):
    """The tender's bids the buyer may open: always through `unsealed_for_buyer`."""
    return Bid.objects.unsealed_for_buyer(tender.buyer).filter(lot__tender=tender)


def _opened_answer(
    request, tender_id: int, payload: ScoreIn | ModerationIn
) -> tuple[Bid, Question]:
    """The bid and question a score or moderation is about: a bid opened through
    `unsealed_for_buyer` (sealed before the deadline) and a question of the same tender."""
    tender = _unsealed_tender(request, tender_id)
    bid = get_object_or_404(_opened_bids(tender), pk=payload.bid_id)
    return bid, tender_question(tender, payload.question_id)


@router.post(
    "/tenders/{tender_id}/evaluators",
    response={201: AssignmentOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_evaluators_assign",
    summary="Assign an evaluator to a question",
    description="Buyer admins and officers. The evaluator must be on your organisation's "
    "staff. Assigning twice is harmless. Someone who declared a conflict of interest in the "
    "tender cannot be assigned: 409 `conflict_of_interest`.",
)
def assign(request, tender_id: int, payload: AssignIn):
    tender = buyer_tender(request, tender_id)
    question = tender_question(tender, payload.question_id)
    evaluator = get_object_or_404(
        User.objects.filter(memberships__organisation=tender.buyer).distinct(),
        pk=payload.evaluator_id,
    )
    assignment = actions.assign_evaluator(question=question, evaluator=evaluator, by=request.user)
    return Status(201, assignment)


@router.post(
    "/tenders/{tender_id}/declaration",
    response={201: DeclarationOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_evaluation_declare",
    summary="Declare whether you have a conflict of interest",
    description="Made once per tender by each evaluator, before any bid is shown to them. "
    "Declaring a conflict of interest ends your assignments on the tender's questions: "
    "`assignments_ended` lists them, each saying whether it now needs another evaluator, and "
    "the buyer's officers and admins are emailed.",
)
def declare(request, tender_id: int, payload: ConflictDeclarationIn):
    tender = buyer_tender(request, tender_id)
    declaration = actions.declare_conflict(
        tender=tender, by=request.user, has_conflict=payload.has_conflict, details=payload.details
    )
    return Status(201, declaration)


@router.get(
    "/tenders/{tender_id}/bids",
    response={200: list[OpenedBidOut], **errors(*OWN_OBJECT_ERRORS)},
    operation_id="buyer_bids_list",
    summary="The submitted bids, once opened",
    description="Price, answers and attachments of every submitted bid, for buyer admins and "
    "officers and for evaluators who have declared no conflict of interest (403 "
    "`forbidden` otherwise)." + SEALED_NOTE,
)
def bids(request, tender_id: int):
    tender = _unsealed_tender(request, tender_id)
    user = request.user
    if not (user.has_perm("evaluation.view_report", tender) or actions.may_see_bids(user, tender)):
        raise PermissionDenied("Declare that you have no conflict of interest to see the bids")
    return (
        _opened_bids(tender)
        .select_related("lot", "supplier")
        .prefetch_related("answers__question", "attachments")
        .order_by("lot__number", "id")
    )


@router.post(
    "/tenders/{tender_id}/scores",
    response={200: ScoreOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_scores_record",
    summary="Score an answer (assigned evaluators)",
    description="Your individual score on the published scale, with a justification. Scoring "
    "again replaces your score until the answer is moderated." + SEALED_NOTE,
)
def score(request, tender_id: int, payload: ScoreIn):
    bid, question = _opened_answer(request, tender_id, payload)
    return actions.score_answer(
        bid=bid,
        question=question,
        by=request.user,
        score=payload.score,
        justification=payload.justification,
    )


@router.post(
    "/tenders/{tender_id}/moderations",
    response={200: ModerationOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_moderations_record",
    summary="Record the agreed score for an answer",
    description="Buyer admins and officers, after every assigned evaluator has scored the "
    "answer. Only moderated scores count in the result." + SEALED_NOTE,
)
def moderate(request, tender_id: int, payload: ModerationIn):
    bid, question = _opened_answer(request, tender_id, payload)
    return actions.moderate(
        bid=bid,
        question=question,
        by=request.user,
        score=payload.score,
        rationale=payload.rationale,
    )


@router.get(
    "/tenders/{tender_id}/evaluation",
    response={200: EvaluationOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="buyer_evaluation_results",
    summary="The computed results, lot by lot",
    description="For buyer admins and officers. Each bid's points per question, price points "
    "(or price per quality point), total, rank, disqualification, abnormally-low flag and the "
    "arithmetic line by line. Points, prices and weights are strings with 2 decimal places; "
    "ranks and raw scale scores are whole numbers. Results appear when every answer is "
    "moderated; until then `missing` says what is left." + SEALED_NOTE,
)
def results(request, tender_id: int):
    tender = _unsealed_tender(request, tender_id)
    if not request.user.has_perm("evaluation.view_report", tender):
        raise PermissionDenied("Only buyer admins and officers can read the evaluation results")
    return {
        "tender_id": tender.pk,
        "reference": tender.reference,
        "status": tender.status,
        "lots": tender_results(tender),
    }


@router.get(
    "/tenders/{tender_id}/complete-not-submitted",
    response={200: CompleteNotSubmittedOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="buyer_bids_complete_not_submitted",
    summary="Complete, not submitted: who had a complete bid on a lot and did not submit it",
    description="For buyer admins and officers, after the submission deadline. A bid not "
    "submitted (a draft, or a bid withdrawn and not submitted again) is never opened: only the "
    "supplier's name and the lot are given, never its price, answers, files or times. It is "
    "not part of the evaluation. Evaluators: 403 `forbidden`." + SEALED_NOTE,
)
def complete_not_submitted_list(request, tender_id: int):
    tender = _unsealed_tender(request, tender_id)
    if not request.user.has_perm("evaluation.view_report", tender):
        raise PermissionDenied("Only buyer admins and officers can see bids not submitted")
    return complete_not_submitted(tender, tender.buyer)
