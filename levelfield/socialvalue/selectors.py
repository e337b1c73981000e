"""Reads for social value: which model applies on a date, what to propose for a lot, the weight
rule's verdict, and committed against delivered for contracts.

Buyer-side reads of commitments start from `Bid.objects.unsealed_for_buyer`, so nothing a
supplier promised is visible before the submission deadline.
"""

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from levelfield.bids.models import Bid
from levelfield.contracts.lifecycle import PUBLIC
from levelfield.contracts.models import Contract
from levelfield.core import clock
from levelfield.core.display import uk_date
from levelfield.core.policy import PolicyVersion, policy_by_code, policy_for
from levelfield.tenders.criteria import WeightCheck, check_weights
from levelfield.tenders.models import Lot, Question, Tender

from .models import (
    AwardCriterion,
    Commitment,
    DeliveryReport,
    LotOutcome,
    Measure,
    MeasurementFramework,
    Obligation,
    PolicyOutcome,
    ReportingMetric,
    ReportStatus,
    SocialValueModel,
    SocialValueQuestion,
    SubCriterion,
    TenderSocialValue,
    Theme,
)

PENNY = Decimal("0.01")
ZERO = Decimal("0")

# ---------------------------------------------------------------------------------------------
# Which model applies


def models_on(day: date) -> list[SocialValueModel]:
    """The models a procurement commencing on `day` may use, the default first: the latest
    version of each model whose validity covers the day, newest first. PPN 06/20's model stops
    on 30 September 2025 because PPN 002's is mandatory from 1 October 2025; between 24 February
    and 30 September 2025 both apply."""
    candidates = (
        SocialValueModel.objects.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from", "-loaded_at", "-pk")
    )
    chosen, seen = [], set()
    for model in candidates:
        if model.code not in seen:
            seen.add(model.code)
            chosen.append(model)
    return chosen


def model_for(day: date) -> SocialValueModel | None:
    """The model chosen by default for a procurement commencing on `day`."""
    applicable = models_on(day)
    return applicable[0] if applicable else None


def model_tree(model: SocialValueModel, day: date | None = None) -> list[Theme]:
    """The model's themes with outcomes, criteria, sub-criteria and metrics prefetched; with a
    day, only the elements valid on it."""
    themes = list(
        model.themes.prefetch_related(
            Prefetch(
                "outcomes",
                queryset=PolicyOutcome.objects.prefetch_related(
                    Prefetch(
                        "criteria",
                        queryset=AwardCriterion.objects.prefetch_related("sub_criteria", "metrics"),
                    )
                ),
            )
        )
    )
    if day is None:
        return themes
    return [theme for theme in themes if theme.valid_on(day)]


def valid_outcomes(model: SocialValueModel, day: date) -> list[PolicyOutcome]:
    return [
        outcome
        for theme in model_tree(model, day)
        for outcome in theme.outcomes.all()
        if outcome.valid_on(day)
    ]


def link_of(tender: Tender) -> TenderSocialValue | None:
    return (
        TenderSocialValue.objects.filter(tender=tender).select_related("model", "framework").first()
    )


def commencement_day(tender: Tender) -> date:
    """The procurement's commencement date: its publication, or today for a draft."""
    if tender.published_at:
        return tender.published_at.astimezone(clock.UK).date()
    return clock.today_uk()


# ---------------------------------------------------------------------------------------------
# The buyer's measurement frameworks


def frameworks_of(buyer) -> QuerySet[MeasurementFramework]:
    return (
        MeasurementFramework.objects.filter(buyer=buyer)
        .select_related("imported_by")
        .annotate(measure_count=Count("measures"))
        .order_by("-imported_at", "-id")
    )


def framework_of(buyer, framework_id: int) -> MeasurementFramework | None:
    return frameworks_of(buyer).filter(pk=framework_id).first()


# ---------------------------------------------------------------------------------------------
# The tender: outcomes, proposals and the weight rule


def lot_outcomes(lot: Lot) -> list[LotOutcome]:
    return list(
        LotOutcome.objects.filter(lot=lot)
        .select_related("outcome__theme")
        .prefetch_related(
            Prefetch(
                "outcome__criteria",
                queryset=AwardCriterion.objects.prefetch_related("sub_criteria", "metrics"),
            )
        )
    )


