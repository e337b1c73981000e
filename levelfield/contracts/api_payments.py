"""Invoices and payments (s.68-s.70), for the buyer: a contract's invoices (list, record, mark
paid, dispute, resolve), the 30-day compliance report per period, and the UK8 and UK17 notices
(published, due, publish now); for the supplier: its contract's invoices and days to pay.
Each endpoint calls the action that does it; the action checks permission and state."""

from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from levelfield.accounts.api_auth import acting_buyer, api_auth
from levelfield.core import clock
from levelfield.core.api_helpers import (
    OWN_OBJECT_ERRORS,
    SIGNED_IN_ERRORS,
    Pages,
    QueryDate,
    errors,
)
from levelfield.core.errors import DomainError, PermissionDenied

from . import selectors_payments as payments
from .actions import payments as actions
from .actions import payments_notices
from .api_common import buyer_contract, supplier_contract
from .models import Invoice, InvoiceSource
from .schemas_payments import (
    ComplianceReportOut,
    DisputeIn,
    DueNoticeOut,
    InvoiceIn,
    InvoiceOut,
    NoticeOut,
    PaidIn,
    PublishedOut,
)

router = Router(auth=api_auth, tags=["Buyer: invoices and payments"])
supplier_router = Router(auth=api_auth, tags=["Supplier: invoices and payments"])

S68 = (
    "Procurement Act 2023 s.68: a valid, undisputed invoice is paid within 30 days of the day "
    "it is received; day 1 is the day after, so day 30 is on time and day 31 late. Disputed "
    "invoices are not counted."
)
RULES = (
    "400 `validation_error` for an invoice that breaks a rule (amount not more than £0, a date "
    "outside 2000-2099 or in the future, paid before received, disputed without a reason, a "
    "reference already recorded on the contract, the contract not yet signed; when correcting, "
    "dates moved into, out of or within a six-month period whose UK17 payments compliance "
    "notice is already published). An invoice recorded late in a published period is taken and "
    "left out of that notice."
)


def _invoice(request, contract_id: int, invoice_id: int) -> Invoice:
    contract = buyer_contract(request, contract_id)
    invoice = get_object_or_404(Invoice.objects.filter(contract=contract), pk=invoice_id)
    invoice.contract = contract
    return invoice


