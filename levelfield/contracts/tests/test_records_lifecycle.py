"""A contract's life after it is recorded: signed (a contract let elsewhere, by a buyer admin),
mobilising, live, suspended and resumed. Each step allowed where the lifecycle table allows it
and refused elsewhere, audited, and taken only by those who may."""

from decimal import Decimal

import pytest
from django.core import mail

from levelfield.contracts.actions import kpis, records
from levelfield.contracts.lifecycle import ALLOWED
from levelfield.contracts.models import ChecklistItem, ContractNotice, ContractStatus
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.models import AuditEvent
from tests.support import testing

from .records_data import buyer_with_people, entered

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return buyer_with_people()


@pytest.fixture
def acorn():
    return testing.supplier_with_user("Acorn Grounds Ltd")


def contract_in(status: str, people, acorn, **fields):
    """A contract let elsewhere taken to `status` through the actions."""
    buyer, admin, officer, _ = people
    contract = entered(buyer=buyer, by=officer, supplier=acorn[0], **fields)
    path = {
        ContractStatus.RECORDED: [],
        ContractStatus.SIGNED: ["sign"],
        ContractStatus.MOBILISING: ["sign", "mobilise"],
        ContractStatus.LIVE: ["sign", "live"],
        ContractStatus.SUSPENDED: ["sign", "live", "suspend"],
    }[status]
    for step in path:
        if step == "sign":
            contract = records.sign_let_elsewhere(contract=contract, by=admin)
        elif step == "mobilise":
            contract = records.start_mobilisation(contract=contract, by=officer)
        elif step == "live":
            contract = records.go_live(contract=contract, by=officer)
        else:
            contract = records.suspend(contract=contract, by=admin, reason="Safety audit")
    assert contract.status == status
    return contract


def test_a_buyer_admin_signs_a_contract_let_elsewhere_and_its_checklist_starts(people, acorn):
    buyer, admin, _, _ = people
    contract = contract_in(ContractStatus.RECORDED, people, acorn)

    signed = records.sign_let_elsewhere(contract=contract, by=admin)

    signed.refresh_from_db()
    assert signed.status == ContractStatus.SIGNED
    assert signed.signed_by == admin and signed.signed_at is not None
    assert AuditEvent.objects.filter(
        action="contract.signed", object_id=str(signed.pk), actor=admin
    ).exists()
    assert ChecklistItem.objects.filter(contract=signed).exists()
    # No contract details notice: it was published where it was let.
    assert not ContractNotice.objects.filter(contract=signed).exists()


def test_an_officer_cannot_sign_and_a_signed_contract_cannot_be_signed_again(people, acorn):
    _, admin, officer, _ = people
    contract = contract_in(ContractStatus.RECORDED, people, acorn)

    with pytest.raises(PermissionDenied):
        records.sign_let_elsewhere(contract=contract, by=officer)
    records.sign_let_elsewhere(contract=contract, by=admin)
    with pytest.raises(InvalidTransition) as refused:
        records.sign_let_elsewhere(contract=contract, by=admin)

    assert refused.value.message == "A contract that is signed cannot become signed"


def test_an_awarded_contract_is_not_signed_as_one_let_elsewhere():
    built = testing.signed_contract()

    with pytest.raises(InvalidTransition):
        records.sign_let_elsewhere(contract=built.contract, by=built.buyer_admin)


STEPS = {
    "mobilise": (ContractStatus.MOBILISING, "contract.mobilising"),
    "go_live": (ContractStatus.LIVE, "contract.live"),
    "suspend": (ContractStatus.SUSPENDED, "contract.suspended"),
    "resume": (ContractStatus.LIVE, "contract.resumed"),
}
REACHABLE = [
    ContractStatus.RECORDED,
    ContractStatus.SIGNED,
    ContractStatus.MOBILISING,
    ContractStatus.LIVE,
    ContractStatus.SUSPENDED,
]


def take(step: str, contract, people):
    _, admin, officer, _ = people
    if step == "mobilise":
        return records.start_mobilisation(contract=contract, by=officer)
    if step == "go_live":
        return records.go_live(contract=contract, by=officer)
    if step == "suspend":
        return records.suspend(contract=contract, by=admin, reason="Safety audit")
    return records.resume(contract=contract, by=admin)


def expected(step: str, status: str) -> bool:
    """Whether the step may be taken from `status`: the table, where going live from suspended
    is resuming and resuming is only from suspended."""
    target = STEPS[step][0]
    if step == "go_live" and status == ContractStatus.SUSPENDED:
        return False
    if step == "resume":
        return status == ContractStatus.SUSPENDED
    return target in ALLOWED[status]


@pytest.mark.parametrize("status", REACHABLE)
@pytest.mark.parametrize("step", list(STEPS))
def test_each_step_is_taken_where_the_table_allows_it_and_refused_elsewhere(
    people, acorn, status, step
):
    contract = contract_in(status, people, acorn)
    events = AuditEvent.objects.count()

    if expected(step, status):
        after = take(step, contract, people)
        after.refresh_from_db()
        assert after.status == STEPS[step][0]
        assert AuditEvent.objects.filter(action=STEPS[step][1]).count() >= 1
        assert AuditEvent.objects.count() == events + 1
    else:
        with pytest.raises(InvalidTransition):
            take(step, contract, people)
        contract.refresh_from_db()
        assert contract.status == status
        assert AuditEvent.objects.count() == events


