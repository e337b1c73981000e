"""A supplier's application to a framework: its admin starts one while the framework is open,
chooses lots, declares (its current exclusion declaration from the supplier profile, and its
agreement to each of the framework's statements) and submits, or withdraws. The platform admin
admits or refuses each submitted application while the framework is pending; the decisions are
sent to the suppliers at the standstill (actions.frameworks.start_standstill). A withdrawn
application's listings are withdrawn with it; a refused one's at the standstill, when the refusal
is sent (until then nothing the supplier sees tells it apart from an undecided application)."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from levelfield.core import audit, clock
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.suppliers import selectors as supplier_selectors

from ..lifecycle import ApplicationStatus, FrameworkStatus
from ..models import Application, Framework
from ..rules import require_platform_admin, require_supplier_admin
from .frameworks import withdraw_application_listings

# Codes of the refusals about the declaration: the pages link each to the supplier profile's
# declaration page, and API clients read them.
DECLARATION_CODES = ("declaration_missing", "declaration_outdated", "mandatory_ground_applies")


def declaration_problem(supplier, at=None) -> DomainError | None:
    """Why `supplier`'s exclusion declaration stops it applying now, or None: it must have a
    current one (under a year old, answering the grounds in force), and no mandatory exclusion
    ground may apply."""
    at = at or clock.now()
    declaration = supplier_selectors.current_declaration(supplier, at)
    if declaration is None:
        latest = supplier_selectors.latest_declaration(supplier, at)
        if latest is not None and at < latest.expires_at and latest.answers_outdated_grounds(at):
            return DomainError(
                "Your exclusion declaration answers grounds that are no longer in force: "
                "answer them again on your supplier profile, then apply",
                code="declaration_outdated",
            )
        return DomainError(
            "Your organisation has no current exclusion declaration: make it on your supplier "
            "profile (it lasts a year), then apply",
            code="declaration_missing",
        )
    if declaration.mandatory_ground_applies:
        return DomainError(
            "Your exclusion declaration says a mandatory exclusion ground applies, so your "
            "organisation cannot be admitted to a framework (Procurement Act 2023 s.57)",
            code="mandatory_ground_applies",
        )
    return None


def _record(application: Application, action: str, *, by, summary: str, **data) -> None:
    audit.record(
        action=action,
        obj=application,
        actor=by,
        organisation=application.supplier,
        summary=f"{application.framework.reference}, {application.supplier.name}: {summary}",
        framework=application.framework.reference,
        **data,
    )


def _locked(application: Application) -> Application:
    """The application, its framework's row locked first and then its own (the order the
    framework's steps lock them in): a step of the framework (closing, the standstill) and a
    step of one of its applications never interleave, so nothing is submitted after applications
    close nor decided after the standstill began."""
    framework = Framework.objects.select_for_update().get(pk=application.framework_id)
    found = (
        Application.objects.select_for_update(of=("self",))
        .select_related("supplier")
        .get(pk=application.pk)
    )
    found.framework = framework
    return found


def _require_open(framework: Framework, doing: str) -> None:
    if framework.status != FrameworkStatus.OPEN:
        raise InvalidTransition(
            f"The framework {framework.reference} is {framework.get_status_display().lower()}: "
            f"{doing} only while it is open for applications",
            code="framework_not_open",
        )


def _require_draft(application: Application) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise InvalidTransition(
            f"The application is {application.get_status_display().lower()}: it can be "
            "changed only while it is a draft",
            code="application_not_draft",
        )


def _lots(framework: Framework, lot_ids: Iterable[int]) -> list:
    wanted = {int(pk) for pk in lot_ids}
    lots = list(framework.lots.filter(pk__in=wanted))
    if not wanted:
        raise DomainError("Choose at least one lot to apply for", code="lots_required")
    if len(lots) != len(wanted):
        raise DomainError(
            f"Choose lots of the framework {framework.reference}", code="lot_not_in_framework"
        )
    return lots


@transaction.atomic
def start_application(*, framework: Framework, supplier, by, lot_ids: Iterable[int] = ()):
    """A supplier's admin starts its application (a draft) while the framework is open,
    choosing its lots. One application per supplier and framework: a withdrawn one is not
    started again."""
    require_supplier_admin(by, supplier, "Only an admin of the supplier applies to a framework")
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    _require_open(framework, "suppliers may apply")
    lots = _lots(framework, lot_ids)
    existing = Application.objects.filter(framework=framework, supplier=supplier).first()
    if existing is not None:
        raise DomainError(
            f"{supplier.name} has already applied to this framework "
            f"({existing.get_status_display().lower()})",
            code="already_applied",
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                framework=framework, supplier=supplier, created_by=by, created_at=clock.now()
            )
    except IntegrityError as error:  # the same supplier's admin, twice at once
        raise DomainError(
            f"{supplier.name} has already applied to this framework", code="already_applied"
        ) from error
    application.lots.set(lots)
    _record(
        application,
        "marketplace.application_started",
        by=by,
        summary="Application started",
        lots=[lot.number for lot in lots],
    )
    return application


@transaction.atomic
def choose_lots(*, application: Application, lot_ids: Iterable[int], by) -> Application:
    """Change the lots of a draft application while the framework is open."""
    application = _locked(application)
    require_supplier_admin(by, application.supplier, "Only an admin of the supplier applies")
    _require_open(application.framework, "lots may be chosen")
    _require_draft(application)
    lots = _lots(application.framework, lot_ids)
    application.lots.set(lots)
    _record(
        application,
        "marketplace.application_lots_chosen",
        by=by,
        summary="Lots chosen",
        lots=[lot.number for lot in lots],
    )
    return application


def _statements_agreed(framework: Framework, agreed: Iterable[int]) -> list[str]:
    """The framework's statements, when `agreed` (their numbers, from 1) names every one."""
    statements = list(framework.statements)
    numbers = {int(n) for n in agreed}
    missing = [n for n in range(1, len(statements) + 1) if n not in numbers]
    if missing or not numbers <= set(range(1, len(statements) + 1)):
        raise DomainError(
            "Agree to each of the framework's statements to apply"
            + (f" (statement {', '.join(map(str, missing))} is not agreed)" if missing else ""),
            code="statements_not_agreed",
        )
    return statements


