"""Social value pages: the buyer's outcomes, questions, measurement frameworks and portfolio; the
supplier's commitments and delivery reports; the contract's committed against delivered.

Each view finds what it shows through a scoped query (the buyer's own tender, the supplier's own
bid, a contract the organisation is party to), calls one action and renders. Buyers never read a
commitment here before the deadline: commitments reach buyers only once they are obligations of
a signed contract, or through `Bid.objects.unsealed_for_buyer` on the scoring page.
"""

from functools import wraps
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from levelfield.bids.models import Bid
from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error, run_button_action
from levelfield.core.pagination import paginate
from levelfield.tenders.lifecycle import Status as TenderStatus
from levelfield.tenders.models import Question
from levelfield.tenders.page_helpers import buyer_organisation, buyer_tender, require_perm

from . import actions, selectors
from .forms import (
    NO_FRAMEWORK,
    ChoosePerForm,
    CommitmentForm,
    FrameworkImportForm,
    OutcomesForm,
    ProposalsForm,
    ReportForm,
    ReviewForm,
)
from .models import Commitment, LotOutcome, ReportStatus, contract_lot
from .quantities import clean_quantity

VIEW = "tenders.view_tender_admin"
CHANGE = "tenders.change_tender"
MAX_PROPOSALS = 60


def home(request):
    """/social-value/: the buyer's portfolio or the supplier's contracts."""
    organisation = getattr(request, "organisation", None)
    if organisation is not None and organisation.is_supplier:
        return redirect("socialvalue:supplier_home")
    return redirect("socialvalue:portfolio")


# ---------------------------------------------------------------------------------------------
# Buyer: a lot's outcomes and questions


def _lot(tender, lot_id: int):
    return get_object_or_404(tender.lots.prefetch_related("questions"), pk=lot_id)


def _signed_contract(lot):
    try:
        contract = lot.contract
    except ObjectDoesNotExist:
        return None
    return contract if contract.social_value_obligations.exists() else None


@login_required
def lot_page(request, pk: int, lot_id: int):
    tender = buyer_tender(request, pk, VIEW)
    lot = _lot(tender, lot_id)
    link = selectors.link_of(tender)
    is_draft = tender.status == TenderStatus.DRAFT
    return render(
        request,
        "socialvalue/buyer/lot.html",
        {
            "tender": tender,
            "lot": lot,
            "link": link,
            "lapsed": is_draft and selectors.model_lapsed(link, clock.today_uk()),
            "day": selectors.commencement_day(tender),
            "default_model": None if link else selectors.model_for(clock.today_uk()),
            "policy": selectors.policy_for_tender(tender),
            "check": selectors.weight_check(lot, label=selectors.lot_label(lot)),
            "chosen": selectors.lot_outcomes(lot),
            "questions": selectors.social_value_questions(lot),
            "can_edit": is_draft and request.user.has_perm(CHANGE, tender),
            "is_draft": is_draft,
            "contract": _signed_contract(lot),
        },
    )


def _draft_only(request, tender, lot):
    if tender.status != TenderStatus.DRAFT:
        messages.error(request, "Only a draft tender's social value questions can change")
        return redirect("socialvalue:lot", pk=tender.pk, lot_id=lot.pk)
    return None