def test_the_allowed_steps_are_those_the_issue_names():
    allowed = {(step, status) for step in STEPS for status in REACHABLE if expected(step, status)}

    assert allowed == {
        ("mobilise", ContractStatus.SIGNED),
        ("go_live", ContractStatus.SIGNED),
        ("go_live", ContractStatus.MOBILISING),
        ("suspend", ContractStatus.LIVE),
        ("resume", ContractStatus.SUSPENDED),
    }


def test_milestones_are_stamped(people, acorn):
    contract = contract_in(ContractStatus.MOBILISING, people, acorn)
    contract = take("go_live", contract, people)

    assert contract.signed_at <= contract.mobilising_at <= contract.live_at


def test_a_contract_over_5m_with_two_kpis_cannot_go_live_without_a_reason(people, acorn):
    _, admin, officer, _ = people
    contract = contract_in(ContractStatus.SIGNED, people, acorn, value=Decimal("5100000"))
    for number in (1, 2):
        kpis.add_kpi(
            contract=contract,
            by=officer,
            name=f"Visits on time {number}",
            target=Decimal("95"),
            unit="%",
            frequency="quarterly",
            material=True,
        )

    with pytest.raises(DomainError) as refused:
        records.go_live(contract=contract, by=officer)

    assert "needs at least 3 KPIs (s.52); it has 2" in refused.value.message
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SIGNED
    kpis.set_kpi_exemption(
        contract=contract, by=officer, reason="Delivery is a single event, judged on the day"
    )
    assert records.go_live(contract=contract, by=officer).status == ContractStatus.LIVE


def test_suspension_needs_a_reason_and_tells_the_supplier_contact_and_admins(
    people, acorn, django_capture_on_commit_callbacks
):
    _, admin, _, _ = people
    contract = contract_in(
        ContractStatus.LIVE, people, acorn, supplier_contact_email="sam@acorn.example"
    )

    with pytest.raises(DomainError) as refused:
        records.suspend(contract=contract, by=admin, reason="  ")
    assert refused.value.message == "Say why the contract is suspended"
    with django_capture_on_commit_callbacks(execute=True):
        records.suspend(contract=contract, by=admin, reason="Safety audit after an incident")

    contract.refresh_from_db()
    assert contract.suspension_reason == "Safety audit after an incident"
    [email] = mail.outbox
    assert email.to == ["sam@acorn.example", acorn[1].email]  # the contact, then the admins
    assert email.subject == f"Contract suspended: {contract.reference}"
    assert "Reason: Safety audit after an incident" in email.body
    event = AuditEvent.objects.get(action="contract.suspended")
    assert event.data == {"reason": "Safety audit after an incident"}

    with django_capture_on_commit_callbacks(execute=True):
        records.resume(contract=contract, by=admin)
    assert mail.outbox[1].subject == f"Contract resumed: {contract.reference}"
    assert mail.outbox[1].to == ["sam@acorn.example", acorn[1].email]


def test_without_a_named_contact_the_suppliers_admins_are_told(
    people, acorn, django_capture_on_commit_callbacks
):
    _, admin, _, _ = people
    contract = contract_in(ContractStatus.LIVE, people, acorn)

    with django_capture_on_commit_callbacks(execute=True):
        records.suspend(contract=contract, by=admin, reason="Safety audit")

    assert mail.outbox[0].to == [acorn[1].email]


@pytest.mark.parametrize("who", ["officer", "evaluator", "supplier", "other_admin"])
def test_only_a_buyer_admin_suspends_and_resumes(people, acorn, who):
    buyer, admin, officer, evaluator = people
    _, other_admin, _, _ = buyer_with_people("Vale District Council")
    user = {
        "officer": officer,
        "evaluator": evaluator,
        "supplier": acorn[1],
        "other_admin": other_admin,
    }[who]
    contract = contract_in(ContractStatus.LIVE, people, acorn)

    with pytest.raises(PermissionDenied):
        records.suspend(contract=contract, by=user, reason="No")
    records.suspend(contract=contract, by=admin, reason="Safety audit")
    with pytest.raises(PermissionDenied):
        records.resume(contract=contract, by=user)


@pytest.mark.parametrize("who", ["evaluator", "supplier", "other_officer"])
def test_mobilising_and_going_live_are_for_those_who_run_or_manage_it(people, acorn, who):
    buyer, _, officer, evaluator = people
    _, _, other_officer, _ = buyer_with_people("Vale District Council")
    user = {"evaluator": evaluator, "supplier": acorn[1], "other_officer": other_officer}[who]
    contract = contract_in(ContractStatus.SIGNED, people, acorn)

    with pytest.raises(PermissionDenied):
        records.start_mobilisation(contract=contract, by=user)
    with pytest.raises(PermissionDenied):
        records.go_live(contract=contract, by=user)


def test_an_evaluator_who_manages_the_contract_may_take_it_live(people, acorn):
    _, _, _, evaluator = people
    contract = contract_in(ContractStatus.SIGNED, people, acorn, contract_manager=evaluator)

    assert records.go_live(contract=contract, by=evaluator).status == ContractStatus.LIVE


def test_an_awarded_contract_goes_through_the_same_steps():
    built = testing.signed_contract()
    officer, admin = built.officer, built.buyer_admin

    contract = records.start_mobilisation(contract=built.contract, by=officer)
    contract = records.go_live(contract=contract, by=officer)
    contract = records.suspend(contract=contract, by=admin, reason="Audit")
    contract = records.resume(contract=contract, by=admin)

    assert contract.status == ContractStatus.LIVE
    assert list(
        AuditEvent.objects.filter(object_id=str(contract.pk), action__startswith="contract.")
        .order_by("id")
        .values_list("action", flat=True)
    )[-4:] == ["contract.mobilising", "contract.live", "contract.suspended", "contract.resumed"]
