"""Reads for evaluation: the computed result for each lot, built from moderated scores of bids
the buyer may open. Nothing here can see a sealed bid."""

from dataclasses import dataclass, field
from typing import Protocol, cast

from django.db.models import Count, Prefetch, QuerySet

from levelfield.bids.models import Bid
from levelfield.tenders.models import Lot, Question, Tender

from . import scoring
from .models import ConflictDeclaration, ModeratedScore


@dataclass
class LotResult:
    lot: Lot
    criteria: scoring.LotCriteria
    results: list[scoring.BidResult] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    bids: list[Bid] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def winner(self) -> scoring.BidResult | None:
        top = [r for r in self.results if r.rank == 1]
        return top[0] if len(top) == 1 else None

    @property
    def tied_at_top(self) -> list[scoring.BidResult]:
        top = [r for r in self.results if r.rank == 1]
        return top if len(top) > 1 else []


def criteria_for(lot: Lot) -> scoring.LotCriteria:
    return scoring.LotCriteria(
        price_weight=lot.price_weight,
        price_formula=lot.price_formula,
        tie_break=lot.tie_break,
        quality_threshold=lot.quality_threshold,
        questions=tuple(
            scoring.QuestionSpec(
                id=q.pk, number=q.number, kind=q.kind, weight=q.weight, max_score=q.max_score
            )
            for q in lot.questions.all()
        ),
    )


def lot_result(lot: Lot) -> LotResult:
    tender = lot.tender
    criteria = criteria_for(lot)
    bids = list(
        Bid.objects.unsealed_for_buyer(tender.buyer)
        .filter(lot=lot)
        .select_related("supplier")
        .order_by("id")
    )
    agreed: dict[int, dict[int, int]] = {}
    for moderated in ModeratedScore.objects.filter(bid__in=bids):
        agreed.setdefault(moderated.bid_id, {})[moderated.question_id] = moderated.score
    result = LotResult(lot=lot, criteria=criteria, bids=bids)
    for bid in bids:
        for question in criteria.questions:
            if question.id not in agreed.get(bid.pk, {}):
                result.missing.append(f"{bid.supplier}: Q{question.number} not moderated")
    if result.complete:
        inputs = [
            scoring.BidInput(
                id=b.pk, name=str(b.supplier), price=b.price, scores=agreed.get(b.pk, {})
            )
            for b in bids
        ]
        result.results = scoring.evaluate(criteria, inputs)
    return result


def tender_results(tender: Tender) -> list[LotResult]:
    if not tender.bids_unsealed:
        return []
    lots = tender.lots.prefetch_related("questions").select_related("tender__buyer")
    return [lot_result(lot) for lot in lots]


@dataclass
class Withdrawal:
    """A question an evaluator left when they declared a conflict of interest."""

    question: Question
    needs_evaluator: bool

    @property
    def question_id(self) -> int:
        return self.question.pk

    @property
    def question_number(self) -> int:
        return self.question.number

    @property
    def lot_number(self) -> int:
        return self.question.lot.number


class _EvaluatorCount(Protocol):
    """A question as _with_evaluator_count reads it (directly, or through a Prefetch)."""

    evaluators: int  # its assignments


def _with_evaluator_count(questions: QuerySet[Question]) -> QuerySet[Question]:
    return (
        questions.select_related("lot")
        .annotate(evaluators=Count("assignments"))
        .order_by("lot__number", "number")
    )


def withdrawals(declaration: ConflictDeclaration) -> list[Withdrawal]:
    """The questions a conflicted evaluator left, each saying whether it now has no evaluator."""
    if "withdrawn_from" in getattr(declaration, "_prefetched_objects_cache", {}):
        questions = declaration.withdrawn_from.all()  # through _with_evaluator_count
    else:
        questions = _with_evaluator_count(declaration.withdrawn_from.all())
    return [
        Withdrawal(question=q, needs_evaluator=cast(_EvaluatorCount, q).evaluators == 0)
        for q in questions
    ]


@dataclass
class Conflict:
    declaration: ConflictDeclaration
    withdrawals: list[Withdrawal]


@dataclass
class Conflicts:
    """What the buyer is told about conflicts of interest that took evaluators off questions."""

    conflicts: list[Conflict]

    @property
    def needing_evaluator(self) -> list[Question]:
        """Questions left by a conflicted evaluator that have no evaluator now."""
        seen: dict[int, Question] = {}
        for conflict in self.conflicts:
            for w in conflict.withdrawals:
                if w.needs_evaluator:
                    seen.setdefault(w.question.pk, w.question)
        return sorted(seen.values(), key=lambda q: (q.lot.number, q.number))

    def __bool__(self) -> bool:
        return bool(self.conflicts)


def conflicts_for_buyer(tender: Tender) -> Conflicts:
    """Every conflict of interest declared on the tender that ended someone's assignments."""
    declarations = (
        ConflictDeclaration.objects.filter(tender=tender, has_conflict=True)
        .select_related("evaluator")
        .prefetch_related(
            Prefetch("withdrawn_from", queryset=_with_evaluator_count(Question.objects.all()))
        )
        .order_by("declared_at", "pk")
    )
    conflicts = [Conflict(declaration=d, withdrawals=withdrawals(d)) for d in declarations]
    return Conflicts([c for c in conflicts if c.withdrawals])


def moderated_reasons(bids) -> dict[tuple[int, int], str]:
    """The reasons agreed at moderation for each (bid id, question id): what the assessment
    summary gives a bidder beside each score (Procurement Act 2023 s.50, Procurement
    Regulations 2024 reg. 31)."""
    return {
        (m.bid_id, m.question_id): m.rationale
        for m in ModeratedScore.objects.filter(bid__in=bids).only(
            "bid_id", "question_id", "rationale"
        )
    }
