"""Raising a case, and adding evidence to it."""

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from levelfield.accounts.models import Membership, Organisation
from levelfield.contracts.models import Contract, Invoice, InvoiceStatus
from levelfield.contracts.selectors_payments import is_late
from levelfield.core import clock
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.permissions import require
from levelfield.core.uploads import files_removed_on_failure
from levelfield.tenders.models import Tender

from .. import case_rules, emails
from ..lifecycle import ACTIVE
from ..models import Case, CaseKind, Evidence
from ..targets import Sector, sector_for_contract_kind
from .common import locked, record, store_checked
from .triage import accept


def _check_raiser(by, raiser_organisation: Organisation | None) -> None:
    if not by or not by.is_authenticated or not by.is_active:
        raise PermissionDenied("Sign in to raise a concern")
    if not by.email_verified:
        raise PermissionDenied("Confirm your email address before you raise a concern")
    if (
        raiser_organisation is not None
        and not Membership.objects.filter(user=by, organisation=raiser_organisation).exists()
    ):
        raise DomainError(
            "Raise it for an organisation you belong to, or for yourself",
            code="not_your_organisation",
        )


def _authority(case: Case, authority: Organisation | None, authority_name: str) -> None:
    if authority is not None:
        if not authority.is_buyer:
            raise DomainError("Choose a contracting authority", code="authority_not_buyer")
        case.authority = authority
        case.authority_name = authority.name
        return
    case.authority_name = case_rules.required_text(
        authority_name,
        code="authority_required",
        message="Enter the name of the contracting authority",
        limit=case_rules.NAME_MAX,
    )


def _sector_of_contract(contract: Contract) -> str:
    lot = contract.lot
    return sector_for_contract_kind(lot.tender.s54_contract_kind) if lot else Sector.WIDER


def _procurement(case: Case, *, tender: Tender | None, authority, today: date, **hand) -> None:
    if tender is not None:
        public = Tender.objects.public().filter(pk=tender.pk).first()
        if public is None or public.published_at is None:
            raise DomainError(
                "Choose a tender that has been published", code="tender_not_published"
            )
        published_on = public.published_at.astimezone(clock.UK).date()
        case_rules.check_procurement_date(published_on, today)
        case.tender = public
        case.authority = public.buyer
        case.authority_name = public.buyer.name
        case.sector = sector_for_contract_kind(public.s54_contract_kind)
        case.procurement_date = published_on
        return
    case.procurement_title = case_rules.required_text(
        hand.get("procurement_title"),
        code="procurement_required",
        message="Choose the tender, or describe the procurement by its title",
        limit=case_rules.NAME_MAX,
    )
    case.notice_reference = case_rules.required_text(
        hand.get("notice_reference"),
        code="notice_reference_required",
        message="Enter the notice's reference (Find a Tender or Contracts Finder)",
        limit=case_rules.REFERENCE_MAX,
    )
    case.procurement_date = case_rules.check_procurement_date(hand.get("procurement_date"), today)
    _authority(case, authority, hand.get("authority_name", ""))


def _subcontract(case: Case, *, contract: Contract | None, authority, **hand) -> None:
    if contract is not None:
        contract = Contract.objects.public().select_related("buyer", "supplier").get(pk=contract.pk)
        case.contract = contract
        case.authority = contract.buyer
        case.authority_name = contract.buyer.name
        case.prime_contractor = contract.supplier
        case.prime_contractor_name = contract.supplier.name
        case.sector = _sector_of_contract(contract)
        return
    case.procurement_title = case_rules.required_text(
        hand.get("procurement_title"),
        code="contract_required",
        message="Choose the contract, or describe it by its title",
        limit=case_rules.NAME_MAX,
    )
    case.notice_reference = (hand.get("notice_reference") or "").strip()[: case_rules.REFERENCE_MAX]
    case.prime_contractor_name = case_rules.required_text(
        hand.get("prime_contractor_name"),
        code="prime_contractor_required",
        message="Enter the name of the prime contractor",
        limit=case_rules.NAME_MAX,
    )
    _authority(case, authority, hand.get("authority_name", ""))


def _late_payment(case: Case, *, by, invoice: Invoice | None, authority, today, **hand) -> None:
    if invoice is not None:
        invoice = Invoice.objects.select_related("contract__buyer", "contract__supplier").get(
            pk=invoice.pk
        )
        contract = invoice.contract
        if not Membership.objects.filter(user=by, organisation=contract.supplier_id).exists():
            raise DomainError("Choose an invoice your organisation sent", code="not_your_invoice")
        if not case.buyer_may_know:
            # The invoice names its supplier: the buyer would know who raised the case.
            raise DomainError(
                "A case about an invoice on levelfield cannot be anonymous: the invoice shows "
                "the buyer who sent it. Agree that the buyer may know, or describe the invoice "
                "by hand",
                code="anonymous_invoice",
            )
        case.invoice = invoice
        case.contract = contract
        case.authority = contract.buyer
        case.authority_name = contract.buyer.name
        case.raiser_organisation = contract.supplier
        case.sector = _sector_of_contract(contract)
        return
    case.invoice_reference = case_rules.required_text(
        hand.get("invoice_reference"),
        code="invoice_required",
        message="Choose the invoice, or enter its reference",
        limit=case_rules.REFERENCE_MAX,
    )
    case.invoice_amount = case_rules.clean_amount(
        hand.get("invoice_amount"),
        code="invoice_amount_invalid",
        message="Enter the invoice's amount in pounds, like 1250.00",
    )
    received = hand.get("invoice_received_on")
    if received is None:
        raise DomainError(
            "Enter the date the buyer received the invoice", code="invoice_received_on_required"
        )
    if received > today:
        raise DomainError(
            "The invoice must have been received today or before",
            code="invoice_received_on_future",
        )
    case.invoice_received_on = received
    case.procurement_title = (hand.get("procurement_title") or "").strip()[: case_rules.NAME_MAX]
    _authority(case, authority, hand.get("authority_name", ""))


