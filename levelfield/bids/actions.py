"""A supplier's bid: draft, submit before the deadline, withdraw and resubmit, with receipts."""

import hashlib
from decimal import Decimal
from pathlib import PurePath

import orjson
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import prefetch_related_objects

from levelfield.core import audit, clock
from levelfield.core.errors import DeadlinePassed, DomainError, InvalidTransition
from levelfield.core.notify import email_on_commit
from levelfield.core.permissions import require
from levelfield.core.uploads import check_upload, files_removed_on_failure, store
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers import selectors as supplier_selectors
from levelfield.tenders.lifecycle import Status as TenderStatus
from levelfield.tenders.models import Lot, Tender

from .checklist import bid_checklist
from .models import Bid, BidAnswer, BidAttachment, BidReceipt, BidStatus
from .sealing import seal_upload, sealing_locked_bid


def _deadline_message(tender: Tender) -> str:
    from levelfield.core.display import uk_time

    return (
        f"The submission deadline for {tender.reference} passed at "
        f"{uk_time(tender.submission_deadline)}. Bids can no longer be submitted, changed "
        "or withdrawn."
    )


def _require_open(tender: Tender) -> None:
    if tender.status != TenderStatus.PUBLISHED:
        raise InvalidTransition("This tender is not open for bids")
    if tender.is_closed_for_bids:
        raise DeadlinePassed(_deadline_message(tender))


@transaction.atomic
def start_bid(*, lot: Lot, supplier, by) -> Bid:
    """Start (or return) the supplier's draft bid for a lot."""
    require(
        by,
        "bids.start_bid",
        supplier,
        "Only people from a supplier (for a consortium, from its lead) can start its bid",
    )
    _require_open(lot.tender)
    now = clock.now()
    bid, created = Bid.objects.get_or_create(
        lot=lot,
        supplier=supplier,
        defaults={"created_by": by, "created_at": now, "updated_at": now},
    )
    # The draft found has the lot and supplier it was asked for: the ones given, not read again.
    bid.lot, bid.supplier = lot, supplier
    if created:
        audit.record(
            action="bid.started",
            obj=bid,
            actor=by,
            organisation=supplier,
            sealed_until=bid.sealed_until,
            lot=lot.pk,
        )
    return bid


def lock_tender_and_bid(bid: Bid) -> Bid:
    """Lock the bid's tender, then the bid (the fixed order where writers meet), and return the
    bid as locked, with its lot and tender. Call inside the action's transaction.

    On PostgreSQL the tender is locked FOR SHARE: the bids of one tender change side by side
    (nothing a bid's action does changes the tender row), while the tender's own changes
    (opening its bids, a new deadline: FOR UPDATE, or an UPDATE) wait for them, and they for
    it. FOR UPDATE made every save and submission of a tender wait for the one before, from its
    lock to its commit. The bid is locked FOR NO KEY UPDATE, that row only. Neither blocks an
    insert that refers to them (a foreign key check, run at commit, takes FOR KEY SHARE): when
    audit.record still held the audit chain's lock to the end of the action, a FOR UPDATE held
    while waiting for that lock deadlocked against a bid being started (bench/bids_bench.py
    found both). SQLite lets one writer in at a time and needs no row locks."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {connection.ops.quote_name(Tender._meta.db_table)} "
                "WHERE id = %s FOR SHARE",
                [bid.lot.tender_id],
            )
    return (
        Bid.objects.select_for_update(no_key=True, of=("self",))
        .select_related("lot__tender__sealing_key", "supplier")
        .get(pk=bid.pk)
    )


def _locked_editable(bid: Bid, by) -> Bid:
    require(by, "bids.change_bid", bid)
    bid = lock_tender_and_bid(bid)
    _require_open(bid.lot.tender)
    return bid


def lock_editable_bid(*, bid: Bid, by) -> Bid:
    """For another app's action that changes a part of a bid (its subcontractors): checks
    permission, locks the tender then the bid, and refuses unless the bid can still change.
    Call inside the caller's transaction."""
    bid = _locked_editable(bid, by)
    if not bid.is_editable:
        raise InvalidTransition("Withdraw your submitted bid before changing it")
    return bid


