"""Stage checklists: a contract's items made from its buyer's template at signature; owners,
due dates, done and reopened; overdue reminders."""

from datetime import date, timedelta

from django.db import transaction

from levelfield.core import audit, clock

from ..checklist_defaults import default_for
from ..models import Anchor, ChecklistItem, ChecklistTemplateItem, Contract


def template_rows(buyer, on: date) -> list[dict]:
    """The buyer's template as plain rows: its own items once it has edited one, else the
    platform's default (positions counted per stage)."""
    own = list(
        ChecklistTemplateItem.objects.filter(buyer=buyer).values(
            "stage", "position", "text", "anchor", "offset_days"
        )
    )
    if own:
        return own
    rows, positions = [], {}
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
    if ChecklistItem.objects.filter(contract=contract).exists():
        return list(ChecklistItem.objects.filter(contract=contract))
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
