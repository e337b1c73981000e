"""The contract record: enter a contract let elsewhere by hand, sign it, edit its details,
options to extend, documents and manager. The lifecycle steps after signature (mobilise, go
live, suspend, resume) are in `actions/records_lifecycle.py` and re-exported here.

A contract let elsewhere names a supplier registered on levelfield (by its levelfield
identifier or Companies House number): the supplier then sees the contract, reports on its KPIs,
claims outcomes and is written to, which a name typed by the buyer could not do, and a supplier
who registers later is not left with a second organisation holding its contracts.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from levelfield.accounts.models import Membership, Organisation
from levelfield.core import audit, clock
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.core.money import money_problem
from levelfield.core.permissions import require
from levelfield.core.uploads import check_upload, files_removed_on_failure, store
from levelfield.suppliers import selectors as supplier_selectors
from levelfield.tenders.dates import out_of_range

from .. import tiering
from ..lifecycle import ENDED, ContractStatus
from ..models import (
    Category,
    Contract,
    ContractChange,
    ContractDocument,
    ExtensionOption,
    Origin,
    Risk,
)
from .records_lifecycle import go_live, resume, start_mobilisation, suspend

__all__ = [
    "add_document",
    "add_option",
    "assign_manager",
    "enter_contract",
    "go_live",
    "remove_document",
    "remove_option",
    "resume",
    "sign_let_elsewhere",
    "start_mobilisation",
    "suspend",
    "term_problems",
    "update_contract",
]

# Messages shared by the forms and the API: the rule is checked here once.
SUPPLIER_UNKNOWN = (
    "Enter the levelfield identifier (like GB-LEVELFIELD-12) or Companies House number of a "
    "supplier registered on levelfield"
)
MANAGER_NOT_MEMBER = "The contract manager must be one of your organisation's people"
DATES_IN_ORDER = "The contract must start on or before the day it ends"
REFERENCE_TAKEN = "You already have a contract with this reference"
TITLE_NEEDED = "Enter the contract's title"

LENGTHS = {
    "reference": (60, "The reference"),
    "title": (200, "The title"),
    "notice_reference": (100, "The notice reference"),
    "supplier_contact_name": (150, "The supplier contact's name"),
    "outcome_measure": (100, "The outcome measure"),
}


def _refuse(problems: list[str]) -> None:
    if problems:
        raise DomainError(problems[0], code="validation_error", details=problems)


def _text_problems(fields: dict) -> list[str]:
    problems = []
    for name, (limit, label) in LENGTHS.items():
        if name in fields and len(fields[name] or "") > limit:
            problems.append(f"{label} must be {limit} characters or fewer")
    if "title" in fields and not (fields["title"] or "").strip():
        problems.append(TITLE_NEEDED)
    if fields.get("category") is not None and fields["category"] not in Category.values:
        problems.append("Choose goods, services or works")
    if fields.get("risk") is not None and fields["risk"] not in Risk.values:
        problems.append("Choose low, medium or high risk")
    email = fields.get("supplier_contact_email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append("Enter the supplier contact's email address, like name@example.com")
    return problems


def term_problems_by_field(
    value, start_date: date | None, end_date: date | None
) -> list[tuple[str, str]]:
    """What is wrong with a contract's value and term, if anything, each problem with the field
    it is about ("value", "start_date", "end_date"): the value an amount of money, both dates
    given and in range, and the start on or before the end. The one rule enter_contract and
    update_contract check, exposed for an action that enters a contract after checking its own
    rules (the marketplace's award of a call-off), so it can refuse with its problems and the
    contract's at once, each beside its field."""
    problems = []
    if problem := money_problem(value, "contract value"):
        problems.append(("value", problem))
    if start_date is None:
        problems.append(("start_date", "Enter the start date"))
    if end_date is None:
        problems.append(("end_date", "Enter the end date"))
    for day, field, label in (
        (start_date, "start_date", "start date"),
        (end_date, "end_date", "end date"),
    ):
        if problem := out_of_range(day, label):
            problems.append((field, problem))
    if start_date and end_date and start_date > end_date:
        problems.append(("end_date", DATES_IN_ORDER))
    return problems


def term_problems(value, start_date: date | None, end_date: date | None) -> list[str]:
    """term_problems_by_field's problems, without their fields."""
    return [problem for _field, problem in term_problems_by_field(value, start_date, end_date)]


def _manager_problem(buyer, manager) -> str | None:
    if manager is None:
        return None
    if not Membership.objects.filter(user=manager, organisation=buyer).exists():
        return MANAGER_NOT_MEMBER
    return None


# The contracts entered here rather than awarded from a tender, with their references' prefix:
# let elsewhere (LE-2026-0001), and called off a framework on levelfield's marketplace
# (CO-2026-0001; marketplace.actions.outcomes enters and signs them when a call-off is awarded).
ENTERED_ORIGINS: dict[str, str] = {Origin.LET_ELSEWHERE: "LE", Origin.CALL_OFF: "CO"}


def _next_reference(buyer, year: int, origin: str = Origin.LET_ELSEWHERE) -> str:
    prefix = f"{ENTERED_ORIGINS[origin]}-{year}-"
    taken = set(
        Contract.objects.for_buyer(buyer)
        .filter(reference__startswith=prefix)
        .values_list("reference", flat=True)
    )
    number = len(taken) + 1
    while f"{prefix}{number:04d}" in taken:
        number += 1
    return f"{prefix}{number:04d}"


@transaction.atomic
def enter_contract(
    *,
    buyer,
    by,
    title: str,
    supplier_identifier: str,
    value: Decimal,
    start_date: date,
    end_date: date,
    category: str = Category.SERVICES,
    description: str = "",
    reference: str = "",
    notice_reference: str = "",
    contract_manager=None,
    supplier_contact_name: str = "",
    supplier_contact_email: str = "",
    risk: str = Risk.LOW,
    critical: bool = False,
    outcome_measure: str = "",
    origin: str = Origin.LET_ELSEWHERE,
) -> Contract:
    """Record a contract let elsewhere (published where it was let), as it was entered into.
    It starts `recorded`; a buyer admin signs it (`sign_let_elsewhere`). Without a reference,
    the next LE-<year>-<number> of the buyer. With `origin` CALL_OFF, a call-off under a
    framework on levelfield (the marketplace's award of a project), CO-<year>-<number>."""
    require(by, "contracts.enter_contract", buyer, "Only buyer admins and officers can do that")
    if origin not in ENTERED_ORIGINS:
        raise ValueError(f"a contract entered by hand is let elsewhere or a call-off: {origin}")
    # The buyer's row is the lock two entries wait for (two tabs, a double click): the reference
    # checked free, or the next LE- number, is still free when the contract is saved.
    Organisation.objects.select_for_update().get(pk=buyer.pk)
    fields = {
        "title": title,
        "reference": reference.strip(),
        "notice_reference": notice_reference.strip(),
        "category": category,
        "risk": risk,
        "supplier_contact_name": supplier_contact_name.strip(),
        "supplier_contact_email": supplier_contact_email.strip(),
        "outcome_measure": outcome_measure.strip(),
    }
    problems = _text_problems(fields)
    supplier = supplier_selectors.find_supplier(supplier_identifier or "")
    if supplier is None:
        problems.append(SUPPLIER_UNKNOWN)
    problems += term_problems(value, start_date, end_date)
    if problem := _manager_problem(buyer, contract_manager):
        problems.append(problem)
    ref = fields["reference"]
    if ref and Contract.objects.for_buyer(buyer).filter(reference=ref).exists():
        problems.append(REFERENCE_TAKEN)
    _refuse(problems)
    now = clock.now()
    contract = Contract(
        buyer=buyer,
        origin=origin,
        reference=ref or _next_reference(buyer, clock.today_uk().year, origin),
        notice_reference=fields["notice_reference"],
        title=title.strip(),
        description=description.strip(),
        category=category,
        supplier=supplier,
        supplier_contact_name=fields["supplier_contact_name"],
        supplier_contact_email=fields["supplier_contact_email"],
        contract_manager=contract_manager,
        value=value,
        start_date=start_date,
        end_date=end_date,
        original_value=value,
        original_end_date=end_date,
        risk=risk,
        critical=critical,
        outcome_measure=fields["outcome_measure"],
        recorded_by=by,
        recorded_at=now,
    )
    tiering.apply(contract, clock.today_uk())
    contract.save()
    audit.record(
        action="contract.recorded",
        obj=contract,
        actor=by,
        organisation=buyer,
        origin=origin,
        reference=contract.reference,
        value=str(contract.value),
        supplier=contract.supplier_id,
    )
    return contract


def _locked(contract: Contract) -> Contract:
    return (
        Contract.objects.select_for_update().select_related("buyer", "supplier").get(pk=contract.pk)
    )


@transaction.atomic
def sign_let_elsewhere(*, contract: Contract, by) -> Contract:
    """A buyer admin confirms a contract let elsewhere (or a call-off) is signed. No contract
    details notice (UK7) is published here: it was published where the contract was let (a
    call-off's release is published by the marketplace with its outcome). Its stage checklist
    starts from the buyer's template."""
    from .checklists import start_checklist

    require(by, "contracts.sign_recorded_contract", contract, "Only a buyer admin can do that")
    contract = _locked(contract)
    if contract.origin not in ENTERED_ORIGINS:
        raise InvalidTransition(
            "A contract awarded on levelfield is signed from its tender's award pages"
        )
    contract.transition(ContractStatus.SIGNED, clock.now())
    contract.signed_by = by
    contract.save()
    audit.record(action="contract.signed", obj=contract, actor=by, organisation=contract.buyer)
    start_checklist(contract=contract, by=by)
    return contract


EDITABLE = (
    "title",
    "description",
    "category",
    "notice_reference",
    "supplier_contact_name",
    "supplier_contact_email",
    "risk",
    "critical",
    "outcome_measure",
)
# Only before signature: afterwards value and term change through a contract change (s.74).
BEFORE_SIGNATURE = ("reference", "value", "start_date", "end_date")


@transaction.atomic
def update_contract(*, contract: Contract, by, **changes) -> Contract:
    """Change the contract's details. Value, dates and reference only while it is recorded
    (afterwards a change of value or term is a contract change, s.74). The tier follows value,
    risk and criticality."""
    require(by, "contracts.manage_contract", contract, "You do not manage this contract")
    contract = _locked(contract)
    unknown = set(changes) - set(EDITABLE) - set(BEFORE_SIGNATURE)
    if unknown:
        raise DomainError(f"These cannot be changed: {', '.join(sorted(unknown))}")
    if contract.status in ENDED:
        raise InvalidTransition("The details of a contract that has ended cannot be changed")
    late = [
        name
        for name in BEFORE_SIGNATURE
        if name in changes and changes[name] != getattr(contract, name)
    ]
    if late and contract.status != ContractStatus.RECORDED:
        raise InvalidTransition(
            "Once signed, the value and dates change through a contract change, and the "
            "reference stays as it is"
        )
    for name in (
        "title",
        "description",
        "notice_reference",
        "reference",
        "supplier_contact_name",
        "supplier_contact_email",
        "outcome_measure",
    ):
        if name in changes and isinstance(changes[name], str):
            changes[name] = changes[name].strip()
    problems = _text_problems(changes)
    value = changes.get("value", contract.value)
    start = changes.get("start_date", contract.start_date)
    end = changes.get("end_date", contract.end_date)
    if late:
        problems += term_problems(value, start, end)
        ref = changes.get("reference", contract.reference)
        if not ref:
            problems.append("Enter the contract's reference")
        elif (
            Contract.objects.for_buyer(contract.buyer)
            .filter(reference=ref)
            .exclude(pk=contract.pk)
            .exists()
        ):
            problems.append(REFERENCE_TAKEN)
    _refuse(problems)
    before = {name: _plain(getattr(contract, name)) for name in changes}
    for name, new in changes.items():
        setattr(contract, name, new)
    if contract.status == ContractStatus.RECORDED:
        contract.original_value = contract.value
        contract.original_end_date = contract.end_date
    old_tier = contract.tier
    tiering.apply(contract, clock.today_uk())
    contract.save()
    changed = {
        name: {"from": before[name], "to": _plain(getattr(contract, name))}
        for name in changes
        if before[name] != _plain(getattr(contract, name))
    }
    if contract.tier != old_tier:
        changed["tier"] = {"from": old_tier, "to": contract.tier}
    audit.record(
        action="contract.updated",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        summary=_changed_words(changed),
        changed=changed,
    )
    return contract


def _changed_words(changed: dict) -> str:
    """What changed, in words for the history: "Marked critical; tier silver to gold"."""
    words = []
    for name, change in changed.items():
        if name == "critical":
            words.append("Marked critical" if change["to"] else "No longer marked critical")
        elif name == "tier":
            words.append(f"Tier {change['from']} to {change['to']}")
        else:
            words.append(f"{name.replace('_', ' ').capitalize()} changed")
    return "; ".join(words)


def _plain(value):
    if isinstance(value, Decimal | date):
        return str(value)
    return value


@transaction.atomic
def assign_manager(*, contract: Contract, by, manager) -> Contract:
    """Make `manager` (one of the buyer's people; None for nobody) the contract's manager. A
    manager accredited below what the tier expects is allowed and flagged
    (`tiering.manager_problem`)."""
    require(by, "contracts.manage_contract", contract, "You do not manage this contract")
    contract = _locked(contract)
    if contract.status in ENDED:
        raise InvalidTransition("A contract that has ended keeps its manager")
    if problem := _manager_problem(contract.buyer, manager):
        raise DomainError(problem, code="validation_error")
    before = contract.contract_manager_id
    contract.contract_manager = manager
    contract.save(update_fields=["contract_manager"])
    audit.record(
        action="contract.manager_assigned",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        manager_from=before,
        manager_to=getattr(manager, "pk", None),
    )
    return contract


@transaction.atomic
def add_option(
    *, contract: Contract, by, description: str, months: int, value: Decimal = Decimal("0")
) -> ExtensionOption:
    """Record an option to extend written into the contract."""
    require(by, "contracts.manage_contract", contract, "You do not manage this contract")
    contract = _locked(contract)
    if contract.status in ENDED:
        raise InvalidTransition("A contract that has ended cannot gain an option to extend")
    problems = []
    description = (description or "").strip()
    if not description:
        problems.append("Describe the option to extend")
    elif len(description) > 200:
        problems.append("The description must be 200 characters or fewer")
    if months is None or months < 1 or months > 600:
        problems.append("An option extends the contract by 1 to 600 months")
    if problem := money_problem(value, "option's value", zero_allowed=True):
        problems.append(problem)
    _refuse(problems)
    option = ExtensionOption.objects.create(
        contract=contract,
        description=description,
        months=months,
        value=value,
        created_at=clock.now(),
    )
    audit.record(
        action="contract.option_added",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        option=option.pk,
        months=months,
        value=str(value),
    )
    return option


@transaction.atomic
def remove_option(*, option: ExtensionOption, by) -> None:
    """Remove an option to extend recorded in error; not once it has been used."""
    contract = option.contract
    require(by, "contracts.manage_contract", contract, "You do not manage this contract")
    contract = _locked(contract)
    if ContractChange.objects.filter(option_id=option.pk).exists():
        raise InvalidTransition("This option has been used, so it stays on the record")
    if contract.status in ENDED:
        raise InvalidTransition("The options of a contract that has ended stay on the record")
    audit.record(
        action="contract.option_removed",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        option=option.pk,
        description=option.description,
    )
    option.delete()


@files_removed_on_failure
@transaction.atomic
def add_document(*, contract: Contract, by, title: str, upload) -> ContractDocument:
    """Keep a document with the contract (seen by the buyer's people only)."""
    require(by, "contracts.manage_contract", contract, "You do not manage this contract")
    contract = _locked(contract)
    title = (title or "").strip()
    problems = []
    if not title:
        problems.append("Enter the document's title")
    elif len(title) > 200:
        problems.append("The title must be 200 characters or fewer")
    if upload is None:
        problems.append("Choose a file to upload")
        _refuse(problems)
    try:
        digest = check_upload(upload)
    except ValidationError as exc:
        problems.append(exc.messages[0])
    _refuse(problems)
    document = ContractDocument(
        contract=contract,
        title=title,
        sha256=digest,
        uploaded_by=by,
        uploaded_at=clock.now(),
    )
    store(document.file, upload)
    document.save()
    audit.record(
        action="contract.document_added",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        document=document.pk,
        title=title,
        sha256=digest,
    )
    return document


@transaction.atomic
def remove_document(*, document: ContractDocument, by) -> None:
    """Remove a document uploaded in error; the audit trail keeps its title and digest."""
    contract = document.contract
    require(by, "contracts.manage_contract", contract, "You do not manage this contract")
    _locked(contract)
    audit.record(
        action="contract.document_removed",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        document=document.pk,
        title=document.title,
        sha256=document.sha256,
    )
    file = document.file
    document.delete()
    transaction.on_commit(lambda: file.delete(save=False))
