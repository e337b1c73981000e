"""Stage checklists: a contract's items made from its buyer's template at signature; the
buyer's template edited (its first edit copies the platform's default); owners, due dates, done
and reopened; overdue reminders."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max

from levelfield.accounts.models import Membership
from levelfield.core import audit, clock
from levelfield.core.display import uk_date
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.core.permissions import require

from .. import reminders
from ..checklist_defaults import default_for
from ..lifecycle import IN_FORCE, ContractStatus
from ..models import Anchor, ChecklistItem, ChecklistTemplateItem, Contract, Stage
from ..recipients import buyer_admin_emails, manager_emails

# Far enough for any contract's term; a typo of a year (3650 for 365) is refused.
MOST_OFFSET_DAYS = 3650
OVERDUE_REMINDER = "checklist_overdue"
# Overdue items are chased while the contract runs and after it expires (exit items fall due at
# its end); not once it is terminated or completed.
CHASED = IN_FORCE | {ContractStatus.EXPIRED}

TEMPLATE_FIELDS = ("stage", "position", "text", "anchor", "offset_days")


def template_rows(buyer, on: date) -> list[dict]:
    """The buyer's template as plain rows: its own items once it has edited one, else the
    platform's default (positions counted from 1 in each stage)."""
    own = list(
        ChecklistTemplateItem.objects.filter(buyer=buyer)
        .order_by("stage", "position", "id")
        .values(*TEMPLATE_FIELDS)
    )
    if own:
        return own
    rows: list[dict] = []
    positions: dict[str, int] = {}
    for item in default_for(on).items:
        positions[item.stage] = positions.get(item.stage, 0) + 1
        rows.append(
            {
                "stage": item.stage,
                "position": positions[item.stage],
                "text": item.text,
                "anchor": item.anchor,
                "offset_days": item.offset_days,
            }
        )
    return rows


def due_date(contract, anchor: str, offset_days: int) -> date:
    base = contract.end_date if anchor == Anchor.END else contract.start_date
    return base + timedelta(days=offset_days)


@transaction.atomic
def start_checklist(*, contract: Contract, by) -> list[ChecklistItem]:
    """Make the contract's checklist from its buyer's template, due dates counted from its
    start or end date, each owned by the contract manager. Called by the signing actions, which
    check who may sign; a contract that already has a checklist keeps it."""
    existing = list(ChecklistItem.objects.filter(contract=contract))
    if existing:
        return existing
    rows = template_rows(contract.buyer, clock.today_uk())
    items = ChecklistItem.objects.bulk_create(
        ChecklistItem(
            contract=contract,
            stage=row["stage"],
            position=row["position"],
            text=row["text"],
            owner_id=contract.contract_manager_id,
            due_on=due_date(contract, row["anchor"], row["offset_days"]),
        )
        for row in rows
    )
    audit.record(
        action="contract.checklist_started",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary=f"{len(items)} checklist items",
        items=len(items),
    )
    return items


# -- the buyer's template ----------------------------------------------------------------------


def _check_item(*, stage: str, text: str, anchor: str, offset_days: int) -> str:
    text = (text or "").strip()
    problems = []
    if stage not in Stage.values:
        problems.append("Choose the stage")
    if not text:
        problems.append("Enter what has to be done")
    elif len(text) > 300:
        problems.append("What has to be done must be 300 characters or fewer")
    if anchor not in Anchor.values:
        problems.append("Choose whether the item counts from the start or the end date")
    if not isinstance(offset_days, int) or abs(offset_days) > MOST_OFFSET_DAYS:
        problems.append(
            f"Days must be a whole number between -{MOST_OFFSET_DAYS} and {MOST_OFFSET_DAYS}"
        )
    if problems:
        raise DomainError(problems[0], code="validation_error", details=problems)
    return text


def _own_template(buyer, by) -> None:
    """The buyer's first edit copies the platform's default into its own rows (locked, so two
    first edits at once copy it once)."""
    type(buyer).objects.select_for_update().filter(pk=buyer.pk).first()
    if ChecklistTemplateItem.objects.filter(buyer=buyer).exists():
        return
    default = default_for(clock.today_uk())
    ChecklistTemplateItem.objects.bulk_create(
        ChecklistTemplateItem(buyer=buyer, **row) for row in template_rows(buyer, clock.today_uk())
    )
    audit.record(
        action="contracts.checklist_template_copied",
        obj=buyer,
        actor=by,
        organisation=buyer,
        summary=f"Default checklist {default.code} copied",
        default=default.code,
    )


