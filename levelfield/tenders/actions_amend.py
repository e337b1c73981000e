"""Amending a published tender before its submission deadline, and noting who is interested.

An amendment may extend (or, where the minimum tendering period still holds, shorten) the
clarification and submission deadlines, replace documents with new versions and withdraw
documents. Every version is kept and stays downloadable. Each amendment is recorded with its
reason, published as a tenderAmendment release, written in the tender's history, and emailed
to every interested supplier once the transaction commits. Bids, drafts included, are never
touched: a supplier's draft stays exactly as it was."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from levelfield.core import audit, clock
from levelfield.core.display import uk_date, uk_time
from levelfield.core.errors import DeadlinePassed, DomainError, InvalidTransition, RuleFailed
from levelfield.core.notify import email_on_commit
from levelfield.core.permissions import require
from levelfield.core.uploads import check_upload, files_removed_on_failure, store

from . import ocds
from .actions import _date_order_problems
from .dates import out_of_range
from .interest import interested_contacts
from .lifecycle import Status
from .models import Tender, TenderAmendment, TenderDocument, TenderInterest
from .periods import tendering_period_problems


def record_interest(*, tender: Tender, supplier, how: str = TenderInterest.How.VIEWED) -> None:
    """Note that `supplier` showed interest in `tender` (first time only; cheap and idempotent,
    called on every opportunity page view by a signed-in supplier). Not an audit event: a view
    changes nothing in the procurement."""
    if tender.published_at is None:
        return
    if TenderInterest.objects.filter(tender=tender, supplier=supplier).exists():
        return
    try:
        with transaction.atomic():
            TenderInterest.objects.create(
                tender=tender, supplier=supplier, first_seen_at=clock.now(), how=how
            )
    except IntegrityError:
        pass  # another request noted it first


@dataclass
class Amendment:
    """What the buyer asks to change. Empty fields change nothing."""

    reason: str
    clarification_deadline: datetime | None = None
    submission_deadline: datetime | None = None
    expected_award_date: date | None = None
    replacements: dict[int, object] = field(default_factory=dict)  # document id -> upload
    withdrawals: list[int] = field(default_factory=list)  # document ids


def _deadline_changes(tender: Tender, amendment: Amendment, now: datetime) -> list[str]:
    """Apply the new dates to `tender` (unsaved) and say what changed; refuse what the law or
    the tender's own order of dates does not allow."""
    changes = []
    for name, label in (
        ("clarification_deadline", "Clarification deadline"),
        ("submission_deadline", "Submission deadline"),
    ):
        new = getattr(amendment, name)
        old = getattr(tender, name)
        if new is None or new == old:
            continue
        if timezone.is_naive(new):
            raise DomainError(f"{label}: give a time with its zone", code="validation_error")
        problem = out_of_range(new, label.lower())
        if problem:
            raise DomainError(problem, code="validation_error")
        if new <= now:
            raise DomainError(f"{label} must be in the future", code="validation_error")
        setattr(tender, name, new)
        changes.append(f"{label} moved from {uk_time(old)} to {uk_time(new)}")
    if (
        amendment.expected_award_date
        and amendment.expected_award_date != tender.expected_award_date
    ):
        problem = out_of_range(amendment.expected_award_date, "expected award date")
        if problem:
            raise DomainError(problem, code="validation_error")
        old = tender.expected_award_date
        tender.expected_award_date = amendment.expected_award_date
        changes.append(
            f"Expected award date moved from {uk_date(old) if old else 'none'} to "
            f"{uk_date(amendment.expected_award_date)}"
        )
    problems = _date_order_problems(tender)
    if problems:
        raise DomainError(problems[0], code="validation_error")
    return changes


def _check_period(tender: Tender, original_deadline: datetime) -> None:
    """A shorter submission deadline is lawful only while the minimum tendering period
    (Procurement Act 2023 s.54) still holds from publication; a longer one always is."""
    # only a published tender is amended, and publication needs both moments
    assert tender.submission_deadline is not None and tender.published_at is not None
    if tender.submission_deadline >= original_deadline:
        return
    problems = tendering_period_problems(
        tender, published_at=tender.published_at, deadline=tender.submission_deadline
    )
    if problems:
        raise RuleFailed(problems[0])


