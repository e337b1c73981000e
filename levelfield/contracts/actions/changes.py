"""Contract changes (Procurement Act 2023 s.74-s.76): a modification, or the use of an option
to extend written into the contract, tested against s.75 when recorded.

A change that needs no notice is made at once. One that needs a contract change notice (UK10)
has the notice published first (s.75(1): before modifying), then is made at once, or, with the
voluntary standstill (s.76), waits eight working days: the daily job makes it once the
standstill has ended, or the buyer does from the changes page. While a change waits, no other
change is recorded: each change's "before" is the contract as the previous one left it.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Max

from levelfield.core import audit, clock, workingdays
from levelfield.core.display import uk_date, uk_time
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.core.money import money_problem, parse_money
from levelfield.core.permissions import require

from .. import change_rules, ocds_changes, tiering
from ..lifecycle import IN_FORCE
from ..models import Contract, ContractChange, ExtensionOption
from ..models.changes import ChangeKind, ChangeStatus

MANAGE = "contracts.manage_contract"
DENIED = "Only the buyer's staff running this contract can record its changes"
VALUE_AFTER_REQUIRED = "Enter the contract's value after the change"
END_DATE_AFTER_REQUIRED = "Enter the contract's end date after the change"
DESCRIPTION_REQUIRED = "Describe the change and why it is needed"


# --- The rules, once (forms and the API reuse these messages) ----------------------------------


def contract_problem(contract) -> str | None:
    if contract.status not in IN_FORCE:
        return "Changes can be recorded only while the contract is in force (signed and not ended)"
    waiting = contract.changes.filter(status=ChangeStatus.IN_STANDSTILL).first()
    if waiting is not None:
        return (
            f"Change {waiting.number} is in its voluntary standstill until "
            f"{uk_time(waiting.standstill_ends_at)}; record another change once it is made"
        )
    return None


def value_problem(value) -> str | None:
    """The contract's value after a change: the app's one rule for an amount of money
    (`core.money`), more than £0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return VALUE_AFTER_REQUIRED
    return money_problem(value, "value")


def end_date_problem(contract, end_date) -> str | None:
    if end_date is None:
        return END_DATE_AFTER_REQUIRED
    if end_date < contract.start_date:
        return f"The end date cannot be before the contract's start, {uk_date(contract.start_date)}"
    if end_date.year > 2099:
        return "The end date must be in 2099 or before"
    return None


def option_problem(contract, option) -> str | None:
    if option is None:
        return "Choose the option to extend that is being used"
    if option.contract_id != contract.pk:
        return "That option is not one of this contract's"
    if ContractChange.objects.filter(option=option).exists():
        return "That option has already been used: an option can be used once only"
    return None


def description_problem(description) -> str | None:
    if not (description or "").strip():
        return DESCRIPTION_REQUIRED
    if len(description) > 5000:
        return "The description must be 5,000 characters or fewer"
    return None


# --- The s.75 answer for a proposed change (pages preview it, the API's check returns it) ------


@dataclass(frozen=True)
class Proposal:
    value_after: Decimal
    end_date_after: date
    answer: change_rules.S75Answer


def extension_after(contract, option: ExtensionOption) -> tuple[Decimal, date]:
    """The contract's value and end date once the option is used: its months and value added."""
    return contract.value + option.value, contract.end_date + relativedelta(months=option.months)


def s75_answer(contract, *, value_after: Decimal, end_date_after: date) -> change_rules.S75Answer:
    """The s.75 test for a change from the contract as it stands, with every change made since
    it was entered into."""
    previous = [
        change_rules.Movement(c.value_before, c.value_after, c.end_date_before, c.end_date_after)
        for c in contract.changes.all()
    ]
    return change_rules.s75_test(
        original_value=contract.original_value,
        start_date=contract.start_date,
        original_end_date=contract.original_end_date,
        category=contract.category,
        previous=previous,
        proposed=change_rules.Movement(
            contract.value, value_after, contract.end_date, end_date_after
        ),
        rules=change_rules.rules_for_contract(contract),
    )


def propose(*, contract, kind: str, value_after=None, end_date_after=None, option=None) -> Proposal:
    """Check a proposed change and give its s.75 answer without recording anything. Raises
    DomainError with the first problem (the same messages as `record_change`)."""
    problem = contract_problem(contract)
    if kind == ChangeKind.EXTENSION:
        problem = problem or option_problem(contract, option)
        if problem is None:
            computed = extension_after(contract, option)
            given = (value_after, end_date_after)
            if given != (None, None) and (
                value_problem(value_after) is not None
                or (parse_money(value_after, "value"), end_date_after) != computed
            ):
                problem = (
                    "Using an option adds its months and value: the contract would be worth "
                    f"£{computed[0]:,.2f} and end on {uk_date(computed[1])}"
                )
            value_after, end_date_after = computed
    elif kind == ChangeKind.MODIFICATION:
        if option is not None:
            problem = problem or "A modification does not use an option; record an extension"
        problem = (
            problem or value_problem(value_after) or end_date_problem(contract, end_date_after)
        )
    else:
        problem = problem or "Choose whether this is a modification or an option used"
    if problem:
        raise DomainError(problem, code="invalid_change")
    value_after = parse_money(value_after, "value", code="invalid_change")
    if end_problem := end_date_problem(contract, end_date_after):
        raise DomainError(end_problem, code="invalid_change")
    return Proposal(
        value_after=value_after,
        end_date_after=end_date_after,
        answer=s75_answer(contract, value_after=value_after, end_date_after=end_date_after),
    )