@login_required
def outcomes(request, pk: int, lot_id: int):
    tender = buyer_tender(request, pk, CHANGE)
    lot = _lot(tender, lot_id)
    if refused := _draft_only(request, tender, lot):
        return refused
    link = selectors.link_of(tender)
    # A draft whose model lapsed before it commenced chooses again from the models in force.
    lapsed = link if selectors.model_lapsed(link, clock.today_uk()) else None
    if lapsed is not None:
        link = None
    applicable = [] if link else selectors.models_on(clock.today_uk())
    if link is not None:
        model = link.model
    elif not applicable:
        return render(
            request,
            "socialvalue/buyer/outcomes.html",
            {"tender": tender, "lot": lot, "form": None, "model": None, "lapsed": lapsed},
        )
    else:
        wanted = request.POST.get("model") or request.GET.get("model")
        model = next((m for m in applicable if str(m.pk) == wanted), applicable[0])
    day = link.chosen_on if link else clock.today_uk()
    frameworks = list(selectors.frameworks_of(tender.buyer))
    initial = {
        "outcomes": [c.outcome_id for c in LotOutcome.objects.filter(lot=lot)],
        "framework": str(link.framework_id or NO_FRAMEWORK)
        if link
        else str(frameworks[0].pk if frameworks else NO_FRAMEWORK),
        "reporting_months": link.reporting_months if link else 3,
    }
    form = OutcomesForm(
        request.POST or None,
        initial=initial,
        outcomes=selectors.valid_outcomes(model, day),
        frameworks=frameworks,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                actions.choose_outcomes(
                    lot=lot,
                    by=request.user,
                    outcomes=form.chosen_outcomes(),
                    model=None if link else model,
                )
                actions.set_options(
                    tender=tender,
                    by=request.user,
                    framework=form.chosen_framework(),
                    reporting_months=form.cleaned_data["reporting_months"],
                )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Outcomes for lot {lot.number} saved")
            return redirect("socialvalue:propose", pk=tender.pk, lot_id=lot.pk)
    return render(
        request,
        "socialvalue/buyer/outcomes.html",
        {
            "tender": tender,
            "lot": lot,
            "form": form,
            "model": model,
            "link": link,
            "lapsed": lapsed,
            "others": [m for m in applicable if m.pk != model.pk],
        },
    )


@login_required
def propose(request, pk: int, lot_id: int):
    """The questions proposed from the lot's outcomes, to edit and add, with the weight rule's
    verdict as it would be after adding them."""
    tender = buyer_tender(request, pk, CHANGE)
    lot = _lot(tender, lot_id)
    if refused := _draft_only(request, tender, lot):
        return refused
    if selectors.link_of(tender) is None or not LotOutcome.objects.filter(lot=lot).exists():
        messages.error(request, "Choose the policy outcomes first")
        return redirect("socialvalue:outcomes", pk=tender.pk, lot_id=lot.pk)
    per_form = ChoosePerForm(request.GET or None)
    per = per_form.cleaned_data.get("per") if per_form.is_valid() else None
    per = per or selectors.PER_OUTCOME
    if request.method == "POST":
        try:
            count = min(int(request.POST.get("count", "0")), MAX_PROPOSALS)
        except ValueError:
            count = 0
        form = ProposalsForm(request.POST, count=count)
        if form.is_valid() and "add" in request.POST:
            try:
                drafts = [actions.QuestionDraft(**row) for row in form.chosen()]
                added = actions.adopt_questions(lot=lot, by=request.user, drafts=drafts)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    f"{len(added)} social value question{'s' if len(added) != 1 else ''} added "
                    f"to lot {lot.number}",
                )
                return redirect("tenders:detail", pk=tender.pk)
        weights = form.weights()
    else:
        proposals = selectors.proposals_for(lot, per=per)
        form = ProposalsForm(proposals=proposals)
        weights = [p.weight for p in proposals]
    label = selectors.lot_label(lot)
    return render(
        request,
        "socialvalue/buyer/propose.html",
        {
            "tender": tender,
            "lot": lot,
            "form": form,
            "per_form": per_form if per_form.is_bound else ChoosePerForm(initial={"per": per}),
            "policy": selectors.policy_for_tender(tender),
            "current": selectors.weight_check(lot, label=label),
            "preview": selectors.weight_check(
                lot, extra=[(Question.Kind.SOCIAL_VALUE, w) for w in weights], label=label
            ),
        },
    )


# ---------------------------------------------------------------------------------------------
# Buyer: measurement frameworks


