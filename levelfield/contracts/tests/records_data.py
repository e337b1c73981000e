"""Builders for the contract record's tests: a contract let elsewhere, entered by hand through
the action a buyer's officer uses."""

from datetime import date
from decimal import Decimal

from levelfield.accounts.models import Role
from levelfield.contracts.actions import records
from levelfield.contracts.actions.accreditation import record_accreditation
from levelfield.contracts.models import AccreditationLevel
from tests.support import testing


def identifier(supplier) -> str:
    return supplier.supplier_profile.platform_identifier


def entered(*, buyer, by, supplier, **fields):
    values = {
        "title": "Grounds maintenance",
        "supplier_identifier": identifier(supplier),
        "value": Decimal("120000"),
        "start_date": date(2027, 4, 1),
        "end_date": date(2029, 3, 31),
        "category": "services",
    }
    values.update(fields)
    return records.enter_contract(buyer=buyer, by=by, **values)


def accredit(user, level: int = AccreditationLevel.FOUNDATION, *, buyer, by):
    return record_accreditation(organisation=buyer, person=user, by=by, level=level)


def buyer_with_people(name: str = "Shire County Council"):
    buyer = testing.buyer_org(name)
    return (
        buyer,
        testing.member(buyer, Role.BUYER_ADMIN, full_name="Alex Admin"),
        testing.member(buyer, Role.BUYER_OFFICER, full_name="Olu Officer"),
        testing.member(buyer, Role.EVALUATOR, full_name="Eve Evaluator"),
    )
