"""The buyer's award and contract pages: confirm the award decision, publish the award notice and
start the standstill, record the contract, sign it.

Bids are read only through `Bid.objects.unsealed_for_buyer`; these pages show nothing about bids
before the submission deadline.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from levelfield.accounts.models import Organisation
from levelfield.bids.models import Bid
from levelfield.core import clock
from levelfield.core.display import uk_time
from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error, run_button_action
from levelfield.core.policy import policy_by_code
from levelfield.core.workingdays import standstill_end
from levelfield.evaluation import report
from levelfield.suppliers import selectors as supplier_selectors
from levelfield.tenders import ocds as tender_ocds
from levelfield.tenders.lifecycle import Status as TenderStatus
from levelfield.tenders.models import Tender
from levelfield.tenders.page_helpers import buyer_tender, require_perm

from . import actions
from .actions import award as award_actions
from .actions.exclusions import decide_exclusion
from .actions.exclusions import findings as exclusion_findings
from .forms import AwardForm, ContractForm, ExclusionDecisionForm, NoticeForm
from .models import AssessmentSummary, AwardDecision, Contract, ContractStatus

AWARDED = {TenderStatus.AWARD_DECIDED, TenderStatus.STANDSTILL, TenderStatus.CONTRACT_SIGNED}
STANDSTILL_WORKING_DAYS = 8  # Procurement Act 2023 s.51, when a tender records no policy


def _opened_bids(request, tender: Tender) -> dict[int, Bid]:
    if not tender.bids_unsealed:
        return {}
    return {
        b.pk: b
        for b in Bid.objects.unsealed_for_buyer(request.organisation)
        .filter(lot__tender=tender)
        .select_related("supplier", "lot")
    }


@dataclass
class Step:
    label: str
    done: bool
    detail: str
    link: str = ""
    link_text: str = ""


def _status(request, tender: Tender) -> list[Step]:
    """The 'Award and contract' summary shown on each of these pages."""
    bids = _opened_bids(request, tender)
    awards = {a.lot_id: a for a in AwardDecision.objects.filter(lot__tender=tender)}
    contracts = {c.lot_id: c for c in Contract.objects.filter(lot__tender=tender)}
    steps = [
        _milestone(
            "Evaluation",
            tender.evaluation_started_at,
            done=f"Opened at {uk_time(tender.evaluation_started_at)}",
            to_do="Not opened yet",
            link=reverse("evaluation:overview", args=[tender.pk]),
            link_text="Evaluation",
        ),
        _milestone(
            "Award decision",
            tender.award_decided_at,
            done=f"Confirmed at {uk_time(tender.award_decided_at)}",
            to_do="Not confirmed yet",
            link=reverse("contracts:award", args=[tender.pk]),
            link_text="Award decision",
        ),
        _milestone(
            "Award notice and standstill",
            tender.standstill_started_at,
            done=f"Notice published at {uk_time(tender.standstill_started_at)}; standstill ends "
            f"at {uk_time(tender.standstill_ends_at)}",
            to_do="Not published yet",
            link=reverse("contracts:notice", args=[tender.pk]),
            link_text="Award notice",
        ),
    ]
    for lot in tender.lots.all():
        award = awards.get(lot.pk)
        contract = contracts.get(lot.pk)
        winner = bids.get(award.winning_bid_id) if award and award.winning_bid_id else None
        label = f"Contract for lot {lot.number}"
        if contract is not None:
            steps.append(
                Step(
                    label,
                    contract.status != ContractStatus.RECORDED,
                    f"{contract.get_status_display()}: {winner.supplier if winner else ''}",
                    reverse("contracts:sign", args=[tender.pk, contract.pk]),
                    "View contract",
                )
            )
        elif award is not None and award.winning_bid_id is None:
            steps.append(Step(label, True, "Not awarded"))
        elif winner is not None and tender.status == TenderStatus.STANDSTILL:
            steps.append(
                Step(
                    label,
                    False,
                    f"To record with {winner.supplier}",
                    reverse("contracts:record", args=[tender.pk, lot.pk]),
                    "Record the contract",
                )
            )
        else:
            steps.append(
                Step(label, False, f"Awarded to {winner.supplier}" if winner else "Not awarded yet")
            )
    steps.append(
        _milestone(
            "Contract signed",
            tender.contract_signed_at,
            done=f"Signed at {uk_time(tender.contract_signed_at)}",
            to_do="Not signed yet",
        )
    )
    return steps


def _milestone(
    label: str, at, *, done: str, to_do: str, link: str = "", link_text: str = ""
) -> Step:
    """A step that is done once it has happened, at the time `at`: `done` says what happened,
    `to_do` what is still to happen."""
    return Step(label, at is not None, done if at is not None else to_do, link, link_text)


@login_required
@require_http_methods(["GET", "POST"])
def award(request, pk: int):
    tender = buyer_tender(request, pk, "evaluation.view_report", unsealed=True)
    can_confirm = request.user.has_perm("contracts.confirm_award", tender)
    lots = report.build_report(tender)
    decided = tender.status in AWARDED
    tied_lots = [
        (lot.lot, [(row.bid_id, row.supplier) for row in lot.tied_at_top])
        for lot in lots
        if lot.tied_at_top and not decided
    ]
    form = AwardForm(request.POST or None, tied_lots=tied_lots)
    if request.method == "POST":
        if not can_confirm:
            raise PermissionDenied
        if form.is_valid() and request.POST.get("confirm") != "yes":
            # The decision cannot be undone and emails every bidder: say what will happen and
            # ask again. A POST without the confirmation field only shows this page.
            return render(
                request,
                "contracts/award_confirm.html",
                {
                    "tender": tender,
                    "form": form,
                    "rows": award_actions.proposed_award(tender, form.choices()),
                },
            )
        if form.is_valid():
            try:
                actions.confirm_award(
                    tender=tender,
                    by=request.user,
                    choices=form.choices(),
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    "Award decision confirmed. Every bidder has been sent their assessment "
                    "summary.",
                )
                return redirect("contracts:award", pk=tender.pk)
    bids = _opened_bids(request, tender)
    decisions = [
        (d, None if d.winning_bid_id is None else bids.get(d.winning_bid_id))
        for d in AwardDecision.objects.filter(lot__tender=tender)
        .select_related("lot", "decided_by")
        .order_by("lot__number")
    ]
    summaries = (
        AssessmentSummary.objects.filter(
            bid__in=Bid.objects.unsealed_for_buyer(request.organisation).filter(lot__tender=tender)
        )
        .select_related("bid__supplier", "bid__lot")
        .order_by("bid__lot__number", "data__rank", "id")
    )
    return render(
        request,
        "contracts/award.html",
        {
            "tender": tender,
            "lots": lots,
            "form": form,
            "decided": decided,
            "can_confirm": can_confirm,
            "in_evaluation": tender.status == TenderStatus.EVALUATION,
            "complete": all(lot.complete for lot in lots),
            "undecided_exclusions": 0
            if decided
            else sum(
                1
                for f in exclusion_findings(
                    list(
                        Bid.objects.unsealed_for_buyer(request.organisation)
                        .filter(lot__tender=tender)
                        .select_related("supplier", "lot")
                    )
                )
                if not f.decided
            ),
            "decisions": decisions,
            "summaries": summaries,
            "status": _status(request, tender),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def exclusions(request, pk: int):
    """Each opened bid with the exclusion declarations it carried: the bidder's, or each
    consortium member's, and each subcontractor relied on (associated persons, s.26), with any
    declaration made since submission. Bids with a mandatory ground were refused at submission;
    this page is where the buyer weighs discretionary grounds and later changes before award."""
    tender = buyer_tender(request, pk, "evaluation.view_report", unsealed=True)
    bids = list(
        Bid.objects.unsealed_for_buyer(request.organisation)
        .filter(lot__tender=tender)
        .select_related("supplier", "lot")
        .order_by("lot__number", "supplier__name", "id")
    )
    can_decide = request.user.has_perm("contracts.confirm_award", tender) and (
        tender.status == TenderStatus.EVALUATION
    )
    failed = None  # the decision just refused, shown again in its row with its errors
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        try:
            bid_id, organisation_id = int(request.POST["bid"]), int(request.POST["organisation"])
        except (KeyError, ValueError) as exc:
            raise Http404 from exc
        bid = next((b for b in bids if b.pk == bid_id), None)
        if bid is None:
            raise Http404
        organisation = get_object_or_404(Organisation, pk=organisation_id)
        form = ExclusionDecisionForm(request.POST, bid_id=bid.pk, organisation=organisation)
        if form.is_valid():
            try:
                decide_exclusion(
                    bid=bid,
                    organisation=organisation,
                    exclude=form.cleaned_data["decision"] == "exclude",
                    reasons=form.cleaned_data["reasons"],
                    by=request.user,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"Decision on {organisation.name} recorded")
                return redirect("contracts:exclusions", pk=tender.pk)
        failed = form

    def row_form(bid, organisation):
        if failed is not None and failed.auto_id == f"exclusion-{bid.pk}-{organisation.pk}-%s":
            return failed
        return ExclusionDecisionForm(bid_id=bid.pk, organisation=organisation)

    checks = supplier_selectors.exclusion_checks(bids)
    decided = {(f.bid.pk, f.check.organisation.pk): f.decision for f in exclusion_findings(bids)}
    lots = [
        (
            lot,
            [
                (
                    bid,
                    [
                        (
                            c,
                            decided.get((bid.pk, c.organisation.pk)),
                            row_form(bid, c.organisation) if can_decide else None,
                        )
                        for c in checks[bid.pk]
                    ],
                )
                for bid in bids
                if bid.lot_id == lot.pk
            ],
        )
        for lot in tender.lots.order_by("number")
    ]
    attention = sum(1 for rows in checks.values() for c in rows if c.needs_attention)
    undecided = sum(1 for d in decided.values() if d is None)
    return render(
        request,
        "contracts/exclusions.html",
        {
            "tender": tender,
            "lots": lots,
            "attention": attention,
            "undecided": undecided,
            "bid_count": len(bids),
            "can_decide": can_decide,
            "form": failed,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice(request, pk: int):
    tender = buyer_tender(request, pk, "contracts.publish_award_notice")
    days = (
        policy_by_code(tender.policy_version).standstill_working_days
        if tender.policy_version
        else STANDSTILL_WORKING_DAYS
    )
    statutory = standstill_end(clock.now(), days)
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.publish_award_notice(
                tender=tender, by=request.user, standstill_ends_at=form.ends_at()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            tender.refresh_from_db()
            messages.success(
                request,
                "Award notice published. The standstill period ends at "
                f"{uk_time(tender.standstill_ends_at)}.",
            )
            return redirect("contracts:notice", pk=tender.pk)
    return render(
        request,
        "contracts/notice.html",
        {
            "tender": tender,
            "form": form,
            "statutory": statutory,
            "working_days": days,
            "ready": tender.status == TenderStatus.AWARD_DECIDED,
            "published": tender.standstill_started_at is not None,
            "status": _status(request, tender),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record(request, pk: int, lot_id: int):
    tender = buyer_tender(request, pk, "contracts.record_contract")
    lot = get_object_or_404(tender.lots, pk=lot_id)
    award_decision = AwardDecision.objects.filter(lot=lot).first()
    winner = (
        _opened_bids(request, tender).get(award_decision.winning_bid_id)
        if award_decision is not None and award_decision.winning_bid_id is not None
        else None
    )
    existing = Contract.objects.filter(lot=lot).first()
    form = ContractForm(
        request.POST or None,
        initial={
            "value": winner.price if winner else None,
            "start_date": tender.contract_start,
            "end_date": tender.contract_end,
        },
    )
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            contract = actions.record_contract(
                lot=lot,
                by=request.user,
                value=form.cleaned_data["value"],
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Contract for lot {lot.number} recorded")
            return redirect("contracts:sign", pk=tender.pk, contract_id=contract.pk)
    standstill_running = (
        tender.status == TenderStatus.STANDSTILL
        and tender.standstill_ends_at is not None
        and clock.now() < tender.standstill_ends_at
    )
    return render(
        request,
        "contracts/record.html",
        {
            "tender": tender,
            "lot": lot,
            "winner": winner,
            "existing": existing,
            "form": form,
            "standstill_running": standstill_running,
            "status": _status(request, tender),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def sign(request, pk: int, contract_id: int):
    tender = buyer_tender(request, pk)
    contract = get_object_or_404(
        Contract.objects.filter(lot__tender=tender).select_related("lot", "supplier"),
        pk=contract_id,
    )
    require_perm(request, "contracts.record_contract", tender)
    can_sign = request.user.has_perm("contracts.sign_contract", tender)
    if request.method == "POST":
        if not can_sign:
            raise PermissionDenied
        if run_button_action(
            request,
            lambda: actions.sign_contract(contract=contract, by=request.user),
            success=f"Contract for lot {contract.lot.number} signed",
        ):
            return redirect("contracts:award", pk=tender.pk)
        return redirect("contracts:sign", pk=tender.pk, contract_id=contract.pk)
    return render(
        request,
        "contracts/sign.html",
        {
            "tender": tender,
            "contract": contract,
            "can_sign": can_sign,
            "ocid": tender_ocds.ocid(tender),
            "status": _status(request, tender),
        },
    )