@dataclass
class Proposal:
    """A social value question the platform proposes from the model; the buyer may edit it."""

    outcome: PolicyOutcome
    criterion: AwardCriterion
    sub_criterion: SubCriterion | None
    text: str
    guidance: str
    weight: Decimal


PER_OUTCOME = "outcome"
PER_SUB_CRITERION = "sub_criterion"

ASK = (
    "Set out specific, measurable commitments you will make in delivering this contract: what, "
    "how many, by when, where and who will benefit, and how you will report on them."
)


def split_weight(total: Decimal, count: int) -> list[Decimal]:
    """`total` shared over `count` questions in hundredths, any remainder on the first."""
    if count <= 0:
        return []
    share = (total / count).quantize(PENNY, rounding=ROUND_DOWN)
    weights = [share] * count
    weights[0] += total - share * count
    return weights


def _guidance(model: SocialValueModel, criterion: AwardCriterion, subs: list) -> str:
    lines = ["We will assess your answer against:"]
    lines += [f"- {sub.text}" for sub in subs] or [f"- {criterion.text}"]
    metrics = list(criterion.metrics.all())
    if metrics:
        lines += ["", "Give your commitments in these measures where they fit:"]
        lines += [f"- {m.text} ({m.unit})" for m in metrics]
    lines += ["", f"From {model.title}, {criterion.code}."]
    return "\n".join(lines)


def proposals_for(lot: Lot, *, per: str = PER_OUTCOME, total: Decimal | None = None):
    """Questions proposed from the outcomes picked for the lot: one per outcome's award
    criterion, or one per sub-criterion. Weights share `total` (by default the policy's
    minimum share of the score, 10)."""
    link = link_of(lot.tender)
    if link is None:
        return []
    if total is None:
        total = policy_for_tender(lot.tender).min_social_value_percent
    drafts: list[tuple[PolicyOutcome, AwardCriterion, SubCriterion | None, str, str]] = []
    for chosen in lot_outcomes(lot):
        outcome = chosen.outcome
        for criterion in outcome.criteria.all():
            subs = list(criterion.sub_criteria.all())
            if per == PER_SUB_CRITERION and subs:
                for sub in subs:
                    drafts.append(
                        (
                            outcome,
                            criterion,
                            sub,
                            f"{outcome.text}: {sub.text} {ASK}",
                            _guidance(link.model, criterion, [sub]),
                        )
                    )
            else:
                drafts.append(
                    (
                        outcome,
                        criterion,
                        None,
                        f"{outcome.text}. {criterion.text} {ASK}",
                        _guidance(link.model, criterion, subs),
                    )
                )
    weights = split_weight(Decimal(total), len(drafts))
    return [
        Proposal(o, c, s, text, guidance, weight)
        for (o, c, s, text, guidance), weight in zip(drafts, weights, strict=True)
    ]


def model_policy(tender: Tender) -> PolicyVersion | None:
    """The policy whose weight rule goes with the social value model the tender follows (PPN
    06/20's or PPN 002's, or the one a loaded model names), or None when it follows none yet.
    The publish action judges a tender by it, so the rule follows the model version."""
    code = (
        TenderSocialValue.objects.filter(tender=tender)
        .values_list("model__policy_code", flat=True)
        .first()
    )
    return policy_by_code(code) if code else None


def policy_for_tender(tender: Tender) -> PolicyVersion:
    """The policy whose weight rule applies: the one fixed at publication, else the one of the
    tender's social value model, else the one in force today, exactly as the publish action
    decides."""
    if tender.policy_version:
        return policy_by_code(tender.policy_version)
    return model_policy(tender) or policy_for(clock.today_uk())


def model_lapsed(link: TenderSocialValue | None, day: date) -> bool:
    """Whether a draft's model no longer applies to a procurement commencing on `day` (say PPN
    06/20's, chosen on 30 September 2025, for a tender published on 1 October 2025)."""
    return link is not None and not link.model.valid_on(day)


def publication_problems(tender: Tender, day: date) -> list[str]:
    """What stops a draft commencing on `day` for social value reasons: the model it follows must
    apply on its commencement date. Called by the tenders publish action."""
    link = link_of(tender)
    if link is None or not model_lapsed(link, day):
        return []
    applicable = models_on(day)
    now = " or ".join(m.title for m in applicable) or "no model"
    return [
        f"Its social value questions follow {link.model.title} (version {link.model.version}), "
        f"which does not apply to a procurement commencing on {uk_date(day)}. Remove the social "
        f"value questions taken from it and choose the outcomes again: {now} applies now"
    ]