def _auto_acceptable(case: Case, today: date) -> bool:
    """A late invoice on the platform, valid and unpaid more than 30 days (s.68(2)): the case
    needs no triage."""
    invoice = case.invoice
    return (
        invoice is not None
        and invoice.status == InvoiceStatus.VALID
        and invoice.paid_on is None
        and is_late(invoice, today)
    )


@files_removed_on_failure
@transaction.atomic
def raise_case(
    *,
    by,
    kind: str,
    description: str,
    buyer_may_know: bool = False,
    raiser_organisation: Organisation | None = None,
    tender: Tender | None = None,
    contract: Contract | None = None,
    invoice: Invoice | None = None,
    authority: Organisation | None = None,
    authority_name: str = "",
    sector: str | None = None,
    procurement_title: str = "",
    notice_reference: str = "",
    procurement_date: date | None = None,
    prime_contractor_name: str = "",
    invoice_reference: str = "",
    invoice_amount=None,
    invoice_received_on: date | None = None,
    evidence: Sequence = (),
) -> Case:
    """Anyone registered (a verified account) raises a concern: about a procurement of the last
    2 years (a published tender, or one described with its notice reference), a prime
    contractor's treatment of a subcontractor (a contract on the platform, or described), or a
    valid invoice unpaid after 30 days (an invoice of the raiser's organisation on the platform,
    or described). `buyer_may_know`: whether the buyer may learn who raised it. A late invoice
    on the platform, valid and unpaid over 30 days, is accepted at once by the system."""
    _check_raiser(by, raiser_organisation)
    if kind not in CaseKind.values:
        raise DomainError("Choose what the concern is about", code="kind_unknown")
    if len(evidence) > case_rules.MAX_EVIDENCE_FILES:
        raise DomainError(
            f"Upload {case_rules.MAX_EVIDENCE_FILES} files or fewer", code="too_many_files"
        )
    now = clock.now()
    today = clock.today_uk()
    case = Case(
        kind=kind,
        raised_by=by,
        raiser_organisation=raiser_organisation,
        buyer_may_know=bool(buyer_may_know),
        raised_at=now,
        description=case_rules.clean_description(description),
    )
    hand = {
        "authority_name": authority_name,
        "procurement_title": procurement_title,
        "notice_reference": notice_reference,
        "procurement_date": procurement_date,
        "prime_contractor_name": prime_contractor_name,
        "invoice_reference": invoice_reference,
        "invoice_amount": invoice_amount,
        "invoice_received_on": invoice_received_on,
    }
    if kind == CaseKind.PROCUREMENT:
        _procurement(case, tender=tender, authority=authority, today=today, **hand)
    elif kind == CaseKind.SUBCONTRACT:
        _subcontract(case, contract=contract, authority=authority, **hand)
    else:
        _late_payment(case, by=by, invoice=invoice, authority=authority, today=today, **hand)
    if sector is not None and case.tender_id is None and case.contract_id is None:
        case.sector = Sector(sector)
    # What the raiser typed that a respondent and the public read (not their own account,
    # `description`, which they never read) must not name them in an anonymous case.
    for text, field in (
        (case.procurement_title, "procurement's title"),
        (case.notice_reference, "notice reference"),
        (case.prime_contractor_name, "prime contractor's name"),
        (case.invoice_reference, "invoice reference"),
    ):
        case_rules.check_no_raiser(case, text, field=field)
    case.save()
    case.reference = f"RV-{now.astimezone(clock.UK).year}-{case.pk:05d}"
    case.save(update_fields=["reference"])
    for upload in evidence:
        _store_evidence(case, by, upload)
    record(
        case,
        "review.raised",
        actor=by,
        summary=f"{case.get_kind_display()} case raised about {case.authority_name}",
        kind=kind,
        anonymous=case.anonymous,
        evidence=len(evidence),
    )
    emails.case_raised(case)
    if _auto_acceptable(case, today):
        accept(case, by=None, automatic=True)
    return case


def _store_evidence(case: Case, by, upload) -> Evidence:
    number = (case.evidence.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    item = Evidence(case=case, number=number, uploaded_by=by, uploaded_at=clock.now())
    store_checked(item, item.file, upload)
    item.save()
    return item


@files_removed_on_failure
@transaction.atomic
def add_evidence(*, case: Case, by, upload) -> Evidence:
    """The raiser (or their organisation) adds a file while the case is not yet ended."""
    case = locked(case)
    require(by, "reviews.add_evidence", case, "Only the raiser can add evidence to a case")
    if case.status not in ACTIVE:
        raise InvalidTransition("The case has ended: evidence can no longer be added")
    if case.evidence.count() >= case_rules.MAX_EVIDENCE_FILES:
        raise DomainError(
            f"A case holds {case_rules.MAX_EVIDENCE_FILES} files at most", code="too_many_files"
        )
    item = _store_evidence(case, by, upload)
    record(case, "review.evidence_added", actor=by, summary="Evidence added", number=item.number)
    return item
