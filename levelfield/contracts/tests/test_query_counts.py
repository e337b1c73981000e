"""The busiest contract management pages read in a number of queries that does not grow with
what they show: the buyer's register, the buyer's payments page and the platform's capability
view with 2 and then 12 contracts, and a contract's page (every card of the hub) with 2 and then
12 of each thing on it (KPIs and reports, invoices, changes, assessments, failures, outcome
records, claims). Everything is built with the actions people use."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.accounts.models import Role, User
from levelfield.contracts.actions import (
    changes,
    kpis,
    outcomes,
    payments,
    performance,
    records,
    records_lifecycle,
)
from levelfield.contracts.models import Contract
from levelfield.core import clock
from tests.support import testing

from .records_data import identifier

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


class Buyer:
    """A buyer with its people and a supplier, adding busy contracts through the actions."""

    def __init__(self, name: str = "Shire County Council"):
        self.buyer = testing.buyer_org(name)
        self.admin = testing.member(self.buyer, Role.BUYER_ADMIN)
        self.officer = testing.member(self.buyer, Role.BUYER_OFFICER)
        self.supplier, self.supplier_user = testing.supplier_with_user()
        self.count = 0

    def contract(self, *, items: int = 2) -> Contract:
        self.count += 1
        today = clock.today_uk()
        contract = records.enter_contract(
            buyer=self.buyer,
            by=self.officer,
            title=f"Busy contract {self.count}",
            supplier_identifier=identifier(self.supplier),
            value=Decimal("1000000"),
            start_date=today - timedelta(days=400),
            end_date=today + timedelta(days=700),
            contract_manager=self.officer if self.count % 2 else None,
        )
        records.sign_let_elsewhere(contract=contract, by=self.admin)
        records_lifecycle.go_live(contract=contract, by=self.officer)
        outcomes.set_outcome_measure(contract=contract, by=self.officer, measure="people housed")
        self.priced = outcomes.add_priced_outcome(
            contract=contract,
            by=self.officer,
            name="A person housed for six months",
            unit_price="500",
            budget="1000000",
        )
        self.add(contract, items)
        return contract

    def add(self, contract: Contract, items: int) -> None:
        """`items` more of everything on the contract: on time, late, unpaid and disputed
        invoices among them."""
        today = clock.today_uk()
        done = contract.kpis.count()
        for n in range(done, done + items):
            kpi = kpis.add_kpi(
                contract=contract,
                by=self.officer,
                name=f"KPI {n}",
                target="90",
                unit="%",
                frequency="monthly",
            )
            kpis.report_kpi(kpi=kpi, by=self.supplier_user, period=1, value="85")
            paid = payments.record_invoice(
                contract=contract,
                by=self.officer,
                reference=f"PAID-{n}",
                received_on=today - timedelta(days=100 + n),
                amount=Decimal("1000.00") + n,
                paid_on=today - timedelta(days=60 + (n % 3) * 5),
                source="page",
            )
            assert paid.paid_on
            payments.record_invoice(
                contract=contract,
                by=self.officer,
                reference=f"OPEN-{n}",
                received_on=today - timedelta(days=40 + n),
                amount=Decimal("500.00"),
                source="page",
            )
            payments.record_invoice(
                contract=contract,
                by=self.officer,
                reference=f"DISPUTED-{n}",
                received_on=today - timedelta(days=20),
                amount=Decimal("250.00"),
                status="disputed",
                dispute_reason="Wrong rate",
                source="page",
            )
            contract.refresh_from_db()
            changes.record_change(
                contract=contract,
                by=self.officer,
                kind="modification",
                description=f"Change {n}",
                value_after=contract.value + 100,
                end_date_after=contract.end_date,
            )
            performance.record_failure(
                contract=contract,
                by=self.officer,
                kind="damages",
                description=f"Failure {n}",
                occurred_on=today - timedelta(days=30 + n),
            )
            performance.record_assessment(
                contract=contract,
                by=self.officer,
                period_start=contract.start_date,
                period_end=contract.start_date + timedelta(days=30 + n),
                rating="good",
                narrative=f"Assessment {n}",
            )
            outcomes.record_outcomes(
                contract=contract,
                by=self.officer,
                period_start=today - timedelta(days=60 + n),
                period_end=today - timedelta(days=31 + n),
                quantity="10",
            )
            outcomes.claim_outcome(
                outcome=self.priced,
                by=self.supplier_user,
                period_start=today - timedelta(days=60 + n),
                period_end=today - timedelta(days=31 + n),
                quantity="2",
                narrative=f"Claim {n}",
            )


def count_queries(client, url, django_assert_max_num_queries, most=None) -> int:
    with django_assert_max_num_queries(most or 200) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.fixture
def buyer():
    return Buyer()


def test_the_buyers_register_and_payments_pages_do_not_grow_with_the_contracts(
    client, buyer, django_assert_max_num_queries
):
    for _ in range(2):
        buyer.contract()
    client.force_login(buyer.officer, backend=BACKEND)
    urls = [reverse("contracts:register"), reverse("contracts:payments_buyer")]
    for url in urls:
        client.get(url)  # sessions and caches warmed
    two = {url: count_queries(client, url, django_assert_max_num_queries) for url in urls}

    for _ in range(10):
        buyer.contract()
    for url in urls:
        twelve = count_queries(client, url, django_assert_max_num_queries, most=two[url])
        assert twelve == two[url], url
    # The supplier's list of its contracts, likewise.
    client.force_login(buyer.supplier_user, backend=BACKEND)
    url = reverse("contracts:supplier_contracts")
    client.get(url)
    twelve = count_queries(client, url, django_assert_max_num_queries)
    buyer.contract()
    assert count_queries(client, url, django_assert_max_num_queries, most=twelve) == twelve
    client.force_login(buyer.officer, backend=BACKEND)
    page = client.get(reverse("contracts:register")).content.decode()
    assert "Busy contract 13" in page and "Busy contract 1<" in page


def test_a_contracts_page_does_not_grow_with_what_is_on_it(
    client, buyer, django_assert_max_num_queries
):
    contract = buyer.contract(items=2)
    buyer.contract(items=1)
    client.force_login(buyer.officer, backend=BACKEND)
    url = reverse("contracts:detail", args=[contract.pk])
    # The concerns' own pages too (each paginated or aggregated).
    urls = [url] + [
        reverse(name, args=[contract.pk])
        for name in ("contracts:payments_contract", "contracts:changes", "contracts:performance")
    ]
    for each in urls:
        client.get(each)
    two = {each: count_queries(client, each, django_assert_max_num_queries) for each in urls}

    # The supplier's side of the same contract.
    supplier_urls = [
        reverse(name, args=[contract.pk])
        for name in (
            "contracts:supplier_contract",
            "contracts:supplier_kpis",
            "contracts:payments_supplier",
            "contracts:supplier_outcomes",
        )
    ]
    client.force_login(buyer.supplier_user, backend=BACKEND)
    for each in supplier_urls:
        client.get(each)
    two.update(
        {each: count_queries(client, each, django_assert_max_num_queries) for each in supplier_urls}
    )

    buyer.add(contract, 10)
    for each in supplier_urls:
        twelve = count_queries(client, each, django_assert_max_num_queries, most=two[each])
        assert twelve == two[each], each
    client.force_login(buyer.officer, backend=BACKEND)
    for each in urls:
        twelve = count_queries(client, each, django_assert_max_num_queries, most=two[each])
        assert twelve == two[each], each
    page = client.get(url).content.decode()
    # Every card of the hub is there, with what was added.
    for card in (
        "Invoices and payments",
        "Changes and the end of the contract",
        "KPIs",
    ):
        assert card in page, card
    assert "12, 0 with a contract change notice" in page


def test_the_capability_view_does_not_grow_with_the_contracts(
    client, buyer, django_assert_max_num_queries
):
    admin = User.objects.create_superuser(
        email="admin@levelfield.example", password="a long admin password", full_name="Pat Admin"
    )
    other = Buyer("Wessex County Council")
    for each in (buyer, other):
        each.contract()
    client.force_login(admin, backend=BACKEND)
    url = reverse("contracts:capability")
    client.get(url)
    two = count_queries(client, url, django_assert_max_num_queries)

    for each in (buyer, other):
        for _ in range(5):
            each.contract()
    twelve = count_queries(client, url, django_assert_max_num_queries, most=two)
    assert twelve == two
    page = client.get(url).content.decode()
    assert "Shire County Council" in page and "Wessex County Council" in page
