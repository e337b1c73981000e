"""Stage checklists: made at signature from the buyer's template (the platform's default until
the buyer edits it), due dates counted from the start or end date; template edits reach only
later contracts; owners, due dates, done and reopen; overdue reminders sent once."""

from datetime import date

import pytest
from django.core import mail

from levelfield.accounts.models import Role
from levelfield.contracts.actions import checklists as actions
from levelfield.contracts.checklist_defaults import default_for
from levelfield.contracts.models import ChecklistItem, ChecklistTemplateItem, ContractStatus
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.models import AuditEvent
from tests.support import testing

from .capability_data import contract

pytestmark = pytest.mark.django_db

# A contract signed on 2 December 2026: it starts on 1 January 2027 and ends on 31 December 2029.
SIGNED = date(2026, 12, 2)


@pytest.fixture
def buyer():
    return testing.buyer_org()


@pytest.fixture
def officer(buyer):
    return testing.member(buyer, Role.BUYER_OFFICER)


def texts(items):
    return [item.text for item in items]


def test_signing_a_contract_makes_its_checklist_from_the_default_template():
    built = testing.signed_contract()
    items = list(built.contract.checklist.order_by("due_on", "id"))

    assert len(items) == len(default_for(date.today()).items) == 11
    assert {item.stage for item in items} == {"mobilisation", "delivery", "review", "exit"}
    kickoff = built.contract.checklist.get(text="Hold the kick-off meeting with the supplier")
    assert (built.contract.start_date - kickoff.due_on).days == 14
    close = built.contract.checklist.get(text__startswith="Return assets")
    assert close.due_on == built.contract.end_date
    assert AuditEvent.objects.filter(
        action="contract.checklist_started", object_id=str(built.contract.pk)
    ).exists()


def test_due_dates_count_from_the_start_or_the_end_date(buyer, officer):
    manager = testing.member(buyer, Role.BUYER_OFFICER)
    signed = contract(buyer, manager=manager, signed=SIGNED)
    assert (signed.start_date, signed.end_date) == (date(2027, 1, 1), date(2029, 12, 31))

    actions.start_checklist(contract=signed, by=officer)

    due = dict(signed.checklist.values_list("text", "due_on"))
    assert due["Hold the kick-off meeting with the supplier"] == date(2026, 12, 18)  # start - 14
    assert due["Annual performance assessment (s.71)"] == date(2028, 1, 1)  # start + 365
    assert due["Decide whether to use any extension option"] == date(2029, 7, 4)  # end - 180
    assert due["Return assets, data and access; close the contract"] == date(2029, 12, 31)
    assert set(signed.checklist.values_list("owner", flat=True)) == {manager.pk}
    # Made once: a second call keeps what is there.
    actions.start_checklist(contract=signed, by=officer)
    assert signed.checklist.count() == 11


def test_template_edits_reach_only_contracts_signed_later(buyer, officer):
    before = contract(buyer, signed=SIGNED)
    actions.start_checklist(contract=before, by=officer)

    actions.add_template_item(
        buyer=buyer,
        by=officer,
        stage="delivery",
        text="Security audit",
        anchor="start",
        offset_days=60,
    )
    insurance = ChecklistTemplateItem.objects.get(buyer=buyer, text__startswith="Check insurance")
    actions.remove_template_item(
        buyer=buyer, by=officer, stage="mobilisation", position=insurance.position
    )
    after = contract(buyer, signed=SIGNED)
    actions.start_checklist(contract=after, by=officer)

    # The first edit copied the default's 11 items; one added, one removed.
    assert ChecklistTemplateItem.objects.filter(buyer=buyer).count() == 11
    assert "Security audit" not in texts(before.checklist.all())
    assert "Check insurance and security clearances" in texts(before.checklist.all())
    audit = after.checklist.get(text="Security audit")
    assert audit.due_on == date(2027, 3, 2)  # 1 January 2027 + 60 days
    assert "Check insurance and security clearances" not in texts(after.checklist.all())
    # Another buyer still gets the default.
    other = testing.buyer_org("Avon Council")
    theirs = contract(other, signed=SIGNED)
    actions.start_checklist(contract=theirs, by=officer)
    assert "Check insurance and security clearances" in texts(theirs.checklist.all())
    assert AuditEvent.objects.filter(action="contracts.checklist_template_copied").count() == 1


def test_editing_and_moving_items_of_the_template(buyer, officer):
    # Before any edit the template is the default: mobilisation's second item is the plan.
    actions.edit_template_item(
        buyer=buyer,
        by=officer,
        stage="mobilisation",
        position=2,
        text="Agree the contract management plan and the risk register",
        anchor="start",
        offset_days=-10,
    )
    actions.move_template_item(buyer=buyer, by=officer, stage="mobilisation", position=2, up=True)

    rows = list(
        ChecklistTemplateItem.objects.filter(buyer=buyer, stage="mobilisation").order_by("position")
    )
    assert [(r.position, r.text, r.offset_days) for r in rows[:2]] == [
        (1, "Agree the contract management plan and the risk register", -10),
        (2, "Hold the kick-off meeting with the supplier", -14),
    ]
    with pytest.raises(DomainError, match="already first"):
        actions.move_template_item(
            buyer=buyer, by=officer, stage="mobilisation", position=1, up=True
        )
    with pytest.raises(DomainError, match="Enter what has to be done"):
        actions.add_template_item(
            buyer=buyer, by=officer, stage="exit", text="  ", anchor="end", offset_days=0
        )


