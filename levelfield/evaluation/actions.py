"""Evaluation: assign evaluators, declare conflicts, score with justification, moderate."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from levelfield.accounts.models import BUYER_ROLES, Membership, Role
from levelfield.bids.models import Bid
from levelfield.core import audit, clock
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.notify import email_on_commit
from levelfield.core.permissions import require
from levelfield.tenders.lifecycle import Status as TenderStatus
from levelfield.tenders.models import Question, Tender

from .models import ConflictDeclaration, EvaluatorAssignment, ModeratedScore, Score


def _require_evaluation(tender: Tender) -> None:
    if tender.status != TenderStatus.EVALUATION:
        raise InvalidTransition("This tender is not in evaluation")


@transaction.atomic
def assign_evaluator(*, question: Question, evaluator, by) -> EvaluatorAssignment:
    tender = Tender.objects.get(pk=question.lot.tender_id)
    require(by, "evaluation.assign_evaluators", tender)
    if tender.status not in {TenderStatus.PUBLISHED, TenderStatus.EVALUATION}:
        raise InvalidTransition("Evaluators can be assigned only before the award decision")
    if not Membership.objects.filter(
        user=evaluator, organisation=tender.buyer, role__in=BUYER_ROLES
    ).exists():
        raise DomainError(f"{evaluator} is not on {tender.buyer}'s staff", code="validation_error")
    # Locks the tender, as a declaration does, so no one is assigned while they declare.
    Tender.objects.select_for_update().get(pk=tender.pk)
    if ConflictDeclaration.objects.filter(
        tender=tender, evaluator=evaluator, has_conflict=True
    ).exists():
        raise InvalidTransition(
            f"{evaluator} declared a conflict of interest in this tender and cannot evaluate it",
            code="conflict_of_interest",
        )
    assignment, created = EvaluatorAssignment.objects.get_or_create(
        question=question,
        evaluator=evaluator,
        defaults={"assigned_by": by, "assigned_at": clock.now()},
    )
    if created:
        audit.record(
            action="evaluation.assigned",
            obj=question,
            actor=by,
            organisation=tender.buyer,
            evaluator=evaluator.pk,
        )
        email_on_commit(
            to=evaluator.email,
            subject=f"Evaluation of {tender.reference}",
            body=f"You have been asked to evaluate question {question.number} of "
            f"lot {question.lot.number} of {tender.title}. Declare any conflict "
            "of interest on levelfield before you see the bids.",
        )
    return assignment


@transaction.atomic
def unassign_evaluator(*, assignment: EvaluatorAssignment, by) -> None:
    tender = assignment.question.lot.tender
    require(by, "evaluation.assign_evaluators", tender)
    if Score.objects.filter(question=assignment.question, evaluator=assignment.evaluator).exists():
        raise InvalidTransition("This evaluator has already scored; their scores stay on record")
    _end_assignment(assignment, by=by, organisation=tender.buyer)


def _end_assignment(assignment: EvaluatorAssignment, *, by, organisation, **reason) -> None:
    """The assignment ends: its audit event keeps who was on which question, and who ended it."""
    audit.record(
        action="evaluation.unassigned",
        obj=assignment.question,
        actor=by,
        organisation=organisation,
        evaluator=assignment.evaluator_id,
        **reason,
    )
    assignment.delete()


@transaction.atomic
def declare_conflict(
    *, tender: Tender, by, has_conflict: bool, details: str = ""
) -> ConflictDeclaration:
    """An evaluator declares whether they have a conflict of interest, before seeing bids."""
    require(by, "evaluation.declare_conflict", tender)
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if ConflictDeclaration.objects.filter(tender=tender, evaluator=by).exists():
        raise InvalidTransition("You have already made your declaration for this tender")
    if has_conflict and not details.strip():
        raise DomainError("Describe the conflict of interest", code="validation_error")
    declaration = ConflictDeclaration.objects.create(
        tender=tender,
        evaluator=by,
        has_conflict=has_conflict,
        details=details.strip(),
        declared_at=clock.now(),
    )
    audit.record(
        action="evaluation.declared",
        obj=tender,
        actor=by,
        organisation=tender.buyer,
        has_conflict=has_conflict,
    )
    if has_conflict:
        _withdraw_for_conflict(declaration)
    return declaration


def _withdraw_for_conflict(declaration: ConflictDeclaration) -> None:
    """A conflicted evaluator leaves every question of the tender they were assigned to, so
    moderation no longer waits for scores they cannot give, and the buyer's officers and admins
    are emailed to find another evaluator where none is left."""
    tender, evaluator = declaration.tender, declaration.evaluator
    assignments = list(
        EvaluatorAssignment.objects.filter(question__lot__tender=tender, evaluator=evaluator)
        .select_related("question__lot")
        .order_by("question__lot__number", "question__number")
    )
    left = [a.question for a in assignments]
    for assignment in assignments:
        _end_assignment(
            assignment, by=evaluator, organisation=tender.buyer, reason="conflict_of_interest"
        )
    declaration.withdrawn_from.set(left)
    still_covered = set(
        EvaluatorAssignment.objects.filter(question__in=left).values_list("question_id", flat=True)
    )
    uncovered = [q for q in left if q.pk not in still_covered]
    lines = [
        f"{evaluator} declared a conflict of interest in {tender.reference}: {tender.title}. "
        "They cannot evaluate this tender or see its bids."
    ]
    if left:
        lines.append("They no longer evaluate " + _question_names(left) + ".")
    if uncovered:
        lines.append(
            "No evaluator is left on "
            + _question_names(uncovered)
            + ". Choose another evaluator: "
            + settings.SITE_URL
            + reverse("evaluation:assign", args=[tender.pk])
        )
    recipients = (
        tender.buyer.memberships.filter(role__in=[Role.BUYER_ADMIN, Role.BUYER_OFFICER])
        .exclude(user=evaluator)
        .values_list("user__email", flat=True)
        .order_by("user__email")
        .distinct()
    )
    for email in recipients:
        email_on_commit(
            to=email,
            subject=f"Conflict of interest declared on {tender.reference}",
            body="\n\n".join(lines),
        )


def _question_names(questions: list[Question]) -> str:
    return "; ".join(f"lot {q.lot.number}, question {q.number}" for q in questions)


def may_see_bids(user, tender: Tender) -> bool:
    """An evaluator sees bids only after declaring no conflict."""
    return ConflictDeclaration.objects.filter(
        tender=tender, evaluator=user, has_conflict=False
    ).exists()


def _score_in_scale(question: Question, score: int) -> None:
    if score not in question.allowed_scores:
        allowed = ", ".join(str(s) for s in question.allowed_scores)
        raise DomainError(
            f"Choose a score from the published scale: {allowed}", code="validation_error"
        )


@transaction.atomic
def score_answer(*, bid: Bid, question: Question, by, score: int, justification: str) -> Score:
    tender = Tender.objects.get(pk=question.lot.tender_id)
    _require_evaluation(tender)
    if bid.lot_id != question.lot_id or bid not in Bid.objects.unsealed_for_buyer(tender.buyer):
        raise DomainError("That bid is not part of this evaluation", code="not_found")
    require(
        by, "evaluation.score_question", question, "You are not assigned to evaluate this question"
    )
    if not may_see_bids(by, tender):
        raise PermissionDenied("Declare that you have no conflict of interest before scoring")
    if ModeratedScore.objects.filter(bid=bid, question=question).exists():
        raise InvalidTransition("This answer has been moderated; scores can no longer change")
    _score_in_scale(question, score)
    if not justification.strip():
        raise DomainError("Write a justification for your score", code="validation_error")
    record, _ = Score.objects.update_or_create(
        bid=bid,
        question=question,
        evaluator=by,
        defaults={"score": score, "justification": justification.strip(), "scored_at": clock.now()},
    )
    audit.record(
        action="evaluation.scored",
        obj=record,
        actor=by,
        organisation=tender.buyer,
        bid=bid.pk,
        question=question.number,
        score=score,
    )
    return record


@transaction.atomic
def moderate(*, bid: Bid, question: Question, by, score: int, rationale: str) -> ModeratedScore:
    """Record the agreed score, after every assigned evaluator has scored the answer."""
    tender = Tender.objects.get(pk=question.lot.tender_id)
    require(by, "evaluation.moderate", tender)
    _require_evaluation(tender)
    if bid.lot_id != question.lot_id or bid not in Bid.objects.unsealed_for_buyer(tender.buyer):
        raise DomainError("That bid is not part of this evaluation", code="not_found")
    assigned = set(question.assignments.values_list("evaluator_id", flat=True))
    if not assigned:
        raise InvalidTransition("Assign at least one evaluator to this question first")
    scored = set(
        Score.objects.filter(bid=bid, question=question).values_list("evaluator_id", flat=True)
    )
    if assigned - scored:
        raise InvalidTransition("Every assigned evaluator must score this answer before moderation")
    _score_in_scale(question, score)
    if not rationale.strip():
        raise DomainError("Record why this score was agreed", code="validation_error")
    record, _ = ModeratedScore.objects.update_or_create(
        bid=bid,
        question=question,
        defaults={
            "score": score,
            "rationale": rationale.strip(),
            "moderated_by": by,
            "moderated_at": clock.now(),
        },
    )
    audit.record(
        action="evaluation.moderated",
        obj=record,
        actor=by,
        organisation=tender.buyer,
        bid=bid.pk,
        question=question.number,
        score=score,
    )
    return record