def weight_check(
    lot: Lot, *, extra: Sequence[tuple[str, Decimal]] = (), label: str = ""
) -> WeightCheck:
    """The weight rule's verdict for a lot, with `extra` (kind, weight) questions added: the same
    function, with the same policy, that the publish action and the API use."""
    questions = [(q.kind, q.weight) for q in lot.questions.all()] + list(extra)
    return check_weights(
        price_weight=lot.price_weight,
        questions=questions,
        formula=lot.price_formula,
        threshold=lot.quality_threshold,
        policy=policy_for_tender(lot.tender),
        lot_label=label,
    )


def lot_label(lot: Lot) -> str:
    """How the publish action names the lot in its messages: only when there are several."""
    return f"Lot {lot.number}" if lot.tender.lots.count() > 1 else ""


def social_value_questions(lot: Lot) -> list[Question]:
    return list(
        lot.questions.filter(kind=Question.Kind.SOCIAL_VALUE).select_related(
            "social_value_source__outcome", "social_value_source__criterion"
        )
    )


# ---------------------------------------------------------------------------------------------
# The bid


def bid_commitments(bid: Bid) -> list[Commitment]:
    """A supplier's own commitments for its bid (the caller found the bid through
    `Bid.objects.for_supplier`)."""
    return list(
        bid.social_value_commitments.select_related("question", "measure", "metric").order_by(
            "question__number", "id"
        )
    )


def commitments_for_buyer(organisation) -> QuerySet[Commitment]:
    """Commitments a buyer may read: those in bids it may open, only after the deadline."""
    return Commitment.objects.filter(
        bid__in=Bid.objects.unsealed_for_buyer(organisation)
    ).select_related("bid__supplier", "question", "measure", "metric")


def measures_for(tender: Tender) -> list[Measure]:
    link = link_of(tender)
    if link is None or link.framework is None:
        return []
    return list(link.framework.measures.all())


def metrics_for(lot: Lot) -> list[ReportingMetric]:
    """The model's reporting metrics for the outcomes behind the lot's social value questions,
    or picked for the lot."""
    outcome_ids = set(
        SocialValueQuestion.objects.filter(question__lot=lot).values_list("outcome_id", flat=True)
    ) | set(LotOutcome.objects.filter(lot=lot).values_list("outcome_id", flat=True))
    return list(
        ReportingMetric.objects.filter(criterion__outcome_id__in=outcome_ids)
        .select_related("criterion")
        .order_by("criterion__outcome__theme__position", "criterion__position", "position")
    )


@dataclass
class Valuation:
    """Commitments in pounds through the buyer's proxy values, and the return per pound of the
    bid price (social value / price)."""

    total: Decimal | None
    valued: int
    unvalued: int
    price: Decimal | None

    @property
    def ratio(self) -> Decimal | None:
        if self.total is None or not self.price:
            return None
        return (self.total / self.price).quantize(PENNY)


def valuation(values: list[Decimal | None], price: Decimal | None) -> Valuation:
    known = [v for v in values if v is not None]
    return Valuation(
        total=sum(known, ZERO) if known else None,
        valued=len(known),
        unvalued=len(values) - len(known),
        price=price,
    )


def years_of(tender: Tender) -> int:
    """How many contract years a commitment can fall in (at least 1, at most 10): the contract
    years that begin on or before the contract's end. Year n begins n - 1 years after the start
    on the same day of the month (the last of a shorter month), as the obligations count them
    (actions.add_months), so 1 April 2026 to 31 March 2029 is three years, leap day or not."""
    start, end = tender.contract_start, tender.contract_end
    if not (start and end):
        return 10
    years = 1
    while years < 10 and _years_after(start, years) <= end:
        years += 1
    return years


def _years_after(day: date, years: int) -> date:
    year = day.year + years
    return date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


# ---------------------------------------------------------------------------------------------
# The contract: committed against delivered

DELIVERED = "delivered"
OVERDUE = "overdue"
BEHIND = "behind"
ON_TRACK = "on_track"
STATUS_LABELS = {
    DELIVERED: ("Delivered", "govuk-tag--green"),
    OVERDUE: ("Overdue", "govuk-tag--red"),
    BEHIND: ("Behind", "govuk-tag--orange"),
    ON_TRACK: ("On track", "govuk-tag--blue"),
}


