"""Award and contract: confirm the decision, tell every bidder, standstill, record and sign."""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from levelfield.bids.models import Bid
from levelfield.core import audit, clock
from levelfield.core.display import uk_time
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.core.notify import email_on_commit
from levelfield.core.permissions import require
from levelfield.core.policy import policy_by_code
from levelfield.core.workingdays import standstill_end
from levelfield.evaluation import scoring
from levelfield.evaluation.selectors import LotResult, moderated_reasons, tender_results
from levelfield.socialvalue import actions as socialvalue_actions
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers import selectors as supplier_selectors
from levelfield.tenders.dates import out_of_range
from levelfield.tenders.lifecycle import Status as TenderStatus
from levelfield.tenders.models import Lot, Tender

from .. import ocds, tiering
from ..models import AssessmentSummary, AwardDecision, Contract, ContractStatus, Origin
from .checklists import start_checklist
from .exclusions import findings, undecided_message


def _summary(
    lot_result: LotResult,
    result: scoring.BidResult,
    winner: scoring.BidResult | None,
    reasons: dict[tuple[int, int], str],
) -> dict:
    """A bidder's score per criterion beside the winner's, each with the reasons agreed at
    moderation (`reasons`: (bid id, question id) -> rationale).

    The bidder sees the winner's reasons too: the assessment summary must explain the
    assessment of the most advantageous tender, its relative characteristics and advantages
    (Procurement Act 2023 s.50(2); Procurement Regulations 2024 reg. 31), and the moderated
    rationale is that explanation as the buyer agreed it. Frozen here, at award, so the summary
    a bidder was sent never changes afterwards."""

    def criteria_rows(r: scoring.BidResult | None):
        return {str(q.question.number): scoring.show(q.points) for q in r.questions} if r else {}

    mine = criteria_rows(result)
    theirs = criteria_rows(winner)
    rows = [
        {
            "criterion": f"Q{q.number} ({q.kind.replace('_', ' ')})",
            "weight": scoring.show(q.weight),
            "yours": mine.get(str(q.number)),
            "winner": theirs.get(str(q.number)),
            "your_reasons": reasons.get((result.bid.id, q.id), ""),
            "winner_reasons": reasons.get((winner.bid.id, q.id), "") if winner else "",
        }
        for q in lot_result.criteria.questions
    ]
    if lot_result.criteria.price_formula == scoring.PRICE_PER_QUALITY_POINT:
        rows.append(
            {
                "criterion": "Price per quality point (lowest wins)",
                "weight": "–",
                "yours": scoring.show(result.price_per_point),
                "winner": scoring.show(winner.price_per_point) if winner else None,
            }
        )
    else:
        rows.append(
            {
                "criterion": "Price",
                "weight": scoring.show(lot_result.criteria.price_weight),
                "yours": scoring.show(result.price_points),
                "winner": scoring.show(winner.price_points) if winner else None,
            }
        )
        rows.append(
            {
                "criterion": "Total",
                "weight": "100",
                "yours": scoring.show(result.total),
                "winner": scoring.show(winner.total) if winner else None,
            }
        )
    return {
        "tender": lot_result.lot.tender.reference,
        "lot": lot_result.lot.number,
        "lot_title": lot_result.lot.title,
        "rank": result.rank,
        "disqualified": result.disqualification,
        "winner": winner.bid.name if winner else None,
        "rows": rows,
    }


def _top(
    lot_result: LotResult, excluded: set[int]
) -> tuple[scoring.BidResult | None, list[scoring.BidResult]]:
    """The winner, or the bids level at the top, among the ranked bids not excluded."""
    eligible = [r for r in lot_result.results if r.rank is not None and r.bid.id not in excluded]
    if not eligible:
        return None, []
    best = min(rank for r in eligible if (rank := r.rank) is not None)
    top = [r for r in eligible if r.rank == best]
    return (top[0], []) if len(top) == 1 else (None, top)


def proposed_award(tender: Tender, choices: dict[int, int] | None = None) -> list[dict]:
    """What confirming the award would decide, for the buyer to check first: per lot, the
    winning supplier's name (None for no award, or while a tie or an exclusion finding is
    open) and how many bidders are sent a summary. Reads only; the action decides."""
    choices = choices or {}
    results = tender_results(tender)
    found = findings([b for r in results for b in r.bids])
    excluded = {f.bid.pk for f in found if f.decision is not None and f.decision.exclude}
    rows = []
    for lot_result in results:
        winner, tied = _top(lot_result, excluded)
        if tied:
            winner = next((r for r in tied if r.bid.id == choices.get(lot_result.lot.pk)), None)
        rows.append(
            {
                "lot": lot_result.lot,
                "winner": winner.bid.name if winner else None,
                "bidders": len(lot_result.results),
                "excluded": sum(1 for b in lot_result.bids if b.pk in excluded),
            }
        )
    return rows


