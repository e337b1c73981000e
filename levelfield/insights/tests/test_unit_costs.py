"""A buyer's own unit costs: set, changed and removed through the actions (audited), refused
when wrong, and read by the savings runner so a re-let's saving is in the buyer's units."""

import ibis
import pytest
from django.core.exceptions import ValidationError

from levelfield.accounts.models import Role
from levelfield.core.errors import PermissionDenied
from levelfield.core.models import AuditEvent
from levelfield.core.ocds import platform_party_id
from levelfield.insights import savings
from levelfield.insights.actions_unit_costs import remove_unit_cost, set_unit_cost
from levelfield.insights.models_unit_costs import BuyerUnitCost
from levelfield.insights.tests import measures_data as data
from tests.support.testing import buyer_org, member

pytestmark = pytest.mark.django_db


def test_a_buyer_sets_and_changes_its_unit_cost_audited():
    derby = buyer_org("Derby City Council")
    officer = member(derby, Role.BUYER_OFFICER)
    cost = set_unit_cost(
        by=officer, organisation=derby, cpv_division="45", unit="pothole repairs", cost_per_unit=120
    )
    assert cost.buyer_id == platform_party_id(derby)
    assert (cost.set_by, str(cost.cost_per_unit)) == (officer, "120.00")
    again = set_unit_cost(
        by=officer, organisation=derby, cpv_division="45", unit="pothole repairs", cost_per_unit=130
    )
    assert again.pk == cost.pk and str(again.cost_per_unit) == "130.00"
    summaries = list(
        AuditEvent.objects.filter(action="insights.unit_cost_set")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "Unit cost for CPV 45: £120.00 (pothole repairs)",
        "Unit cost for CPV 45: £130.00 (pothole repairs), changed",
    ]
    remove_unit_cost(by=officer, organisation=derby, cost=again)
    assert not BuyerUnitCost.objects.exists()
    assert AuditEvent.objects.filter(action="insights.unit_cost_removed").count() == 1


def test_a_unit_cost_needs_a_need_a_unit_and_a_cost_above_nothing():
    derby = buyer_org()
    officer = member(derby, Role.BUYER_OFFICER)
    with pytest.raises(ValidationError) as refused:
        set_unit_cost(by=officer, organisation=derby, cpv_division="4", unit=" ", cost_per_unit=0)
    assert refused.value.message_dict == {
        "cpv_division": ["Enter the CPV division as two digits, like 45"],
        "unit": ["Enter the unit, like pothole repairs"],
        "cost_per_unit": ["Enter a cost per unit greater than £0"],
    }
    with pytest.raises(ValidationError) as refused:
        set_unit_cost(by=officer, organisation=derby, unit="repairs", cost_per_unit=1)
    assert "label" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        set_unit_cost(by=officer, organisation=None, label="pothole", unit="x", cost_per_unit=1)
    assert not BuyerUnitCost.objects.exists()


def test_another_buyers_unit_cost_cannot_be_removed():
    derby, shire = buyer_org("Derby"), buyer_org("Shire")
    officer = member(derby, Role.BUYER_OFFICER)
    theirs = set_unit_cost(
        by=member(shire, Role.BUYER_OFFICER),
        organisation=shire,
        label="gritting",
        unit="gritting runs",
        cost_per_unit=500,
    )
    with pytest.raises(BuyerUnitCost.DoesNotExist):
        remove_unit_cost(by=officer, organisation=derby, cost=theirs)
    assert BuyerUnitCost.objects.count() == 1


def test_the_runner_reads_the_stored_unit_costs():
    derby = buyer_org("Derby City Council")
    officer = member(derby, Role.BUYER_OFFICER)
    set_unit_cost(
        by=officer, organisation=derby, cpv_division="45", unit="pothole repairs", cost_per_unit=130
    )
    ours = platform_party_id(derby)
    awards = [
        {**row, "buyer_id": ours} if row["buyer_id"] == data.DERBY else row
        for row in data.SAVINGS_AWARDS
    ]
    rows = savings.relet_rows(con=ibis.duckdb.connect(), tables=data.snapshot(awards))
    derby_row = next(r for r in rows if r["buyer_id"] == ours)
    assert derby_row["units_a_year"] == 150
    assert derby_row["why"].endswith("; about 150 pothole repairs a year")


def test_an_evaluator_or_another_buyers_officer_cannot_set_or_remove_a_unit_cost():
    derby = buyer_org("Derby City Council")
    cost = set_unit_cost(
        by=member(derby, Role.BUYER_ADMIN),
        organisation=derby,
        cpv_division="45",
        unit="repairs",
        cost_per_unit=10,
    )
    evaluator = member(derby, Role.EVALUATOR)
    stranger = member(buyer_org("Wessex Council"), Role.BUYER_OFFICER)

    for person in (evaluator, stranger):
        with pytest.raises(PermissionDenied):
            set_unit_cost(
                by=person, organisation=derby, cpv_division="45", unit="repairs", cost_per_unit=1
            )
        with pytest.raises(PermissionDenied):
            remove_unit_cost(by=person, organisation=derby, cost=cost)
    cost.refresh_from_db()
    assert str(cost.cost_per_unit) == "10.00"
