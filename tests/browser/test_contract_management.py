"""Contract management in Debian's Chromium: a buyer opens the contract register and a signed
contract, records two invoices and marks them paid (one on time, one late), records a change
under the s.75 limit and one over it (the answer shown before confirming), and sees both on the
contract page; the supplier sees its contracts and reports a KPI. axe-core checks every page
visited and finds no violation at all (any impact)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from levelfield.contracts.actions import kpis, records, records_lifecycle
from levelfield.contracts.models import ContractChange, ContractNotice, Invoice, KpiReport
from levelfield.core import clock
from levelfield.core.display import uk_date
from tests.support import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class StrictAxe:
    """Runs axe-core on each page and keeps every violation, whatever its impact."""

    def __init__(self, log):
        self.log = log
        self.violations: list[str] = []

    def check(self, page) -> None:
        self.log.check(page)
        result = page.evaluate("async () => await axe.run(document)")
        for violation in result["violations"]:
            targets = [node["target"] for node in violation["nodes"][:3]]
            self.violations.append(
                f"{page.url}: {violation['id']} ({violation['impact']}) {violation['help']} "
                f"{targets}"
            )

    @property
    def visited(self):
        return self.log.visited


def sign_in(page, base, user, axe):
    page.goto(f"{base}{reverse('accounts:login')}")
    axe.check(page)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(testing.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def visit(page, url: str, axe) -> None:
    page.goto(url)
    axe.check(page)


def click(page, locator, axe) -> None:
    locator.click()
    page.wait_for_load_state()
    axe.check(page)


def text(page) -> str:
    return " ".join(page.locator("main").inner_text().split())


def invoice_row(page, reference: str):
    return page.locator("tr", has=page.get_by_role("cell", name=reference, exact=True))


def record_invoice(page, axe, *, reference, received_on, amount) -> None:
    page.get_by_label("Invoice reference").fill(reference)
    page.get_by_label("Date received").fill(received_on.strftime("%d/%m/%Y"))
    page.get_by_label("Amount (£)").fill(amount)
    page.get_by_label("Valid and undisputed").check()
    click(page, page.get_by_role("button", name="Record the invoice"), axe)
    assert f"Invoice {reference} recorded" in text(page)


def mark_paid(page, axe, *, reference, paid_on) -> None:
    click(page, page.get_by_role("link", name=f"Mark paid invoice {reference}"), axe)
    assert f"Mark invoice {reference} as paid" in text(page)
    page.get_by_label("Date paid").fill(paid_on.strftime("%d/%m/%Y"))
    click(page, page.get_by_role("button", name="Mark as paid"), axe)
    assert f"Invoice {reference} marked as paid" in text(page)


def record_change(page, axe, *, description, value) -> str:
    """Fill the change in and continue; returns what the confirmation page says."""
    click(page, page.get_by_role("link", name="Record a change"), axe)
    page.get_by_label("What changes, and why").fill(description)
    page.get_by_label("Value after the change").fill(value)
    click(page, page.get_by_role("button", name="Continue"), axe)
    expect(page.get_by_role("heading", name="Check the change")).to_be_visible()
    return text(page)


def test_buyer_records_payments_and_changes_and_the_supplier_reports(
    live_server, browser_context, axe
):
    base = live_server.url
    axe = StrictAxe(axe)
    signed = testing.signed_contract(value="100000", years=3)
    contract = signed.contract
    today = clock.today_uk()

    # A second contract with the same supplier, let elsewhere and live for four months, so that
    # the supplier has a KPI period that has ended to report on.
    elsewhere = records.enter_contract(
        buyer=signed.buyer,
        by=signed.officer,
        title="Meals at home",
        supplier_identifier=signed.supplier.supplier_profile.platform_identifier,
        value=Decimal("60000"),
        start_date=today - timedelta(days=120),
        end_date=today + timedelta(days=600),
    )
    records.sign_let_elsewhere(contract=elsewhere, by=signed.buyer_admin)
    kpi = kpis.add_kpi(
        contract=elsewhere,
        by=signed.officer,
        name="Meals delivered hot",
        target="95",
        unit="%",
        frequency="monthly",
    )
    records_lifecycle.go_live(contract=elsewhere, by=signed.officer)

    page = browser_context.new_page()
    sign_in(page, base, signed.officer, axe)

    # The register lists both contracts; the signed one opens its page.
    visit(page, f"{base}{reverse('contracts:register')}", axe)
    assert page.get_by_role("heading", level=1).inner_text()
    click(page, page.get_by_role("link", name=contract.reference, exact=True), axe)
    assert page.url.endswith(reverse("contracts:detail", args=[contract.pk]))
    assert contract.title in text(page)

    # Invoices: one paid in 28 days (on time), one in 40 days (late).
    click(page, page.get_by_role("link", name=f"View invoices for {contract.reference}"), axe)
    assert "No invoices have been recorded on this contract yet." in text(page)
    record_invoice(
        page, axe, reference="INV-001", received_on=today - timedelta(days=30), amount="4200.00"
    )
    record_invoice(
        page, axe, reference="INV-002", received_on=today - timedelta(days=45), amount="3100.50"
    )
    mark_paid(page, axe, reference="INV-001", paid_on=today - timedelta(days=2))
    mark_paid(page, axe, reference="INV-002", paid_on=today - timedelta(days=5))
    on_time = " ".join(invoice_row(page, "INV-001").inner_text().split())
    late = " ".join(invoice_row(page, "INV-002").inner_text().split())
    assert "£4,200 " in on_time and " 28 " in f" {on_time} " and "On time" in on_time
    assert "£3,100.50" in late and " 40 " in f" {late} " and "Late" in late
    assert uk_date(today - timedelta(days=2)) in on_time
    assert Invoice.objects.filter(contract=contract, paid_on__isnull=False).count() == 2

    # Changes: £5,000 on £100,000 is 5%, under the 10% limit for services: made at once.
    visit(page, f"{base}{reverse('contracts:detail', args=[contract.pk])}", axe)
    click(page, page.get_by_role("link", name=f"Changes to {contract.reference}"), axe)
    answer = record_change(page, axe, description="Two more clients in the north", value="105000")
    assert "No contract change notice is required" in answer
    assert "5.00% of the original value" in answer or "5% of the original value" in answer
    assert "A contract change notice (UK10) is required" not in answer
    click(page, page.get_by_role("button", name="Confirm the change"), axe)
    assert "Change 1 made; no contract change notice was required" in text(page)

    # To £125,000: 25% once both are counted, over the limit: the notice is required.
    answer = record_change(page, axe, description="Night visits added", value="125000")
    assert "A contract change notice (UK10) is required" in answer
    assert "25.00% of the original value" in answer or "25% of the original value" in answer
    assert not ContractNotice.objects.filter(contract=contract, notice_type="UK10").exists()
    click(page, page.get_by_role("button", name="Confirm the change"), axe)
    assert "Change 2 made and its contract change notice published" in text(page)
    assert ContractNotice.objects.filter(contract=contract, notice_type="UK10", key="2").exists()
    assert list(
        ContractChange.objects.filter(contract=contract)
        .order_by("number")
        .values_list("notice_required", flat=True)
    ) == [False, True]

    # The contract page shows them.
    visit(page, f"{base}{reverse('contracts:detail', args=[contract.pk])}", axe)
    hub = text(page)
    assert "2, 1 with a contract change notice" in hub
    assert "£125,000 (originally £100,000)" in hub
    payments_card = page.locator(".govuk-summary-card", has_text="Invoices and payments")
    card = " ".join(payments_card.inner_text().split())
    assert "Invoices 2" in card and "Paid late 1" in card

    # The contract's other pages, the buyer's payments page and the public pages, checked too.
    for name, args in (
        ("contracts:kpis", [contract.pk]),
        ("contracts:performance", [contract.pk]),
        ("contracts:assess", [contract.pk]),
        ("contracts:outcomes", [contract.pk]),
        ("contracts:checklist", [contract.pk]),
        ("contracts:terminate", [contract.pk]),
        ("contracts:payments_buyer", []),
        ("contracts:public_register", []),
        ("contracts:public_contract", [contract.pk]),
    ):
        visit(page, f"{base}{reverse(name, args=args)}", axe)
        assert page.get_by_role("heading", level=1).count() == 1, name

    # The supplier: its contracts, a contract's page, and a KPI report.
    supplier_context = browser_context.browser.new_context()
    supplier = supplier_context.new_page()
    sign_in(supplier, base, signed.supplier_user, axe)
    visit(supplier, f"{base}{reverse('contracts:supplier_contracts')}", axe)
    assert contract.reference in text(supplier) and elsewhere.reference in text(supplier)
    click(
        supplier,
        supplier.get_by_role("link", name=re.compile(re.escape(elsewhere.reference))),
        axe,
    )
    click(
        supplier,
        supplier.get_by_role("link", name=f"Your KPI reports for {elsewhere.reference}"),
        axe,
    )
    click(supplier, supplier.get_by_role("link", name=re.compile("^Report for")).last, axe)
    supplier.get_by_label("Value for the period").fill("96.5")
    click(supplier, supplier.get_by_role("button", name="Send report"), axe)
    assert "Report on Meals delivered hot saved" in text(supplier)
    report = KpiReport.objects.get(kpi=kpi)
    assert report.value == Decimal("96.5") and report.period_start == elsewhere.start_date
    visit(supplier, f"{base}{reverse('contracts:supplier_contract', args=[contract.pk])}", axe)
    assert contract.title in text(supplier)
    visit(supplier, f"{base}{reverse('contracts:payments_supplier', args=[contract.pk])}", axe)
    assert "INV-002" in text(supplier)
    supplier_context.close()

    assert axe.violations == [], "\n".join(axe.violations)
    assert len(axe.visited) >= 20
