"""Reads for evaluation: the computed result for each lot, built from moderated scores of bids
the buyer may open. Nothing here can see a sealed bid."""

from dataclasses import dataclass, field

from levelfield.bids.models import Bid
from levelfield.tenders.models import Lot, Tender

from . import scoring
from .models import ModeratedScore


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