@transaction.atomic
def save_bid(
    *, bid: Bid, by, price: Decimal | None = None, answers: dict[int, str] | None = None
) -> Bid:
    """Save the draft: price and answers. A submitted bid must be withdrawn before it changes."""
    bid = _locked_editable(bid, by)
    if not bid.is_editable:
        raise InvalidTransition("Withdraw your submitted bid before changing it")
    if price is not None:
        if price <= 0:
            raise DomainError("The price must be more than £0", code="validation_error")
        bid.price = price
    # The lot's questions, kept with the bid for what the caller shows of it (bids.api).
    prefetch_related_objects([bid.lot], "questions")
    questions = {q.pk: q for q in bid.lot.questions.all()}
    for question_id in answers or {}:
        if question_id not in questions:
            raise DomainError("That question is not part of this lot", code="validation_error")
    with sealing_locked_bid(bid):
        if answers:
            # One read of the bid's answers (locked, as update_or_create locked each), then each
            # changed or added: the bid is locked, so no other request adds one meanwhile.
            saved = {
                a.question_id: a
                for a in BidAnswer.objects.select_for_update().filter(bid=bid).order_by()
            }
            for question_id, text in answers.items():
                answer = saved.get(question_id)
                if answer is None:
                    BidAnswer.objects.create(bid=bid, question_id=question_id, text=text.strip())
                else:
                    answer.text = text.strip()
                    answer.save(update_fields=["text", "sealed"])
        bid.updated_at = clock.now()
        bid.save()
    audit.record(
        action="bid.saved",
        obj=bid,
        actor=by,
        organisation=bid.supplier,
        sealed_until=bid.sealed_until,
    )
    return bid


@files_removed_on_failure
@transaction.atomic
def add_attachment(*, bid: Bid, by, title: str, upload) -> BidAttachment:
    """Attach a file sent in one request (the page's form without JavaScript)."""
    bid = _locked_editable(bid, by)
    if not bid.is_editable:
        raise InvalidTransition("Withdraw your submitted bid before changing it")
    return store_attachment(bid=bid, by=by, title=title, upload=upload)


def store_attachment(*, bid: Bid, by, title: str, upload, started_at=None) -> BidAttachment:
    """The checks every bid attachment passes (type by extension and content, size up to
    LEVELFIELD_BID_UPLOAD_MAX_BYTES), then the file stored and recorded. For an action that has
    locked the bid and decided it may change, inside its transaction and within
    `files_removed_on_failure`. `started_at`: when a resumable upload began."""
    try:
        digest = check_upload(upload, max_bytes=settings.LEVELFIELD_BID_UPLOAD_MAX_BYTES)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="invalid_file") from exc
    now = clock.now()
    attachment = BidAttachment(
        bid=bid,
        title=title.strip() or PurePath(upload.name).name,
        size=upload.size,
        sha256=digest,
        uploaded_at=now,
        upload_started_at=started_at,
    )
    # Stored encrypted while the tender's bids are sealed; the checks and the hash above read
    # the plaintext the supplier sent.
    sealed = seal_upload(bid=bid, upload=upload, sha256=digest)
    attachment.sealed = sealed is not None
    store(attachment.file, sealed or upload)
    attachment.save()
    extra = {"upload_started_at": started_at.isoformat()} if started_at else {}
    audit.record(
        action="bid.attachment_added",
        obj=bid,
        actor=by,
        organisation=bid.supplier,
        sealed_until=bid.sealed_until,
        sha256=digest,
        uploaded_at=now.isoformat(),
        **extra,
    )
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: BidAttachment, by) -> None:
    bid = _locked_editable(attachment.bid, by)
    if not bid.is_editable:
        raise InvalidTransition("Withdraw your submitted bid before changing it")
    audit.record(
        action="bid.attachment_removed",
        obj=bid,
        actor=by,
        organisation=bid.supplier,
        sealed_until=bid.sealed_until,
        sha256=attachment.sha256,
    )
    attachment.file.delete(save=False)
    attachment.delete()


