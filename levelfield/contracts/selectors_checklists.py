"""Reads for stage checklists and the buyer's people: a contract's checklist by stage, what is
overdue for a buyer, the hub's counts, the template as shown, and who manages what."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q

from levelfield.accounts.models import BUYER_ROLES, Membership

from . import tiering
from .actions.checklists import CHASED, template_rows
from .lifecycle import IN_FORCE
from .models import Accreditation, ChecklistItem, Contract, Stage


@dataclass(frozen=True)
class StageRow:
    item: ChecklistItem
    overdue: bool  # past due and not done


@dataclass
class StageItems:
    stage: str
    label: str
    rows: list[StageRow] = field(default_factory=list)
    done: int = 0
    overdue: int = 0


def checklist_by_stage(contract, today: date) -> list[StageItems]:
    """The contract's items in stage order, each marked `overdue` when past due and not done."""
    stages = {value: StageItems(value, label) for value, label in Stage.choices}
    items = ChecklistItem.objects.filter(contract=contract).select_related("owner", "done_by")
    for item in items.order_by("due_on", "position", "id"):
        row = StageRow(item, overdue=item.is_overdue(today))
        group = stages[item.stage]
        group.rows.append(row)
        group.done += item.done_at is not None
        group.overdue += row.overdue
    return list(stages.values())


def hub_summary(contract, today: date) -> dict:
    """Counts per stage and overdue, in one query, for the contract's page."""
    rows = (
        ChecklistItem.objects.filter(contract=contract)
        .values("stage")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(done_at__isnull=False)),
            overdue=Count("pk", filter=Q(done_at__isnull=True, due_on__lt=today)),
        )
    )
    by_stage = {row["stage"]: row for row in rows}
    stages = [
        {
            "label": label,
            "total": by_stage.get(value, {}).get("total", 0),
            "done": by_stage.get(value, {}).get("done", 0),
        }
        for value, label in Stage.choices
    ]
    return {
        "stages": stages,
        "total": sum(s["total"] for s in stages),
        "overdue": sum(row["overdue"] for row in by_stage.values()),
    }


def overdue_items(buyer, today: date):
    """The buyer's overdue items on contracts still being chased, oldest first."""
    return (
        ChecklistItem.objects.filter(
            contract__buyer=buyer,
            contract__status__in=CHASED,
            done_at__isnull=True,
            due_on__lt=today,
        )
        .select_related("contract", "owner")
        .order_by("due_on", "contract_id", "position", "id")
    )


def template_by_stage(buyer, on: date) -> list[dict]:
    """The buyer's template as it stands (the default until its first edit), by stage."""
    rows = template_rows(buyer, on)
    stages = []
    for value, label in Stage.choices:
        items = sorted((r for r in rows if r["stage"] == value), key=lambda r: r["position"])
        for r in items:
            r["last"] = r["position"] == len(items)
        stages.append({"stage": value, "label": label, "items": items})
    return stages


def buyer_people(buyer):
    """The buyer's people (admins, officers, evaluators): each one's accreditation."""
    return (
        Membership.objects.filter(organisation=buyer, role__in=BUYER_ROLES)
        .select_related("user", "user__accreditation")
        .order_by("user__full_name", "user__email", "id")
    )


@dataclass
class PersonRow:
    membership: Membership
    level: int | None
    manages: int = 0
    problems: list = field(default_factory=list)


@dataclass
class People:
    rows: list
    unmanaged: list
    mismatched: list


def people_and_accreditation(buyer) -> People:
    """Each person with their level and how many contracts in force they manage, flagged when
    one of them needs a higher level; and the contracts with no manager. Two queries."""
    memberships = list(buyer_people(buyer))
    rows = {}
    for m in memberships:
        accreditation = getattr(m.user, "accreditation", None)
        rows[m.user_id] = PersonRow(m, accreditation.level if accreditation else None)
    contracts = list(
        Contract.objects.for_buyer(buyer)
        .filter(status__in=IN_FORCE)
        .select_related("contract_manager")
        .order_by("reference", "id")
    )
    levels = dict(
        Accreditation.objects.filter(
            user_id__in={c.contract_manager_id for c in contracts} - set(rows) - {None}
        ).values_list("user_id", "level")
    )
    levels.update({user_id: row.level for user_id, row in rows.items()})
    unmanaged, mismatched = [], []
    for contract in contracts:
        problem = tiering.manager_problem(contract, levels.get(contract.contract_manager_id))
        contract.problem = problem
        if contract.contract_manager_id is None:
            unmanaged.append(contract)
            continue
        row = rows.get(contract.contract_manager_id)
        if row is not None:
            row.manages += 1
        if problem:
            mismatched.append(contract)
            if row is not None:
                row.problems.append(f"{contract.reference}: {problem}")
    return People(list(rows.values()), unmanaged, mismatched)
