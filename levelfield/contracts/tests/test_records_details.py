"""Keeping a contract's record up to date: details (re-tiered), its manager (one of the buyer's
people, flagged when under-accredited), options to extend (kept once used) and documents (a
refused upload leaves no file behind)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from levelfield.contracts.actions import changes, records
from levelfield.contracts.models import AccreditationLevel, ContractDocument, ExtensionOption
from levelfield.contracts.selectors_records import flags
from levelfield.core import clock
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.models import AuditEvent
from tests.support import testing

from .records_data import accredit, buyer_with_people, entered

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return buyer_with_people()


@pytest.fixture
def acorn():
    return testing.supplier_with_user("Acorn Grounds Ltd")


def test_raising_value_risk_or_criticality_re_tiers_the_contract(people, acorn):
    buyer, admin, officer, _ = people
    contract = entered(buyer=buyer, by=officer, supplier=acorn[0], value=Decimal("100000"))
    assert contract.tier == "bronze"

    contract = records.update_contract(contract=contract, by=officer, value=Decimal("500000"))
    assert contract.tier == "silver"  # £500,000 is silver's threshold exactly
    assert contract.original_value == Decimal("500000")
    records.sign_let_elsewhere(contract=contract, by=admin)
    contract = records.update_contract(contract=contract, by=officer, critical=True)
    assert contract.tier == "gold"
    contract = records.update_contract(contract=contract, by=officer, critical=False, risk="low")
    assert contract.tier == "silver"
    event = AuditEvent.objects.filter(action="contract.updated").order_by("-id").first()
    assert event.data["changed"] == {
        "critical": {"from": True, "to": False},
        "tier": {"from": "gold", "to": "silver"},
    }


def test_once_signed_value_dates_and_reference_change_only_through_a_change(people, acorn):
    buyer, admin, officer, _ = people
    contract = entered(buyer=buyer, by=officer, supplier=acorn[0])
    records.sign_let_elsewhere(contract=contract, by=admin)

    for field, value in (
        ("value", Decimal("1")),
        ("end_date", date(2030, 1, 1)),
        ("start_date", date(2027, 5, 1)),
        ("reference", "NEW"),
    ):
        with pytest.raises(InvalidTransition):
            records.update_contract(contract=contract, by=officer, **{field: value})
    # Sending the same value again is no change.
    same = records.update_contract(contract=contract, by=officer, value=contract.value, title="X")
    assert same.title == "X"


def test_edits_are_checked_like_entries(people, acorn):
    buyer, _, officer, _ = people
    contract = entered(buyer=buyer, by=officer, supplier=acorn[0], reference="A")
    entered(buyer=buyer, by=officer, supplier=acorn[0], reference="B")

    cases = [
        ({"reference": "B"}, "You already have a contract with this reference"),
        ({"end_date": date(2027, 3, 1)}, "The contract must start on or before the day it ends"),
        ({"value": Decimal("0")}, "The contract value must be more than £0"),
        ({"title": ""}, "Enter the contract's title"),
    ]
    for fields, message in cases:
        with pytest.raises(DomainError) as refused:
            records.update_contract(contract=contract, by=officer, **fields)
        assert message in refused.value.details, fields
    with pytest.raises(DomainError):
        records.update_contract(contract=contract, by=officer, buyer=None)


def test_an_evaluator_or_another_buyer_cannot_edit(people, acorn):
    buyer, _, officer, evaluator = people
    _, _, other_officer, _ = buyer_with_people("Vale District Council")
    contract = entered(buyer=buyer, by=officer, supplier=acorn[0])

    for user in (evaluator, other_officer, acorn[1]):
        with pytest.raises(PermissionDenied):
            records.update_contract(contract=contract, by=user, title="Mine")


def test_the_manager_is_one_of_the_buyers_people_and_flagged_when_under_accredited(people, acorn):
    buyer, admin, officer, evaluator = people
    contract = entered(buyer=buyer, by=officer, supplier=acorn[0], critical=True)
    today = clock.today_uk()
    assert "No contract manager" in flags(contract, today)
    _, _, stranger, _ = buyer_with_people("Vale District Council")

    with pytest.raises(DomainError) as refused:
        records.assign_manager(contract=contract, by=officer, manager=stranger)
    assert refused.value.message == records.MANAGER_NOT_MEMBER

    accredit(evaluator, AccreditationLevel.PRACTITIONER, buyer=buyer, by=admin)
    contract = records.assign_manager(contract=contract, by=officer, manager=evaluator)
    assert flags(contract, today)[0] == (
        "A gold contract needs an expert contract manager; its manager has practitioner "
        "accreditation"
    )
    accredit(evaluator, AccreditationLevel.EXPERT, buyer=buyer, by=admin)
    assert [f for f in flags(contract, today) if "manager" in f] == []
    event = AuditEvent.objects.get(action="contract.manager_assigned")
    assert event.data == {"manager_from": None, "manager_to": evaluator.pk}


def test_an_option_is_added_and_removed_but_kept_once_used():
    built = testing.signed_contract(value="100000")
    contract, officer = built.contract, built.officer

    spare = records.add_option(
        contract=contract, by=officer, description="Six more months", months=6
    )
    used = records.add_option(
        contract=contract,
        by=officer,
        description="A further year",
        months=12,
        value=Decimal("5000"),
    )
    changes.record_change(
        contract=contract, by=officer, kind="extension", description="Year two", option=used
    )

    records.remove_option(option=spare, by=officer)
    with pytest.raises(InvalidTransition) as refused:
        records.remove_option(option=used, by=officer)
    assert refused.value.message == "This option has been used, so it stays on the record"
    assert list(ExtensionOption.objects.filter(contract=contract)) == [used]
    assert AuditEvent.objects.filter(action="contract.option_removed").count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"description": " ", "months": 6}, "Describe the option to extend"),
        (
            {"description": "Later", "months": 0},
            "An option extends the contract by 1 to 600 months",
        ),
        (
            {"description": "Later", "months": 6, "value": Decimal("-1")},
            "The option's value must be £0 or more",
        ),
    ],
)
def test_an_option_must_make_sense(people, acorn, fields, message):
    buyer, _, officer, _ = people
    contract = entered(buyer=buyer, by=officer, supplier=acorn[0])

    with pytest.raises(DomainError) as refused:
        records.add_option(contract=contract, by=officer, **fields)

    assert message in refused.value.details


def test_a_document_is_kept_and_a_refused_one_leaves_no_file(people, acorn, settings):
    buyer, _, officer, _ = people
    contract = entered(buyer=buyer, by=officer, supplier=acorn[0])

    document = records.add_document(
        contract=contract, by=officer, title="Signed contract", upload=testing.pdf("signed.pdf")
    )
    assert document.file.storage.exists(document.file.name)
    assert len(document.sha256) == 64
    fake = SimpleUploadedFile("fake.pdf", b"not a pdf", content_type="application/pdf")
    with pytest.raises(DomainError) as refused:
        records.add_document(contract=contract, by=officer, title="Fake", upload=fake)
    assert refused.value.message == "fake.pdf is not a real PDF file: it is text"
    with pytest.raises(DomainError):
        records.add_document(contract=contract, by=officer, title="", upload=testing.pdf())
    assert ContractDocument.objects.count() == 1
    stored = list((settings.MEDIA_ROOT / "contracts").rglob("*.*"))
    assert [p.name for p in stored] == [document.file.name.rsplit("/", 1)[-1]]

    records.remove_document(document=document, by=officer)
    assert not ContractDocument.objects.exists()
    assert AuditEvent.objects.filter(action="contract.document_removed").count() == 1