@transaction.atomic
def confirm_award(
    *, tender: Tender, by, choices: dict[int, int] | None = None, reason: str = ""
) -> list[AwardDecision]:
    """Confirm the award decision for every lot and give each bidder its assessment summary.

    The winner of a lot is its rank-1 bid. Where bids are still level after the published
    tie-break, the buyer must choose one of them (`choices`: lot id -> bid id) and say why.
    """
    require(by, "contracts.confirm_award", tender, "Only a buyer admin can confirm an award")
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status != TenderStatus.EVALUATION:
        raise InvalidTransition("The award can be decided only at the end of evaluation")
    choices = choices or {}
    results = tender_results(tender)
    incomplete = [m for r in results for m in r.missing]
    if incomplete:
        raise InvalidTransition(
            "Evaluation is not finished: " + "; ".join(incomplete[:5]), details=incomplete
        )
    # s.57: every flagged exclusion finding is decided first; s.26(1): an excluded supplier's
    # tender is disregarded, so the winner is the best-ranked bid not excluded.
    found = findings([b for r in results for b in r.bids])
    open_findings = [f for f in found if not f.decided]
    if open_findings:
        raise InvalidTransition(
            undecided_message(open_findings),
            code="exclusion_undecided",
            details=[f"{f.check.organisation.name} ({f.bid.supplier.name})" for f in open_findings],
        )
    excluded = {f.bid.pk for f in found if f.decision is not None and f.decision.exclude}
    now = clock.now()
    decisions = []
    for lot_result in results:
        winner, tied = _top(lot_result, excluded)
        if tied:
            chosen = choices.get(lot_result.lot.pk)
            level = {r.bid.id: r for r in tied}
            if chosen not in level:
                raise DomainError(
                    f"Lot {lot_result.lot.number}: bids are level after the tie-break; choose "
                    "one of them as the winner and record why",
                    code="tie_unresolved",
                )
            if not reason.strip():
                raise DomainError(
                    "Record why you chose between level bids", code="validation_error"
                )
            winner = level[chosen]
        winning_bid = Bid.objects.get(pk=winner.bid.id) if winner else None
        decision = AwardDecision.objects.create(
            lot=lot_result.lot,
            winning_bid=winning_bid,
            reason=reason.strip(),
            decided_by=by,
            decided_at=now,
        )
        decisions.append(decision)
        bids = {b.pk: b for b in lot_result.bids}
        reasons = moderated_reasons(lot_result.bids)
        for result in lot_result.results:
            bid = bids[result.bid.id]
            successful = winner is not None and result.bid.id == winner.bid.id
            data = _summary(lot_result, result, winner, reasons)
            if bid.pk in excluded:
                data["disqualified"] = "Excluded: its tender was disregarded (s.26, s.57)"
            AssessmentSummary.objects.create(
                bid=bid,
                successful=successful,
                data=data,
                created_at=now,
                sent_at=now,
            )
            _email_summary(bid, tender, successful=successful)
    tender.transition(TenderStatus.AWARD_DECIDED)
    tender.save()
    audit.record(
        action="award.confirmed",
        obj=tender,
        actor=by,
        organisation=tender.buyer,
        winners={str(d.lot_id): d.winning_bid_id for d in decisions},
    )
    return decisions


def _email_summary(bid: Bid, tender: Tender, *, successful: bool) -> None:
    # A consortium's people are those of its members (suppliers app).
    emails = supplier_selectors.contact_emails(bid.supplier)
    outcome = "successful" if successful else "unsuccessful"
    email_on_commit(
        to=emails,
        subject=f"Assessment summary: {tender.reference} lot {bid.lot.number}",
        body=f"Your bid for {tender.title} (lot {bid.lot.number}) was {outcome}. Your assessment "
        "summary, with your score for each criterion beside the winner's, is on your "
        "levelfield dashboard.\n\nThe standstill period starts when the buyer publishes the "
        "contract award notice; you will be emailed then with the date and time it ends.",
    )


def _email_standstill(tender: Tender) -> None:
    """Tell every bidder given an assessment summary when the standstill period ends (s.51),
    as a date and time with its zone: until then a bidder may raise its concerns, and the
    contract cannot be entered into."""
    summaries = AssessmentSummary.objects.filter(bid__lot__tender=tender).select_related(
        "bid__lot", "bid__supplier"
    )
    for summary in summaries:
        bid = summary.bid
        email_on_commit(
            to=supplier_selectors.contact_emails(bid.supplier),
            subject=f"Standstill period: {tender.reference} lot {bid.lot.number}",
            body=f"The contract award notice for {tender.title} (lot {bid.lot.number}) was "
            f"published at {uk_time(tender.standstill_started_at)}. The standstill period ends "
            f"at {uk_time(tender.standstill_ends_at)}: the contract cannot be entered into "
            "before then. Your assessment summary is on your levelfield dashboard.",
        )


