"""What the evaluation pages show: the report rows (shared by the page and the CSV download),
and the progress of scoring and moderation.

Everything about bids starts from `selectors.tender_results` or
`Bid.objects.unsealed_for_buyer`, so nothing here can show a sealed bid. Every number is
formatted once, with `scoring.show`, so the page and the CSV can never disagree.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal

from levelfield.bids.models import Bid
from levelfield.core import spreadsheets
from levelfield.tenders.models import Lot, PriceFormula, Question, Tender, TieBreak

from . import scoring
from .models import ConflictDeclaration, EvaluatorAssignment, ModeratedScore, Score
from .selectors import LotResult, tender_results

# ---------------------------------------------------------------------------------------------
# The evaluation report


@dataclass
class QuestionCell:
    number: int
    raw: str
    points: str


@dataclass
class ReportRow:
    """One bid on one lot, every number already shown to 2 decimal places."""

    lot_number: int
    lot_title: str
    bid_id: int
    supplier: str
    price: Decimal
    questions: list[QuestionCell]
    quality: str
    social_value: str
    price_points: str
    price_per_point: str
    total: str
    rank: int | None
    tied: bool
    disqualified: str
    abnormally_low: str
    explanation: list[str]

    @property
    def rank_label(self) -> str:
        if self.rank is None:
            return "–"
        return f"{self.rank} (shared)" if self.tied else str(self.rank)


@dataclass
class Criterion:
    label: str
    value: str


@dataclass
class LotReport:
    lot: Lot
    questions: list[Question]
    criteria: list[Criterion]
    rows: list[ReportRow] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    price_per_quality_point: bool = False
    winner: str = ""
    tied_at_top: list[ReportRow] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def _criteria(lot_result: LotResult, questions: list[Question]) -> list[Criterion]:
    lot = lot_result.lot
    criteria = lot_result.criteria
    threshold = criteria.quality_threshold
    rows = [
        Criterion(
            "Price",
            f"weight {scoring.show(criteria.price_weight)}; "
            f"{PriceFormula(criteria.price_formula).label}",
        ),
        Criterion("Quality", f"weight {scoring.show(criteria.quality_weight)}"),
        Criterion("Social value", f"weight {scoring.show(criteria.social_value_weight)}"),
    ]
    for question in questions:
        rows.append(
            Criterion(
                f"Q{question.number} ({question.get_kind_display().lower()})",
                f"weight {scoring.show(question.weight)}, scored out of {question.max_score}: "
                f"{question.text}",
            )
        )
    rows.append(
        Criterion(
            "Quality threshold",
            f"{scoring.show(threshold)}% of the quality points available"
            if threshold is not None
            else "None",
        )
    )
    rows.append(Criterion("Tie-break", TieBreak(lot.tie_break).label))
    if criteria.price_formula == scoring.PRICE_PER_QUALITY_POINT:
        rows.append(
            Criterion(
                "How bids are ranked",
                "Price divided by the quality and social value points; the lowest price per "
                "point wins",
            )
        )
    else:
        rows.append(
            Criterion(
                "How bids are ranked",
                "Price points + quality points + social value points; the highest total wins",
            )
        )
    return rows


def _row(lot: Lot, result: scoring.BidResult) -> ReportRow:
    return ReportRow(
        lot_number=lot.number,
        lot_title=lot.title,
        bid_id=result.bid.id,
        supplier=result.bid.name,
        price=result.bid.price,
        questions=[
            QuestionCell(q.question.number, str(q.raw), scoring.show(q.points))
            for q in result.questions
        ],
        quality=scoring.show(result.quality_points),
        social_value=scoring.show(result.social_value_points),
        price_points=scoring.show(result.price_points),
        price_per_point=scoring.show(result.price_per_point),
        total=scoring.show(result.total),
        rank=result.rank,
        tied=result.tied,
        disqualified=result.disqualification,
        abnormally_low=result.abnormally_low,
        explanation=list(result.explanation),
    )


def _unscored_row(lot: Lot, bid: Bid, questions: list[Question]) -> ReportRow:
    blank = scoring.show(None)
    return ReportRow(
        lot_number=lot.number,
        lot_title=lot.title,
        bid_id=bid.pk,
        supplier=str(bid.supplier),
        price=bid.price,
        questions=[QuestionCell(q.number, blank, blank) for q in questions],
        quality=blank,
        social_value=blank,
        price_points=blank,
        price_per_point=blank,
        total=blank,
        rank=None,
        tied=False,
        disqualified="",
        abnormally_low="",
        explanation=["Not scored: moderation is not complete for this lot"],
    )


def lot_report(lot_result: LotResult) -> LotReport:
    lot = lot_result.lot
    questions = list(lot.questions.all())
    report = LotReport(
        lot=lot,
        questions=questions,
        criteria=_criteria(lot_result, questions),
        missing=list(lot_result.missing),
        price_per_quality_point=lot_result.criteria.price_formula
        == scoring.PRICE_PER_QUALITY_POINT,
    )
    if lot_result.complete:
        report.rows = [_row(lot, r) for r in lot_result.results]
        winner = lot_result.winner
        report.winner = winner.bid.name if winner else ""
        tied_ids = {r.bid.id for r in lot_result.tied_at_top}
        report.tied_at_top = [row for row in report.rows if row.bid_id in tied_ids]
    else:
        report.rows = [_unscored_row(lot, b, questions) for b in lot_result.bids]
    return report


def build_report(tender: Tender) -> list[LotReport]:
    """The report for every lot; empty while the bids are sealed."""
    return [lot_report(r) for r in tender_results(tender)]


def _number(shown: str) -> str:
    """A number as the page shows it; a blank cell where the page shows a dash."""
    return "" if shown == scoring.show(None) else shown


def report_csv(tender: Tender, lots: list[LotReport]) -> str:
    """One row per bid per lot, a column for every number, and the explanation."""
    numbers = sorted({q.number for lot in lots for q in lot.questions})
    header = ["Tender", "Lot", "Lot title", "Bid", "Supplier", "Price"]
    for number in numbers:
        header += [f"Q{number} raw score", f"Q{number} weighted points"]
    header += [
        "Quality points",
        "Social value points",
        "Price points",
        "Price per quality point",
        "Total",
        "Rank",
        "Rank shared",
        "Disqualified",
        "Abnormally low",
        "Explanation",
    ]
    out = io.StringIO()
    # Every cell made safe: a name starting like a formula opens as text.
    writer = spreadsheets.csv_writer(out, lineterminator="\n")
    writer.writerow(header)
    for lot in lots:
        for row in lot.rows:
            cells = {q.number: q for q in row.questions}
            line = [
                tender.reference,
                row.lot_number,
                row.lot_title,
                row.bid_id,
                row.supplier,
                scoring.show(row.price),
            ]
            for number in numbers:
                cell = cells.get(number)
                line += [_number(cell.raw), _number(cell.points)] if cell else ["", ""]
            line += [
                _number(row.quality),
                _number(row.social_value),
                _number(row.price_points),
                _number(row.price_per_point),
                _number(row.total),
                "" if row.rank is None else row.rank,
                "yes" if row.tied else "no",
                row.disqualified,
                row.abnormally_low,
                " | ".join(row.explanation),
            ]
            writer.writerow(line)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Progress of scoring and moderation


@dataclass
class EvaluatorProgress:
    name: str
    scored: int


@dataclass
class AnswerProgress:
    bid: Bid
    question: Question
    scored_by: list[str]
    awaiting: list[str]
    moderated: ModeratedScore | None


@dataclass
class QuestionProgress:
    question: Question
    evaluators: list[EvaluatorProgress]
    bids: int
    moderated: int
    answers: list[AnswerProgress]


@dataclass
class LotProgress:
    lot: Lot
    questions: list[QuestionProgress]
    bids: int


def _name(user) -> str:
    return user.full_name or user.email


def progress(tender: Tender, organisation, *, unsealed: bool) -> list[LotProgress]:
    """Per lot and question: who is assigned, how many answers each has scored, and how many
    answers are moderated. While bids are sealed only the assignments are given."""
    lots = list(tender.lots.prefetch_related("questions"))
    assignments: dict[int, list] = {}
    for assignment in EvaluatorAssignment.objects.filter(
        question__lot__tender=tender
    ).select_related("evaluator"):
        assignments.setdefault(assignment.question_id, []).append(assignment.evaluator)
    bids: dict[int, list[Bid]] = {}
    scores: dict[tuple[int, int], set[int]] = {}
    moderated: dict[tuple[int, int], ModeratedScore] = {}
    if unsealed:
        opened = (
            Bid.objects.unsealed_for_buyer(organisation)
            .filter(lot__tender=tender)
            .select_related("supplier")
            .order_by("id")
        )
        for bid in opened:
            bids.setdefault(bid.lot_id, []).append(bid)
        for bid_id, question_id, evaluator_id in Score.objects.filter(bid__in=opened).values_list(
            "bid_id", "question_id", "evaluator_id"
        ):
            scores.setdefault((bid_id, question_id), set()).add(evaluator_id)
        for record in ModeratedScore.objects.filter(bid__in=opened):
            moderated[(record.bid_id, record.question_id)] = record
    result = []
    for lot in lots:
        lot_bids = bids.get(lot.pk, [])
        rows = []
        for question in lot.questions.all():
            evaluators = assignments.get(question.pk, [])
            answers = []
            for bid in lot_bids:
                done = scores.get((bid.pk, question.pk), set())
                answers.append(
                    AnswerProgress(
                        bid=bid,
                        question=question,
                        scored_by=[_name(e) for e in evaluators if e.pk in done],
                        awaiting=[_name(e) for e in evaluators if e.pk not in done],
                        moderated=moderated.get((bid.pk, question.pk)),
                    )
                )
            rows.append(
                QuestionProgress(
                    question=question,
                    evaluators=[
                        EvaluatorProgress(
                            _name(e),
                            sum(1 for b in lot_bids if e.pk in scores.get((b.pk, question.pk), ())),
                        )
                        for e in evaluators
                    ],
                    bids=len(lot_bids),
                    moderated=sum(1 for a in answers if a.moderated),
                    answers=answers,
                )
            )
        result.append(LotProgress(lot=lot, questions=rows, bids=len(lot_bids)))
    return result


@dataclass
class AnswerToScore:
    bid: Bid
    score: int | None
    moderated: bool


@dataclass
class AssignedQuestion:
    question: Question
    answers: list[AnswerToScore]


def worklist(tender: Tender, user, organisation) -> list[AssignedQuestion]:
    """An evaluator's assigned questions, each with the bids' answers to score. Only for an
    evaluator who has declared no conflict of interest; nothing while bids are sealed."""
    if not tender.bids_unsealed:
        return []
    if not ConflictDeclaration.objects.filter(
        tender=tender, evaluator=user, has_conflict=False
    ).exists():
        return []
    questions = [
        a.question
        for a in EvaluatorAssignment.objects.filter(question__lot__tender=tender, evaluator=user)
        .select_related("question__lot")
        .order_by("question__lot__number", "question__number")
    ]
    opened = (
        Bid.objects.unsealed_for_buyer(organisation)
        .filter(lot__tender=tender)
        .select_related("supplier")
        .order_by("id")
    )
    by_lot: dict[int, list[Bid]] = {}
    for bid in opened:
        by_lot.setdefault(bid.lot_id, []).append(bid)
    mine = {
        (s.bid_id, s.question_id): s.score
        for s in Score.objects.filter(bid__in=opened, evaluator=user)
    }
    agreed = set(ModeratedScore.objects.filter(bid__in=opened).values_list("bid_id", "question_id"))
    return [
        AssignedQuestion(
            question=question,
            answers=[
                AnswerToScore(
                    bid=bid,
                    score=mine.get((bid.pk, question.pk)),
                    moderated=(bid.pk, question.pk) in agreed,
                )
                for bid in by_lot.get(question.lot_id, [])
            ],
        )
        for question in questions
    ]