def _template_item(buyer, stage: str, position: int) -> ChecklistTemplateItem:
    item = ChecklistTemplateItem.objects.filter(buyer=buyer, stage=stage, position=position).first()
    if item is None:
        raise DomainError("That checklist item is not in the template", code="not_found")
    return item


def _renumber(buyer, stage: str) -> None:
    items = list(
        ChecklistTemplateItem.objects.filter(buyer=buyer, stage=stage).order_by("position", "id")
    )
    for number, item in enumerate(items, start=1):
        if item.position != number:
            item.position = number
            item.save(update_fields=["position"])


def _require_template(by, buyer) -> None:
    require(
        by,
        "contracts.edit_checklist_template",
        buyer,
        "Only the buyer's admins and officers can edit its checklist template",
    )


@transaction.atomic
def add_template_item(*, buyer, by, stage: str, text: str, anchor: str, offset_days: int):
    """Add an item at the end of its stage; later contracts get it."""
    _require_template(by, buyer)
    text = _check_item(stage=stage, text=text, anchor=anchor, offset_days=offset_days)
    _own_template(buyer, by)
    last = (
        ChecklistTemplateItem.objects.filter(buyer=buyer, stage=stage).aggregate(m=Max("position"))[
            "m"
        ]
        or 0
    )
    item = ChecklistTemplateItem.objects.create(
        buyer=buyer,
        stage=stage,
        position=last + 1,
        text=text,
        anchor=anchor,
        offset_days=offset_days,
    )
    audit.record(
        action="contracts.checklist_template_item_added",
        obj=buyer,
        actor=by,
        organisation=buyer,
        summary=text,
        stage=stage,
        position=item.position,
    )
    return item


@transaction.atomic
def edit_template_item(
    *,
    buyer,
    by,
    stage: str,
    position: int,
    text: str,
    anchor: str,
    offset_days: int,
    new_stage: str | None = None,
):
    """Change an item's text, anchor and days (and its stage: it goes last in the new one)."""
    _require_template(by, buyer)
    new_stage = new_stage or stage
    text = _check_item(stage=new_stage, text=text, anchor=anchor, offset_days=offset_days)
    _own_template(buyer, by)
    item = _template_item(buyer, stage, position)
    before = {
        "stage": item.stage,
        "text": item.text,
        "anchor": item.anchor,
        "offset_days": item.offset_days,
    }
    item.text, item.anchor, item.offset_days = text, anchor, offset_days
    if new_stage != item.stage:
        last = (
            ChecklistTemplateItem.objects.filter(buyer=buyer, stage=new_stage).aggregate(
                m=Max("position")
            )["m"]
            or 0
        )
        item.stage, item.position = new_stage, last + 1
    item.save()
    _renumber(buyer, stage)
    audit.record(
        action="contracts.checklist_template_item_edited",
        obj=buyer,
        actor=by,
        organisation=buyer,
        summary=text,
        before=before,
        stage=item.stage,
    )
    return item


@transaction.atomic
def remove_template_item(*, buyer, by, stage: str, position: int) -> None:
    """Remove an item; contracts already signed keep theirs. The template keeps at least one
    item: a buyer with none would be given the default again."""
    _require_template(by, buyer)
    _own_template(buyer, by)
    item = _template_item(buyer, stage, position)
    if ChecklistTemplateItem.objects.filter(buyer=buyer).count() == 1:
        raise DomainError("The template must keep at least one item", code="invalid_state")
    item.delete()
    _renumber(buyer, stage)
    audit.record(
        action="contracts.checklist_template_item_removed",
        obj=buyer,
        actor=by,
        organisation=buyer,
        summary=item.text,
        stage=stage,
        position=position,
    )


