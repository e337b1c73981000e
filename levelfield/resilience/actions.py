"""Every change to living wills, the strategic supplier mark and the resilience team role.

Each action checks permission and state and writes in one transaction with its audit event;
emails go with `core.notify` after the commit.
"""

from datetime import date, datetime

from django.db import transaction

from levelfield.accounts.models import Membership, Organisation, Role
from levelfield.accounts.rules import has_role
from levelfield.core import audit, clock
from levelfield.core.display import uk_date
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.notify import email_once
from levelfield.core.permissions import require

from . import content as will_content
from .models import LivingWill, LivingWillVersion, PlatformRole, PlatformRoleKind, StrategicMark

# --- The resilience team (a platform role) -----------------------------------------------------


@transaction.atomic
def grant_platform_role(*, user, by, role: str = PlatformRoleKind.RESILIENCE_TEAM) -> PlatformRole:
    require(by, "resilience.manage_platform_roles")
    if PlatformRole.objects.active().filter(user=user, role=role).exists():
        raise InvalidTransition(f"{user} already has the role {PlatformRoleKind(role).label}")
    grant = PlatformRole.objects.create(user=user, role=role, granted_by=by, granted_at=clock.now())
    audit.record(
        action="resilience.role_granted",
        obj=grant,
        actor=by,
        summary=f"{PlatformRoleKind(role).label} role given to {user}",
        role=role,
        user_id=user.pk,
    )
    return grant


@transaction.atomic
def revoke_platform_role(*, grant: PlatformRole, by) -> PlatformRole:
    require(by, "resilience.manage_platform_roles")
    grant = PlatformRole.objects.select_for_update().get(pk=grant.pk)
    if grant.ended_at is not None:
        raise InvalidTransition("That role has already ended")
    grant.ended_at = clock.now()
    grant.ended_by = by
    grant.save(update_fields=["ended_at", "ended_by"])
    audit.record(
        action="resilience.role_revoked",
        obj=grant,
        actor=by,
        summary=f"{grant.get_role_display()} role taken from {grant.user}",
        role=grant.role,
        user_id=grant.user_id,
    )
    return grant


# --- Strategic suppliers ------------------------------------------------------------------------


@transaction.atomic
def mark_strategic(*, organisation: Organisation, reason: str, by) -> StrategicMark:
    require(by, "resilience.mark_strategic")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why the supplier is strategic", code="reason_required")
    if organisation.kind != Organisation.Kind.SUPPLIER:
        raise DomainError("Only a supplier can be marked strategic", code="not_a_supplier")
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    if StrategicMark.objects.active().filter(organisation=organisation).exists():
        raise InvalidTransition(f"{organisation} is already marked strategic")
    mark = StrategicMark.objects.create(
        organisation=organisation, reason=reason, marked_by=by, marked_at=clock.now()
    )
    audit.record(
        action="resilience.strategic_marked",
        obj=mark,
        actor=by,
        organisation=organisation,
        summary=f"{organisation} marked a strategic supplier: {reason}",
        reason=reason,
    )
    return mark


@transaction.atomic
def unmark_strategic(*, organisation: Organisation, reason: str, by) -> StrategicMark:
    require(by, "resilience.mark_strategic")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why the supplier is no longer strategic", code="reason_required")
    mark = StrategicMark.objects.select_for_update().active().filter(organisation=organisation)
    mark = mark.first()
    if mark is None:
        raise InvalidTransition(f"{organisation} is not marked strategic")
    mark.ended_at = clock.now()
    mark.ended_by = by
    mark.save(update_fields=["ended_at", "ended_by"])
    audit.record(
        action="resilience.strategic_unmarked",
        obj=mark,
        actor=by,
        organisation=organisation,
        summary=f"{organisation} no longer marked a strategic supplier: {reason}",
        reason=reason,
    )
    return mark


# --- Living wills -------------------------------------------------------------------------------


@transaction.atomic
def start_living_will(*, supplier: Organisation, by) -> LivingWill:
    """The supplier's living will, begun empty with `by` (a supplier admin) as its owner."""
    if supplier.kind != Organisation.Kind.SUPPLIER or not has_role(
        by, supplier, Role.SUPPLIER_ADMIN
    ):
        raise PermissionDenied("Only the supplier's admins can start its living will")
    Organisation.objects.select_for_update().get(pk=supplier.pk)
    if LivingWill.objects.filter(supplier=supplier).exists():
        raise InvalidTransition(f"{supplier} already has a living will")
    now = clock.now()
    will = LivingWill.objects.create(
        supplier=supplier, owner=by, draft=will_content.empty(), created_at=now, updated_at=now
    )
    audit.record(
        action="resilience.will_started",
        obj=will,
        actor=by,
        organisation=supplier,
        summary="Living will started",
    )
    return will


def _check_owner(will: LivingWill, owner) -> None:
    if (
        owner is not None
        and not Membership.objects.filter(user=owner, organisation=will.supplier_id).exists()
    ):
        raise DomainError(
            "The owner must be one of the supplier's people", code="owner_not_a_member"
        )


