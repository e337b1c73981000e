"""The outcome of an ended project: a call-off awarded to one service of its frozen shortlist
(value, dates, why; what the buyer paid before and to whom, for the saving), or not awarded (why).

An award enters a call-off contract through the contracts' own actions (enter_contract with
origin CALL_OFF, then sign_let_elsewhere), so the contract is managed like any other and is in
the buyer's contract register; Outcome.contract links the two, and the call-off is published in
OCDS with the framework as a related process. One transaction: the outcome, the contract, its
signature and the release are all saved, or none."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef

from levelfield.accounts.models import Membership, Role
from levelfield.accounts.rules import has_role
from levelfield.contracts.actions import records
from levelfield.contracts.models import Category, Origin
from levelfield.core import audit, clock
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.money import money_problem
from levelfield.core.ocds import PLATFORM_SCHEME

from .. import ocds
from ..lifecycle import FrameworkStatus, ListingStatus, ProjectStatus
from ..models import Listing, Outcome, Project, ShortlistEntry
from ..rules import require_buyer_staff
from . import frameworks

REASON_NEEDED = "Say why: the reason is kept with the outcome for audit"
REASON_LIMIT = 5000
NOT_ON_SHORTLIST = "Choose a service on this project's shortlist"
NOT_ENDED = "End the project's search first: the outcome is recorded against its frozen shortlist"
ALREADY = "This project's outcome is already recorded"
ADMIN_SIGNS = "Only a buyer admin can award a call-off: the award signs the contract"
SUPPLIER_LIMIT = 200
LISTING_WITHDRAWN = (
    "{name} has been withdrawn since the shortlist was frozen: it cannot be awarded a "
    "call-off. Choose another service, or record that no call-off was awarded"
)
LISTING_NOT_LIVE = (
    "{name} is no longer live ({status}): it cannot be awarded a call-off. Choose another "
    "service, or record that no call-off was awarded"
)
OWN_SUPPLIER = (
    "You are on the staff of {supplier}, which offers this service: another buyer admin must "
    "award it the call-off"
)
FRAMEWORK_NOT_LIVE = (
    "The framework {framework} is no longer live ({status}): no call-off can be awarded under "
    "it. Record that no call-off was awarded"
)


class OutcomeRefused(DomainError):
    """An outcome refused: `problems` pairs each problem with the outcome's field it is about
    ("entry", "value", "start_date", "end_date", "reason", "previous_cost",
    "previous_supplier"; None for the award as a whole), for a page to show each beside its
    field; `details` lists them for the API."""

    code = "validation_error"

    def __init__(self, problems: list[tuple[str | None, str]]):
        messages = [message for _field, message in problems]
        super().__init__(messages[0], details=messages)
        self.problems = problems


def _refuse(problems: list[tuple[str | None, str]]) -> None:
    if problems:
        raise OutcomeRefused(problems)


def _ended(project: Project) -> Project:
    project = Project.objects.select_for_update().select_related("buyer").get(pk=project.pk)
    if project.status == ProjectStatus.SEARCHING:
        raise InvalidTransition(NOT_ENDED)
    if project.status != ProjectStatus.ENDED:
        raise InvalidTransition(ALREADY)
    return project


def _reason_problems(reason: str) -> list[tuple[str | None, str]]:
    reason = (reason or "").strip()
    if not reason:
        return [("reason", REASON_NEEDED)]
    if len(reason) > REASON_LIMIT:
        return [("reason", f"The reason must be {REASON_LIMIT} characters or fewer")]
    return []


def _framework_not_live(framework) -> str | None:
    """Why no call-off can be awarded under `framework`, if it is no longer live."""
    if framework.status == FrameworkStatus.LIVE:
        return None
    status = FrameworkStatus(framework.status).label.lower()
    return FRAMEWORK_NOT_LIVE.format(framework=framework.reference, status=status)


def _still_offered(entry: ShortlistEntry) -> list[tuple[str | None, str]]:
    """Why the shortlisted service can no longer be called off, if it cannot: its listing
    withdrawn (or expired with its framework) since the shortlist was frozen, or its framework
    no longer live. The frozen shortlist stays as the record; the project may end without a
    call-off. The framework's row, then the listing's, are locked (the order expiring a
    framework takes), so neither changes before the award is saved."""
    framework = frameworks.locked(entry.listing.lot.framework)
    listing = Listing.objects.select_for_update(of=("self",)).get(pk=entry.listing_id)
    problems: list[tuple[str | None, str]] = []
    if problem := _framework_not_live(framework):
        problems.append((None, problem))
    if listing.status == ListingStatus.WITHDRAWN:
        name = entry.snapshot.get("name", listing.name)
        problems.append(("entry", LISTING_WITHDRAWN.format(name=name)))
    elif listing.status != ListingStatus.LIVE and framework.status == FrameworkStatus.LIVE:
        problems.append(
            (
                "entry",
                LISTING_NOT_LIVE.format(
                    name=entry.snapshot.get("name", listing.name),
                    status=ListingStatus(listing.status).label.lower(),
                ),
            )
        )
    return problems


def award_barrier(project: Project, user) -> str | None:
    """Why `user` cannot award this project a call-off to any service, or None when an award
    may be tried: only a buyer admin signs one, and only under a framework still live (the
    project's own, when it searched one; a project across frameworks is checked service by
    service on awarding). Read without locks, for the outcome page to offer "No" alone; `award`
    checks both again."""
    if not has_role(user, project.buyer, Role.BUYER_ADMIN):
        return ADMIN_SIGNS
    if project.framework is not None:
        return _framework_not_live(project.framework)
    return None


def conflicted_entries(user, entries) -> set[int]:
    """Those of the shortlisted `entries` (their ids) that `user` may not award a call-off: the
    services of an organisation they are on the staff of (a supplier's admin also invited onto a
    buyer's staff). One query, for the outcome form's choices as for the award."""
    if not user or not user.is_authenticated:
        return set()
    staff = Membership.objects.filter(user=user, organisation_id=OuterRef("listing__supplier_id"))
    return set(
        ShortlistEntry.objects.filter(pk__in=[entry.pk for entry in entries])
        .filter(Exists(staff))
        .values_list("pk", flat=True)
    )


def shortlist_entry(project: Project, entry_id) -> ShortlistEntry | None:
    """The entry `entry_id` of the project's shortlist, or None (another project's, or none)."""
    try:
        entry_id = int(entry_id)
    except (TypeError, ValueError):
        return None
    return (
        ShortlistEntry.objects.filter(project=project, pk=entry_id)
        .select_related("listing__supplier", "listing__lot__framework")
        .first()
    )


@transaction.atomic
def award(
    *,
    project: Project,
    by,
    entry_id,
    value: Decimal | None,
    start_date: date | None,
    end_date: date | None,
    reason: str,
    previous_cost: Decimal | None = None,
    previous_supplier: str = "",
) -> Outcome:
    """Award a call-off to the shortlisted service `entry_id`: a signed call-off contract with
    its supplier, for `value` from `start_date` to `end_date`, and the reason. A buyer admin
    only, since it signs the contract. Refused, with every problem of the award and of its
    contract at once, for a service whose listing is no longer live or whose framework is not;
    a service, value or date not given (None) is one of those problems."""
    require_buyer_staff(by, project.buyer)
    if not has_role(by, project.buyer, Role.BUYER_ADMIN):
        raise PermissionDenied(ADMIN_SIGNS)
    project = _ended(project)
    entry = shortlist_entry(project, entry_id)
    problems = [("entry", NOT_ON_SHORTLIST)] if entry is None else _still_offered(entry)
    if entry is not None and conflicted_entries(by, [entry]):
        supplier = entry.snapshot.get("supplier")
        problems.append(("entry", OWN_SUPPLIER.format(supplier=supplier)))
    problems += _reason_problems(reason)
    # The contract's own rules (value, dates in order and in range), from the contracts domain,
    # so the buyer hears of every problem at once; enter_contract checks them again.
    problems += records.term_problems_by_field(value, start_date, end_date)
    if previous_cost is not None and (problem := money_problem(previous_cost, "previous cost")):
        problems.append(("previous_cost", problem))
    previous_supplier = (previous_supplier or "").strip()
    if len(previous_supplier) > SUPPLIER_LIMIT:
        message = f"The previous supplier must be {SUPPLIER_LIMIT} characters or fewer"
        problems.append(("previous_supplier", message))
    _refuse(problems)
    # each of these, missing, was a problem above
    assert entry is not None and value is not None and start_date and end_date
    listing = entry.listing
    snapshot = entry.snapshot
    contract = records.enter_contract(
        buyer=project.buyer,
        by=by,
        origin=Origin.CALL_OFF,
        title=f"{snapshot['name']} ({project.reference})"[:200],
        description=(
            f"Call-off under {listing.lot.framework.reference} {listing.lot.framework.name}, "
            f"lot {snapshot['lot']} ({snapshot['lot_title']}), for {project.name}."
        ),
        supplier_identifier=f"{PLATFORM_SCHEME}-{listing.supplier_id}",
        value=value,
        start_date=start_date,
        end_date=end_date,
        category=Category.SERVICES,
    )
    contract = records.sign_let_elsewhere(contract=contract, by=by)
    now = clock.now()
    outcome = Outcome.objects.create(
        project=project,
        awarded=True,
        entry=entry,
        value=value,
        start_date=start_date,
        end_date=end_date,
        reason=reason.strip(),
        contract=contract,
        previous_cost=previous_cost,
        previous_supplier=previous_supplier,
        recorded_by=by,
        recorded_at=now,
    )
    project.transition(ProjectStatus.AWARDED, now)
    project.save()
    ocds.publish_call_off(outcome)
    audit.record(
        action="marketplace.call_off_awarded",
        obj=project,
        actor=by,
        organisation=project.buyer,
        summary=f"{snapshot['name']} from {snapshot['supplier']}: contract {contract.reference}",
        entry=entry.pk,
        listing=listing.pk,
        listing_version=entry.listing_version_id,
        contract=contract.pk,
        value=str(value),
        previous_cost=None if previous_cost is None else str(previous_cost),
    )
    return outcome


@transaction.atomic
def not_awarded(*, project: Project, by, reason: str) -> Outcome:
    """Record that the project ends without a call-off, and why."""
    require_buyer_staff(by, project.buyer)
    project = _ended(project)
    _refuse(_reason_problems(reason))
    now = clock.now()
    outcome = Outcome.objects.create(
        project=project,
        awarded=False,
        reason=reason.strip(),
        recorded_by=by,
        recorded_at=now,
    )
    project.transition(ProjectStatus.NOT_AWARDED, now)
    project.save()
    audit.record(
        action="marketplace.not_awarded",
        obj=project,
        actor=by,
        organisation=project.buyer,
        summary=reason.strip()[:200],
    )
    return outcome