@dataclass
class ObligationProgress:
    obligation: Obligation
    delivered: Decimal
    pending: Decimal
    expected: Decimal
    status: str
    overdue_periods: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    periods: list = field(default_factory=list)

    @property
    def committed(self) -> Decimal:
        return self.obligation.quantity

    @property
    def percent(self) -> int:
        """Delivered as a whole percentage of what was committed, at most 100 (for the chart)."""
        if not self.committed:
            return 0
        return int(min(Decimal(100), self.delivered / self.committed * 100))

    @property
    def pending_percent(self) -> int:
        """Reported and waiting for review, as a percentage of what was committed, within what
        is left of the bar."""
        if not self.committed:
            return 0
        share = int(min(Decimal(100), self.pending / self.committed * 100))
        return max(0, min(share, 100 - self.percent))

    @property
    def committed_value(self) -> Decimal | None:
        proxy = self.obligation.proxy_value
        return None if proxy is None else (self.committed * proxy).quantize(PENNY)

    @property
    def delivered_value(self) -> Decimal | None:
        proxy = self.obligation.proxy_value
        return None if proxy is None else (self.delivered * proxy).quantize(PENNY)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status][0]

    @property
    def tag_class(self) -> str:
        return STATUS_LABELS[self.status][1]


def _progress(obligation: Obligation, periods: list, reports: list, today: date):
    applicable = [p for p in periods if p.starts_on <= obligation.due_on]
    delivered = sum((r.quantity for r in reports if r.status == ReportStatus.ACCEPTED), ZERO)
    pending = sum((r.quantity for r in reports if r.status == ReportStatus.SUBMITTED), ZERO)
    reported = {
        r.period_id for r in reports if r.status in {ReportStatus.ACCEPTED, ReportStatus.SUBMITTED}
    }
    overdue_periods = [p for p in applicable if p.report_due_on < today and p.pk not in reported]
    start = obligation.contract.start_date
    closed = [p.ends_on for p in applicable if p.ends_on < today]
    expected = ZERO
    if closed:
        span = (obligation.due_on - start).days + 1
        elapsed = (min(max(closed), obligation.due_on) - start).days + 1
        expected = obligation.quantity * min(Decimal(1), Decimal(elapsed) / Decimal(span))
    if delivered >= obligation.quantity:
        status = DELIVERED
    elif obligation.due_on < today or overdue_periods:
        status = OVERDUE
    elif delivered + pending < expected:
        status = BEHIND
    else:
        status = ON_TRACK
    return ObligationProgress(
        obligation=obligation,
        delivered=delivered,
        pending=pending,
        expected=expected.quantize(PENNY),
        status=status,
        overdue_periods=overdue_periods,
        reports=reports,
        periods=applicable,
    )


def _contract_queryset():
    return Contract.objects.select_related("lot__tender__buyer", "supplier").prefetch_related(
        Prefetch(
            "social_value_obligations",
            queryset=Obligation.objects.select_related("contract").prefetch_related(
                Prefetch(
                    "reports",
                    queryset=DeliveryReport.objects.select_related("period").prefetch_related(
                        "evidence"
                    ),
                )
            ),
        ),
        "social_value_periods",
    )


@dataclass
class ContractProgress:
    contract: Contract
    obligations: list[ObligationProgress]

    def _sum(self, name: str) -> Decimal | None:
        values = [getattr(o, name) for o in self.obligations]
        known = [v for v in values if v is not None]
        return sum(known, ZERO) if known else None

    @property
    def committed_value(self) -> Decimal | None:
        return self._sum("committed_value")

    @property
    def delivered_value(self) -> Decimal | None:
        return self._sum("delivered_value")

    def count(self, status: str) -> int:
        return sum(1 for o in self.obligations if o.status == status)

    @property
    def overdue(self) -> int:
        return self.count(OVERDUE)

    @property
    def behind(self) -> int:
        return self.count(BEHIND)

    @property
    def waiting(self) -> int:
        return sum(
            1 for o in self.obligations for r in o.reports if r.status == ReportStatus.SUBMITTED
        )


