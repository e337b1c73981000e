"""Cost per outcome: what has been paid on the contract's invoices divided by the outcomes
recorded, on the contract and compared across the buyer's contracts by measure."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.contracts import selectors_kpis
from levelfield.contracts.actions import outcomes
from levelfield.contracts.actions.payments import record_invoice
from levelfield.core.errors import DomainError, PermissionDenied
from tests.support import testing

from .kpis_builders import on, signed_in

pytestmark = pytest.mark.django_db


def podcast(buyer=None):
    built = testing.signed_contract(value="106650", buyer=buyer, years=1)
    outcomes.set_outcome_measure(contract=built.contract, by=built.officer, measure="listeners")
    return built


def pay(built, reference, amount, received_on, paid_on=None):
    return record_invoice(
        contract=built.contract,
        by=built.officer,
        reference=reference,
        received_on=received_on,
        amount=Decimal(amount),
        paid_on=paid_on,
        source="page",
    )


def test_a_106650_podcast_heard_by_8398_listeners_cost_12_70_a_listener(client):
    built = podcast()
    start = built.contract.start_date
    day = start + timedelta(days=200)
    with on(day):
        pay(built, "INV-1", "50000", start + timedelta(days=30), start + timedelta(days=50))
        pay(built, "INV-2", "56650", start + timedelta(days=150), start + timedelta(days=170))
        # Not yet paid: not counted.
        pay(built, "INV-3", "9999", start + timedelta(days=190))
        outcomes.record_outcomes(
            contract=built.contract,
            by=built.officer,
            period_start=start,
            period_end=start + timedelta(days=90),
            quantity="5000",
        )
        outcomes.record_outcomes(
            contract=built.contract,
            by=built.officer,
            period_start=start + timedelta(days=91),
            period_end=start + timedelta(days=180),
            quantity="3398",
        )

    summary = selectors_kpis.outcome_summary(built.contract)

    # 106,650 / 8,398 = 12.69945... which is £12.70 to the penny.
    assert (summary.paid, summary.delivered) == (Decimal("106650.00"), Decimal("8398.00"))
    assert summary.cost == Decimal("12.70")
    signed_in(client, built.officer)
    page = client.get(reverse("contracts:outcomes", args=[built.contract.pk])).content.decode()
    assert "<strong>£12.70</strong> for each of the 8,398 listeners" in page
    card = client.get(reverse("contracts:detail", args=[built.contract.pk])).content.decode()
    assert (
        "8,398 listeners recorded; £106,650 paid. Cost per outcome: <strong>£12.70</strong>" in card
    )


def test_contracts_are_compared_by_measure_cheapest_first(client):
    first = podcast()
    second = podcast(buyer=first.buyer)
    start = first.contract.start_date
    with on(start + timedelta(days=100)):
        pay(first, "A-1", "106650", start, start + timedelta(days=20))
        outcomes.record_outcomes(
            contract=first.contract,
            by=first.officer,
            period_start=start,
            period_end=start + timedelta(days=60),
            quantity="8398",
        )
        pay(second, "B-1", "30000", start, start + timedelta(days=20))
        outcomes.record_outcomes(
            contract=second.contract,
            by=second.officer,
            period_start=start,
            period_end=start + timedelta(days=60),
            quantity="4000",
        )
    [group] = selectors_kpis.compare_by_measure(first.buyer)

    assert group.measure == "listeners"
    assert [(c.pk, c.cost) for c in group.contracts] == [
        (second.contract.pk, Decimal("7.50")),
        (first.contract.pk, Decimal("12.70")),
    ]
    signed_in(client, first.officer)
    page = client.get(reverse("contracts:cost_per_outcome")).content.decode()
    assert page.index("£7.50") < page.index("£12.70")
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--m">Listeners</caption>' in page
    )


def test_no_outcomes_recorded_means_no_cost_yet():
    built = podcast()
    assert selectors_kpis.outcome_summary(built.contract).cost is None


def test_outcomes_need_a_measure_and_a_period_that_has_happened():
    built = testing.signed_contract(value="106650")
    start = built.contract.start_date
    with on(start + timedelta(days=10)):
        with pytest.raises(DomainError) as no_measure:
            outcomes.record_outcomes(
                contract=built.contract,
                by=built.officer,
                period_start=start,
                period_end=start,
                quantity="1",
            )
        assert no_measure.value.message == "Set the contract's outcome measure first"
        outcomes.set_outcome_measure(contract=built.contract, by=built.officer, measure="visits")
        with pytest.raises(DomainError) as future:
            outcomes.record_outcomes(
                contract=built.contract,
                by=built.officer,
                period_start=start,
                period_end=start + timedelta(days=11),
                quantity="1",
            )
        assert future.value.message == "The period cannot end after today"


def test_only_the_buyers_people_running_the_contract_record_outcomes():
    built = podcast()
    other = testing.signed_contract(buyer=testing.buyer_org("Other Council"))
    with on(built.contract.start_date + timedelta(days=10)):
        for person in (built.supplier_user, other.officer):
            with pytest.raises(PermissionDenied):
                outcomes.record_outcomes(
                    contract=built.contract,
                    by=person,
                    period_start=built.contract.start_date,
                    period_end=built.contract.start_date,
                    quantity="1",
                )


def test_the_comparison_page_is_the_buyers_own(client):
    built = podcast()
    signed_in(client, built.supplier_user)
    assert client.get(reverse("contracts:cost_per_outcome")).status_code == 404
    client.logout()
    assert client.get(reverse("contracts:cost_per_outcome")).status_code == 302


def test_the_buyer_sets_the_measure_and_records_outcomes_through_the_pages(client):
    built = testing.signed_contract(value="106650")
    signed_in(client, built.officer)
    pk = built.contract.pk
    start = built.contract.start_date
    client.post(reverse("contracts:outcome_measure", args=[pk]), {"measure": "listeners"})
    with on(start + timedelta(days=40)):
        response = client.post(
            reverse("contracts:outcome_record", args=[pk]),
            {
                "period_start": f"{start:%d/%m/%Y}",
                "period_end": f"{start + timedelta(days=30):%d/%m/%Y}",
                "quantity": "1,200",
                "note": "",
            },
        )
        assert response.status_code == 302
        page = client.get(reverse("contracts:outcomes", args=[pk])).content.decode()
        assert "1,200" in page
        record = built.contract.outcomes.get()
        client.post(reverse("contracts:outcome_record_remove", args=[pk, record.pk]))
    assert not built.contract.outcomes.exists()
    built.contract.refresh_from_db()
    assert built.contract.outcome_measure == "listeners"