@transaction.atomic
def move_template_item(*, buyer, by, stage: str, position: int, up: bool) -> None:
    """Swap an item with the one above (or below) it in its stage."""
    _require_template(by, buyer)
    _own_template(buyer, by)
    item = _template_item(buyer, stage, position)
    other_position = position - 1 if up else position + 1
    other = ChecklistTemplateItem.objects.filter(
        buyer=buyer, stage=stage, position=other_position
    ).first()
    if other is None:
        raise DomainError(
            "That item is already " + ("first" if up else "last") + " in its stage",
            code="invalid_state",
        )
    item.position, other.position = other.position, item.position
    item.save(update_fields=["position"])
    other.save(update_fields=["position"])
    audit.record(
        action="contracts.checklist_template_item_moved",
        obj=buyer,
        actor=by,
        organisation=buyer,
        summary=item.text,
        stage=stage,
        position=item.position,
    )


# -- a contract's items ------------------------------------------------------------------------


def _locked_item(item: ChecklistItem, by) -> ChecklistItem:
    item = (
        ChecklistItem.objects.select_for_update().select_related("contract__buyer").get(pk=item.pk)
    )
    require(
        by,
        "contracts.manage_contract",
        item.contract,
        "Only the buyer's admins and officers or the contract manager can change its checklist",
    )
    return item


def _record(item: ChecklistItem, action: str, by, **data) -> None:
    audit.record(
        action=f"contract.checklist_{action}",
        obj=item.contract,
        actor=by,
        organisation=item.contract.buyer,
        summary=item.text,
        item=item.pk,
        **data,
    )


@transaction.atomic
def assign_owner(*, item: ChecklistItem, by, owner) -> ChecklistItem:
    item = _locked_item(item, by)
    if (
        owner is not None
        and not Membership.objects.filter(user=owner, organisation=item.contract.buyer).exists()
    ):
        raise DomainError(
            f"The owner must be one of {item.contract.buyer}'s people", code="validation_error"
        )
    item.owner = owner
    item.save(update_fields=["owner"])
    _record(item, "owner_assigned", by, owner=getattr(owner, "pk", None))
    return item


@transaction.atomic
def change_due_date(*, item: ChecklistItem, by, due_on: date) -> ChecklistItem:
    item = _locked_item(item, by)
    before = item.due_on
    item.due_on = due_on
    item.save(update_fields=["due_on"])
    _record(item, "due_date_changed", by, before=before.isoformat(), after=due_on.isoformat())
    return item


@transaction.atomic
def mark_done(*, item: ChecklistItem, by, note: str = "") -> ChecklistItem:
    item = _locked_item(item, by)
    if item.done_at is not None:
        raise InvalidTransition(f"This item was already done on {uk_date(item.done_at)}")
    item.done_at, item.done_by, item.note = clock.now(), by, (note or "").strip()
    item.save(update_fields=["done_at", "done_by", "note"])
    _record(item, "item_done", by, note=item.note)
    return item


@transaction.atomic
def reopen(*, item: ChecklistItem, by) -> ChecklistItem:
    item = _locked_item(item, by)
    if item.done_at is None:
        raise InvalidTransition("This item is not done")
    item.done_at = item.done_by = None
    item.save(update_fields=["done_at", "done_by"])
    _record(item, "item_reopened", by)
    return item


# -- reminders ---------------------------------------------------------------------------------


def remind_overdue(*, today: date) -> int:
    """Email each overdue item's owner once (else recipients.manager_emails: the contract manager,
    else the buyer's admins).
    A done item is never chased; a reminder already sent is not sent again. Returns how many
    went now."""
    items = list(
        ChecklistItem.objects.filter(
            done_at__isnull=True, due_on__lt=today, contract__status__in=CHASED
        ).select_related("owner", "contract__contract_manager", "contract__buyer")
    )
    admins = buyer_admin_emails(item.contract.buyer_id for item in items)
    sent = 0
    for item in items:
        contract = item.contract
        to = [item.owner.email] if item.owner else manager_emails(contract, admins=admins)
        sent += reminders.send_once(
            kind=OVERDUE_REMINDER,
            key=f"item:{item.pk}",
            contract=contract,
            to=to,
            subject=f"Overdue: {item.text} ({contract.reference})",
            body=(
                f'The {item.get_stage_display().lower()} checklist item "{item.text}" for '
                f"contract {contract.reference} ({contract.title}) was due on "
                f"{uk_date(item.due_on)} and is not marked done.\n\nMark it done or change its "
                "due date on the contract's checklist page."
            ),
        )
    return sent