def contract_progress(contract: Contract, today: date | None = None) -> ContractProgress:
    """Committed against delivered for each obligation of one contract (prefetched through
    `contracts_with_progress` or fetched here)."""
    today = today or clock.today_uk()
    if not hasattr(contract, "_prefetched_objects_cache") or (
        "social_value_obligations" not in contract._prefetched_objects_cache
    ):
        contract = _contract_queryset().get(pk=contract.pk)
    periods = sorted(contract.social_value_periods.all(), key=lambda p: p.number)
    return ContractProgress(
        contract=contract,
        obligations=[
            _progress(o, periods, sorted(o.reports.all(), key=lambda r: r.period.number), today)
            for o in sorted(contract.social_value_obligations.all(), key=lambda o: o.number)
        ],
    )


def buyer_contracts(organisation) -> QuerySet[Contract]:
    """A buyer's signed contracts that hold social value obligations, newest first."""
    return (
        _contract_queryset()
        .filter(buyer=organisation, status__in=PUBLIC)
        .filter(social_value_obligations__isnull=False)
        .distinct()
        .order_by("-signed_at", "-id")
    )


def supplier_contracts(organisation) -> QuerySet[Contract]:
    return (
        _contract_queryset()
        .filter(supplier=organisation, status__in=PUBLIC)
        .filter(social_value_obligations__isnull=False)
        .distinct()
        .order_by("-signed_at", "-id")
    )


@dataclass
class Totals:
    committed_value: Decimal
    delivered_value: Decimal
    obligations: int
    unvalued: int
    contracts: int

    @property
    def percent(self) -> int:
        if not self.committed_value:
            return 0
        return int(min(Decimal(100), self.delivered_value / self.committed_value * 100))


def buyer_totals(organisation) -> Totals:
    """Promised and delivered social value in pounds across all the buyer's signed contracts
    (never only a page of them): the sum of quantity x proxy value of every obligation, and of
    every accepted report's quantity x its obligation's proxy value. Obligations without a proxy
    value are counted, not valued.

    The counts and each obligation's accepted quantity are summed in the database. The pounds
    are multiplied out per obligation here, one row per valued obligation, and rounded to the
    penny: SQLite has no exact decimal arithmetic, and the totals must be the same on every
    database."""
    obligations = Obligation.objects.filter(
        contract__buyer=organisation, contract__status__in=PUBLIC
    )
    counts = obligations.aggregate(
        obligations=Count("pk"),
        unvalued=Count("pk", filter=Q(proxy_value__isnull=True)),
        contracts=Count("contract_id", distinct=True),
    )
    accepted = (
        DeliveryReport.objects.filter(obligation=OuterRef("pk"), status=ReportStatus.ACCEPTED)
        .order_by()
        .values("obligation")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    committed = delivered = ZERO
    valued = (
        obligations.filter(proxy_value__isnull=False)
        .annotate(accepted=Subquery(accepted))
        .values_list("quantity", "proxy_value", "accepted")
    )
    for quantity, proxy, done in valued.iterator():
        assert proxy is not None  # filtered on proxy_value__isnull=False
        committed += (quantity * proxy).quantize(PENNY)
        if done:
            delivered += (done * proxy).quantize(PENNY)
    return Totals(
        committed, delivered, counts["obligations"], counts["unvalued"], counts["contracts"]
    )


def reports_waiting(organisation) -> QuerySet[DeliveryReport]:
    """Reports on the buyer's contracts waiting for its review, oldest first."""
    return (
        DeliveryReport.objects.filter(
            obligation__contract__lot__tender__buyer=organisation,
            status=ReportStatus.SUBMITTED,
        )
        .select_related("obligation__contract__supplier", "obligation__contract__lot", "period")
        .order_by("submitted_at", "id")
    )


def contract_for(organisation, contract_id: int) -> Contract | None:
    """A contract the organisation is party to: as its buyer or as the supplier. Only one
    awarded on levelfield, from a lot: a contract let elsewhere has no bid, so no social value
    commitments."""
    return (
        Contract.objects.filter(pk=contract_id, lot__isnull=False)
        .filter(Q(lot__tender__buyer=organisation) | Q(supplier=organisation))
        .select_related("lot__tender__buyer", "supplier")
        .first()
    )


def report_for(organisation, report_id: int) -> DeliveryReport | None:
    return (
        DeliveryReport.objects.filter(pk=report_id)
        .filter(
            Q(obligation__contract__lot__tender__buyer=organisation)
            | Q(obligation__contract__supplier=organisation)
        )
        .select_related(
            "obligation__contract__lot__tender__buyer",
            "obligation__contract__supplier",
            "period",
            "submitted_by",
        )
        .prefetch_related("evidence", "reviews__by")
        .first()
    )
