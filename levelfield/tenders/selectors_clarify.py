"""Reads of clarification questions for the buyer's staff. The question as asked and who asked
are for those who answer (buyer admins and officers) only; other staff (evaluators) read the
answered questions as they were published. (A supplier's own questions:
selectors.clarifications_asked_by.)"""

from django.db.models import F, QuerySet

from .models import Clarification, Tender


def answers_questions(user, tender: Tender) -> bool:
    """Whether `user` answers `tender`'s questions, and so sees each as asked and who asked it
    (rules: tenders.see_clarification_asker); evaluators do not, so no bidder's questions
    colour the evaluation."""
    return user.has_perm("tenders.see_clarification_asker", tender)


def buyer_clarifications(tender: Tender, *, answerer: bool) -> QuerySet[Clarification]:
    """A tender's questions for its buyer's staff. For those who answer: every question,
    unanswered first, then oldest first, with who asked. For anyone else: the published ones
    only, without loading the question as asked or who asked it."""
    questions = tender.clarifications.select_related("answered_by").order_by(
        F("answered_at").asc(nulls_first=True), "asked_at", "id"
    )
    if answerer:
        return questions.select_related("asked_by_organisation", "asked_by")
    return questions.published().defer("question", "asked_by_organisation", "asked_by")