@transaction.atomic
def publish_award_notice(
    *, tender: Tender, by, standstill_ends_at: datetime | None = None
) -> Tender:
    """Publish the contract award notice; the standstill period begins.

    Procurement Act 2023 s.51: at least 8 working days. The buyer may set a later end, never an
    earlier one.
    """
    require(by, "contracts.publish_award_notice", tender)
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status != TenderStatus.AWARD_DECIDED:
        raise InvalidTransition("Confirm the award decision before publishing the award notice")
    policy = policy_by_code(tender.policy_version)
    statutory = standstill_end(clock.now(), policy.standstill_working_days)
    if standstill_ends_at is not None and standstill_ends_at < statutory:
        from levelfield.core.display import uk_time

        raise DomainError(
            f"The standstill must last at least {policy.standstill_working_days} working days, "
            f"so it cannot end before {uk_time(statutory)}",
            code="standstill_too_short",
        )
    if problem := out_of_range(standstill_ends_at, "end of the standstill period"):
        raise DomainError(problem, code="validation_error")
    tender.transition(TenderStatus.STANDSTILL)
    tender.standstill_ends_at = standstill_ends_at or statutory
    tender.save()
    ocds.publish_award_notice(tender)
    _email_standstill(tender)
    audit.record(
        action="award.notice_published",
        obj=tender,
        actor=by,
        organisation=tender.buyer,
        standstill_ends_at=tender.standstill_ends_at.isoformat(),
    )
    return tender


@transaction.atomic
def record_contract(*, lot: Lot, by, value: Decimal, start_date: date, end_date: date) -> Contract:
    """After standstill, record the contract with the winning supplier."""
    tender = lot.tender
    require(by, "contracts.record_contract", tender)
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status != TenderStatus.STANDSTILL:
        raise InvalidTransition("A contract can be recorded only after the award notice")
    if clock.now() < tender.standstill_ends_at:
        from levelfield.core.display import uk_time

        raise InvalidTransition(
            "The contract cannot be entered into before the standstill "
            f"period ends at {uk_time(tender.standstill_ends_at)}",
            code="standstill_running",
        )
    award = AwardDecision.objects.filter(lot=lot).select_related("winning_bid").first()
    if award is None or award.winning_bid is None:
        raise InvalidTransition("This lot was not awarded")
    if Contract.objects.filter(lot=lot).exists():
        raise InvalidTransition("A contract is already recorded for this lot")
    if value is None or value <= 0:
        raise DomainError("Enter the contract value", code="validation_error")
    if not start_date or not end_date or start_date > end_date:
        raise DomainError("The contract must start before it ends", code="validation_error")
    for day, label in ((start_date, "contract start date"), (end_date, "contract end date")):
        if problem := out_of_range(day, label):
            raise DomainError(problem, code="validation_error")
    now = clock.now()
    contract = Contract(
        buyer=tender.buyer,
        origin=Origin.AWARDED,
        award=award,
        lot=lot,
        reference=f"{tender.reference}-L{lot.number}",
        title=lot.title,
        description=lot.description,
        supplier=award.winning_bid.supplier,
        value=value,
        start_date=start_date,
        end_date=end_date,
        original_value=value,
        original_end_date=end_date,
        recorded_by=by,
        recorded_at=now,
    )
    tiering.apply(contract, now.date())
    contract.save()
    # The winning bid's subcontractors go with the contract, for indirect SME and VCSE spend.
    supplier_actions.carry_subcontractors(contract=contract, bid=award.winning_bid)
    audit.record(
        action="contract.recorded",
        obj=contract,
        actor=by,
        organisation=tender.buyer,
        value=str(value),
    )
    return contract


@transaction.atomic
def sign_contract(*, contract: Contract, by) -> Contract:
    if contract.lot is None:
        raise InvalidTransition("A contract let elsewhere is signed from its own record")
    tender = contract.lot.tender
    require(by, "contracts.sign_contract", tender, "Only a buyer admin can sign a contract")
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.status != ContractStatus.RECORDED:
        raise InvalidTransition("This contract is already signed")
    contract.transition(ContractStatus.SIGNED, clock.now())
    contract.signed_by = by
    contract.save()
    audit.record(action="contract.signed", obj=contract, actor=by, organisation=tender.buyer)
    awarded_lots = AwardDecision.objects.filter(lot__tender=tender, winning_bid__isnull=False)
    unsigned = awarded_lots.filter(
        Q(contract__isnull=True) | Q(contract__status=ContractStatus.RECORDED)
    ).exists()
    if not unsigned:
        tender.transition(TenderStatus.CONTRACT_SIGNED)
        tender.save()
        audit.record(
            action="tender.contract_signed", obj=tender, actor=by, organisation=tender.buyer
        )
    lot = contract.lot
    assert lot is not None  # refused on entry
    lot.tender = tender
    ocds.publish_contract(contract)
    socialvalue_actions.create_obligations(contract=contract, by=by)
    start_checklist(contract=contract, by=by)
    return contract