@login_required
def frameworks(request):
    organisation = buyer_organisation(request)
    require_perm(request, "socialvalue.view_portfolio", organisation)
    can_import = request.user.has_perm("socialvalue.manage_frameworks", organisation)
    form = FrameworkImportForm()
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied
        form = FrameworkImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                framework = actions.import_framework(
                    buyer=organisation,
                    by=request.user,
                    name=form.cleaned_data["name"],
                    upload=form.cleaned_data["file"],
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
                for detail in exc.details:
                    form.add_error(None, detail)
            else:
                messages.success(
                    request, f"{framework.measures.count()} measures imported as {framework}"
                )
                return redirect("socialvalue:framework", framework_id=framework.pk)
    return render(
        request,
        "socialvalue/buyer/frameworks.html",
        {
            "page": paginate(request, selectors.frameworks_of(organisation)),
            "form": form,
            "can_import": can_import,
        },
    )


@login_required
def framework(request, framework_id: int):
    organisation = buyer_organisation(request)
    require_perm(request, "socialvalue.view_portfolio", organisation)
    item = selectors.framework_of(organisation, framework_id)
    if item is None:
        raise Http404("No framework of yours has that number")
    return render(
        request,
        "socialvalue/buyer/framework.html",
        {"framework": item, "page": paginate(request, item.measures.all(), per_page=50)},
    )


# ---------------------------------------------------------------------------------------------
# Buyer: across all contracts


@login_required
def portfolio(request):
    organisation = buyer_organisation(request)
    require_perm(request, "socialvalue.view_portfolio", organisation)
    page = paginate(request, selectors.buyer_contracts(organisation))
    today = clock.today_uk()
    return render(
        request,
        "socialvalue/buyer/portfolio.html",
        {
            "page": page,
            "rows": [selectors.contract_progress(c, today) for c in page],
            "totals": selectors.buyer_totals(organisation),
            "waiting": list(selectors.reports_waiting(organisation)[:50]),
        },
    )


# ---------------------------------------------------------------------------------------------
# A contract: committed against delivered, reports and their review


def _party_contract(request, contract_id: int):
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise Http404("Sign in as the buyer or the supplier")
    contract = selectors.contract_for(organisation, contract_id)
    if contract is None:
        raise Http404("No contract of yours has that number")
    require_perm(request, "socialvalue.view_contract", contract)
    return contract


@login_required
def contract(request, contract_id: int):
    contract = _party_contract(request, contract_id)
    progress = selectors.contract_progress(contract)
    return render(
        request,
        "socialvalue/contract.html",
        {
            "contract": progress.contract,
            "tender": contract_lot(progress.contract).tender,
            "progress": progress,
            "is_supplier": request.organisation.pk == contract.supplier_id,
            "can_report": request.user.has_perm("socialvalue.report_delivery", contract),
            "can_review": request.user.has_perm("socialvalue.review_report", contract),
            "today": clock.today_uk(),
        },
    )


@login_required
def report_add(request, contract_id: int, obligation_id: int):
    contract = _party_contract(request, contract_id)
    require_perm(request, "socialvalue.report_delivery", contract)
    obligation = get_object_or_404(
        contract.social_value_obligations.select_related("contract__lot__tender"),
        pk=obligation_id,
    )
    today = clock.today_uk()
    periods = list(contract.social_value_periods.filter(starts_on__lte=today).order_by("number"))
    reports = {r.period_id: r for r in obligation.reports.all()}
    open_periods = [
        p
        for p in periods
        if reports.get(p.pk) is None or (reports[p.pk].status != ReportStatus.ACCEPTED)
    ]
    wanted = request.GET.get("period")
    initial = {}
    chosen = next((p for p in open_periods if str(p.pk) == wanted), None)
    if chosen is None and open_periods:
        chosen = open_periods[0]
    if chosen is not None:
        initial["period"] = chosen.pk
        existing = reports.get(chosen.pk)
        if existing is not None:
            initial.update(quantity=existing.quantity.normalize(), narrative=existing.narrative)
    form = ReportForm(
        request.POST or None, request.FILES or None, initial=initial, periods=open_periods
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.submit_report(
                obligation=obligation,
                period=form.periods[data["period"]],
                by=request.user,
                quantity=data["quantity"],
                narrative=data["narrative"],
                evidence=[data["evidence"]] if data.get("evidence") else [],
            )
        except DomainError as exc:
            if exc.code == "invalid_file":
                form.add_error("evidence", exc.message)
            else:
                add_domain_error(form, exc)
        else:
            messages.success(request, "Your report has been sent to the buyer for review")
            return redirect("socialvalue:contract", contract_id=contract.pk)
    return render(
        request,
        "socialvalue/report_form.html",
        {
            "contract": contract,
            "tender": contract.lot.tender,
            "obligation": obligation,
            "form": form if open_periods else None,
            "existing": reports.get(chosen.pk) if chosen else None,
        },
    )


@login_required
def report(request, report_id: int):
    organisation = getattr(request, "organisation", None)
    item = selectors.report_for(organisation, report_id) if organisation else None
    if organisation is None or item is None:
        raise Http404("No report of yours has that number")
    contract = item.obligation.contract
    require_perm(request, "socialvalue.view_contract", contract)
    can_review = (
        request.user.has_perm("socialvalue.review_report", contract)
        and item.status == ReportStatus.SUBMITTED
    )
    form = ReviewForm(request.POST or None) if can_review else None
    if request.method == "POST":
        if not can_review:
            if not request.user.has_perm("socialvalue.review_report", contract):
                raise PermissionDenied
            messages.error(request, "This report has already been reviewed")
            return redirect("socialvalue:report", report_id=item.pk)
        assert form is not None  # made whenever the report can be reviewed
        if form.is_valid():
            try:
                actions.review_report(
                    report=item,
                    by=request.user,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                label = ReportStatus(form.cleaned_data["decision"]).label.lower()
                messages.success(request, f"Report {label}")
                return redirect("socialvalue:contract", contract_id=contract.pk)
    return render(
        request,
        "socialvalue/report.html",
        {
            "report": item,
            "obligation": item.obligation,
            "contract": contract,
            "tender": contract_lot(contract).tender,
            "form": form,
            "is_supplier": organisation.pk == contract.supplier_id,
            "can_resubmit": request.user.has_perm("socialvalue.report_delivery", contract)
            and item.status in {ReportStatus.QUERIED, ReportStatus.REJECTED},
        },
    )


@login_required
def evidence(request, report_id: int, evidence_id: int):
    organisation = getattr(request, "organisation", None)
    item = selectors.report_for(organisation, report_id) if organisation else None
    if item is None:
        raise Http404("No report of yours has that number")
    require_perm(request, "socialvalue.view_contract", item.obligation.contract)
    document = get_object_or_404(item.evidence.all(), pk=evidence_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing") from exc
    return FileResponse(handle, as_attachment=True, filename=PurePath(document.file.name).name)


# ---------------------------------------------------------------------------------------------
# Supplier


def supplier_required(view):
    """Signed in, acting for a supplier organisation; anyone else gets 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        organisation = request.organisation
        if organisation is None or not organisation.is_supplier:
            raise Http404("These pages are for suppliers")
        return view(request, *args, **kwargs)

    return login_required(wrapper)


@supplier_required
def supplier_home(request):
    page = paginate(request, selectors.supplier_contracts(request.organisation))
    today = clock.today_uk()
    return render(
        request,
        "socialvalue/supplier/home.html",
        {"page": page, "rows": [selectors.contract_progress(c, today) for c in page]},
    )


def _own_bid(request, bid_id: int, perm: str = "bids.view_bid") -> Bid:
    bid = (
        Bid.objects.for_supplier(request.organisation)
        .filter(pk=bid_id)
        .select_related("lot__tender__buyer", "supplier")
        .first()
    )
    if bid is None or not request.user.has_perm(perm, bid):
        raise Http404("No bid of yours has that number")
    return bid


def _commitment_form(bid, data=None, **kwargs) -> CommitmentForm:
    lot = bid.lot
    return CommitmentForm(
        data,
        questions=selectors.social_value_questions(lot),
        measures=selectors.measures_for(lot.tender),
        metrics=selectors.metrics_for(lot),
        years=selectors.years_of(lot.tender),
        **kwargs,
    )


def _commitments_page(request, bid, form=None, status: int = 200):
    lot, tender = bid.lot, bid.lot.tender
    questions = selectors.social_value_questions(lot)
    editable = bool(questions) and bid.is_editable and tender.is_open_for_bids
    commitments = selectors.bid_commitments(bid)
    if form is None and editable:
        form = _commitment_form(bid)
    return render(
        request,
        "socialvalue/supplier/commitments.html",
        {
            "bid": bid,
            "lot": lot,
            "tender": tender,
            "questions": questions,
            "commitments": commitments,
            "valuation": selectors.valuation([c.value for c in commitments], bid.price),
            "has_proxies": any(m.proxy_value is not None for m in selectors.measures_for(tender)),
            "editable": editable,
            "form": form,
            "value_url": reverse("socialvalue:commitment_value", args=[bid.pk]),
        },
        status=status,
    )


@supplier_required
def commitments(request, bid_id: int):
    bid = _own_bid(request, bid_id)
    if request.method != "POST":
        return _commitments_page(request, bid)
    bid = _own_bid(request, bid_id, "bids.change_bid")
    form = _commitment_form(bid, request.POST)
    if form.is_valid():
        try:
            actions.add_commitment(bid=bid, by=request.user, **form.action_fields())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Commitment added to your bid")
            return redirect(reverse("socialvalue:commitments", args=[bid.pk]) + "#commitments")
    return _commitments_page(request, bid, form=form)


@supplier_required
@require_POST
def commitment_value(request, bid_id: int):
    """The pound value of the commitment being typed, the bid's total with it and the ratio to
    the bid price: a fragment for htmx. Changes nothing."""
    bid = _own_bid(request, bid_id)
    measures = {f"measure:{m.pk}": m for m in selectors.measures_for(bid.lot.tender)}
    measure = measures.get(request.POST.get("measure", ""))
    typed = request.POST.get("quantity", "").strip()
    quantity = error = None
    if typed:  # nothing typed yet is no error: the fragment asks for how many
        try:
            quantity = clean_quantity(typed)
        except DomainError as exc:
            error = exc.message
    this = None
    if measure is not None and measure.proxy_value is not None and quantity is not None:
        this = (quantity * measure.proxy_value).quantize(selectors.PENNY)
    editing = request.GET.get("editing")
    others = [c.value for c in selectors.bid_commitments(bid) if str(c.pk) != editing]
    return render(
        request,
        "socialvalue/supplier/_commitment_value.html",
        {
            "this": this,
            "measure": measure,
            "quantity": quantity,
            "error": error,
            "valuation": selectors.valuation([*others, this], bid.price),
        },
        status=422 if error else 200,
    )


@supplier_required
def commitment_edit(request, bid_id: int, commitment_id: int):
    bid = _own_bid(request, bid_id)
    commitment = get_object_or_404(Commitment.objects.filter(bid=bid), pk=commitment_id)
    if not (bid.is_editable and bid.lot.tender.is_open_for_bids):
        messages.error(request, "Your commitments can change only while your bid can")
        return redirect("socialvalue:commitments", bid_id=bid.pk)
    if request.method == "POST":
        bid = _own_bid(request, bid_id, "bids.change_bid")
        form = _commitment_form(bid, request.POST)
        if form.is_valid():
            try:
                actions.update_commitment(
                    commitment=commitment, by=request.user, **form.action_fields()
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "Commitment saved")
                return redirect(reverse("socialvalue:commitments", args=[bid.pk]) + "#commitments")
    else:
        form = _commitment_form(bid, initial=CommitmentForm.initial_for(commitment))
    return render(
        request,
        "socialvalue/supplier/commitment_edit.html",
        {
            "bid": bid,
            "lot": bid.lot,
            "tender": bid.lot.tender,
            "commitment": commitment,
            "form": form,
            "has_proxies": any(
                m.proxy_value is not None for m in selectors.measures_for(bid.lot.tender)
            ),
            "valuation": selectors.valuation(
                [c.value for c in selectors.bid_commitments(bid)], bid.price
            ),
            "value_url": reverse("socialvalue:commitment_value", args=[bid.pk])
            + f"?editing={commitment.pk}",
        },
    )


@supplier_required
@require_POST
def commitment_remove(request, bid_id: int, commitment_id: int):
    bid = _own_bid(request, bid_id, "bids.change_bid")
    commitment = get_object_or_404(Commitment.objects.filter(bid=bid), pk=commitment_id)
    run_button_action(
        request,
        lambda: actions.remove_commitment(commitment=commitment, by=request.user),
        success="Commitment removed from your bid",
    )
    return redirect(reverse("socialvalue:commitments", args=[bid.pk]) + "#commitments")
