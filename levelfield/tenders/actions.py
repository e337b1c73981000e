"""Every change to a tender, its lots, criteria, documents and clarifications."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from levelfield.core import audit, clock
from levelfield.core.errors import DeadlinePassed, DomainError, InvalidTransition, RuleFailed
from levelfield.core.notify import email_on_commit
from levelfield.core.permissions import require
from levelfield.core.policy import PolicyVersion, policy_by_code, policy_for
from levelfield.core.uploads import check_upload, files_removed_on_failure, store

from . import barriers, ocds, periods, selectors
from .actions_clarify import answer_clarification as answer_clarification
from .criteria import check_scale, check_weights, check_word_limit
from .dates import TENDER_DATES, range_problems
from .lifecycle import Status
from .models import (
    CPV_CODE,
    BarrierDecision,
    Clarification,
    Lot,
    PriceFormula,
    Question,
    RequiredCertificate,
    ReservedParticipation,
    SearchGeneration,
    Tender,
    TenderCPV,
    TenderDocument,
    TieBreak,
)

TENDER_FIELDS = (
    "title",
    "description",
    "estimated_value",
    "region",
    "suitable_for_sme",
    "suitable_for_vcse",
    "clarification_deadline",
    "submission_deadline",
    "expected_award_date",
    "contract_start",
    "contract_end",
    "reserved_participation",
    "minimum_turnover",
    "insurance_before_award",
    "insurance_cover",
    "certificates_required",
    "lots_not_divided_reason",
    # s.54 (tenders/periods.py): which threshold, a planned procurement notice, the reasons
    "s54_contract_kind",
    "s54_planned_notice_published_on",
    "s54_urgency_reason",
    "s54_short_period_reason",
)


def _require_draft(tender: Tender) -> None:
    if tender.status != Status.DRAFT:
        raise InvalidTransition("Only a draft tender can be changed like this")


def _clean_cpv(codes) -> list[str]:
    cleaned = []
    for raw in codes or []:
        code = str(raw).strip()
        if not code:
            continue
        try:
            CPV_CODE(code)
        except ValidationError as exc:
            raise DomainError(f"{code}: {exc.messages[0]}", code="invalid_cpv") from exc
        code = code.split("-")[0]
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def _next_reference(now: datetime) -> str:
    year = now.year
    count = Tender.objects.filter(reference__startswith=f"LF-{year}-").count() + 1
    while Tender.objects.filter(reference=f"LF-{year}-{count:05d}").exists():
        count += 1
    return f"LF-{year}-{count:05d}"


def _scale_for(tender: Tender) -> list[dict]:
    policy = (
        policy_by_code(tender.policy_version)
        if tender.policy_version
        else policy_for(clock.today_uk())
    )
    return [{"score": lvl.score, "descriptor": lvl.descriptor} for lvl in policy.default_scale]


@transaction.atomic
def create_tender(*, buyer, by, title: str, description: str, cpv_codes=(), **fields) -> Tender:
    """Start a draft tender with one lot. The buyer adds lots, criteria and documents after."""
    require(by, "tenders.create_tender", buyer, "Only buyer admins and officers can create tenders")
    unknown = set(fields) - set(TENDER_FIELDS)
    if unknown:
        raise DomainError(f"Unknown tender fields: {', '.join(sorted(unknown))}")
    now = clock.now()
    tender = Tender(
        buyer=buyer,
        title=title.strip(),
        description=description.strip(),
        created_by=by,
        created_at=now,
        reference=_next_reference(now),
        **fields,
    )
    _validate_fields(tender)
    tender.save()
    for code in _clean_cpv(cpv_codes):
        TenderCPV.objects.create(tender=tender, code=code)
    Lot.objects.create(
        tender=tender, number=1, title=tender.title, estimated_value=tender.estimated_value
    )
    audit.record(
        action="tender.created",
        obj=tender,
        actor=by,
        organisation=buyer,
        summary=f"Created draft {tender.reference}",
    )
    return tender


def _validate_fields(tender: Tender) -> None:
    if not tender.title:
        raise DomainError("Enter a title", code="validation_error")
    if not tender.description:
        raise DomainError("Enter a description", code="validation_error")
    if tender.estimated_value is not None and tender.estimated_value < 0:
        raise DomainError("Estimated value cannot be negative", code="validation_error")
    _validate_requirements(tender)
    # s.54 details (periods.py): the same check as the buyer's "Tendering period" page.
    problems = list(periods.field_problems(tender, today=clock.today_uk()).values())
    problems = problems or range_problems(tender) or _date_order_problems(tender)
    if problems:
        raise DomainError(problems[0], code="validation_error", details=problems)


def _validate_requirements(tender: Tender) -> None:
    """What bidders must hold, and who the contract is reserved for."""
    if tender.reserved_participation not in ReservedParticipation.values:
        raise DomainError("Choose who the contract is reserved for", code="validation_error")
    if tender.minimum_turnover is not None and tender.minimum_turnover < 0:
        raise DomainError("Minimum turnover cannot be negative", code="validation_error")
    certificates = list(dict.fromkeys(tender.certificates_required or []))
    unknown = [c for c in certificates if c not in RequiredCertificate.values]
    if unknown:
        raise DomainError(
            f"Unknown certificate: {', '.join(map(str, unknown))}", code="validation_error"
        )
    tender.certificates_required = certificates
    if tender.reserved_participation == ReservedParticipation.SME_VCSE:
        # Reserved for SMEs and VCSEs: suitable for both, and found by both search filters.
        tender.suitable_for_sme = tender.suitable_for_vcse = True
    tender.insurance_cover = (tender.insurance_cover or "").strip()
    tender.lots_not_divided_reason = (tender.lots_not_divided_reason or "").strip()
    if tender.insurance_before_award and not tender.insurance_cover:
        raise DomainError(
            "Enter the insurance cover bidders must hold before award, like £5m public liability",
            code="validation_error",
        )


def _index_for_search(tender: Tender) -> None:
    """Write the tender's search documents on PostgreSQL: its words (title weighted above
    description) and the prefixes of its CPV codes. UPDATEs of the one row, in the action's
    transaction: no trigger to keep in step."""
    if connection.vendor == "postgresql":
        Tender.objects.filter(pk=tender.pk).update(search_vector=selectors.search_document())
        selectors.index_cpv_codes(tender_ids=[tender.pk])


def _date_order_problems(tender: Tender) -> list[str]:
    problems = []
    if (
        tender.clarification_deadline
        and tender.submission_deadline
        and tender.clarification_deadline >= tender.submission_deadline
    ):
        problems.append("The clarification deadline must be before the submission deadline")
    if (
        tender.contract_start
        and tender.contract_end
        and tender.contract_start > tender.contract_end
    ):
        problems.append("The contract must start before it ends")
    if (
        tender.expected_award_date
        and tender.submission_deadline
        and tender.expected_award_date < tender.submission_deadline.date()
    ):
        problems.append("The expected award date must be after the submission deadline")
    if (
        tender.contract_start
        and tender.expected_award_date
        and tender.contract_start < tender.expected_award_date
    ):
        problems.append("The contract cannot start before the expected award date")
    return problems


@transaction.atomic
def update_tender(*, tender: Tender, by, cpv_codes=None, **fields) -> Tender:
    require(by, "tenders.change_tender", tender)
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    _require_draft(tender)
    unknown = set(fields) - set(TENDER_FIELDS)
    if unknown:
        raise DomainError(f"Unknown tender fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(tender, name, value.strip() if isinstance(value, str) else value)
    _validate_fields(tender)
    tender.save()
    if cpv_codes is not None:
        codes = _clean_cpv(cpv_codes)
        tender.cpv_codes.exclude(code__in=codes).delete()
        existing = set(tender.cpv_codes.values_list("code", flat=True))
        for code in codes:
            if code not in existing:
                TenderCPV.objects.create(tender=tender, code=code)
    _index_for_search(tender)
    audit.record(
        action="tender.updated",
        obj=tender,
        actor=by,
        organisation=tender.buyer,
        fields=sorted(fields) + (["cpv_codes"] if cpv_codes is not None else []),
    )
    return tender


@transaction.atomic
def add_lot(
    *, tender: Tender, by, title: str, description: str = "", estimated_value: Decimal | None = None
) -> Lot:
    require(by, "tenders.change_tender", tender)
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    _require_draft(tender)
    if not title.strip():
        raise DomainError("Enter a lot title", code="validation_error")
    number = (tender.lots.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    lot = Lot.objects.create(
        tender=tender,
        number=number,
        title=title.strip(),
        description=description,
        estimated_value=estimated_value,
    )
    audit.record(
        action="lot.added",
        obj=lot,
        actor=by,
        organisation=tender.buyer,
        summary=f"Added lot {number} to {tender.reference}",
        tender=tender.reference,
        lot=number,
    )
    return lot


LOT_FIELDS = (
    "title",
    "description",
    "estimated_value",
    "price_weight",
    "price_formula",
    "quality_threshold",
    "tie_break",
)


@transaction.atomic
def update_lot(*, lot: Lot, by, **fields) -> Lot:
    """Change a lot's details or its award criteria settings (price weight, formula, threshold,
    tie-break). Weights are checked as a whole when the tender is published."""
    require(by, "tenders.change_tender", lot.tender)
    lot = Lot.objects.select_for_update().select_related("tender").get(pk=lot.pk)
    _require_draft(lot.tender)
    unknown = set(fields) - set(LOT_FIELDS)
    if unknown:
        raise DomainError(f"Unknown lot fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(lot, name, value.strip() if isinstance(value, str) else value)
    if not lot.title:
        raise DomainError("Enter a lot title", code="validation_error")
    if lot.price_formula not in PriceFormula.values:
        raise DomainError("Choose a price formula from the list", code="validation_error")
    if lot.tie_break not in TieBreak.values:
        raise DomainError("Choose a tie-break rule from the list", code="validation_error")
    if not (0 <= lot.price_weight <= 100):
        raise DomainError("The price weight must be between 0 and 100", code="validation_error")
    if lot.quality_threshold is not None and not (0 <= lot.quality_threshold <= 100):
        raise DomainError(
            "The quality threshold must be between 0 and 100", code="validation_error"
        )
    lot.save()
    audit.record(
        action="lot.updated",
        obj=lot,
        actor=by,
        organisation=lot.tender.buyer,
        fields=sorted(fields),
        tender=lot.tender.reference,
        lot=lot.number,
    )
    return lot


@transaction.atomic
def remove_lot(*, lot: Lot, by) -> None:
    require(by, "tenders.change_tender", lot.tender)
    _require_draft(lot.tender)
    if lot.tender.lots.count() == 1:
        raise DomainError("A tender needs at least one lot", code="validation_error")
    audit.record(
        action="lot.removed",
        obj=lot,
        actor=by,
        organisation=lot.tender.buyer,
        summary=f"Removed lot {lot.number}",
        tender=lot.tender.reference,
        lot=lot.number,
    )
    lot.delete()


def _check_question(kind: str, text: str, weight: Decimal, scale, word_limit=None) -> None:
    if problems := check_word_limit(word_limit):
        raise DomainError(problems[0], code="validation_error", details=problems)
    if kind not in Question.Kind.values:
        raise DomainError("Choose quality or social value", code="validation_error")
    if not text.strip():
        raise DomainError("Enter the question", code="validation_error")
    if weight is None or not (0 < weight <= 100):
        raise DomainError(
            "A question's weight must be more than 0 and at most 100", code="validation_error"
        )
    problems = check_scale(scale)
    if problems:
        raise DomainError(problems[0], code="validation_error", details=problems)


@transaction.atomic
def add_question(
    *,
    lot: Lot,
    by,
    kind: str,
    text: str,
    weight: Decimal,
    guidance: str = "",
    scale=None,
    word_limit: int | None = None,
) -> Question:
    """Add a question; `word_limit` is the most words an answer may have (None: no limit)."""
    require(by, "tenders.change_tender", lot.tender)
    _require_draft(lot.tender)
    scale = scale if scale is not None else _scale_for(lot.tender)
    _check_question(kind, text, weight, scale, word_limit)
    number = (lot.questions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    question = Question.objects.create(
        lot=lot,
        kind=kind,
        number=number,
        text=text.strip(),
        guidance=guidance,
        weight=weight,
        scale=scale,
        word_limit=word_limit,
    )
    audit.record(
        action="question.added",
        obj=question,
        actor=by,
        organisation=lot.tender.buyer,
        kind=kind,
        weight=str(weight),
        tender=lot.tender.reference,
        lot=lot.number,
        question=question.number,
    )
    return question


@transaction.atomic
def update_question(*, question: Question, by, **fields) -> Question:
    tender = question.lot.tender
    require(by, "tenders.change_tender", tender)
    _require_draft(tender)
    for name in ("kind", "text", "weight", "guidance", "scale", "word_limit"):
        if name in fields:
            setattr(question, name, fields[name])
    _check_question(
        question.kind, question.text, question.weight, question.scale, question.word_limit
    )
    question.save()
    audit.record(
        action="question.updated",
        obj=question,
        actor=by,
        organisation=tender.buyer,
        fields=sorted(fields),
        tender=tender.reference,
        lot=question.lot.number,
        question=question.number,
    )
    return question


@transaction.atomic
def remove_question(*, question: Question, by) -> None:
    tender = question.lot.tender
    require(by, "tenders.change_tender", tender)
    _require_draft(tender)
    audit.record(
        action="question.removed",
        obj=question,
        actor=by,
        organisation=tender.buyer,
        tender=tender.reference,
        lot=question.lot.number,
        question=question.number,
    )
    question.delete()


@files_removed_on_failure
@transaction.atomic
def add_document(*, tender: Tender, by, title: str, doc_type: str, upload) -> TenderDocument:
    """Attach a document. Allowed while drafting and, as a clarification to everyone, while the
    tender is open for bids."""
    require(by, "tenders.change_tender", tender)
    if not (tender.status == Status.DRAFT or tender.is_open_for_bids):
        raise InvalidTransition("Documents can be added only while drafting or open for bids")
    if doc_type not in TenderDocument.DocType.values:
        raise DomainError("Choose a document type", code="validation_error")
    try:
        digest = check_upload(upload)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="invalid_file") from exc
    document = TenderDocument(
        tender=tender,
        title=title.strip() or upload.name,
        doc_type=doc_type,
        size=upload.size,
        sha256=digest,
        uploaded_at=clock.now(),
        uploaded_by=by,
    )
    store(document.file, upload)
    document.save()
    if tender.status != Status.DRAFT:
        # A document added to a published tender is an amendment everyone must see.
        ocds.publish_tender_notice(
            tender,
            tags=["tenderAmendment"],
            notice_type="UK4",
            document_type="tenderNotice",
            title="Tender notice (amended)",
            extra={
                "amendments": [
                    {
                        "id": f"amendment-document-{document.pk}",
                        "date": ocds.ocds_datetime(document.uploaded_at),
                        "description": f"Document added: {document.title}",
                    }
                ]
            },
        )
    audit.record(
        action="document.added",
        obj=document,
        actor=by,
        organisation=tender.buyer,
        tender=tender.reference,
        sha256=digest,
    )
    return document


@transaction.atomic
def remove_document(*, document: TenderDocument, by) -> None:
    require(by, "tenders.change_tender", document.tender)
    _require_draft(document.tender)
    audit.record(
        action="document.removed",
        obj=document,
        actor=by,
        organisation=document.tender.buyer,
        tender=document.tender.reference,
    )
    document.file.delete(save=False)
    document.delete()


def commencement_policy(tender: Tender, day) -> PolicyVersion:
    """The policy a draft commencing on `day` is judged by: the one that goes with the social
    value model it follows (a procurement keeps its model for life), else the one in force."""
    # Imported here: socialvalue builds on tenders (same floor), not the other way round.
    from levelfield.socialvalue import selectors as social_value

    return social_value.model_policy(tender) or policy_for(day)


def publication_problems(tender: Tender, *, at: datetime | None = None) -> list[str]:
    """Everything that stops a tender being published, each as a sentence saying which rule
    failed. Empty when it can be published."""
    from levelfield.socialvalue import selectors as social_value

    at = at or clock.now()
    day = at.astimezone(clock.UK).date()
    policy = commencement_policy(tender, day)
    problems = social_value.publication_problems(tender, day)
    if not tender.cpv_codes.exists():
        problems.append("Add at least one CPV code")
    if tender.estimated_value is None:
        problems.append("Enter the estimated value")
    for name, label in TENDER_DATES:
        if getattr(tender, name) is None:
            problems.append(f"Enter the {label}")
    if tender.clarification_deadline and tender.clarification_deadline <= at:
        problems.append("The clarification deadline must be in the future")
    if tender.submission_deadline and tender.submission_deadline <= at:
        problems.append("The submission deadline must be in the future")
    elif tender.estimated_value is not None:
        # s.54: counted from now, the moment it would be published
        problems += periods.tendering_period_problems(
            tender, published_at=at, deadline=tender.submission_deadline
        )
    problems += _date_order_problems(tender)
    lots = list(tender.lots.prefetch_related("questions"))
    if not lots:
        problems.append("Add at least one lot")
    for lot in lots:
        check = check_weights(
            price_weight=lot.price_weight,
            questions=[(q.kind, q.weight) for q in lot.questions.all()],
            formula=lot.price_formula,
            threshold=lot.quality_threshold,
            policy=policy,
            lot_label=f"Lot {lot.number}" if len(lots) > 1 else "",
        )
        problems += list(check.failures)
    return problems


@transaction.atomic
def publish_tender(*, tender: Tender, by) -> Tender:
    """Publish the tender and its award criteria. Refused, with every failed rule named, if the
    criteria or dates do not meet the rules in force on the commencement date."""
    require(by, "tenders.publish_tender", tender)
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    now = clock.now()
    if tender.status != Status.DRAFT:
        raise InvalidTransition("Only a draft tender can be published")
    problems = publication_problems(tender, at=now)
    if problems:
        raise RuleFailed(
            "The tender cannot be published: " + "; ".join(problems),
            code="publish_refused",
            details=problems,
        )
    tender.policy_version = commencement_policy(tender, now.astimezone(clock.UK).date()).code
    tender.transition(Status.PUBLISHED)
    tender.save()
    _index_for_search(tender)
    ocds.publish_tender_notice(
        tender,
        tags=["tender"],
        notice_type="UK4",
        document_type="tenderNotice",
        title="Tender notice",
    )
    audit.record(
        action="tender.published",
        obj=tender,
        actor=by,
        organisation=tender.buyer,
        summary=f"Published {tender.reference}",
        policy_version=tender.policy_version,
    )
    return tender


@transaction.atomic
def record_barrier_reason(*, tender: Tender, by, code: str, reason: str) -> BarrierDecision:
    """While drafting, the buyer goes ahead despite a barrier check's finding and records why.
    One reason per check; recording again replaces it. Audited with the finding it answers."""
    require(by, "tenders.change_tender", tender)
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    _require_draft(tender)
    finding = next((f for f in barriers.check(tender) if f.code == code), None)
    if finding is None:
        raise DomainError(
            "That barrier check finds nothing on this tender now", code="validation_error"
        )
    if finding.blocks_publication:
        raise DomainError(
            f"{finding.title}: the tender cannot be published like this, so there is no going "
            "ahead. Change the submission deadline or the tendering period details",
            code="validation_error",
        )
    reason = reason.strip()
    if not reason:
        raise DomainError("Give your reason for going ahead", code="validation_error")
    decision, _ = BarrierDecision.objects.update_or_create(
        tender=tender,
        code=code,
        defaults={
            "reason": reason,
            "finding": finding.subject,
            "decided_by": by,
            "decided_at": clock.now(),
        },
    )
    audit.record(
        action="tender.barrier_reason_recorded",
        obj=tender,
        actor=by,
        organisation=tender.buyer,
        summary=f"Going ahead despite: {finding.title}. Reason: {reason}",
        code=code,
        finding=finding.reason,
        source=finding.source,
        rules=finding.rules,
        reason=reason,
    )
    return decision


@transaction.atomic
def buyer_renamed(*, buyer) -> None:
    """A buyer's new name, saved in the caller's transaction: its tenders show it in the
    opportunity search, so cached searches are made again (a new search generation) rather than
    show the old name until they expire."""
    if Tender.objects.public().filter(buyer=buyer).exists():
        SearchGeneration.renew()


@transaction.atomic
def cancel_tender(*, tender: Tender, by, reason: str) -> Tender:
    require(by, "tenders.cancel_tender", tender, "Only a buyer admin can cancel a tender")
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if not reason.strip():
        raise DomainError("Give the reason for cancelling", code="validation_error")
    was_published = tender.published_at is not None
    tender.transition(Status.CANCELLED)
    tender.cancellation_reason = reason.strip()
    tender.save()
    if was_published:
        ocds.publish_tender_notice(
            tender,
            tags=["tenderCancellation"],
            notice_type="UK12",
            document_type="tenderCancellationNotice",
            title="Procurement termination notice",
            extra={"statusDetails": reason.strip()},
        )
    audit.record(
        action="tender.cancelled",
        obj=tender,
        actor=by,
        organisation=tender.buyer,
        reason=reason.strip(),
    )
    return tender


@transaction.atomic
def ask_question(*, tender: Tender, by, organisation, question: str) -> Clarification:
    """A supplier asks a clarification question, only before the clarification deadline."""
    require(
        by,
        "tenders.ask_question",
        organisation,
        "Only people from a supplier organisation can ask clarification questions",
    )
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status != Status.PUBLISHED:
        raise InvalidTransition("Questions can be asked only while the tender is published")
    if not tender.is_open_for_questions:
        # publication needs a clarification deadline, so a published tender has one
        assert tender.clarification_deadline is not None
        raise DeadlinePassed(
            "The clarification deadline has passed, so no more questions can be asked. "
            "It was at " + _uk(tender.clarification_deadline)
        )
    if not question.strip():
        raise DomainError("Enter your question", code="validation_error")
    clarification = Clarification.objects.create(
        tender=tender,
        asked_by_organisation=organisation,
        asked_by=by,
        question=question.strip(),
        asked_at=clock.now(),
    )
    audit.record(
        action="clarification.asked",
        obj=clarification,
        actor=by,
        organisation=organisation,
        tender=tender.reference,
    )
    for email in tender.buyer.memberships.filter(
        role__in=["buyer_admin", "buyer_officer"]
    ).values_list("user__email", flat=True):
        email_on_commit(
            to=email,
            subject=f"New clarification question on {tender.reference}",
            body=f"A supplier asked a question about {tender.title}. Answer it on "
            f"levelfield; the answer will be published to everyone.",
        )
    return clarification


def _uk(moment: datetime) -> str:
    from levelfield.core.display import uk_time

    return uk_time(moment)


@transaction.atomic
def open_evaluation(*, tender: Tender, by) -> Tender:
    """Open the sealed bids for evaluation, once the submission deadline has passed and no file
    that may still join a submitted bid is arriving (bids.actions_uploads.still_arriving)."""
    require(by, "tenders.change_tender", tender)
    # Locks the tender so no bid submission (which locks it too) can commit in between.
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if not tender.is_closed_for_bids:
        raise InvalidTransition("Bids stay sealed until the submission deadline has passed")
    # Files that may still join submitted bids: begun before the deadline, within their grace
    # period. The tender's lock keeps one from finishing while the bids open (bids sits beside
    # tenders and imports it, hence the import here).
    from levelfield.bids.actions_uploads import still_arriving

    arriving, until = still_arriving(tender)
    if arriving:
        assert isinstance(until, datetime)  # a time whenever files are still arriving
        files = f"{arriving} files" if arriving > 1 else "1 file"
        raise InvalidTransition(
            f"{files} begun before the deadline {'are' if arriving > 1 else 'is'} still "
            f"uploading to submitted bids and may be accepted until "
            f"{_uk(until)}. Open the bids once they have finished, or after that time."
        )
    tender.transition(Status.EVALUATION)
    tender.save()
    audit.record(action="tender.evaluation_opened", obj=tender, actor=by, organisation=tender.buyer)
    # The submitted bids, sealed at rest until now, are decrypted for evaluation (audited).
    from levelfield.bids.sealing import open_tender_bids

    open_tender_bids(tender=tender, by=by)
    return tender
