from django.conf import settings
from django.db import models

from levelfield.bids.models import Bid
from levelfield.tenders.models import Question, Tender


class EvaluatorAssignment(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="assignments")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()

    class Meta:
        ordering = ["question__lot__number", "question__number", "evaluator__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["question", "evaluator"], name="one_assignment")
        ]


class ConflictDeclaration(models.Model):
    """Made by each evaluator, for a tender, before any bid is shown to them."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="declarations")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    has_conflict = models.BooleanField()
    details = models.TextField(blank=True)
    declared_at = models.DateTimeField()
    # The questions the evaluator was assigned to when they declared a conflict: those
    # assignments ended with the declaration (each with an `evaluation.unassigned` audit event),
    # and the buyer is asked to find another evaluator for any left with none.
    withdrawn_from = models.ManyToManyField(Question, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tender", "evaluator"], name="one_declaration")
        ]


class Score(models.Model):
    """One evaluator's individual score for one answer, with a written justification."""

    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="scores")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="scores")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField()
    justification = models.TextField()
    scored_at = models.DateTimeField()

    class Meta:
        ordering = ["question__number", "evaluator__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "question", "evaluator"], name="one_score")
        ]


class ModeratedScore(models.Model):
    """The score agreed at moderation. Only these count in the result."""

    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="moderated_scores")
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="moderated_scores"
    )
    score = models.PositiveSmallIntegerField()
    rationale = models.TextField()
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField()

    class Meta:
        ordering = ["question__number"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "question"], name="one_moderated_score")
        ]
