"""Publishing the payments notices: UK8 for each contract and quarter with a payment over
£30,000 (s.70) and UK17 for each buyer and six-month reporting period (s.69). Each is published
once (ContractNotice's constraints are the claim). The daily job publishes each on its last
day to publish (Period.publish_by: 30 days beginning with the period's last day, s.69(1) and
s.70(2)), so that invoices recorded late in those days are in it; the buyer can publish them
on demand from its payments page as soon as the period has ended. A payment over £30,000 in a
quarter recorded (or dated paid) after that quarter's UK8 was published goes out in a
supplementary UK8 for the contract and quarter ('2026-Q1-2'). A UK17 is published once: an
invoice that would change a published period's figures is refused (actions/payments.py)."""

from datetime import date

from django.db import IntegrityError, transaction

from levelfield.core import audit, clock
from levelfield.core.errors import DomainError
from levelfield.core.permissions import require

from .. import ocds, ocds_payments
from .. import selectors_payments as payments
from ..models import ContractNotice, NoticeType

PUBLISH = "contracts.publish_payments_compliance"


def _publish_uk8(contract, quarter, *, by=None) -> ContractNotice:
    """The first UK8 for the contract and quarter, or a supplementary one with the payments not
    yet published (`quarter` may be either as uk8_due gives it: the key is worked out here)."""
    quarter = payments.quarter_of(quarter.start)
    invoices, already = payments.uk8_unpublished(contract, quarter)
    if not invoices:
        raise DomainError(
            f"Contract {contract.reference} has no payment over £30,000 in {quarter.key} "
            "not yet published",
            code="nothing_to_publish",
        )
    notice_period = payments.uk8_notice_period(quarter, already)
    for invoice in invoices:
        invoice.contract = contract
    notice = ocds.publish_contract_notice(
        contract,
        tags=["implementation"],
        notice_type=NoticeType.UK8,
        document_type="implementationNotice",
        title=f"Payments notice: {quarter.key}"
        + (f" (supplementary, {already + 1})" if already else ""),
        key=notice_period.key,
        contract_extra=ocds_payments.uk8_contract_extra(invoices),
        period_start=quarter.start,
        period_end=quarter.end,
    )
    audit.record(
        action="contract.payments_notice_published",
        obj=notice,
        actor=by,
        organisation=contract.buyer,
        summary=f"UK8 payments notice for {contract.reference}, {quarter.key}",
        contract=contract.pk,
        quarter=quarter.key,
        key=notice_period.key,
        payments=[invoice.pk for invoice in invoices],
    )
    return notice


def _publish_uk17(buyer, period, *, today: date, by=None) -> ContractNotice:
    figures = payments.compliance(
        payments.buyer_invoices(buyer), start=period.start, end=period.end, today=today
    )
    now = clock.now()
    release = ocds_payments.publish_uk17(buyer, period, figures, now)
    notice = ContractNotice.objects.create(
        buyer=buyer,
        contract=None,
        notice_type=NoticeType.UK17,
        key=period.key,
        period_start=period.start,
        period_end=period.end,
        release_id=release.release_id,
        data=release.data,
        published_at=now,
    )
    audit.record(
        action="contract.payments_compliance_published",
        obj=notice,
        actor=by,
        organisation=buyer,
        summary=f"UK17 payments compliance notice for the period ending {period.key}",
        period_end=period.key,
        paid=figures.paid,
        on_time=figures.on_time,
        average_days=str(figures.average_days) if figures.average_days is not None else None,
        unpaid_late=figures.unpaid_late,
    )
    return notice


def _each_once(due, publish) -> int:
    """Publish each notice in its own savepoint: one already published meanwhile (a second run
    at the same time) is skipped, the rest go ahead."""
    published = 0
    for subject, period in due:
        try:
            with transaction.atomic():
                publish(subject, period)
        except IntegrityError:
            continue
        published += 1
    return published


def publish_due_notices(*, today: date) -> int:
    """Publish every UK8 and UK17 whose last day to publish has come and is not yet published,
    and every supplementary UK8 (the daily job; actor None). Returns how many."""
    count = _each_once(payments.uk8_due(today=today), _publish_uk8)
    count += _each_once(
        payments.uk17_due(today=today),
        lambda buyer, period: _publish_uk17(buyer, period, today=today),
    )
    return count


@transaction.atomic
def publish_buyer_notices(*, buyer, by) -> int:
    """The buyer publishes now, without waiting for the last day, its UK8 and UK17 notices for
    periods that have ended (and any supplementary UK8). Returns how many were published."""
    require(by, PUBLISH, buyer, "Only the buyer's admins and officers can publish these notices")
    today = clock.today_uk()
    count = _each_once(
        payments.uk8_due(today=today, buyer=buyer, on_demand=True),
        lambda contract, quarter: _publish_uk8(contract, quarter, by=by),
    )
    count += _each_once(
        payments.uk17_due(today=today, buyer=buyer, on_demand=True),
        lambda b, period: _publish_uk17(b, period, today=today, by=by),
    )
    if not count:
        raise DomainError("There is no payments notice due to publish", code="nothing_to_publish")
    return count