@transaction.atomic
def declare(*, application: Application, agreed: Iterable[int], by) -> Application:
    """The supplier's admin declares for a draft application: its current exclusion
    declaration (from the supplier profile) is attached, and it agrees to each statement."""
    application = _locked(application)
    require_supplier_admin(by, application.supplier, "Only an admin of the supplier declares")
    framework = application.framework
    _require_open(framework, "suppliers may declare")
    _require_draft(application)
    declaration = None
    if framework.requires_exclusion_declaration:
        problem = declaration_problem(application.supplier)
        if problem is not None:
            raise problem
        declaration = supplier_selectors.current_declaration(application.supplier)
    application.declaration = declaration
    application.agreed_statements = _statements_agreed(framework, agreed)
    application.save(update_fields=["declaration", "agreed_statements"])
    _record(
        application,
        "marketplace.application_declared",
        by=by,
        summary="Declarations made",
        declaration=getattr(declaration, "pk", None),
        statements=len(application.agreed_statements),
    )
    return application


def _snapshot(declaration) -> dict:
    if declaration is None:
        return {}
    return {
        "id": declaration.pk,
        "grounds_version": declaration.grounds_version,
        "declared_at": declaration.declared_at.isoformat(),
        "expires_at": declaration.expires_at.isoformat(),
        "answers": declaration.answers,
        "mandatory_grounds": list(declaration.mandatory_grounds),
        "discretionary_grounds": list(declaration.discretionary_grounds),
    }


