"""Clarification questions: the buyer's list and answer page, and a supplier's view of its own
question.

The question as asked and who asked are shown only to those who answer (buyer admins and
officers: rules `tenders.see_clarification_asker`); an evaluator reads the answered questions
as published. The answer page
publishes the question as it will be shown (as asked, edited or withheld) with the answer; the
action emails every interested supplier."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error
from levelfield.core.pagination import paginate

from . import actions_clarify, selectors
from .forms_clarify import AnswerForm
from .lifecycle import Status
from .page_helpers import buyer_tender
from .selectors_clarify import answers_questions, buyer_clarifications

VIEW = "tenders.view_tender_admin"
ANSWER = "tenders.answer_clarification"


@login_required
def clarifications(request, pk: int):
    tender = buyer_tender(request, pk, VIEW)
    answerer = answers_questions(request.user, tender)
    page = paginate(request, buyer_clarifications(tender, answerer=answerer))
    return render(
        request,
        "tenders/buyer/clarifications.html",
        {
            "tender": tender,
            "page": page,
            "answerer": answerer,
            "unanswered_count": tender.clarifications.filter(answered_at__isnull=True).count(),
            "can_answer": request.user.has_perm(ANSWER, tender)
            and tender.status == Status.PUBLISHED,
        },
    )


@login_required
def answer(request, pk: int, clarification_id: int):
    tender = buyer_tender(request, pk, ANSWER)
    clarification = get_object_or_404(
        buyer_clarifications(tender, answerer=True), pk=clarification_id
    )
    if clarification.answered_at or tender.status != Status.PUBLISHED:
        messages.error(
            request,
            "This question has already been answered"
            if clarification.answered_at
            else "Questions can be answered only while the tender is published",
        )
        return redirect("tenders:clarifications", pk=tender.pk)
    form = AnswerForm(
        request.POST if request.method == "POST" else None, clarification=clarification
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions_clarify.answer_clarification(
                clarification=clarification,
                by=request.user,
                answer=data["answer"],
                published_question=data["published_question"],
                withhold_question=data["withhold_question"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, "Answer published and being emailed to every interested supplier"
            )
            return redirect("tenders:clarifications", pk=tender.pk)
    return render(
        request,
        "tenders/buyer/answer.html",
        {
            "tender": tender,
            "clarification": clarification,
            "form": form,
        },
    )


@login_required
def own_question(request, reference: str, clarification_id: int):
    """A supplier's own question: as asked, whether it is answered, and how it was published.
    Anyone else's question is a 404."""
    organisation = request.organisation
    if organisation is None or not organisation.is_supplier:
        raise Http404("Only the supplier that asked a question can see it here")
    clarification = get_object_or_404(
        selectors.clarifications_asked_by(organisation).filter(tender__reference=reference),
        pk=clarification_id,
    )
    return render(request, "tenders/public/own_question.html", {"clarification": clarification})
