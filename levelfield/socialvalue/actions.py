"""Every change to social value: loading models, importing a buyer's measurement framework,
picking outcomes and adding questions to a tender, commitments in a bid, obligations at
signature, delivery reports and their review, and the reminders.

Each action checks permission and state, writes in one transaction with its audit event, and
queues emails with `transaction.on_commit`.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from levelfield.bids import actions as bid_actions
from levelfield.bids.models import Bid
from levelfield.contracts.lifecycle import IN_FORCE
from levelfield.contracts.models import Contract, ContractStatus
from levelfield.core import audit, clock
from levelfield.core.display import uk_date, uk_time
from levelfield.core.errors import (
    DeadlinePassed,
    DomainError,
    InvalidTransition,
    PermissionDenied,
    RuleFailed,
)
from levelfield.core.notify import email_on_commit
from levelfield.core.permissions import require
from levelfield.core.uploads import check_upload, files_removed_on_failure, store
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.lifecycle import Status as TenderStatus
from levelfield.tenders.models import Lot, Question, Tender

from . import loader, ocds, selectors
from .frameworks import FrameworkFileError, read_framework
from .models import (
    AwardCriterion,
    Commitment,
    DeliveryReport,
    LotOutcome,
    Measure,
    MeasurementFramework,
    Obligation,
    PolicyOutcome,
    ReportEvidence,
    ReportingFrequency,
    ReportingMetric,
    ReportingPeriod,
    ReportReview,
    ReportStatus,
    SocialValueModel,
    SocialValueQuestion,
    SubCriterion,
    TenderSocialValue,
    Theme,
    contract_lot,
)
from .quantities import clean_quantity

# A report on a period is due this many days after the period ends.
REPORT_DUE_DAYS = 30
# Suppliers are reminded this many days before a report is due.
REMINDER_DAYS_BEFORE = 7
# Buyers are reminded of a report still waiting for review after this many days.
REVIEW_REMINDER_AFTER_DAYS = 5

_MODEL_CLASSES = {
    "SocialValueModel": SocialValueModel,
    "Theme": Theme,
    "PolicyOutcome": PolicyOutcome,
    "AwardCriterion": AwardCriterion,
    "SubCriterion": SubCriterion,
    "ReportingMetric": ReportingMetric,
}


def _number(value: Decimal) -> str:
    """6.00 -> 6, 2.50 -> 2.5: quantities as people write them."""
    return format(value.normalize(), "f")


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _people(organisation, roles) -> list[str]:
    return list(
        organisation.memberships.filter(role__in=roles).values_list("user__email", flat=True)
    )


BUYER_RUNS = ("buyer_admin", "buyer_officer")
SUPPLIER_PEOPLE = ("supplier_admin", "supplier_member")


# ---------------------------------------------------------------------------------------------
# Models


@transaction.atomic
def load_model(*, raw: bytes, by=None) -> tuple[SocialValueModel, bool]:
    """Load a social value model file. Loading the same file again changes nothing; a different
    file with a loaded code and version is refused, so a procurement's model never changes
    under it. `by` is None for the data migration and the management command."""
    if by is not None and not by.is_superuser:
        raise PermissionDenied("Only a platform admin can load social value models")
    try:
        spec = loader.parse(raw)
    except loader.ModelFileError as exc:
        raise DomainError(
            "The model file cannot be loaded: " + exc.problems[0],
            code="invalid_model",
            details=exc.problems,
        ) from exc
    existing = SocialValueModel.objects.filter(code=spec.code, version=spec.version).first()
    if existing is not None:
        if existing.sha256 == spec.sha256:
            return existing, False
        raise DomainError(
            f"{spec.code} version {spec.version} is already loaded with different content. "
            "Give the file a new version: procurements that use the loaded one keep it.",
            code="model_version_taken",
        )
    model = loader.store(spec, classes=_MODEL_CLASSES, loaded_at=clock.now(), loaded_by=by)
    audit.record(
        action="socialvalue.model_loaded",
        obj=model,
        actor=by,
        summary=f"Loaded {model}",
        code=model.code,
        version=model.version,
        sha256=model.sha256,
    )
    return model, True


def load_shipped_models(by=None) -> list[tuple[SocialValueModel, bool]]:
    """The models levelfield ships (PPN 06/20 and PPN 002), loaded if they are not yet."""
    return [
        load_model(raw=(loader.DATA_DIR / name).read_bytes(), by=by)
        for name in loader.SHIPPED_FILES
    ]


# ---------------------------------------------------------------------------------------------
# The buyer's measurement framework


@transaction.atomic
def import_framework(*, buyer, by, name: str, upload) -> MeasurementFramework:
    """Import measures (code, description, unit, optional proxy value in pounds) from CSV or
    XLSX as a new version of the buyer's framework. A file with any bad row imports nothing;
    every bad row is named by its line with the reason."""
    require(
        by,
        "socialvalue.manage_frameworks",
        buyer,
        "Only buyer admins and officers can import a measurement framework",
    )
    name = (name or "").strip()
    if not name:
        raise DomainError("Enter a name for the framework", code="validation_error")
    if len(name) > 200:
        raise DomainError("The name must be 200 characters or fewer", code="validation_error")
    try:
        digest = check_upload(upload)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="invalid_file") from exc
    raw = upload.read()
    upload.seek(0)
    try:
        rows = read_framework(raw, upload.name)
    except FrameworkFileError as exc:
        count = len(exc.problems)
        raise DomainError(
            f"Nothing was imported: {upload.name} has {count} problem{'s' if count != 1 else ''}",
            code="invalid_framework",
            details=exc.problems,
        ) from exc
    latest = (
        MeasurementFramework.objects.filter(buyer=buyer, name=name)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    framework = MeasurementFramework.objects.create(
        buyer=buyer,
        name=name,
        version=(latest or 0) + 1,
        source_filename=upload.name[:255],
        sha256=digest,
        imported_at=clock.now(),
        imported_by=by,
    )
    Measure.objects.bulk_create(
        Measure(
            framework=framework,
            code=row.code,
            description=row.description,
            unit=row.unit,
            proxy_value=row.proxy_value,
            line=row.line,
        )
        for row in rows
    )
    audit.record(
        action="socialvalue.framework_imported",
        obj=framework,
        actor=by,
        organisation=buyer,
        summary=f"Imported {len(rows)} measures as {framework}",
        sha256=digest,
        measures=len(rows),
    )
    return framework


# ---------------------------------------------------------------------------------------------
# The tender


def _locked_draft(tender: Tender, by) -> Tender:
    require(by, "tenders.change_tender", tender)
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status != TenderStatus.DRAFT:
        raise InvalidTransition("Only a draft tender's social value questions can change")
    return tender


@transaction.atomic
def choose_outcomes(
    *, lot: Lot, by, outcomes: list[PolicyOutcome], model: SocialValueModel | None = None
) -> TenderSocialValue:
    """Pick the policy outcomes a lot's social value questions will come from.

    The first pick fixes the procurement's model version, chosen by its commencement date: a
    draft commences when it is published, so the model in force today (by default the newest;
    while two apply, the buyer may choose the older). From then on the procurement keeps that
    version for life, whatever is loaded later.
    """
    tender = _locked_draft(lot.tender, by)
    link = TenderSocialValue.objects.select_related("model").filter(tender=tender).first()
    day = clock.today_uk()
    if link is not None and selectors.model_lapsed(link, day):
        _drop_lapsed_model(tender, link, by, day)
        link = None
    if link is None:
        applicable = selectors.models_on(day)
        if not applicable:
            raise DomainError(
                f"No social value model applies to a procurement commencing on {uk_date(day)}. "
                "A platform admin can load one.",
                code="no_model",
            )
        if model is None:
            model = applicable[0]
        elif model.pk not in {m.pk for m in applicable}:
            raise RuleFailed(
                f"{model} does not apply to a procurement commencing on {uk_date(day)}. Use "
                + " or ".join(str(m) for m in applicable),
                code="model_not_in_force",
            )
        link = TenderSocialValue.objects.create(
            tender=tender,
            model=model,
            framework=MeasurementFramework.objects.filter(buyer=tender.buyer).first(),
            chosen_on=day,
            chosen_at=clock.now(),
            chosen_by=by,
        )
        audit.record(
            action="socialvalue.model_chosen",
            obj=tender,
            actor=by,
            organisation=tender.buyer,
            summary=f"Social value questions follow {model}",
            model=model.code,
            version=model.version,
        )
    elif model is not None and model.pk != link.model_id:
        raise InvalidTransition(
            f"This procurement follows {link.model}; it keeps that model for life",
            code="model_fixed",
        )
    if not outcomes:
        raise DomainError("Choose at least one policy outcome", code="validation_error")
    valid = {o.pk for o in selectors.valid_outcomes(link.model, link.chosen_on)}
    chosen = {o.pk for o in outcomes}
    if chosen - valid:
        raise DomainError(f"Choose outcomes from {link.model}", code="validation_error")
    LotOutcome.objects.filter(lot=lot).exclude(outcome_id__in=chosen).delete()
    existing = set(LotOutcome.objects.filter(lot=lot).values_list("outcome_id", flat=True))
    now = clock.now()
    for outcome_id in sorted(chosen - existing):
        LotOutcome.objects.create(lot=lot, outcome_id=outcome_id, chosen_at=now)
    audit.record(
        action="socialvalue.outcomes_chosen",
        obj=lot,
        actor=by,
        organisation=tender.buyer,
        summary=f"Social value outcomes for lot {lot.number} chosen",
        outcomes=sorted(o.code for o in outcomes),
    )
    return link


def _drop_lapsed_model(tender: Tender, link: TenderSocialValue, by, day: date) -> None:
    """A draft whose model no longer applies on the day it would commence (PPN 06/20's after 30
    September 2025) has not commenced, so it may start again from the model in force, once the
    questions taken from the old model are gone. Its outcomes go with the old model."""
    if SocialValueQuestion.objects.filter(question__lot__tender=tender).exists():
        raise InvalidTransition(
            f"{link.model} does not apply to a procurement commencing on {uk_date(day)}. Remove "
            "the social value questions taken from it, then choose the outcomes again",
            code="model_lapsed",
        )
    LotOutcome.objects.filter(lot__tender=tender).delete()
    audit.record(
        action="socialvalue.model_dropped",
        obj=tender,
        actor=by,
        organisation=tender.buyer,
        summary=f"{link.model} no longer applies; the outcomes will be chosen again",
        model=link.model.code,
        version=link.model.version,
    )
    link.delete()


@transaction.atomic
def set_options(
    *, tender: Tender, by, framework: MeasurementFramework | None, reporting_months: int
) -> TenderSocialValue:
    """Which of the buyer's measurement frameworks values commitments in pounds, and how often
    the winner reports. Fixed when the tender is published: bidders price against them."""
    tender = _locked_draft(tender, by)
    link = TenderSocialValue.objects.filter(tender=tender).first()
    if link is None:
        raise InvalidTransition("Choose the policy outcomes first", code="no_outcomes")
    if framework is not None and framework.buyer_id != tender.buyer_id:
        raise DomainError("Choose one of your own measurement frameworks", code="validation_error")
    if reporting_months not in ReportingFrequency.values:
        raise DomainError("Choose how often the supplier reports", code="validation_error")
    link.framework = framework
    link.reporting_months = reporting_months
    link.save(update_fields=["framework", "reporting_months"])
    audit.record(
        action="socialvalue.options_set",
        obj=tender,
        actor=by,
        organisation=tender.buyer,
        framework=framework.pk if framework else None,
        reporting_months=reporting_months,
    )
    return link


@dataclass(frozen=True)
class QuestionDraft:
    """A proposed question as the buyer edited it, with where it came from in the model."""

    outcome_id: int
    criterion_id: int
    sub_criterion_id: int | None
    text: str
    guidance: str
    weight: Decimal


@transaction.atomic
def adopt_questions(*, lot: Lot, by, drafts: list[QuestionDraft]) -> list[Question]:
    """Add the edited proposals to the lot as social value questions, through the tenders
    action that adds any question; all of them or none."""
    _locked_draft(lot.tender, by)
    if not drafts:
        raise DomainError("Choose at least one proposed question to add", code="validation_error")
    chosen = set(LotOutcome.objects.filter(lot=lot).values_list("outcome_id", flat=True))
    added = []
    for index, draft in enumerate(drafts, start=1):
        criterion = AwardCriterion.objects.filter(
            pk=draft.criterion_id, outcome_id=draft.outcome_id
        ).first()
        sub = None
        if draft.sub_criterion_id is not None:
            sub = SubCriterion.objects.filter(
                pk=draft.sub_criterion_id, criterion_id=draft.criterion_id
            ).first()
        if (
            draft.outcome_id not in chosen
            or criterion is None
            or (draft.sub_criterion_id is not None and sub is None)
        ):
            raise DomainError(
                f"Proposed question {index} does not come from an outcome chosen for this lot",
                code="validation_error",
            )
        try:
            question = tender_actions.add_question(
                lot=lot,
                by=by,
                kind=Question.Kind.SOCIAL_VALUE,
                text=draft.text,
                guidance=draft.guidance,
                weight=draft.weight,
            )
        except DomainError as exc:
            raise DomainError(f"Proposed question {index}: {exc.message}", code=exc.code) from exc
        SocialValueQuestion.objects.create(
            question=question,
            outcome_id=draft.outcome_id,
            criterion=criterion,
            sub_criterion=sub,
        )
        added.append(question)
    audit.record(
        action="socialvalue.questions_added",
        obj=lot,
        actor=by,
        organisation=lot.tender.buyer,
        summary=f"{len(added)} social value question{'s' if len(added) != 1 else ''} added to "
        f"lot {lot.number}",
        questions=[q.number for q in added],
    )
    return added


# ---------------------------------------------------------------------------------------------
# The bid


def _locked_open_bid(bid: Bid, by) -> Bid:
    """The bid, locked, while it may change: a draft or withdrawn bid before the deadline. Locks
    in the order the bids actions use: the tender, then the bid."""
    require(by, "bids.change_bid", bid)
    bid = bid_actions.lock_tender_and_bid(bid)
    tender = bid.lot.tender
    if tender.status != TenderStatus.PUBLISHED:
        raise InvalidTransition("This tender is not open for bids")
    if tender.is_closed_for_bids:
        raise DeadlinePassed(
            f"The submission deadline passed at {uk_time(tender.submission_deadline)}. "
            "Commitments can no longer change."
        )
    if not bid.is_editable:
        raise InvalidTransition("Withdraw your submitted bid before changing its commitments")
    return bid


def _clean_commitment(bid: Bid, fields: dict) -> dict:
    lot = bid.lot
    question = fields.get("question")
    if question is None or question.lot_id != lot.pk or question.kind != Question.Kind.SOCIAL_VALUE:
        raise DomainError(
            "Choose one of this lot's social value questions", code="validation_error"
        )
    measure, metric = fields.get("measure"), fields.get("metric")
    if measure is not None and metric is not None:
        raise DomainError("Choose one measure", code="validation_error")
    if measure is not None and measure.pk not in {m.pk for m in selectors.measures_for(lot.tender)}:
        raise DomainError("Choose a measure from the buyer's framework", code="validation_error")
    if metric is not None and metric.pk not in {m.pk for m in selectors.metrics_for(lot)}:
        raise DomainError("Choose a reporting metric for this lot", code="validation_error")
    problems = []
    description = (fields.get("description") or "").strip()
    if not description:
        problems.append("Say what you will deliver, like 'apprenticeships for care leavers'")
    try:
        quantity = clean_quantity(fields.get("quantity"))
    except DomainError as exc:
        problems.append(exc.message)
        quantity = None
    unit = (fields.get("unit") or "").strip()
    if not unit:
        unit = measure.unit if measure else metric.unit if metric else ""
    if not unit:
        problems.append("Enter the unit, like 'apprenticeships' or 'hours'")
    year = fields.get("contract_year")
    years = selectors.years_of(lot.tender)
    if not isinstance(year, int) or not 1 <= year <= years:
        problems.append(f"Choose a contract year from 1 to {years}")
    location = (fields.get("location") or "").strip()
    if not location:
        problems.append("Say where the benefit will happen, like 'Shaston and Melchester'")
    beneficiaries = (fields.get("beneficiaries") or "").strip()
    if not beneficiaries:
        problems.append("Say who will benefit, like 'local care leavers aged 16 to 25'")
    if len(description) > 300 or len(unit) > 60 or len(location) > 200 or len(beneficiaries) > 300:
        problems.append("Shorten your answers: one of them is too long")
    if problems:
        raise DomainError(problems[0], code="validation_error", details=problems)
    return {
        "question": question,
        "measure": measure,
        "metric": metric,
        "description": description,
        "quantity": quantity,
        "unit": unit,
        "contract_year": year,
        "location": location,
        "beneficiaries": beneficiaries,
    }


COMMITMENT_FIELDS = (
    "question",
    "measure",
    "metric",
    "description",
    "quantity",
    "unit",
    "contract_year",
    "location",
    "beneficiaries",
)


@transaction.atomic
def add_commitment(*, bid: Bid, by, **fields) -> Commitment:
    """A quantified commitment in answer to a social value question: what, how many, by which
    contract year, where and who benefits. Only while the bid may change."""
    bid = _locked_open_bid(bid, by)
    unknown = set(fields) - set(COMMITMENT_FIELDS)
    if unknown:
        raise DomainError(f"Unknown commitment fields: {', '.join(sorted(unknown))}")
    values = _clean_commitment(bid, fields)
    now = clock.now()
    commitment = Commitment.objects.create(bid=bid, created_at=now, updated_at=now, **values)
    audit.record(
        action="socialvalue.commitment_added",
        obj=commitment,
        actor=by,
        organisation=bid.supplier,
        sealed_until=bid.sealed_until,
        bid=bid.pk,
    )
    return commitment


@transaction.atomic
def update_commitment(*, commitment: Commitment, by, **fields) -> Commitment:
    bid = _locked_open_bid(commitment.bid, by)
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk, bid=bid)
    unknown = set(fields) - set(COMMITMENT_FIELDS)
    if unknown:
        raise DomainError(f"Unknown commitment fields: {', '.join(sorted(unknown))}")
    current = {name: getattr(commitment, name) for name in COMMITMENT_FIELDS}
    values = _clean_commitment(bid, {**current, **fields})
    for name, value in values.items():
        setattr(commitment, name, value)
    commitment.updated_at = clock.now()
    commitment.save()
    audit.record(
        action="socialvalue.commitment_changed",
        obj=commitment,
        actor=by,
        organisation=bid.supplier,
        sealed_until=bid.sealed_until,
        fields=sorted(fields),
    )
    return commitment


@transaction.atomic
def remove_commitment(*, commitment: Commitment, by) -> None:
    bid = _locked_open_bid(commitment.bid, by)
    commitment = Commitment.objects.get(pk=commitment.pk, bid=bid)
    audit.record(
        action="socialvalue.commitment_removed",
        obj=commitment,
        actor=by,
        organisation=bid.supplier,
        sealed_until=bid.sealed_until,
        bid=bid.pk,
    )
    commitment.delete()


# ---------------------------------------------------------------------------------------------
# The contract


def _periods(contract: Contract, months: int, last_due: date) -> list[ReportingPeriod]:
    periods: list[ReportingPeriod] = []
    number = 0
    while True:
        starts_on = add_months(contract.start_date, months * number)
        if starts_on > last_due or starts_on > contract.end_date:
            return periods
        ends_on = min(
            add_months(contract.start_date, months * (number + 1)) - timedelta(days=1),
            contract.end_date,
        )
        number += 1
        periods.append(
            ReportingPeriod(
                contract=contract,
                number=number,
                starts_on=starts_on,
                ends_on=ends_on,
                report_due_on=ends_on + timedelta(days=REPORT_DUE_DAYS),
            )
        )


@transaction.atomic
def create_obligations(*, contract: Contract, by) -> list[Obligation]:
    """When the contract is signed, the winning bid's commitments become its obligations, each
    due by the end of the contract year it was promised for (never after the contract ends),
    with a reporting period every few months (as the buyer set) until the last is due. Called
    by `contracts.actions.sign_contract`; publishes the commitments as the contract's agreed
    metrics in the same transaction."""
    tender = contract_lot(contract).tender
    require(by, "contracts.sign_contract", tender, "Only a buyer admin can sign a contract")
    contract = Contract.objects.select_related("award__winning_bid", "lot__tender__buyer").get(
        pk=contract.pk
    )
    if contract.status != ContractStatus.SIGNED:
        raise InvalidTransition("Obligations start when the contract is signed")
    existing = list(Obligation.objects.filter(contract=contract))
    if existing:
        return existing
    # with its lot, an awarded contract has its award (a constraint of Contract)
    assert contract.award is not None
    commitments = list(
        Commitment.objects.filter(bid=contract.award.winning_bid)
        .select_related("measure", "metric", "question")
        .order_by("question__number", "id")
    )
    if not commitments:
        return []
    lot = contract_lot(contract)
    link = TenderSocialValue.objects.filter(tender=lot.tender).first()
    months = link.reporting_months if link else ReportingFrequency.QUARTERLY
    now = clock.now()
    obligations = [
        Obligation(
            contract=contract,
            commitment=c,
            number=number,
            description=c.description,
            quantity=c.quantity,
            unit=c.unit,
            location=c.location,
            beneficiaries=c.beneficiaries,
            measure_code=c.measure.code if c.measure is not None else "",
            metric_code=c.metric.code if c.metric is not None else "",
            proxy_value=c.proxy_value,
            due_on=min(
                add_months(contract.start_date, 12 * c.contract_year) - timedelta(days=1),
                contract.end_date,
            ),
            created_at=now,
        )
        for number, c in enumerate(commitments, start=1)
    ]
    Obligation.objects.bulk_create(obligations)
    obligations = list(Obligation.objects.filter(contract=contract).order_by("number"))
    periods = _periods(contract, months, max(o.due_on for o in obligations))
    ReportingPeriod.objects.bulk_create(periods)
    ocds.publish_commitments(contract, obligations)
    audit.record(
        action="socialvalue.obligations_created",
        obj=contract,
        actor=by,
        organisation=lot.tender.buyer,
        summary=f"{len(obligations)} social value commitments became contract obligations",
        obligations=len(obligations),
        periods=len(periods),
    )
    first_due = periods[0].report_due_on if periods else None
    email_on_commit(
        to=_people(contract.supplier, SUPPLIER_PEOPLE),
        subject=f"Social value obligations: {lot.tender.reference} lot {lot.number}",
        body=f"Your contract for {lot.title} is signed. The {len(obligations)} social "
        "value commitments in your bid are now obligations of the contract. "
        + (f"Your first delivery report is due by {uk_date(first_due)}. " if first_due else "")
        + "Report what you deliver on levelfield.",
    )
    return obligations


@files_removed_on_failure
@transaction.atomic
def submit_report(
    *, obligation: Obligation, period: ReportingPeriod, by, quantity, narrative: str, evidence=()
) -> DeliveryReport:
    """The supplier reports what it delivered against an obligation in a period, with evidence
    (documents) and the number delivered. A report waiting for review, queried or rejected may
    be sent again; an accepted one is final."""
    contract = obligation.contract
    require(
        by,
        "socialvalue.report_delivery",
        contract,
        "Only the supplier's people can report what was delivered",
    )
    obligation = (
        Obligation.objects.select_for_update().select_related("contract").get(pk=obligation.pk)
    )
    contract = obligation.contract
    if contract.status not in IN_FORCE:
        raise InvalidTransition("Delivery is reported on a contract in force")
    if period.contract_id != contract.pk:
        raise DomainError(
            "Choose one of this contract's reporting periods", code="validation_error"
        )
    today = clock.today_uk()
    if period.starts_on > today:
        raise DomainError(
            f"Period {period.number} starts on {uk_date(period.starts_on)}; you can report on "
            "it from then",
            code="period_not_started",
        )
    quantity = clean_quantity(quantity, label="the number delivered", zero_allowed=True)
    narrative = (narrative or "").strip()
    if not narrative:
        raise DomainError("Describe what was delivered", code="validation_error")
    report = (
        DeliveryReport.objects.select_for_update()
        .filter(obligation=obligation, period=period)
        .first()
    )
    if report is not None:
        report.check_transition(ReportStatus.SUBMITTED)
    digests = []
    for upload in evidence:
        try:
            digests.append(check_upload(upload))
        except ValidationError as exc:
            raise DomainError(exc.messages[0], code="invalid_file") from exc
    now = clock.now()
    if report is None:
        report = DeliveryReport(obligation=obligation, period=period)
    report.quantity = quantity
    report.narrative = narrative
    report.transition(ReportStatus.SUBMITTED)
    report.submitted_at = now
    report.submitted_by = by
    report.reviewed_at = None
    report.buyer_reminded_at = None
    report.save()
    for upload, digest in zip(evidence, digests, strict=True):
        item = ReportEvidence(
            report=report, title=upload.name[:200], size=upload.size, sha256=digest, uploaded_at=now
        )
        store(item.file, upload)
        item.save()
    lot = contract_lot(contract)
    tender = lot.tender
    audit.record(
        action="socialvalue.report_submitted",
        obj=report,
        actor=by,
        organisation=contract.supplier,
        summary=f"Reported {_number(quantity)} {obligation.unit} for period {period.number}",
        quantity=str(quantity),
        evidence=digests,
    )
    email_on_commit(
        to=_people(tender.buyer, BUYER_RUNS),
        subject=f"Social value report to review: {tender.reference} lot {lot.number}",
        body=f"{contract.supplier} reported delivering {_number(quantity)} {obligation.unit} of "
        f"'{obligation.description}' in period {period.number}. Accept, query or reject it "
        "on levelfield.",
    )
    return report


DECISIONS = (ReportStatus.ACCEPTED, ReportStatus.QUERIED, ReportStatus.REJECTED)


@transaction.atomic
def review_report(*, report: DeliveryReport, by, decision: str, reason: str) -> DeliveryReport:
    """The buyer accepts, queries or rejects a report, giving the reason. Only accepted reports
    count as delivered, and each acceptance is published as an implementation release."""
    contract = report.obligation.contract
    require(
        by, "socialvalue.review_report", contract, "Only buyer admins and officers review reports"
    )
    report = (
        # Only the report's row: a contract let elsewhere has no lot, and PostgreSQL locks no
        # nullable side of an outer join.
        DeliveryReport.objects.select_for_update(of=("self",))
        .select_related("obligation__contract__lot__tender__buyer", "period")
        .get(pk=report.pk)
    )
    if decision not in DECISIONS:
        raise DomainError("Choose accept, query or reject", code="validation_error")
    report.check_transition(decision)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give the reason for your decision", code="validation_error")
    now = clock.now()
    report.transition(decision)
    report.reviewed_at = now
    report.save(update_fields=["status", "reviewed_at"])
    ReportReview.objects.create(report=report, decision=decision, reason=reason, by=by, at=now)
    contract = report.obligation.contract
    tender = contract_lot(contract).tender
    if decision == ReportStatus.ACCEPTED:
        ocds.publish_delivery(contract)
    label = ReportStatus(decision).label.lower()
    audit.record(
        action=f"socialvalue.report_{decision}",
        obj=report,
        actor=by,
        organisation=tender.buyer,
        summary=f"Report for period {report.period.number} {label}",
        reason=reason,
    )
    email_on_commit(
        to=_people(contract.supplier, SUPPLIER_PEOPLE),
        subject=f"Your social value report was {label}: {tender.reference}",
        body=f"Your report of {_number(report.quantity)} {report.obligation.unit} of "
        f"'{report.obligation.description}' for period {report.period.number} was {label}.\n"
        f"Reason: {reason}",
    )
    return report


# ---------------------------------------------------------------------------------------------
# Reminders


@transaction.atomic
def send_reminders(*, today: date | None = None) -> dict:
    """Remind suppliers of reports due within `REMINDER_DAYS_BEFORE` days that they have not
    sent, once per period; and buyers of reports waiting for review for more than
    `REVIEW_REMINDER_AFTER_DAYS` days, once per submission. Run daily by the
    `social_value_reminders` command (see tasks.py)."""
    today = today or clock.today_uk()
    now = clock.now()
    supplier_count = 0
    periods = (
        ReportingPeriod.objects.select_for_update(of=("self",))
        .filter(
            supplier_reminded_at__isnull=True,
            contract__status__in=IN_FORCE,
            starts_on__lte=today,
            report_due_on__gte=today,
            report_due_on__lte=today + timedelta(days=REMINDER_DAYS_BEFORE),
        )
        .select_related("contract__supplier", "contract__lot__tender")
        .order_by("report_due_on", "id")
    )
    for period in periods:
        contract = period.contract
        reported = set(
            DeliveryReport.objects.filter(
                period=period, status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]
            ).values_list("obligation_id", flat=True)
        )
        missing = [
            o
            for o in contract.social_value_obligations.filter(due_on__gte=period.starts_on)
            if o.pk not in reported
        ]
        if not missing:
            continue
        period.supplier_reminded_at = now
        period.save(update_fields=["supplier_reminded_at"])
        audit.record(
            action="socialvalue.supplier_reminded",
            obj=period,
            organisation=contract.supplier,
            summary=f"Reminded to report on period {period.number}",
            obligations=[o.number for o in missing],
        )
        lines = "\n".join(f"- {_number(o.quantity)} {o.unit}: {o.description}" for o in missing)
        email_on_commit(
            to=_people(contract.supplier, SUPPLIER_PEOPLE),
            subject=f"Social value report due by {uk_date(period.report_due_on)}: "
            f"{contract_lot(contract).tender.reference}",
            body=f"Your report on period {period.number} ({uk_date(period.starts_on)} to "
            f"{uk_date(period.ends_on)}) of {contract_lot(contract).title} is due by "
            f"{uk_date(period.report_due_on)}. Still to report:\n{lines}\n",
        )
        supplier_count += 1
    waiting = (
        DeliveryReport.objects.select_for_update(of=("self",))
        .filter(
            status=ReportStatus.SUBMITTED,
            buyer_reminded_at__isnull=True,
            submitted_at__lte=now - timedelta(days=REVIEW_REMINDER_AFTER_DAYS),
        )
        .select_related("obligation__contract__lot__tender__buyer", "period")
        .order_by("submitted_at", "id")
    )
    by_buyer: dict = {}
    for report in waiting:
        buyer = contract_lot(report.obligation.contract).tender.buyer
        by_buyer.setdefault(buyer.pk, (buyer, []))[1].append(report)
    for buyer, reports in by_buyer.values():
        for report in reports:
            report.buyer_reminded_at = now
            report.save(update_fields=["buyer_reminded_at"])
            audit.record(
                action="socialvalue.buyer_reminded",
                obj=report,
                organisation=buyer,
                summary="Reminded to review a social value report",
            )
        lines = "\n".join(
            f"- {r.obligation.contract.lot.tender.reference}: period {r.period.number}, "
            f"{r.obligation.description} (sent {uk_date(r.submitted_at)})"
            for r in reports
        )
        email_on_commit(
            to=_people(buyer, BUYER_RUNS),
            subject=f"{len(reports)} social value report{'s' if len(reports) != 1 else ''} "
            "waiting for your review",
            body=f"These reports are waiting for you to accept, query or reject them:\n{lines}\n",
        )
    return {
        "supplier_reminders": supplier_count,
        "buyer_reminders": sum(len(r) for _, r in by_buyer.values()),
    }