def test_the_template_keeps_at_least_one_item(buyer, officer):
    # A buyer whose own template is down to one item.
    ChecklistTemplateItem.objects.create(
        buyer=buyer, stage="exit", position=1, text="Only this", anchor="end", offset_days=0
    )
    with pytest.raises(DomainError, match="at least one item"):
        actions.remove_template_item(buyer=buyer, by=officer, stage="exit", position=1)
    assert ChecklistTemplateItem.objects.filter(buyer=buyer).count() == 1


def test_only_the_buyers_admins_and_officers_edit_its_template(buyer):
    evaluator = testing.member(buyer, Role.EVALUATOR)
    stranger = testing.member(testing.buyer_org("Avon Council"), Role.BUYER_ADMIN)
    for person in (evaluator, stranger):
        with pytest.raises(PermissionDenied):
            actions.add_template_item(
                buyer=buyer, by=person, stage="exit", text="X", anchor="end", offset_days=0
            )
    assert not ChecklistTemplateItem.objects.filter(buyer=buyer).exists()


def test_owner_due_date_done_and_reopen(buyer, officer):
    signed = contract(buyer, signed=SIGNED)
    actions.start_checklist(contract=signed, by=officer)
    item = signed.checklist.get(text="Agree the contract management plan")
    owner = testing.member(buyer, Role.EVALUATOR)

    actions.assign_owner(item=item, by=officer, owner=owner)
    actions.change_due_date(item=item, by=officer, due_on=date(2027, 1, 20))
    actions.mark_done(item=item, by=officer, note="Signed off at the kick-off")

    item.refresh_from_db()
    assert (item.owner, item.due_on, item.done_by, item.note) == (
        owner,
        date(2027, 1, 20),
        officer,
        "Signed off at the kick-off",
    )
    with pytest.raises(InvalidTransition, match="already done"):
        actions.mark_done(item=item, by=officer)
    actions.reopen(item=item, by=officer)
    item.refresh_from_db()
    assert item.done_at is None and item.done_by is None
    with pytest.raises(InvalidTransition, match="not done"):
        actions.reopen(item=item, by=officer)
    outsider = testing.member(testing.buyer_org("Avon Council"), Role.BUYER_OFFICER)
    with pytest.raises(DomainError, match="one of Shire County Council's people"):
        actions.assign_owner(item=item, by=officer, owner=outsider)
    with pytest.raises(PermissionDenied):
        actions.mark_done(item=item, by=outsider)
    assert [e.action for e in AuditEvent.objects.filter(object_id=str(signed.pk)).order_by("id")][
        -5:
    ] == [
        "contract.checklist_started",
        "contract.checklist_owner_assigned",
        "contract.checklist_due_date_changed",
        "contract.checklist_item_done",
        "contract.checklist_item_reopened",
    ]


def test_overdue_reminders_go_once_to_the_owner_and_never_once_done(
    buyer, officer, django_capture_on_commit_callbacks
):
    admin = testing.member(buyer, Role.BUYER_ADMIN)
    manager = testing.member(buyer, Role.BUYER_OFFICER)
    owner = testing.member(buyer, Role.BUYER_OFFICER)
    managed = contract(buyer, manager=manager, signed=SIGNED)
    unmanaged = contract(buyer, signed=SIGNED)
    for c in (managed, unmanaged):
        actions.start_checklist(contract=c, by=officer)
    # On 1 January 2027 two mobilisation items of each contract are overdue (due 18 and 25
    # December); two more fall due that day and are not overdue yet.
    kickoff = managed.checklist.get(text__startswith="Hold the kick-off")
    actions.assign_owner(item=kickoff, by=officer, owner=owner)
    plan = unmanaged.checklist.get(text__startswith="Agree the contract management plan")
    actions.mark_done(item=plan, by=officer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sent = actions.remind_overdue(today=date(2027, 1, 1))

    assert sent == 3
    recipients = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert recipients == sorted(
        [
            (
                owner.email,
                f"Overdue: Hold the kick-off meeting with the supplier ({managed.reference})",
            ),
            (manager.email, f"Overdue: Agree the contract management plan ({managed.reference})"),
            (
                admin.email,
                f"Overdue: Hold the kick-off meeting with the supplier ({unmanaged.reference})",
            ),
        ]
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.remind_overdue(today=date(2027, 1, 1)) == 0
    assert mail.outbox == []
    # A day later only the four items due on 1 January are new; none of the first three again.
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.remind_overdue(today=date(2027, 1, 2)) == 4
    assert sorted(m.subject.split(" (")[0] for m in mail.outbox) == [
        "Overdue: Check insurance and security clearances",
        "Overdue: Check insurance and security clearances",
        "Overdue: Confirm KPIs, reporting dates and contacts",
        "Overdue: Confirm KPIs, reporting dates and contacts",
    ]


def test_no_reminder_for_an_item_done_or_a_contract_terminated(
    buyer, officer, django_capture_on_commit_callbacks
):
    testing.member(buyer, Role.BUYER_ADMIN)
    live = contract(buyer, signed=SIGNED)
    ended = contract(buyer, signed=SIGNED, status=ContractStatus.TERMINATED)
    for c in (live, ended):
        actions.start_checklist(contract=c, by=officer)
    for item in live.checklist.filter(due_on__lt=date(2027, 1, 1)):
        actions.mark_done(item=item, by=officer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert actions.remind_overdue(today=date(2027, 1, 1)) == 0
    assert mail.outbox == []
    assert ChecklistItem.objects.filter(contract=ended, done_at__isnull=True).count() == 11
