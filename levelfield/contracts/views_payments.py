"""Invoices and payments pages: a contract's invoices (the buyer records, pays, disputes and
corrects; the supplier sees them and the days to pay), the buyer's payments page (30-day
compliance per contract and overall, the CSV import, the UK8 and UK17 notices) and the public
page of a published payments compliance notice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from levelfield.accounts.models import Organisation
from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.core.forms import add_domain_error, run_button_action
from levelfield.core.pagination import paginate
from levelfield.tenders.page_helpers import buyer_organisation, require_perm

from . import selectors_payments as payments
from . import selectors_records as records
from .actions import payments as actions
from .actions import payments_import, payments_notices
from .forms_payments import CorrectInvoiceForm, DisputeForm, ImportForm, InvoiceForm, PaidForm
from .models import ContractNotice, Invoice, InvoiceSource, NoticeType
from .views_contract import buyer_contract

MANAGE = "contracts.manage_contract"


def _rows(invoices, today):
    return [
        {
            "invoice": invoice,
            "days": payments.days_to_pay(invoice),
            "days_open": payments.days_open(invoice, today),
            "late": payments.is_late(invoice, today),
            "pay_by": payments.payment_deadline(invoice.received_on),
        }
        for invoice in invoices
    ]


def _contract_page(request, contract, form, *, template="contracts/payments/contract.html"):
    today = clock.today_uk()
    page = paginate(request, payments.invoices_for(contract))
    return render(
        request,
        template,
        {
            "contract": contract,
            "page": page,
            "rows": _rows(page.object_list, today),
            "figures": payments.contract_compliance(contract, today=today),
            "form": form,
            "can_manage": form is not None,
            "today": today,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_invoices(request, pk: int):
    contract = buyer_contract(request, pk)
    can_manage = request.user.has_perm(MANAGE, contract)
    form = InvoiceForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        require_perm(request, MANAGE, contract)
        assert form is not None  # require_perm let in only those who may manage, given the form
        if form.is_valid():
            data = form.cleaned_data
            try:
                invoice = actions.record_invoice(
                    contract=contract, by=request.user, source=InvoiceSource.PAGE, **data
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"Invoice {invoice.reference} recorded")
                return redirect("contracts:payments_contract", contract.pk)
    return _contract_page(request, contract, form)


def _invoice(request, pk: int, invoice_id: int):
    contract = buyer_contract(request, pk, MANAGE)
    invoice = get_object_or_404(Invoice.objects.filter(contract=contract), pk=invoice_id)
    invoice.contract = contract
    return contract, invoice


def _invoice_form_page(request, contract, invoice, form, heading, button, intro=""):
    return render(
        request,
        "contracts/payments/invoice_form.html",
        {
            "contract": contract,
            "invoice": invoice,
            "form": form,
            "heading": heading,
            "button": button,
            "intro": intro,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mark_paid(request, pk: int, invoice_id: int):
    contract, invoice = _invoice(request, pk, invoice_id)
    form = PaidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.mark_paid(invoice=invoice, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Invoice {invoice.reference} marked as paid")
            return redirect("contracts:payments_contract", contract.pk)
    return _invoice_form_page(
        request,
        contract,
        invoice,
        form,
        f"Mark invoice {invoice.reference} as paid",
        "Mark as paid",
        "Enter the day the supplier received the money.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def dispute(request, pk: int, invoice_id: int):
    contract, invoice = _invoice(request, pk, invoice_id)
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.dispute_invoice(invoice=invoice, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Invoice {invoice.reference} is disputed")
            return redirect("contracts:payments_contract", contract.pk)
    return _invoice_form_page(
        request,
        contract,
        invoice,
        form,
        f"Dispute invoice {invoice.reference}",
        "Dispute the invoice",
        "A disputed invoice is not counted in the 30-day figures. Tell the supplier without "
        "undue delay (section 68(4)); it sees the reason on its invoices page.",
    )


@login_required
@require_POST
def resolve(request, pk: int, invoice_id: int):
    contract, invoice = _invoice(request, pk, invoice_id)
    run_button_action(
        request,
        lambda: actions.resolve_dispute(invoice=invoice, by=request.user),
        success=f"Dispute over invoice {invoice.reference} resolved: it counts from the day "
        "it was received",
    )
    return redirect("contracts:payments_contract", contract.pk)


@login_required
@require_http_methods(["GET", "POST"])
def correct(request, pk: int, invoice_id: int):
    contract, invoice = _invoice(request, pk, invoice_id)
    initial = {
        "reference": invoice.reference,
        "received_on": invoice.received_on,
        "amount": invoice.amount,
        "paid_on": invoice.paid_on,
    }
    form = CorrectInvoiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.correct_invoice(invoice=invoice, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Invoice {form.cleaned_data['reference']} corrected")
            return redirect("contracts:payments_contract", contract.pk)
    return _invoice_form_page(
        request, contract, invoice, form, f"Correct invoice {invoice.reference}", "Save"
    )


# -- the supplier's view -------------------------------------------------------------------------


@login_required
def supplier_invoices(request, pk: int):
    organisation = request.organisation
    if organisation is None or not organisation.is_supplier:
        raise Http404("Only supplier organisations hold contracts")
    contract = get_object_or_404(
        records.supplier_contracts(organisation).select_related("buyer", "supplier"), pk=pk
    )
    require_perm(request, "contracts.view_contract", contract)
    return _contract_page(
        request, contract, None, template="contracts/payments/supplier_contract.html"
    )


# -- the buyer's payments page -------------------------------------------------------------------


def _period(request, today):
    """The period chosen: a six-month reporting period by its end date, or all time."""
    periods = [payments.half_year_of(today), *payments.ended_half_years(today)]
    key = request.GET.get("period", "")
    chosen = next((p for p in periods if p.key == key), None)
    return periods, chosen


def _buyer_page(request, buyer, import_form, *, import_result=None, status=200):
    today = clock.today_uk()
    periods, period = _period(request, today)
    overall, per_contract = payments.buyer_compliance(
        buyer,
        today=today,
        start=period.start if period else None,
        end=period.end if period else None,
    )
    invoices = payments.buyer_invoices(buyer)
    late = payments.late_invoices(
        invoices, period.start if period else None, period.end if period else None
    )
    can_publish = request.user.has_perm("contracts.publish_payments_compliance", buyer)
    return render(
        request,
        "contracts/payments/buyer.html",
        {
            "buyer": buyer,
            "periods": periods,
            "period": period,
            "overall": overall,
            "per_contract": per_contract,
            "late_page": paginate(request, late, param="late"),
            "overdue_page": paginate(
                request, payments.unpaid_overdue(invoices, today), param="overdue"
            ),
            "import_form": import_form,
            "import_result": import_result,
            "can_import": request.user.has_perm("contracts.import_invoices", buyer),
            "can_publish": can_publish,
            "notices_page": paginate(request, payments.buyer_notices(buyer), param="notices"),
            "uk8_due": payments.uk8_due(today=today, buyer=buyer, on_demand=True),
            "uk17_due": payments.uk17_due(today=today, buyer=buyer, on_demand=True),
            "today": today,
        },
        status=status,
    )


def _payments_buyer(request):
    buyer = buyer_organisation(request)
    require_perm(request, "contracts.view_register", buyer)
    return buyer


@login_required
def buyer_payments(request):
    buyer = _payments_buyer(request)
    return _buyer_page(request, buyer, ImportForm())


@login_required
@require_POST
def import_invoices(request):
    buyer = _payments_buyer(request)
    require_perm(request, "contracts.import_invoices", buyer)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = payments_import.import_invoices(
                buyer=buyer, by=request.user, upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            if exc.details:  # the headline ("Nothing was imported: ...") above its lines
                form.add_error(None, exc.message)
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"{len(result.created)} invoice{'s' if len(result.created) != 1 else ''} "
                f"imported, {len(result.paid)} marked as paid, {result.unchanged} already "
                "recorded and unchanged",
            )
            return redirect("contracts:payments_buyer")
    return _buyer_page(request, buyer, form, status=400)


@login_required
@require_POST
def publish_notices(request):
    buyer = _payments_buyer(request)
    require_perm(request, "contracts.publish_payments_compliance", buyer)
    try:
        count = payments_notices.publish_buyer_notices(buyer=buyer, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{count} notice{'s' if count != 1 else ''} published")
    return redirect(reverse("contracts:payments_buyer") + "#notices")


# -- public ---------------------------------------------------------------------------------------


@require_http_methods(["GET"])
def public_compliance(request, buyer_id: int, key: str):
    buyer = get_object_or_404(Organisation, pk=buyer_id)
    notice = get_object_or_404(
        ContractNotice, buyer=buyer, notice_type=NoticeType.UK17, contract=None, key=key
    )
    document = (notice.data.get("tender") or {}).get("documents", [{}])[0]
    return render(
        request,
        "contracts/payments/public_compliance.html",
        {"buyer": buyer, "notice": notice, "document": document},
    )
