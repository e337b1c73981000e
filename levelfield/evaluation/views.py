"""The buyer's evaluation pages: assign evaluators, declare conflicts, score, moderate, report.

Bids are read only through `Bid.objects.unsealed_for_buyer`, so before the submission deadline
no page here can show a bid, or even whether there is one.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from levelfield.accounts.selectors import evaluators_of
from levelfield.bids.models import Bid, BidAnswer
from levelfield.bids.unsubmitted import complete_not_submitted
from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error, run_button_action
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.lifecycle import Status as TenderStatus
from levelfield.tenders.models import Question, Tender
from levelfield.tenders.page_helpers import buyer_tender, require_perm, tender_question

from . import actions, report, selectors
from .forms import AssignForm, DeclarationForm, ModerateForm, ScoreForm
from .models import ConflictDeclaration, EvaluatorAssignment, ModeratedScore, Score


def _declaration(tender: Tender, user) -> ConflictDeclaration | None:
    return ConflictDeclaration.objects.filter(tender=tender, evaluator=user).first()


def _bid(request, question: Question, bid_id: int) -> Bid:
    return get_object_or_404(
        Bid.objects.unsealed_for_buyer(request.organisation)
        .filter(lot=question.lot)
        .select_related("supplier"),
        pk=bid_id,
    )


@login_required
def overview(request, pk: int):
    tender = buyer_tender(request, pk, "evaluation.declare_conflict")
    runs = request.user.has_perm("evaluation.moderate", tender)
    declaration = _declaration(tender, request.user)
    assigned = EvaluatorAssignment.objects.filter(
        question__lot__tender=tender, evaluator=request.user
    ).exists()
    may_score = declaration is not None and not declaration.has_conflict
    assignable = tender.status in {TenderStatus.PUBLISHED, TenderStatus.EVALUATION}
    return render(
        request,
        "evaluation/overview.html",
        {
            "tender": tender,
            "runs": runs,
            "in_evaluation": tender.status == TenderStatus.EVALUATION,
            "unsealed": tender.bids_unsealed,
            "can_open": request.user.has_perm("tenders.change_tender", tender)
            and tender.status == TenderStatus.PUBLISHED
            and tender.is_closed_for_bids,
            "conflicts": selectors.conflicts_for_buyer(tender) if runs and assignable else None,
            "progress": report.progress(tender, request.organisation, unsealed=tender.bids_unsealed)
            if runs
            else None,
            # Who had a complete bid and did not submit it: names and lots only, from the
            # deadline on, for those who run the tender (bids/unsubmitted.py).
            "not_submitted": complete_not_submitted(tender, request.organisation) if runs else None,
            "show_own_work": assigned or not runs or (declaration and declaration.has_conflict),
            "assigned": assigned,
            "declaration": declaration,
            "work": report.worklist(tender, request.user, request.organisation)
            if may_score
            else [],
        },
    )


@login_required
@require_POST
def open_bids(request, pk: int):
    """The evaluation page's button: once the submission deadline has passed, open the bids and
    come back to the evaluation page (the tender page has its own button)."""
    tender = buyer_tender(request, pk, "tenders.change_tender")
    run_button_action(
        request,
        lambda: tender_actions.open_evaluation(tender=tender, by=request.user),
        success="Bids are open for evaluation",
    )
    return redirect("evaluation:overview", pk=tender.pk)


@login_required
def assign(request, pk: int):
    tender = buyer_tender(request, pk, "evaluation.assign_evaluators")
    lots = list(tender.lots.prefetch_related("questions__assignments__evaluator"))
    questions = [q for lot in lots for q in lot.questions.all()]
    current = {q.pk: {a.evaluator_id for a in q.assignments.all()} for q in questions}
    # People who declared a conflict of interest get no checkbox; the action refuses them.
    conflicted = {
        d.evaluator_id: d.evaluator
        for d in ConflictDeclaration.objects.filter(tender=tender, has_conflict=True)
        .select_related("evaluator")
        .order_by("evaluator__full_name")
    }
    people = {
        m.user.pk: (m.user, f"{m.user} ({m.get_role_display()})")
        for m in evaluators_of(tender.buyer)
    }
    for question in questions:
        for assignment in question.assignments.all():
            people.setdefault(
                assignment.evaluator_id, (assignment.evaluator, str(assignment.evaluator))
            )
    form = AssignForm(
        request.POST or None,
        questions=questions,
        evaluators=[person for pk, person in people.items() if pk not in conflicted],
        current=current,
        not_offered=conflicted,
    )
    if request.method == "POST" and form.is_valid():
        try:
            # All or nothing: a refusal for one question leaves every assignment as it was.
            with transaction.atomic():
                for question in questions:
                    chosen = form.chosen(question)
                    for user_pk in sorted(chosen - current[question.pk]):
                        evaluator = conflicted.get(user_pk) or people[user_pk][0]
                        actions.assign_evaluator(
                            question=question, evaluator=evaluator, by=request.user
                        )
                    for assignment in question.assignments.all():
                        if assignment.evaluator_id not in chosen:
                            actions.unassign_evaluator(assignment=assignment, by=request.user)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Evaluators saved")
            return redirect("evaluation:overview", pk=tender.pk)
    groups = [
        (lot, [(q, form[AssignForm.name_for(q)]) for q in lot.questions.all()]) for lot in lots
    ]
    return render(
        request,
        "evaluation/assign.html",
        {
            "tender": tender,
            "form": form,
            "groups": groups,
            "has_questions": bool(questions),
            "conflicted": list(conflicted.values()),
        },
    )


@login_required
def declare(request, pk: int):
    tender = buyer_tender(request, pk, "evaluation.declare_conflict")
    declaration = _declaration(tender, request.user)
    if declaration is not None:
        return render(
            request, "evaluation/declared.html", {"tender": tender, "declaration": declaration}
        )
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            declaration = actions.declare_conflict(
                tender=tender,
                by=request.user,
                has_conflict=form.declares_conflict,
                details=form.cleaned_data["details"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if declaration.has_conflict:
                messages.success(
                    request,
                    "Your conflict of interest is recorded. You will not evaluate this tender.",
                )
            else:
                messages.success(request, "Your declaration is recorded")
            return redirect("evaluation:overview", pk=tender.pk)
    # The declaration is about the organisations that bid: their names only (no price, answer
    # or document), and only once the deadline has passed (before the bids are opened: the
    # declaration comes first).
    bidders = (
        sorted(
            set(
                Bid.objects.received_for_buyer(request.organisation)
                .filter(lot__tender=tender)
                .values_list("supplier__name", flat=True)
            )
        )
        if tender.bids_unsealed
        else None
    )
    return render(
        request, "evaluation/declare.html", {"tender": tender, "form": form, "bidders": bidders}
    )


@login_required
def score(request, pk: int, bid_id: int, question_id: int):
    tender = buyer_tender(request, pk)
    question = tender_question(tender, question_id)
    # Who may look comes first: an evaluator who has not declared learns nothing about bids.
    require_perm(request, "evaluation.score_question", question)
    declaration = _declaration(tender, request.user)
    if declaration is None:
        messages.error(request, "Declare any conflict of interest before you see the bids")
        return redirect("evaluation:declare", pk=tender.pk)
    if declaration.has_conflict:
        raise PermissionDenied
    bid = _bid(request, question, bid_id)
    mine = Score.objects.filter(bid=bid, question=question, evaluator=request.user).first()
    initial = {"score": mine.score, "justification": mine.justification} if mine else None
    form = ScoreForm(request.POST or None, question=question, initial=initial)
    save = partial(actions.score_answer, bid=bid, question=question, by=request.user)
    success = f"Your score for question {question.number} of {bid.supplier}'s bid is saved"
    if done := _save_score(request, tender, form, save, success=success):
        return done
    return render(
        request,
        "evaluation/score.html",
        {
            **_answer_context(tender, question, bid),
            "form": form,
            "moderated": ModeratedScore.objects.filter(bid=bid, question=question).first(),
        },
    )


@login_required
def moderate(request, pk: int, bid_id: int, question_id: int):
    tender = buyer_tender(request, pk, "evaluation.moderate")
    question = tender_question(tender, question_id)
    bid = _bid(request, question, bid_id)
    scores = list(Score.objects.filter(bid=bid, question=question).select_related("evaluator"))
    scored = {s.evaluator_id for s in scores}
    assignments = list(question.assignments.select_related("evaluator"))
    awaiting = [a.evaluator for a in assignments if a.evaluator_id not in scored]
    agreed = ModeratedScore.objects.filter(bid=bid, question=question).first()
    initial = {"score": agreed.score, "rationale": agreed.rationale} if agreed else None
    form = ModerateForm(request.POST or None, question=question, initial=initial)
    save = partial(actions.moderate, bid=bid, question=question, by=request.user)
    success = f"Agreed score for question {question.number} of {bid.supplier}'s bid recorded"
    if done := _save_score(request, tender, form, save, success=success):
        return done
    return render(
        request,
        "evaluation/moderate.html",
        {
            **_answer_context(tender, question, bid),
            "scores": scores,
            "awaiting": awaiting,
            "no_evaluator": not assignments,
            "agreed": agreed,
            "form": form,
        },
    )


def _save_score(request, tender: Tender, form, save, *, success: str):
    """The score and moderation pages post a score with its reason. `save` is the action, given
    the form's fields; on success the person goes back to the overview with the `success`
    message. None means there is a form to show again: not posted, or errors on it."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        save(**form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return None
    messages.success(request, success)
    return redirect("evaluation:overview", pk=tender.pk)


def _answer_context(tender: Tender, question: Question, bid: Bid) -> dict:
    """What evaluation/_answer.html shows: the question, its scale, and the bid's answer."""
    return {
        "tender": tender,
        "question": question,
        "bid": bid,
        "answer": BidAnswer.objects.filter(bid=bid, question=question).first(),
        "attachments": list(bid.attachments.values_list("title", flat=True)),
        "in_evaluation": tender.status == TenderStatus.EVALUATION,
    }


@login_required
def report_page(request, pk: int):
    tender = buyer_tender(request, pk, "evaluation.view_report", unsealed=True)
    return render(
        request,
        "evaluation/report.html",
        {"tender": tender, "lots": report.build_report(tender)},
    )


@login_required
def report_csv(request, pk: int):
    tender = buyer_tender(request, pk, "evaluation.view_report", unsealed=True)
    body = report.report_csv(tender, report.build_report(tender))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{tender.reference}-evaluation-report.csv"'
    )
    return response
