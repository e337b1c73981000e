"""A signed contract's life until it ends: mobilisation, going live, suspension and resumption.
Ending it (expiry, completion, termination) is in `actions/ending.py`. Each step is one row of
the lifecycle table (`lifecycle.ALLOWED`), made by `Contract.transition`, audited."""

from django.db import transaction

from levelfield.core import audit, clock
from levelfield.core.display import uk_date
from levelfield.core.errors import DomainError, InvalidTransition
from levelfield.core.notify import email_on_commit
from levelfield.core.permissions import require

from ..lifecycle import ContractStatus
from ..models import Contract
from ..recipients import supplier_emails


def _locked(contract: Contract) -> Contract:
    return (
        Contract.objects.select_for_update().select_related("buyer", "supplier").get(pk=contract.pk)
    )


@transaction.atomic
def start_mobilisation(*, contract: Contract, by) -> Contract:
    """The signed contract is being mobilised: the supplier gets ready to deliver."""
    require(by, "contracts.manage_contract", contract, "You do not manage this contract")
    contract = _locked(contract)
    contract.transition(ContractStatus.MOBILISING, clock.now())
    contract.save()
    audit.record(action="contract.mobilising", obj=contract, actor=by, organisation=contract.buyer)
    return contract


@transaction.atomic
def go_live(*, contract: Contract, by) -> Contract:
    """Delivery begins. s.52: a contract over £5m goes live only with its KPIs set (or the
    reason recorded why KPIs do not fit it)."""
    from ..kpi_rules import s52_problems

    require(by, "contracts.manage_contract", contract, "You do not manage this contract")
    contract = _locked(contract)
    if contract.status == ContractStatus.SUSPENDED:
        raise InvalidTransition("A suspended contract is resumed, not made live again")
    contract.transition(ContractStatus.LIVE, clock.now())
    if problems := s52_problems(contract):
        raise DomainError(problems[0], code="kpis_required", details=problems)
    contract.save()
    audit.record(action="contract.live", obj=contract, actor=by, organisation=contract.buyer)
    return contract


@transaction.atomic
def suspend(*, contract: Contract, by, reason: str) -> Contract:
    """A buyer admin suspends a live contract, saying why; the supplier is told."""
    require(by, "contracts.suspend_contract", contract, "Only a buyer admin can do that")
    contract = _locked(contract)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the contract is suspended", code="validation_error")
    contract.transition(ContractStatus.SUSPENDED, clock.now())
    contract.suspension_reason = reason
    contract.save()
    audit.record(
        action="contract.suspended",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        reason=reason,
    )
    email_on_commit(
        to=supplier_emails(contract),
        subject=f"Contract suspended: {contract.reference}",
        body=f"{contract.buyer} has suspended the contract {contract.reference} "
        f"({contract.title}) from {uk_date(clock.today_uk())}.\n\nReason: {reason}\n\n"
        "They will tell you when it resumes.",
    )
    return contract


@transaction.atomic
def resume(*, contract: Contract, by) -> Contract:
    """A buyer admin resumes a suspended contract; the supplier is told."""
    require(by, "contracts.suspend_contract", contract, "Only a buyer admin can do that")
    contract = _locked(contract)
    if contract.status != ContractStatus.SUSPENDED:
        raise InvalidTransition("Only a suspended contract can be resumed")
    contract.transition(ContractStatus.LIVE, clock.now())
    contract.save()
    audit.record(
        action="contract.resumed",
        obj=contract,
        actor=by,
        organisation=contract.buyer,
        suspended_at=contract.suspended_at.isoformat() if contract.suspended_at else None,
    )
    email_on_commit(
        to=supplier_emails(contract),
        subject=f"Contract resumed: {contract.reference}",
        body=f"{contract.buyer} has resumed the contract {contract.reference} "
        f"({contract.title}) from {uk_date(clock.today_uk())}. Delivery continues as agreed.",
    )
    return contract
