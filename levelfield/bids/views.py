"""Supplier pages: the dashboard, the bid on a lot (draft, submit, withdraw, resubmit),
receipts and assessment summaries. Every bid is found through `Bid.objects.for_supplier`, so
another organisation's bid gives 404."""

import mimetypes
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from pathlib import PurePath
from typing import TypeVar, cast

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from levelfield.core import clock
from levelfield.core.display import uk_time
from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error, run_button_action
from levelfield.core.pagination import paginate
from levelfield.core.upload_limits import accepts_uploads
from levelfield.resilience.rules import is_resilience_team
from levelfield.resilience.selectors_flags import supplier_will_flag
from levelfield.suppliers import selectors as supplier_selectors
from levelfield.suppliers.templatetags.suppliers import bid_page_url
from levelfield.tenders.selectors import clarifications_asked_by

from . import actions, selectors
from .checklist import bid_checklist
from .forms import AttachmentForm, BidForm
from .models import BidReceipt, BidStatus
from .sealing import attachment_chunks
from .words import over_limit_by

CLOSING_SOON = timedelta(hours=24)


def supplier_required(view):
    """Signed in, acting for a supplier organisation. Anyone else: sign in, or 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        organisation = request.organisation
        if organisation is None or not organisation.is_supplier:
            raise Http404("These pages are for suppliers")
        if not request.user.has_perm("tenders.ask_question", organisation):
            raise Http404("These pages are for suppliers")
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _own_bid(request, bid_id: int, perm: str = "bids.view_bid"):
    bid = selectors.bid_of(request.organisation, bid_id)
    if bid is None or not request.user.has_perm(perm, bid):
        raise Http404("No bid of yours has that number")
    return bid


def _bidder(request):
    """Who the bid page acts for: the user's organisation or, with `?for=<id>`, a consortium it
    has accepted membership of (anything else is 404)."""
    wanted = request.GET.get("for")
    if not wanted:
        return request.organisation
    consortium = supplier_selectors.bidding_consortium(request.organisation, wanted)
    if consortium is None:
        raise Http404("You are not a member of that consortium")
    return consortium


def _lot_or_404(lot_id: int):
    lot = selectors.biddable_lot(lot_id)
    if lot is None:
        raise Http404("No published lot has that number")
    return lot


@supplier_required
def dashboard(request):
    organisation = request.organisation
    return render(
        request,
        "bids/dashboard.html",
        {
            "bids": paginate(request, selectors.bids_of(organisation)),
            "summaries": list(selectors.bids_with_summaries(organisation)),
            "questions": paginate(
                request, clarifications_asked_by(organisation), param="questions_page"
            ),
            "will_flag": supplier_will_flag(organisation),
            "resilience_team": is_resilience_team(request.user),
        },
    )


_Render = TypeVar("_Render", bound=Callable[..., HttpResponse])


def _allowing_wasm(render_page: _Render) -> _Render:
    """csp_update allowing WebAssembly on the page `render_page` renders. django-csp types its
    decorators for a view taking the request alone; the decorated function is called as it is."""
    return cast(_Render, csp_update({"script-src": ["'wasm-unsafe-eval'"]})(render_page))


# hash-wasm works out the SHA-256 a resumable upload declares in WebAssembly: the bid page alone
# lets the browser compile it ('wasm-unsafe-eval' allows WebAssembly, not eval of script).
@_allowing_wasm
def _render_edit(request, lot, bid, *, form=None, attachment_form=None):
    tender = lot.tender
    questions = list(lot.questions.all())
    is_open = tender.is_open_for_bids
    editable = bool(bid and bid.is_editable and is_open)
    answers = {a.question_id: a.text for a in bid.answers.all()} if bid else {}
    if form is None and editable:
        initial = {"price": bid.price}
        initial.update({BidForm.answer_name(q): answers.get(q.pk, "") for q in questions})
        form = BidForm(initial=initial, questions=questions)
    if attachment_form is None and editable:
        attachment_form = AttachmentForm()
    receipts = list(bid.receipts.all()) if bid else []
    last_submitted = next((r for r in receipts if r.kind == BidReceipt.Kind.SUBMITTED), None)
    time_left = tender.submission_deadline - clock.now() if tender.submission_deadline else None
    checklist = bid_checklist(bid) if editable else None
    return render(
        request,
        "bids/edit.html",
        {
            "lot": lot,
            "tender": tender,
            "bid": bid,
            "form": form,
            "attachment_form": attachment_form,
            "editable": editable,
            "is_open": is_open,
            "closing_soon": is_open and time_left is not None and time_left < CLOSING_SOON,
            "rows": [(q, answers.get(q.pk, "")) for q in questions],
            "attachments": list(bid.attachments.all()) if bid else [],
            "has_summary": bid is not None and hasattr(bid, "assessment_summary"),
            "can_start": bid is None and _can_start(request, lot, _bidder(request)),
            "last_submitted": last_submitted if bid and bid.status == BidStatus.SUBMITTED else None,
            "checklist": checklist,
            "checklist_rows": _checklist_rows(checklist, bid, request) if checklist else [],
            **_consortium_context(request, lot, bid),
        },
    )


def _checklist_rows(checklist, bid, request) -> list[dict]:
    from .views_checklist import checklist_rows

    return checklist_rows(checklist, bid, request, on_bid_page=True)


def _consortium_context(request, lot, bid) -> dict:
    """What the bid page shows about consortia: who the bid is for when it is a consortium's,
    the consortia the user's organisation leads (to bid as one of them), the subcontractors and
    the exclusion declaration."""
    bidder = bid.supplier if bid else _bidder(request)
    consortium = supplier_selectors.consortium_of(bidder)
    return {
        "bidder": bidder,
        "consortium": consortium,
        "for_query": f"?for={bidder.pk}" if bidder.pk != request.organisation.pk else "",
        "led_consortia": []
        if consortium
        else list(supplier_selectors.led_consortia(request.organisation)),
        "subcontractors": list(supplier_selectors.subcontractors_of(bid)) if bid else [],
        "declaration": None
        if consortium
        else supplier_selectors.current_declaration(request.organisation),
    }


def _can_start(request, lot, organisation) -> bool:
    return lot.tender.is_open_for_bids and request.user.has_perm("bids.start_bid", organisation)


@supplier_required
def edit(request, lot_id: int):
    """The supplier's bid on a lot. Before there is a bid, the page offers to start one (a POST
    to `start`): opening the page changes nothing."""
    organisation = _bidder(request)
    lot = _lot_or_404(lot_id)
    bid = selectors.bid_on_lot(organisation, lot)
    if bid is not None and not request.user.has_perm("bids.view_bid", bid):
        raise Http404("No bid of yours here")
    if request.method == "POST" and bid is not None:
        form = BidForm(request.POST, questions=lot.questions.all())
        if form.is_valid():
            try:
                actions.save_bid(
                    bid=bid,
                    by=request.user,
                    price=form.cleaned_data["price"],
                    answers=form.answers(),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request, "Your draft has been saved. It is not submitted until you submit it."
                )
                return redirect(bid_page_url(bid, request.organisation))
        return _render_edit(request, lot, selectors.bid_on_lot(organisation, lot), form=form)
    return _render_edit(request, lot, bid)


@supplier_required
@require_POST
def start(request, lot_id: int):
    """Start a draft bid on an open lot (for the user's organisation or, with `?for=`, a
    consortium it leads), then show it. A bid already started is simply shown."""
    organisation = _bidder(request)
    lot = _lot_or_404(lot_id)
    bid = selectors.bid_on_lot(organisation, lot)
    if bid is None:
        if not request.user.has_perm("bids.start_bid", organisation):
            raise Http404("You cannot start a bid on this lot")
        try:  # refused, saying why, once the deadline has passed
            bid = actions.start_bid(lot=lot, supplier=organisation, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            query = f"?for={organisation.pk}" if organisation.pk != request.organisation.pk else ""
            return redirect(reverse("bids:edit", args=[lot.pk]) + query)
    return redirect(bid_page_url(bid, request.organisation))


@supplier_required
@require_POST
def submit(request, bid_id: int):
    """Save what the form carries, then submit. Refusals (deadline, incomplete bid) are shown on
    the bid page with everything typed kept."""
    bid = _own_bid(request, bid_id, "bids.submit_bid")
    organisation = bid.supplier
    lot = _lot_or_404(bid.lot_id)
    form = BidForm(request.POST, questions=lot.questions.all())
    if form.is_valid():
        try:
            carries_changes = form.cleaned_data["price"] is not None or form.answers()
            if bid.is_editable and carries_changes:
                actions.save_bid(
                    bid=bid,
                    by=request.user,
                    price=form.cleaned_data["price"],
                    answers=form.answers(),
                )
            actions.submit_bid(bid=bid, by=request.user)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Your bid has been submitted")
            return redirect("bids:receipt", bid_id=bid.pk)
    return _render_edit(request, lot, selectors.bid_on_lot(organisation, lot), form=form)


@supplier_required
@require_http_methods(["GET", "POST"])
def withdraw(request, bid_id: int):
    """Withdrawing takes the bid out of the competition until it is submitted again: a page
    first says so, and only a POST with confirm=yes withdraws."""
    bid = _own_bid(request, bid_id, "bids.submit_bid")
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        return render(
            request,
            "bids/withdraw_confirm.html",
            {"bid": bid, "tender": bid.lot.tender, "back": bid_page_url(bid, request.organisation)},
        )
    run_button_action(
        request,
        lambda: actions.withdraw_bid(bid=bid, by=request.user),
        success="Your bid has been withdrawn. You can change it and submit it again before the "
        "deadline.",
    )
    return redirect(bid_page_url(bid, request.organisation))


@supplier_required
def receipt(request, bid_id: int):
    bid = _own_bid(request, bid_id)
    receipts = list(selectors.receipts_of(bid))
    if not any(r.kind == BidReceipt.Kind.SUBMITTED for r in receipts):
        raise Http404("This bid has not been submitted")
    latest = receipts[0]
    return render(
        request,
        "bids/receipt.html",
        {"bid": bid, "tender": bid.lot.tender, "receipts": receipts, "latest": latest},
    )


@accepts_uploads(max_bytes=lambda: settings.LEVELFIELD_BID_UPLOAD_MAX_BYTES, max_files=1)
@supplier_required
@require_POST
def attachment_add(request, bid_id: int):
    """Upload a file. The upload's fields are part of the bid form, so the price and answers
    it carries are saved first: "Upload file" never loses what was typed."""
    bid = _own_bid(request, bid_id, "bids.change_bid")
    organisation = bid.supplier
    lot = _lot_or_404(bid.lot_id)
    bid_form = BidForm(request.POST, questions=lot.questions.all())
    form = AttachmentForm(request.POST, request.FILES)
    # The answers typed are saved first, even when the file is then refused.
    saved = bid_form.is_valid() and _save_carried(request, bid, bid_form)
    if saved and form.is_valid():
        try:
            attachment = actions.add_attachment(
                bid=bid,
                by=request.user,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{attachment.title} has been attached to your bid")
            return redirect(bid_page_url(bid, request.organisation))
    form.is_valid()
    bid = selectors.bid_on_lot(organisation, lot)
    return _render_edit(request, lot, bid, form=bid_form, attachment_form=form)


def _save_carried(request, bid, bid_form) -> bool:
    """Save the price and answers a valid bid form carries (a post that carries none changes
    nothing). A refusal is shown on the form: False."""
    price, answers = bid_form.cleaned_data["price"], bid_form.answers()
    if price is None and not answers:
        return True
    try:
        actions.save_bid(bid=bid, by=request.user, price=price, answers=answers)
    except DomainError as exc:
        add_domain_error(bid_form, exc)
        return False
    return True


SIGNED_OUT_LINE = (
    "Not saved: you have been signed out. Your answer as it was last saved is kept. Sign in "
    "again in a new tab and keep this page open: your next change here is saved with "
    "everything typed."
)


def _autosave_signed_in(view):
    """An autosave once the session has ended answers 401 with a line for the page (a redirect
    to sign in would put the sign-in page in the answer's status line)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _autosave_line(SIGNED_OUT_LINE, 401)
        return view(request, *args, **kwargs)

    return wrapper


@_autosave_signed_in
@supplier_required
@require_POST
def autosave_answer(request, bid_id: int, question_id: int):
    """Save one answer as it is typed (htmx posts the bid form here). Answers a line for the
    question's status: "Saved at ..." or, with 422, why it was not saved (the deadline passed,
    the bid is submitted). Another organisation's bid, or a question not on its lot, is 404."""
    bid = _own_bid(request, bid_id, "bids.change_bid")
    question = get_object_or_404(bid.lot.questions.all(), pk=question_id)
    form = BidForm(request.POST, questions=[question])
    name = BidForm.answer_name(question)
    if name not in request.POST:
        return _autosave_line(f"Not saved: no answer to question {question.number} was sent", 422)
    form.is_valid()
    if name in form.errors:
        return _autosave_line(f"Not saved: {form.errors[name][0]}", 422)
    try:
        bid = actions.save_bid(
            bid=bid, by=request.user, answers={question.pk: form.cleaned_data[name]}
        )
    except DomainError as exc:
        return _autosave_line(f"Not saved: {exc.message}", 422)
    line = f"Saved at {uk_time(bid.updated_at)}"
    # An answer over its word limit is saved as it is (nothing typed is lost), but says so.
    if over := over_limit_by(form.cleaned_data[name], question.word_limit):
        line += (
            f". It is {over} word{pluralize(over)} over the {question.word_limit}-word limit: "
            "shorten it before you submit."
        )
    response = _autosave_line(line, 200)
    response["HX-Trigger"] = "lf-bid-saved"  # the page's checklist fetches itself again
    return response


def _autosave_line(text: str, status: int) -> HttpResponse:
    return HttpResponse(escape(text), status=status)


@supplier_required
@require_POST
def attachment_remove(request, bid_id: int, attachment_id: int):
    bid = _own_bid(request, bid_id, "bids.change_bid")
    attachment = get_object_or_404(bid.attachments.all(), pk=attachment_id)
    run_button_action(
        request,
        lambda: actions.remove_attachment(attachment=attachment, by=request.user),
        success=f"{attachment.title} has been removed from your bid",
    )
    return redirect(bid_page_url(bid, request.organisation))


@supplier_required
def attachment(request, bid_id: int, attachment_id: int):
    """Download one of the supplier's own attachments, to check what was uploaded."""
    bid = _own_bid(request, bid_id)
    item = get_object_or_404(bid.attachments.all(), pk=attachment_id)
    if not item.file.storage.exists(item.file.name):
        raise Http404("The file is missing")
    # Opened from its sealed form on disk while the bids are sealed (bids/sealing.py).
    response = StreamingHttpResponse(attachment_chunks(item), content_type=_content_type(item))
    disposition = content_disposition_header(True, PurePath(item.file.name).name)
    assert disposition is not None  # there always is one for an attachment
    response["Content-Disposition"] = disposition
    response["Content-Length"] = str(item.size)
    return response


def _content_type(item) -> str:
    return mimetypes.guess_type(item.file.name)[0] or "application/octet-stream"


@supplier_required
def summary(request, bid_id: int):
    bid = _own_bid(request, bid_id)
    try:
        assessment = bid.assessment_summary
    except ObjectDoesNotExist as exc:
        raise Http404("There is no assessment summary for this bid yet") from exc
    return render(
        request,
        "bids/summary.html",
        {"bid": bid, "tender": bid.lot.tender, "summary": assessment, "data": assessment.data},
    )