def _check_linked_contracts(will: LivingWill, ids: list[int]) -> None:
    """Linked platform contracts must be the supplier's own, and entered into (not a record
    still awaiting signature)."""
    from levelfield.contracts.models import Contract

    own = set(
        Contract.objects.for_supplier(will.supplier).filter(pk__in=ids).values_list("pk", flat=True)
    )
    strangers = [i for i in ids if i not in own]
    if strangers:
        raise will_content.InvalidContent(
            "Link only the supplier's own contracts",
            details=[f"Contract {i} is not a contract of {will.supplier}" for i in strangers],
        )


class ChangedSince(InvalidTransition):
    """The draft was saved by someone else after the editor read it: nothing is saved."""

    code = "changed_since"


@transaction.atomic
def edit_living_will(
    *,
    will: LivingWill,
    by,
    content: dict,
    owner,
    review_date: date | None,
    seen: datetime | None = None,
) -> LivingWill:
    """Replace the draft's content, owner and review date (the content validated by
    `content.validate`; the owner one of the supplier's people). `seen`: the draft's
    `updated_at` when the editor read it; if the draft has been saved since, nothing is saved
    (`ChangedSince`), so two people saving at once never silently overwrite each other."""
    will = LivingWill.objects.select_for_update().get(pk=will.pk)
    require(by, "resilience.edit_will", will)
    if seen is not None and will.updated_at != seen:
        raise ChangedSince(
            "Someone else saved the living will after you opened this page, so your change "
            "was not saved. Check what they saved, then make your change again"
        )
    cleaned = will_content.validate(content)
    _check_owner(will, owner)
    _check_linked_contracts(will, cleaned["contracts"])
    will.draft = cleaned
    will.owner = owner
    will.review_date = review_date
    will.updated_at = clock.now()
    will.save(update_fields=["draft", "owner", "review_date", "updated_at"])
    score, _missing = will_content.completeness(cleaned, owner=owner, review_date=review_date)
    audit.record(
        action="resilience.will_edited",
        obj=will,
        actor=by,
        organisation=will.supplier,
        summary=f"Living will draft changed ({score}% complete)",
        score=score,
    )
    return will


@transaction.atomic
def submit_living_will(*, will: LivingWill, by) -> LivingWillVersion:
    """Keep the draft as a new submitted version (never changed after). Needs an owner and a
    review date not yet passed; an incomplete will can be submitted, its score shows."""
    will = LivingWill.objects.select_for_update().get(pk=will.pk)
    require(by, "resilience.edit_will", will)
    if will.owner_id is None:
        raise DomainError("Choose an owner before submitting", code="owner_required")
    if will.review_date is None or will.review_date < clock.today_uk():
        raise DomainError("Enter a review date from today on", code="review_date_required")
    cleaned = will_content.validate(will.draft)
    score, missing = will_content.completeness(
        cleaned, owner=will.owner, review_date=will.review_date
    )
    latest = will.latest_version()
    version = LivingWillVersion.objects.create(
        will=will,
        number=(latest.number + 1) if latest else 1,
        content=cleaned,
        owner=will.owner,
        review_date=will.review_date,
        score=score,
        submitted_by=by,
        submitted_at=clock.now(),
    )
    audit.record(
        action="resilience.will_submitted",
        obj=will,
        actor=by,
        organisation=will.supplier,
        summary=f"Living will version {version.number} submitted ({score}% complete)",
        version=version.number,
        score=score,
        missing=len(missing),
    )
    return version


def send_stale_reminders(*, today: date | None = None) -> dict:
    """Email each living will's owner once when its latest submitted version's review date has
    passed (once per version and review date). Run daily (see tasks.py)."""
    today = today or clock.today_uk()
    sent = 0
    wills = (
        LivingWill.objects.filter(versions__isnull=False)
        .distinct()
        .select_related("supplier", "owner")
    )
    for will in wills.order_by("pk"):
        version = will.latest_version()
        if version.review_date >= today:
            continue
        owner = will.owner or version.owner
        if owner is None:
            continue
        with transaction.atomic():
            went = email_once(
                kind="resilience.will_stale",
                key=f"{version.pk}:{version.review_date.isoformat()}",
                to=[owner.email],
                subject=f"Your living will is due for review: {will.supplier}",
                body=(
                    f"The living will of {will.supplier} (version {version.number}) was due "
                    f"for review on {uk_date(version.review_date)}.\n\n"
                    "Review it, set the next review date and submit it again, so the buyers "
                    "of your critical contracts see a current plan."
                ),
            )
            if went:
                sent += 1
                audit.record(
                    action="resilience.will_stale_reminded",
                    obj=will,
                    organisation=will.supplier,
                    summary=f"Owner reminded that version {version.number} is due for review",
                    version=version.number,
                )
    return {"stale_reminders": sent}
