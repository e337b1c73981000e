"""The figures pages and the API state come from the versioned rules (change_rules, kpi_rules),
not from literals: a new version of the rules changes every text that states them."""

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from levelfield.contracts import api_changes, change_rules, kpi_rules, schemas_changes
from levelfield.contracts.models import Category
from tests.support import testing

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def new_rules(monkeypatch):
    """A later version of s.75's figures, in force before the test contract is signed."""
    first = change_rules.CHANGE_RULES[0]
    later = dataclasses.replace(
        first,
        code="TEST-LATER",
        valid_from=date(2025, 6, 1),
        value_limit_percent={
            Category.GOODS: Decimal("12"),
            Category.SERVICES: Decimal("12"),
            Category.WORKS: Decimal("17"),
        },
        term_limit_percent=Decimal("11"),
        standstill_working_days=5,
    )
    monkeypatch.setattr(change_rules, "CHANGE_RULES", (first, later))
    return later


@pytest.fixture
def signed():
    return testing.signed_contract(value="100000", years=3)


def url(contract, tail=""):
    return f"/buyer/contracts/{contract.pk}/{tail}"


def test_the_changes_page_states_the_contracts_rules(client, signed, new_rules):
    contract = signed.contract
    assert contract.category == Category.SERVICES
    client.force_login(signed.officer, backend=BACKEND)
    page = client.get(url(contract, "changes/")).content.decode()
    assert "value by more than 12% of its original value" in page
    assert "term by more than 11% of the original term" in page
    assert "10%" not in page


def test_the_standstill_offered_is_the_rules(client, signed, new_rules):
    contract = signed.contract
    client.force_login(signed.officer, backend=BACKEND)
    preview = client.post(
        url(contract, "changes/record/"),
        {
            # 13% more: over the 12% limit.
            "description": "More visits",
            "value_after": "113000",
            "end_date_after": contract.end_date.strftime("%d/%m/%Y"),
        },
    ).content.decode()
    assert "A contract change notice (UK10) is required" in preview
    assert "voluntary standstill of 5 working days" in preview
    assert "8 working days" not in preview


def test_the_category_help_on_entering_a_contract_states_todays_rules(client, signed, new_rules):
    client.force_login(signed.buyer_admin, backend=BACKEND)
    page = client.get("/buyer/contracts/enter/").content.decode()
    assert "up to 12% for goods and services and 17% for works" in page
    assert "15%" not in page


def test_the_api_descriptions_are_built_from_the_rules():
    rules = change_rules.current()
    assert change_rules.value_limits_text(rules) == "10% for goods and services and 15% for works"
    assert "10% for goods and services and 15% for works of the original value" in (
        api_changes.S75_TEXT
    )
    assert rules.code in api_changes.S75_TEXT
    field = schemas_changes.ChangeIn.model_fields["voluntary_standstill"]
    assert f"wait {rules.standstill_working_days} working days" in field.description


@pytest.fixture
def lower_threshold(monkeypatch):
    first = kpi_rules.KPI_RULES[0]
    later = dataclasses.replace(
        first, code="TEST-S52", valid_from=date(2025, 6, 1), threshold=Decimal("4500000")
    )
    monkeypatch.setattr(kpi_rules, "KPI_RULES", (first, later))


def test_the_s52_threshold_on_pages_is_the_rules(client, signed, lower_threshold):
    contract = signed.contract
    client.force_login(signed.officer, backend=BACKEND)
    for tail in ("kpis/exemption/", "kpis/add/", "go-live/"):
        page = client.get(url(contract, tail))
        assert page.status_code == 200, tail
        text = page.content.decode()
        assert "more than £4.5 million" in text, tail
        assert "£5 million" not in text, tail