def _new_version(tender: Tender, old: TenderDocument, upload, by, now) -> TenderDocument:
    try:
        digest = check_upload(upload)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="invalid_file") from exc
    old.superseded_at = now
    old.save(update_fields=["superseded_at"])
    document = TenderDocument(
        tender=tender,
        title=old.title,
        doc_type=old.doc_type,
        size=upload.size,
        sha256=digest,
        uploaded_at=now,
        uploaded_by=by,
        replaces=old,
    )
    store(document.file, upload)
    document.save()
    return document


def _document_changes(tender: Tender, amendment: Amendment, by, now) -> list[str]:
    wanted = set(amendment.replacements) | set(amendment.withdrawals)
    if set(amendment.replacements) & set(amendment.withdrawals):
        raise DomainError(
            "A document cannot be both replaced and withdrawn", code="validation_error"
        )
    documents = {
        d.pk: d
        for d in TenderDocument.objects.select_for_update().filter(tender=tender, pk__in=wanted)
    }
    changes = []
    for document_id in sorted(wanted):
        document = documents.get(document_id)
        if document is None:
            raise DomainError("That document is not one of this tender's", code="not_found")
        if not document.is_current:
            raise InvalidTransition(f"“{document.title}” has already been replaced or withdrawn")
        if document_id in amendment.replacements:
            new = _new_version(tender, document, amendment.replacements[document_id], by, now)
            changes.append(f"New version of “{document.title}” (version {new.version})")
        else:
            document.withdrawn_at = now
            document.save(update_fields=["withdrawn_at"])
            changes.append(f"“{document.title}” withdrawn")
    return changes


def _ocds_amendment(item: TenderAmendment) -> dict:
    return {
        "id": f"amendment-{item.number}",
        "date": ocds.ocds_datetime(item.made_at),
        "rationale": item.reason,
        "description": "; ".join(item.changes),
    }


@files_removed_on_failure
@transaction.atomic
def amend_tender(*, tender: Tender, by, amendment: Amendment) -> TenderAmendment:
    """Amend a published tender before its submission deadline (see the module's docstring)."""
    require(by, "tenders.change_tender", tender)
    tender = Tender.objects.select_for_update().select_related("buyer").get(pk=tender.pk)
    now = clock.now()
    if tender.status != Status.PUBLISHED:
        raise InvalidTransition("Only a published tender open for bids can be amended")
    if not tender.is_open_for_bids:
        raise DeadlinePassed(
            "The submission deadline has passed, so the tender can no longer be amended. "
            f"It was at {uk_time(tender.submission_deadline)}"
        )
    reason = (amendment.reason or "").strip()
    if not reason:
        raise DomainError("Say why the tender is being amended", code="validation_error")
    original_deadline = tender.submission_deadline
    assert original_deadline is not None  # a published tender has a submission deadline
    changes = _deadline_changes(tender, amendment, now)
    _check_period(tender, original_deadline)
    changes += _document_changes(tender, amendment, by, now)
    if not changes:
        raise DomainError("Choose something to change", code="validation_error")
    tender.save(
        update_fields=["clarification_deadline", "submission_deadline", "expected_award_date"]
    )
    item = TenderAmendment.objects.create(
        tender=tender,
        number=tender.amendments.count() + 1,
        reason=reason,
        changes=changes,
        made_at=now,
        made_by=by,
    )
    ocds.publish_tender_notice(
        tender,
        tags=["tenderAmendment"],
        notice_type="UK4",
        document_type="tenderNotice",
        title=f"Tender notice (amendment {item.number})",
        extra={"amendments": [_ocds_amendment(a) for a in tender.amendments.all()]},
    )
    audit.record(
        action="tender.amended",
        obj=tender,
        actor=by,
        organisation=tender.buyer,
        summary=f"Amendment {item.number}: " + "; ".join(changes),
        reason=reason,
        changes=changes,
    )
    body = (
        f"The buyer has amended {tender.title} ({tender.reference}).\n\n"
        "What changed:\n" + "".join(f"- {change}\n" for change in changes) + f"\nWhy: {reason}\n\n"
        "Your draft bid, if you have one, has not been changed. See the opportunity page for "
        "the documents and deadlines as they now stand."
    )
    for _supplier, emails in interested_contacts(tender):
        email_on_commit(to=emails, subject=f"{tender.reference} has been amended", body=body)
    return item
