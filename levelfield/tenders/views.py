"""The buyer's pages for drafting, publishing and running a tender up to opening evaluation.

Each view finds the tender with `page_helpers.buyer_tender` (another organisation's tender is a
404, a missing permission a 403), calls one action and renders. The actions check permission and
state again; a refusal is shown on the page, nothing typed is lost.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from levelfield.bids import statistics as bid_statistics
from levelfield.bids.models import Bid
from levelfield.contracts.selectors_checklists import overdue_items
from levelfield.core import clock
from levelfield.core.errors import DomainError, RuleFailed
from levelfield.core.forms import add_domain_error, run_button_action
from levelfield.core.pagination import paginate
from levelfield.core.policy import policy_by_code
from levelfield.resilience.rules import is_resilience_team

from . import actions, barriers, periods
from .criteria import check_weights
from .forms import (
    BarrierReasonForm,
    CancelForm,
    DocumentForm,
    LotForm,
    QuestionForm,
    TenderForm,
    scale_to_text,
)
from .history import tender_history
from .lifecycle import Status
from .models import Lot, Question, Tender
from .page_helpers import buyer_organisation, buyer_tender, require_perm, tender_question

VIEW = "tenders.view_tender_admin"
CHANGE = "tenders.change_tender"
CANCEL = "tenders.cancel_tender"

# States after which the sealed bids have been opened for evaluation.
EVALUATION_STATES = {
    Status.EVALUATION,
    Status.AWARD_DECIDED,
    Status.STANDSTILL,
    Status.CONTRACT_SIGNED,
}


def _policy(tender: Tender):
    """The policy the tender is judged by: the version recorded at publication, else today's."""
    if tender.policy_version:
        return policy_by_code(tender.policy_version)
    return actions.commencement_policy(tender, clock.today_uk())


# -- dashboard ----------------------------------------------------------------------------------


@login_required
def dashboard(request):
    organisation = buyer_organisation(request)
    tenders = Tender.objects.for_buyer(organisation).order_by("-created_at", "-id")
    assigned = (
        Tender.objects.for_buyer(organisation)
        .filter(lots__questions__assignments__evaluator=request.user)
        .exclude(status=Status.DRAFT)
        .distinct()
        .order_by("submission_deadline", "id")
    )
    return render(
        request,
        "tenders/buyer/dashboard.html",
        {
            "page": paginate(request, tenders),
            "assigned": list(assigned),
            "can_create": request.user.has_perm("tenders.create_tender", organisation),
            "overdue_checklist": _overdue_checklist(request, organisation),
            "resilience_team": is_resilience_team(request.user),
        },
    )


OVERDUE_SHOWN = 10


def _overdue_checklist(request, organisation) -> list:
    """The oldest overdue contract checklist items (one query), for the buyer's staff."""
    if not request.user.has_perm("contracts.view_register", organisation):
        return []
    return list(overdue_items(organisation, clock.today_uk())[:OVERDUE_SHOWN])


# -- the tender itself --------------------------------------------------------------------------