def bid_content(bid: Bid, declarations=None) -> dict:
    """Exactly what is submitted, in a stable form; its SHA-256 is the receipt hash. Reads the
    bid's answers, attachments and subcontractors once, or uses them as prefetched
    (`submit_bid`); `declarations`: those just attached (read when not given)."""
    questions = {q.pk: q for q in bid.lot.questions.all()}
    numbered = [(questions.get(a.question_id) or a.question, a) for a in bid.answers.all()]
    return {
        "tender": bid.lot.tender.reference,
        "lot": bid.lot.number,
        "supplier": bid.supplier_id,
        "price": str(bid.price),
        "answers": [
            {"question": q.number, "text": a.text}
            for q, a in sorted(numbered, key=lambda pair: pair[0].number)
        ],
        "attachments": [
            {"title": a.title, "sha256": a.sha256, "size": a.size}
            for a in sorted(bid.attachments.all(), key=lambda a: a.pk)
        ],
        **supplier_actions.bid_content_parts(bid, declarations),
    }


@transaction.atomic
def submit_bid(*, bid: Bid, by) -> BidReceipt:
    """Submit the bid. The deadline check and the write happen in one transaction, on the
    server's clock, with the tender row locked so evaluation cannot open in between."""
    require(by, "bids.submit_bid", bid)
    bid = lock_tender_and_bid(bid)
    now = clock.now()
    _require_open(bid.lot.tender)
    bid.check_transition(BidStatus.SUBMITTED)
    # What the checklist, the declarations and the receipt's content read of the bid, read
    # once: the bid is locked, and none of it changes before the bid is saved below.
    prefetch_related_objects(
        [bid], "lot__questions", "answers", "attachments", supplier_selectors.with_subcontractors()
    )
    # Its associates' declarations, read once for the checklist and for attaching them.
    standings = supplier_actions.exclusion_standings(bid, at=now)
    # The bid's checklist decides, as the bidder sees it: anything wrong with the bid itself
    # (price, an answer missing or over its word limit) refuses with every item to put right.
    checklist = bid_checklist(bid, at=now, standings=standings)
    if checklist.content_problems:
        raise DomainError(
            "Your bid is not complete: " + "; ".join(checklist.problems),
            code="bid_incomplete",
            details=checklist.problems,
        )
    # The checklist's declaration items: the bidder's exclusion declaration (or each consortium
    # member's, and each subcontractor's relied on) must be current and clear of mandatory
    # grounds; attach_declarations checks them by the same rule and attaches them to the bid.
    declarations = supplier_actions.attach_declarations(bid=bid, at=now, standings=standings)
    content = bid_content(bid, declarations)
    content["submitted_at"] = now.isoformat()
    digest = hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()
    bid.transition(BidStatus.SUBMITTED)
    bid.submitted_at = now
    bid.submitted_by = by
    bid.receipt_hash = digest
    profile = supplier_selectors.profile_alone(bid.supplier)
    bid.by_sme = profile is not None and profile.is_sme
    bid.by_vcse = profile is not None and profile.is_vcse
    bid.updated_at = now
    with sealing_locked_bid(bid):
        bid.save()
    receipt = BidReceipt.objects.create(
        bid=bid, kind=BidReceipt.Kind.SUBMITTED, at=now, sha256=digest, by=by
    )
    audit.record(
        action="bid.submitted",
        obj=bid,
        actor=by,
        organisation=bid.supplier,
        sealed_until=bid.sealed_until,
        sha256=digest,
    )
    email_on_commit(
        to=by.email,
        subject=f"Bid receipt: {bid.lot.tender.reference} lot {bid.lot.number}",
        body=f"Your bid was received at {now.isoformat()} (server time).\n"
        f"SHA-256 of what you submitted: {digest}\n",
    )
    return receipt


@transaction.atomic
def withdraw_bid(*, bid: Bid, by) -> BidReceipt:
    """Withdraw a submitted bid before the deadline; it can be changed and resubmitted."""
    require(by, "bids.submit_bid", bid)
    bid = lock_tender_and_bid(bid)
    now = clock.now()
    _require_open(bid.lot.tender)
    bid.transition(BidStatus.WITHDRAWN)
    bid.updated_at = now
    with sealing_locked_bid(bid):
        bid.save()
    receipt = BidReceipt.objects.create(
        bid=bid, kind=BidReceipt.Kind.WITHDRAWN, at=now, by=by, sha256=bid.receipt_hash
    )
    audit.record(
        action="bid.withdrawn",
        obj=bid,
        actor=by,
        organisation=bid.supplier,
        sealed_until=bid.sealed_until,
    )
    return receipt
