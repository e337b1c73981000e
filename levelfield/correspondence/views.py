"""Pages of the private correspondence between a buyer and a bidder.

The buyer's pages find the tender through `Tender.objects.for_buyer` (tenders.page_helpers);
a thread is found through `Thread.objects.for_buyer` or `for_supplier` of the organisation the
person acts for, and then the rules decide. Anyone else (another buyer, another bidder, an
evaluator, the public) gets 404: the page does not say that a thread exists."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error
from levelfield.core.pagination import paginate
from levelfield.tenders.page_helpers import buyer_tender

from . import actions, selectors
from .forms import MessageForm, StartThreadForm
from .models import MessageAttachment, Side

RECORD = "correspondence.view_record"


def _tender(request, tender_id: int):
    """One of the buyer's tenders that the person runs; 404 for anyone else (an evaluator
    included: correspondence is not theirs to read)."""
    tender = buyer_tender(request, tender_id)
    if not request.user.has_perm(RECORD, tender):
        raise Http404("No correspondence of yours here")
    return tender


def _thread(request, pk: int):
    thread = selectors.thread_for(request.organisation, pk)
    side = selectors.side_of(request.user, thread) if thread else None
    if side is None:
        raise Http404("No correspondence of yours has that number")
    return thread, side


def _refused(form, exc: DomainError) -> None:
    if exc.code == "invalid_file" and "attachment" in form.fields:
        form.add_error("attachment", exc.message)
    else:
        add_domain_error(form, exc)


@login_required
def tender_threads(request, tender_id: int):
    tender = _tender(request, tender_id)
    return render(
        request,
        "correspondence/tender_threads.html",
        {
            "tender": tender,
            "page": paginate(request, selectors.threads_of_tender(tender)),
            "can_start": tender.bids_unsealed
            and request.user.has_perm("correspondence.start_thread", tender),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def start(request, tender_id: int):
    """The buyer writes to one bidder, after the submission deadline."""
    tender = _tender(request, tender_id)
    bidders = list(selectors.bidders_of(tender)) if tender.bids_unsealed else []
    form = None
    if bidders:
        if request.method == "POST":
            form = StartThreadForm(request.POST, request.FILES, bidders=bidders)
        else:
            form = StartThreadForm(bidders=bidders)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            supplier = next(b for b in bidders if b.pk == data["supplier"])
            try:
                thread = actions.start_thread(
                    tender=tender,
                    supplier=supplier,
                    by=request.user,
                    purpose=data["purpose"],
                    subject=data["subject"],
                    body=data["body"],
                    attachments=form.attachments(),
                )
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, f"Your message has been sent to {supplier.name}")
                return redirect("correspondence:thread", pk=thread.pk)
    return render(
        request,
        "correspondence/start.html",
        {"tender": tender, "form": form, "sealed": not tender.bids_unsealed},
    )


@login_required
@require_http_methods(["GET", "POST"])
def thread(request, pk: int):
    """A thread and its reply form. Opening it records that this side has read the other
    side's messages (the first reading of each is kept)."""
    thread, side = _thread(request, pk)
    can_reply = request.user.has_perm("correspondence.send_message", thread)
    form = MessageForm(request.POST, request.FILES) if request.method == "POST" else None
    if form is not None:
        if not can_reply:
            raise Http404("You cannot write in this correspondence")
        if form.is_valid():
            try:
                actions.send_message(
                    thread=thread,
                    by=request.user,
                    body=form.cleaned_data["body"],
                    attachments=form.attachments(),
                )
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, "Your message has been sent")
                return redirect("correspondence:thread", pk=thread.pk)
    else:
        actions.mark_read(thread=thread, by=request.user)
        form = MessageForm() if can_reply else None
    rows = []
    for message in selectors.messages_of(thread):
        receipt = next((r for r in message.receipts.all() if r.side != message.side), None)
        rows.append((message, receipt))
    return render(
        request,
        "correspondence/thread.html",
        {
            "thread": thread,
            "tender": thread.tender,
            "side": side,
            "is_buyer": side == Side.BUYER,
            "rows": rows,
            "form": form,
            "can_reply": can_reply,
        },
    )


@login_required
def attachment(request, pk: int, attachment_id: int):
    thread, _ = _thread(request, pk)
    item = get_object_or_404(
        MessageAttachment.objects.filter(message__thread=thread), pk=attachment_id
    )
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing") from exc
    return FileResponse(handle, as_attachment=True, filename=PurePath(item.name).name)


@login_required
def supplier_threads(request):
    """A supplier's correspondence with buyers, across tenders (its consortia's too)."""
    organisation = request.organisation
    if organisation is None or not organisation.is_supplier:
        raise Http404("This page is for suppliers")
    return render(
        request,
        "correspondence/supplier_threads.html",
        {"page": paginate(request, selectors.threads_of_supplier(organisation))},
    )


@login_required
def record(request, tender_id: int):
    """Every message of every thread of the tender, on one page to print or save as PDF: the
    procurement's record of its correspondence with bidders."""
    tender = _tender(request, tender_id)
    threads = []
    for item in selectors.record_of(tender):
        rows = []
        for message in item.messages.all():
            receipt = next((r for r in message.receipts.all() if r.side != message.side), None)
            rows.append((message, receipt))
        threads.append((item, rows))
    return render(
        request,
        "correspondence/record.html",
        {"tender": tender, "threads": threads, "made_at": clock.now()},
    )