@router.get(
    "/contracts/{contract_id}/invoices",
    response={200: list[InvoiceOut], **errors(*OWN_OBJECT_ERRORS, 422)},
    operation_id="buyer_contract_invoices_list",
    summary="A contract's invoices, newest received first, with days to pay",
    description=f"{S68} For the buyer's staff. Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def invoice_list(request, contract_id: int):
    return payments.invoices_for(buyer_contract(request, contract_id))


@router.post(
    "/contracts/{contract_id}/invoices",
    response={201: InvoiceOut, **errors(*OWN_OBJECT_ERRORS, 400, 422)},
    operation_id="buyer_contract_invoices_record",
    summary="Record an invoice received on the contract",
    description=f"{S68} For admins, officers and the contract manager (403 otherwise). {RULES}",
)
def invoice_record(request, contract_id: int, payload: InvoiceIn):
    invoice = actions.record_invoice(
        contract=buyer_contract(request, contract_id),
        by=request.user,
        source=InvoiceSource.API,
        **payload.model_dump(),
    )
    return Status(201, invoice)


@router.post(
    "/contracts/{contract_id}/invoices/{invoice_id}/paid",
    response={200: InvoiceOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_contract_invoices_paid",
    summary="Mark an invoice paid",
    description="The day the supplier received the money. For admins, officers and the "
    "contract manager. 400 `validation_error` for a date before receipt or in the future; 409 "
    "`invalid_state` for an invoice already paid or disputed.",
)
def invoice_paid(request, contract_id: int, invoice_id: int, payload: PaidIn):
    invoice = actions.mark_paid(
        invoice=_invoice(request, contract_id, invoice_id),
        by=request.user,
        paid_on=payload.paid_on,
    )
    return invoice


@router.post(
    "/contracts/{contract_id}/invoices/{invoice_id}/dispute",
    response={200: InvoiceOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_contract_invoices_dispute",
    summary="Dispute an unpaid invoice",
    description="A disputed invoice is left out of the 30-day figures; the supplier sees the "
    "reason. 409 `invalid_state` for an invoice paid or already disputed.",
)
def invoice_dispute(request, contract_id: int, invoice_id: int, payload: DisputeIn):
    invoice = actions.dispute_invoice(
        invoice=_invoice(request, contract_id, invoice_id),
        by=request.user,
        reason=payload.reason,
    )
    return invoice


@router.post(
    "/contracts/{contract_id}/invoices/{invoice_id}/resolve",
    response={200: InvoiceOut, **errors(*OWN_OBJECT_ERRORS, 409)},
    operation_id="buyer_contract_invoices_resolve",
    summary="Withdraw a dispute: the invoice is valid as received",
    description="It then counts from the day it was received (s.68(2)). Where the supplier "
    "sends a corrected invoice instead, record that as a new invoice. 409 `invalid_state` for "
    "an invoice that is not disputed.",
)
def invoice_resolve(request, contract_id: int, invoice_id: int):
    invoice = actions.resolve_dispute(
        invoice=_invoice(request, contract_id, invoice_id), by=request.user
    )
    return invoice


def _report_buyer(request):
    buyer = acting_buyer(request)
    if not request.user.has_perm("contracts.view_register", buyer):
        raise PermissionDenied("Only the buyer's staff can see its payments")
    return buyer


def _figures(figures) -> dict:
    return {
        "paid": figures.paid,
        "paid_within_30_days": figures.on_time,
        "percent_within_30_days": figures.percent_on_time,
        "paid_in_31_to_60_days": figures.days_31_to_60,
        "paid_after_60_days": figures.over_60,
        "average_days": figures.average_days,
        "amount_paid": figures.amount_paid,
        "became_payable": figures.became_payable,
        "unpaid_late": figures.unpaid_late,
    }


@router.get(
    "/payments/compliance",
    response={200: ComplianceReportOut, **errors(*SIGNED_IN_ERRORS, 400, 422)},
    operation_id="buyer_payments_compliance",
    summary="The buyer's 30-day payment figures, overall and per contract",
    description=f"{S68} With `period_end` (a 31 March or 30 September, YYYY-MM-DD), for the "
    "six-month reporting period of s.69 ending that day: invoices paid in it, and sums whose "
    "day 30 fell in it and were not paid by its end. Without it, every invoice, and what is "
    "unpaid after 30 days today. 400 `validation_error` for another day.",
)
def compliance(request, period_end: QueryDate | None = None):
    buyer = _report_buyer(request)
    period = None
    if period_end is not None:
        period = payments.half_year_by_key(period_end.isoformat())
        if period is None:
            raise DomainError(
                "A reporting period ends on 31 March or 30 September", code="validation_error"
            )
    overall, rows = payments.buyer_compliance(
        buyer,
        today=clock.today_uk(),
        start=period.start if period else None,
        end=period.end if period else None,
    )
    return {
        "period_start": period.start if period else None,
        "period_end": period.end if period else None,
        "overall": _figures(overall),
        "contracts": [
            {
                **_figures(row),
                "contract_id": row.contract.pk,
                "contract_reference": row.contract.reference,
            }
            for row in rows
        ],
    }


@router.get(
    "/payments/notices",
    response={200: list[NoticeOut], **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="buyer_payments_notices_list",
    summary="The buyer's published UK8 and UK17 notices, newest first",
    description="Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def notices(request):
    return payments.buyer_notices(_report_buyer(request))


@router.get(
    "/payments/notices/due",
    response={200: list[DueNoticeOut], **errors(*SIGNED_IN_ERRORS)},
    operation_id="buyer_payments_notices_due",
    summary="The UK8 and UK17 notices due and not yet published",
    description="What the buyer may publish now. UK8 (s.70): each contract with a payment over "
    "£30,000 in a quarter that has ended, and a supplementary UK8 (key like `2026-Q1-2`) for "
    "payments recorded or dated paid after the quarter's UK8. UK17 (s.69): each six-month "
    "period ending 31 March or 30 September that has ended with a payment made or a sum "
    "payable. Both must be published within 30 days beginning with the period's last day "
    "(`publish_by`); the daily run publishes each on that day, supplementary UK8s at once.",
)
def notices_due(request):
    buyer = _report_buyer(request)
    today = clock.today_uk()
    due = [
        {"notice_type": "UK8", "contract_id": contract.pk, "period": quarter}
        for contract, quarter in payments.uk8_due(today=today, buyer=buyer, on_demand=True)
    ] + [
        {"notice_type": "UK17", "contract_id": None, "period": period}
        for _, period in payments.uk17_due(today=today, buyer=buyer, on_demand=True)
    ]
    return [
        {
            "notice_type": row["notice_type"],
            "contract_id": row["contract_id"],
            "key": row["period"].key,
            "period_start": row["period"].start,
            "period_end": row["period"].end,
            "publish_by": row["period"].publish_by,
        }
        for row in due
    ]


@router.post(
    "/payments/notices/publish",
    response={200: PublishedOut, **errors(*SIGNED_IN_ERRORS, 400)},
    operation_id="buyer_payments_notices_publish",
    summary="Publish now every UK8 and UK17 notice due",
    description="Every notice listed as due, without waiting for its last day; each notice "
    "once. For admins "
    "and officers (403 otherwise). 400 `nothing_to_publish` when none is due.",
)
def publish(request):
    count = payments_notices.publish_buyer_notices(buyer=acting_buyer(request), by=request.user)
    return {"published": count}


@supplier_router.get(
    "/contracts/{contract_id}/invoices",
    response={200: list[InvoiceOut], **errors(*OWN_OBJECT_ERRORS, 422)},
    operation_id="supplier_contract_invoices_list",
    summary="The invoices the buyer recorded on your contract, with days to pay",
    description=f"{S68} Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def supplier_invoice_list(request, contract_id: int):
    return payments.invoices_for(supplier_contract(request, contract_id))


ROUTERS = [("/buyer", router), ("/supplier", supplier_router)]
