"""Clarification questions: the buyer's list and answer (publishing the question as asked,
edited or withheld, and emailing every interested supplier), and a supplier's own questions.
The question as asked and who asked are given only to those who answer (rules
`tenders.see_clarification_asker`)."""

from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from levelfield.accounts.api_auth import acting_supplier, api_auth
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, SIGNED_IN_ERRORS, Pages, errors

from . import actions_clarify, selectors
from .api_common import buyer_tender
from .schemas_clarify import BuyerClarificationOut, ClarificationAnswerIn, OwnClarificationOut
from .selectors_clarify import answers_questions, buyer_clarifications

router = Router(auth=api_auth, tags=["Buyer: tenders"])
supplier_router = Router(auth=api_auth, tags=["Supplier: clarification questions"])
ROUTERS = (("/buyer", router), ("/supplier", supplier_router))


def _shown(clarifications, *, answerer: bool):
    for clarification in clarifications:
        clarification.for_answerer = answerer
    return clarifications


@router.get(
    "/tenders/{tender_id}/clarifications",
    response={200: list[BuyerClarificationOut], **errors(*OWN_OBJECT_ERRORS)},
    operation_id="buyer_clarifications_list",
    summary="Clarification questions asked about a tender",
    description="For buyer admins and officers, who answer: every question, unanswered first, "
    "then oldest first, with the question as asked and who asked (`asked_by`, never "
    "published). For evaluators: the answered questions as published, with `question` and "
    "`asked_by` null.",
)
def clarifications(request, tender_id: int):
    tender = buyer_tender(request, tender_id)
    answerer = answers_questions(request.user, tender)
    return _shown(list(buyer_clarifications(tender, answerer=answerer)), answerer=answerer)


@router.post(
    "/tenders/{tender_id}/clarifications/{clarification_id}/answer",
    response={200: BuyerClarificationOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_clarifications_answer",
    summary="Answer a clarification question and publish it to everyone",
    description="Publishes the question as asked, edited (`published_question`) or withheld "
    "(`withhold_question`) with the answer, and emails both, never who asked, to every "
    "interested supplier. 422 `validation_error` for an empty answer (or one over 20,000 "
    "characters); 400 `validation_error` for an answer of spaces only, a published question "
    "empty or of spaces only, or an edited question sent with `withhold_question`; 409 "
    "`invalid_state` for a question already answered or a tender not published; 403 "
    "`forbidden` for evaluators.",
)
def answer(request, tender_id: int, clarification_id: int, payload: ClarificationAnswerIn):
    tender = buyer_tender(request, tender_id)
    clarification = get_object_or_404(
        buyer_clarifications(tender, answerer=True), pk=clarification_id
    )
    clarification = actions_clarify.answer_clarification(
        clarification=clarification,
        by=request.user,
        answer=payload.answer,
        published_question=payload.published_question,
        withhold_question=payload.withhold_question,
    )
    return _shown([clarification], answerer=True)[0]


@supplier_router.get(
    "/questions",
    response={200: list[OwnClarificationOut], **errors(*SIGNED_IN_ERRORS)},
    operation_id="supplier_clarifications_list",
    summary="Your organisation's clarification questions",
    description="Newest first, each as asked and, once answered, as the buyer published it. "
    "Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def own_questions(request):
    return selectors.clarifications_asked_by(acting_supplier(request))


@supplier_router.get(
    "/questions/{clarification_id}",
    response={200: OwnClarificationOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="supplier_clarifications_get",
    summary="One of your organisation's clarification questions",
    description="Another organisation's question is 404 `not_found`.",
)
def own_question(request, clarification_id: int):
    return get_object_or_404(
        selectors.clarifications_asked_by(acting_supplier(request)), pk=clarification_id
    )