@login_required
def create(request):
    organisation = buyer_organisation(request)
    require_perm(request, "tenders.create_tender", organisation)
    form = TenderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tender = actions.create_tender(
                buyer=organisation, by=request.user, **form.action_fields()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Draft tender {tender.reference} created")
            return redirect("tenders:detail", pk=tender.pk)
    return render(request, "tenders/buyer/tender_form.html", {"form": form, "tender": None})


def _draft_only(request, tender: Tender):
    """A redirect back to the tender when it is no longer a draft, else None."""
    if tender.status != Status.DRAFT:
        messages.error(request, "Only a draft tender can be changed like this")
        return redirect("tenders:detail", pk=tender.pk)
    return None


@login_required
def edit(request, pk: int):
    tender = buyer_tender(request, pk, CHANGE)
    if refused := _draft_only(request, tender):
        return refused
    form = TenderForm(request.POST or None, initial=TenderForm.initial_for(tender))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_tender(tender=tender, by=request.user, **form.action_fields())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Tender details saved")
            return redirect("tenders:detail", pk=tender.pk)
    return render(request, "tenders/buyer/tender_form.html", {"form": form, "tender": tender})


def _barrier_rows(tender: Tender, failed: BarrierReasonForm | None = None) -> list[tuple]:
    """Each barrier finding with the buyer's recorded decision and a form to record a reason;
    `failed` is a form just refused, shown again with its errors."""
    rows = []
    for row in barriers.panel(tender):
        prefix = f"barrier-{row.finding.code}"
        if failed is not None and failed.prefix == prefix:
            form = failed
        else:
            form = BarrierReasonForm(
                prefix=prefix,
                finding_title=row.finding.title,
                initial={"reason": row.decision.reason if row.decision else ""},
            )
        rows.append((row, form))
    return rows


def _detail_context(request, tender: Tender, *, failed_barrier=None) -> dict:
    lots = list(tender.lots.prefetch_related("questions"))
    policy = _policy(tender)
    lot_checks = [
        (
            lot,
            check_weights(
                price_weight=lot.price_weight,
                questions=[(q.kind, q.weight) for q in lot.questions.all()],
                formula=lot.price_formula,
                threshold=lot.quality_threshold,
                policy=policy,
            ),
        )
        for lot in lots
    ]
    is_draft = tender.status == Status.DRAFT
    can_change = request.user.has_perm(CHANGE, tender)
    unsealed = tender.status in EVALUATION_STATES or (
        tender.status == Status.PUBLISHED and tender.is_closed_for_bids
    )
    # Sealed bids: nothing about bids is read before the deadline. After it, how many were
    # received (their content stays sealed until they are opened for evaluation).
    bid_count = (
        Bid.objects.received_for_buyer(tender.buyer).filter(lot__tender=tender).count()
        if unsealed
        else None
    )
    clarifications = tender.clarifications.all()
    return {
        "tender": tender,
        "lot_checks": lot_checks,
        "multiple_lots": len(lots) > 1,
        "policy": policy,
        "cpv_codes": list(tender.cpv_codes.all()),
        "documents": list(tender.documents.select_related("uploaded_by")),
        "problems": actions.publication_problems(tender) if is_draft else [],
        "deadline_warnings": periods.deadline_warnings(tender.submission_deadline)
        if is_draft
        else [],
        "is_draft": is_draft,
        "can_change": can_change,
        "can_edit": can_change and is_draft,
        "can_add_document": can_change and (is_draft or tender.is_open_for_bids),
        "can_cancel": request.user.has_perm(CANCEL, tender)
        and tender.status not in {Status.CONTRACT_SIGNED, Status.CANCELLED},
        "can_open_evaluation": can_change
        and tender.status == Status.PUBLISHED
        and tender.is_closed_for_bids,
        "unsealed": unsealed,
        "bid_count": bid_count,
        # Counts only, from the buyer's unsealed scope: None while the bids are sealed.
        "bid_stats": bid_statistics.for_buyer(tender, tender.buyer) if unsealed else None,
        "barrier_rows": _barrier_rows(tender, failed_barrier) if is_draft else [],
        "failed_barrier": failed_barrier,
        "clarification_count": clarifications.count(),
        "unanswered_count": clarifications.filter(answered_at__isnull=True).count(),
        "events": tender_history(
            tender,
            with_correspondence=request.user.has_perm("correspondence.view_record", tender),
        ),
    }


@login_required
def detail(request, pk: int):
    tender = buyer_tender(request, pk, VIEW)
    return render(request, "tenders/buyer/detail.html", _detail_context(request, tender))


@login_required
@require_POST
def barrier_reason(request, pk: int, code: str):
    """The buyer goes ahead despite one barrier finding and records why."""
    tender = buyer_tender(request, pk, CHANGE)
    if refused := _draft_only(request, tender):
        return refused
    finding = next((f for f in barriers.check(tender) if f.code == code), None)
    if finding is None:
        messages.error(request, "That barrier check finds nothing on this tender now")
        return redirect("tenders:detail", pk=tender.pk)
    form = BarrierReasonForm(request.POST, prefix=f"barrier-{code}", finding_title=finding.title)
    if form.is_valid():
        try:
            actions.record_barrier_reason(
                tender=tender, by=request.user, code=code, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Your reason for going ahead is recorded: {finding.title}")
            return redirect(f"{reverse('tenders:detail', args=[tender.pk])}#barriers")
    context = _detail_context(request, tender, failed_barrier=form)
    return render(request, "tenders/buyer/detail.html", context)


@login_required
@require_POST
def publish(request, pk: int):
    tender = buyer_tender(request, pk, CHANGE)
    try:
        actions.publish_tender(tender=tender, by=request.user)
    except RuleFailed as exc:
        # Every failed rule, named, at the top of the tender page.
        context = _detail_context(request, tender)
        context["publish_errors"] = [
            {"href": "#publication-checks", "text": detail}
            for detail in exc.details or [exc.message]
        ]
        return render(request, "tenders/buyer/detail.html", context)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{tender.reference} is published and open for bids")
    return redirect("tenders:detail", pk=tender.pk)


@login_required
def cancel(request, pk: int):
    tender = buyer_tender(request, pk, CANCEL)
    if tender.status in {Status.CONTRACT_SIGNED, Status.CANCELLED}:
        messages.error(
            request, f"A tender that is {tender.get_status_display().lower()} cannot be cancelled"
        )
        return redirect("tenders:detail", pk=tender.pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.cancel_tender(
                tender=tender, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{tender.reference} is cancelled")
            return redirect("tenders:detail", pk=tender.pk)
    return render(request, "tenders/buyer/cancel.html", {"form": form, "tender": tender})


@login_required
@require_POST
def open_evaluation(request, pk: int):
    tender = buyer_tender(request, pk, CHANGE)
    run_button_action(
        request,
        lambda: actions.open_evaluation(tender=tender, by=request.user),
        success="Bids are open for evaluation",
    )
    return redirect("tenders:detail", pk=tender.pk)


# -- lots and award criteria --------------------------------------------------------------------


@login_required
def lot_add(request, pk: int):
    return _lot_page(request, buyer_tender(request, pk, CHANGE), lot=None)


@login_required
def lot_edit(request, pk: int, lot_id: int):
    tender = buyer_tender(request, pk, CHANGE)
    return _lot_page(request, tender, lot=get_object_or_404(tender.lots, pk=lot_id))


def _lot_page(request, tender: Tender, lot: Lot | None):
    """Add a lot (`lot` is None) or change one: its details and award criteria on one page."""
    if refused := _draft_only(request, tender):
        return refused
    form = LotForm(request.POST or None, initial=LotForm.initial_for(lot) if lot else None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_lot(tender, lot, form, by=request.user)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Lot {saved.number} {'saved' if lot else 'added'}")
            return redirect("tenders:detail", pk=tender.pk)
    return render(
        request, "tenders/buyer/lot_form.html", {"form": form, "tender": tender, "lot": lot}
    )


@transaction.atomic
def _save_lot(tender: Tender, lot: Lot | None, form: LotForm, *, by) -> Lot:
    """A new lot takes two actions, adding it and setting its criteria: both happen or neither
    does."""
    if lot is None:
        lot = actions.add_lot(tender=tender, by=by, **form.details())
        actions.update_lot(lot=lot, by=by, **form.criteria())
    else:
        actions.update_lot(lot=lot, by=by, **form.details(), **form.criteria())
    return lot


@login_required
def question_add(request, pk: int, lot_id: int):
    tender = buyer_tender(request, pk, CHANGE)
    lot = get_object_or_404(tender.lots, pk=lot_id)
    return _question_page(request, tender, lot, question=None)


@login_required
def question_edit(request, pk: int, question_id: int):
    tender = buyer_tender(request, pk, CHANGE)
    question = tender_question(tender, question_id)
    return _question_page(request, tender, question.lot, question=question)


def _question_page(request, tender: Tender, lot: Lot, question: Question | None):
    """Add a question to `lot` (`question` is None), or change one of its questions. A new
    question starts with the policy's default scoring scale."""
    if refused := _draft_only(request, tender):
        return refused
    if question is None:
        initial = {"scale": scale_to_text(_policy(tender).default_scale)}
    else:
        initial = QuestionForm.initial_for(question)
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if question is None:
                added = actions.add_question(lot=lot, by=request.user, **form.cleaned_data)
                success = f"Question {added.number} added to lot {lot.number}"
            else:
                actions.update_question(question=question, by=request.user, **form.cleaned_data)
                success = f"Question {question.number} saved"
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("tenders:detail", pk=tender.pk)
    return render(
        request,
        "tenders/buyer/question_form.html",
        {"form": form, "tender": tender, "lot": lot, "question": question},
    )


@login_required
@require_POST
def question_remove(request, pk: int, question_id: int):
    tender = buyer_tender(request, pk, CHANGE)
    question = tender_question(tender, question_id)
    run_button_action(
        request,
        lambda: actions.remove_question(question=question, by=request.user),
        success=f"Question {question.number} removed from lot {question.lot.number}",
    )
    return redirect("tenders:detail", pk=tender.pk)


# -- documents ----------------------------------------------------------------------------------


@login_required
def document_add(request, pk: int):
    tender = buyer_tender(request, pk, CHANGE)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = actions.add_document(
                tender=tender,
                by=request.user,
                title=data["title"],
                doc_type=data["doc_type"],
                upload=data["file"],
            )
        except DomainError as exc:
            if exc.code == "invalid_file":
                form.add_error("file", exc.message)
            else:
                add_domain_error(form, exc)
        else:
            messages.success(request, f"{document.title} uploaded")
            return redirect("tenders:detail", pk=tender.pk)
    return render(request, "tenders/buyer/document_form.html", {"form": form, "tender": tender})