def check_change(*, contract, by, kind, value_after=None, end_date_after=None, option=None):
    """The s.75 answer for a proposed change, for someone who may record it."""
    require(by, MANAGE, contract, DENIED)
    return propose(
        contract=contract,
        kind=kind,
        value_after=value_after,
        end_date_after=end_date_after,
        option=option,
    )


# --- Record, and make ---------------------------------------------------------------------------


@transaction.atomic
def record_change(
    *,
    contract,
    by,
    kind: str,
    description: str,
    value_after=None,
    end_date_after=None,
    option=None,
    voluntary_standstill: bool = False,
) -> ContractChange:
    """Record a modification or the use of an extension option, with the s.75 answer as given;
    publish the UK10 contract change notice when it is required; make the change at once, or
    after the voluntary standstill when one is chosen (only where a notice is required)."""
    require(by, MANAGE, contract, DENIED)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    problem = description_problem(description)
    if problem:
        raise DomainError(problem, code="invalid_change")
    if option is not None:
        option = ExtensionOption.objects.select_for_update().get(pk=option.pk)
    proposal = propose(
        contract=contract,
        kind=kind,
        value_after=value_after,
        end_date_after=end_date_after,
        option=option,
    )
    answer = proposal.answer
    if voluntary_standstill and not answer.notice_required:
        raise DomainError(
            "A voluntary standstill follows a contract change notice; this change needs none",
            code="invalid_change",
        )
    now = clock.now()
    number = (contract.changes.aggregate(n=Max("number"))["n"] or 0) + 1
    change = ContractChange.objects.create(
        contract=contract,
        number=number,
        kind=kind,
        option=option if kind == ChangeKind.EXTENSION else None,
        description=description.strip(),
        value_before=contract.value,
        value_after=proposal.value_after,
        end_date_before=contract.end_date,
        end_date_after=proposal.end_date_after,
        value_change_percent=answer.value_change_percent,
        term_change_percent=answer.term_change_percent,
        value_limit_percent=answer.value_limit_percent,
        notice_required=answer.notice_required,
        assessment=answer.explanation,
        standstill_ends_at=(
            workingdays.standstill_end(now, answer.standstill_working_days)
            if voluntary_standstill
            else None
        ),
        status=ChangeStatus.IN_STANDSTILL if voluntary_standstill else ChangeStatus.MADE,
        made_at=None if voluntary_standstill else now,
        recorded_by=by,
        recorded_at=now,
    )
    audit.record(
        action="contract.change_recorded",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary=f"Change {number} recorded",
        change=number,
        kind=kind,
        value_before=str(change.value_before),
        value_after=str(change.value_after),
        end_date_before=change.end_date_before.isoformat(),
        end_date_after=change.end_date_after.isoformat(),
        notice_required=answer.notice_required,
        value_change_percent=str(answer.value_change_percent),
        term_change_percent=str(answer.term_change_percent),
        rules=answer.rules,
    )
    if answer.notice_required:
        # s.75(1): the notice comes before the modification.
        ocds_changes.publish_change_notice(change, standstill=voluntary_standstill)
    if not voluntary_standstill:
        _make(change, contract, actor=by, at=now)
    return change


def _make(change: ContractChange, contract: Contract, *, actor, at) -> None:
    contract.value = change.value_after
    contract.end_date = change.end_date_after
    tiering.apply(contract, clock.today_uk())
    contract.save(update_fields=["value", "end_date", "tier", "tier_rules"])
    if change.status != ChangeStatus.MADE:
        change.transition(ChangeStatus.MADE, at)
        change.save(update_fields=["status", "made_at"])
    audit.record(
        action="contract.change_made",
        obj=contract,
        actor=actor,
        organisation=contract.buyer,
        summary=f"Change {change.number} made",
        change=change.number,
        value=str(contract.value),
        end_date=contract.end_date.isoformat(),
        tier=contract.tier,
    )


@transaction.atomic
def make_change(*, change: ContractChange, by) -> ContractChange:
    """The buyer makes a change whose voluntary standstill has ended."""
    require(by, MANAGE, change.contract, DENIED)
    contract = Contract.objects.select_for_update().get(pk=change.contract_id)
    change = ContractChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ChangeStatus.IN_STANDSTILL:
        raise InvalidTransition("This change has already been made")
    now = clock.now()
    assert change.standstill_ends_at is not None, "a change in standstill has its end"
    if now < change.standstill_ends_at:
        raise InvalidTransition(
            f"The voluntary standstill ends {uk_time(change.standstill_ends_at)}; the change "
            "can be made after that"
        )
    if contract.status not in IN_FORCE:
        raise InvalidTransition("The contract has ended: the change can no longer be made")
    _make(change, contract, actor=by, at=now)
    return change


def make_changes_after_standstill(*, now) -> int:
    """The daily job: make every change whose voluntary standstill has ended, on a contract
    still in force (one that has ended keeps its change waiting, shown on its page). Returns
    how many were made."""
    made = 0
    due = ContractChange.objects.filter(
        status=ChangeStatus.IN_STANDSTILL,
        standstill_ends_at__lte=now,
        contract__status__in=IN_FORCE,
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            # The contract first, then the change: the order record_change and make_change use.
            contract_id = ContractChange.objects.values_list("contract_id", flat=True).get(pk=pk)
            contract = Contract.objects.select_for_update().get(pk=contract_id)
            change = ContractChange.objects.select_for_update().get(pk=pk)
            if change.status != ChangeStatus.IN_STANDSTILL or contract.status not in IN_FORCE:
                continue
            _make(change, contract, actor=None, at=now)
            made += 1
    return made