def submission_problems(application: Application) -> list[DomainError]:
    """What stops the draft `application` being submitted now (the check-answers page lists
    them; `submit_application` refuses with the first)."""
    found: list[DomainError] = []
    framework = application.framework
    if not application.lots.exists():
        found.append(DomainError("Choose at least one lot to apply for", code="lots_required"))
    if framework.requires_exclusion_declaration:
        problem = declaration_problem(application.supplier)
        if problem is not None:
            found.append(problem)
    if list(application.agreed_statements) != list(framework.statements):
        found.append(
            DomainError(
                "Agree to each of the framework's statements to apply",
                code="statements_not_agreed",
            )
        )
    return found


@transaction.atomic
def submit_application(*, application: Application, by) -> Application:
    """Submit a draft application while the framework is open: its lots, its current exclusion
    declaration (kept as it now stands) and the statements agreed."""
    application = _locked(application)
    require_supplier_admin(by, application.supplier, "Only an admin of the supplier submits")
    framework = application.framework
    _require_open(framework, "applications may be submitted")
    _require_draft(application)
    found = submission_problems(application)
    if found:
        raise found[0]
    declaration = (
        supplier_selectors.current_declaration(application.supplier)
        if framework.requires_exclusion_declaration
        else None
    )
    application.transition(ApplicationStatus.SUBMITTED, clock.now())
    application.declaration = declaration
    application.declaration_snapshot = _snapshot(declaration)
    application.submitted_by = by
    application.save()
    _record(
        application,
        "marketplace.application_submitted",
        by=by,
        summary="Application submitted",
        lots=sorted(application.lots.values_list("number", flat=True)),
        declaration=getattr(declaration, "pk", None),
    )
    return application


@transaction.atomic
def withdraw_application(*, application: Application, by) -> Application:
    """The supplier's admin withdraws its application (draft or submitted) while the framework
    is open; its listings not yet live are withdrawn with it."""
    application = _locked(application)
    require_supplier_admin(by, application.supplier, "Only an admin of the supplier withdraws")
    # Only while open: once applications close they are being decided, and a refusal here
    # must not tell the supplier its decision before the standstill sends it.
    _require_open(application.framework, "applications may be withdrawn")
    now = clock.now()
    application.transition(ApplicationStatus.WITHDRAWN, now)
    application.save(update_fields=["status", "withdrawn_at"])
    count = withdraw_application_listings(application, now)
    _record(
        application,
        "marketplace.application_withdrawn",
        by=by,
        summary="Application withdrawn",
        listings_withdrawn=count,
    )
    return application


def _decide(application: Application, target: str, *, by, reason: str = "") -> Application:
    require_platform_admin(by, "Only the platform admin decides applications")
    application = _locked(application)
    framework = application.framework
    if framework.status != FrameworkStatus.PENDING:
        raise InvalidTransition(
            f"The framework {framework.reference} is {framework.get_status_display().lower()}: "
            "applications are decided while it is pending (after applications close, before "
            "the standstill)",
            code="framework_not_pending",
        )
    application.transition(target, clock.now())
    application.decided_by = by
    application.decision_reason = reason
    application.save()
    return application


@transaction.atomic
def admit_application(*, application: Application, by, reason: str = "") -> Application:
    """The platform admin admits a submitted application (sent at the standstill)."""
    application = _decide(application, ApplicationStatus.ADMITTED, by=by, reason=reason.strip())
    _record(application, "marketplace.application_admitted", by=by, summary="Admitted")
    return application


@transaction.atomic
def refuse_application(*, application: Application, by, reason: str) -> Application:
    """The platform admin refuses a submitted application, saying why (sent at the
    standstill, when its listings not yet live are withdrawn)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the application is refused", code="reason_required")
    if len(reason) > 5000:
        raise DomainError("The reason must be 5,000 characters or fewer", code="reason_too_long")
    application = _decide(application, ApplicationStatus.REFUSED, by=by, reason=reason)
    _record(application, "marketplace.application_refused", by=by, summary="Refused", reason=reason)
    return application
