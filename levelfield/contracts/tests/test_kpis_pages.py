"""The KPI pages: the buyer sets KPIs and the reason there are none; the supplier reports on
each period; who may see and do what."""

from datetime import timedelta

import pytest
from django.urls import reverse

from levelfield.contracts.actions import kpis as kpis_actions
from levelfield.contracts.models.performance import KpiReport
from tests.support import testing

from .kpis_builders import add, evaluator_of, on, signed_in, three_material

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    return testing.signed_contract(value="5100000")


def test_the_buyer_adds_a_kpi_and_sees_it_with_what_s52_still_needs(client, built):
    signed_in(client, built.officer)
    url = reverse("contracts:kpi_add", args=[built.contract.pk])

    response = client.post(
        url,
        {
            "name": "Visits missed",
            "target": "2",
            "unit": "visits",
            "direction": "lower",
            "frequency": "monthly",
            "material": "on",
        },
    )

    assert response.status_code == 302
    page = client.get(reverse("contracts:kpis", args=[built.contract.pk])).content.decode()
    assert "KPI 1: Visits missed" in page
    assert "Target 2 visits (lower is better), reported monthly" in page
    assert "needs at least 3 KPIs (s.52); it has 1" in page


def test_a_refused_kpi_shows_the_actions_message(client, built):
    signed_in(client, built.officer)
    three_material(built.contract, built.officer)

    response = client.post(
        reverse("contracts:kpi_add", args=[built.contract.pk]),
        {
            "name": "Fourth",
            "target": "1",
            "unit": "%",
            "direction": "higher",
            "frequency": "monthly",
            "material": "on",
        },
    )

    assert response.status_code == 200
    assert "At most 3 KPIs can be marked most material" in response.content.decode()


def test_the_buyer_records_why_there_are_no_kpis(client, built):
    signed_in(client, built.officer)

    client.post(
        reverse("contracts:kpi_exemption", args=[built.contract.pk]),
        {"reason": "Spot purchases of care: no measure fits"},
    )

    built.contract.refresh_from_db()
    assert built.contract.kpi_exemption_reason == "Spot purchases of care: no measure fits"
    page = client.get(reverse("contracts:kpis", args=[built.contract.pk])).content.decode()
    assert "Spot purchases of care: no measure fits" in page
    assert "cannot go live yet" not in page


def test_the_supplier_reports_on_an_ended_period_through_its_page(client, built):
    kpi = add(built.contract, built.officer, target="95")
    start = built.contract.start_date
    with on(start + timedelta(days=95)):
        signed_in(client, built.supplier_user)
        listing = client.get(reverse("contracts:supplier_kpis", args=[built.contract.pk]))
        assert listing.status_code == 200
        url = reverse("contracts:supplier_kpi_report", args=[built.contract.pk, kpi.pk, 1])
        assert url in listing.content.decode()

        response = client.post(url, {"value": "93.5", "narrative": "Two carers off sick"})

        assert response.status_code == 302
        page = client.get(reverse("contracts:supplier_kpis", args=[built.contract.pk]))
    report = KpiReport.objects.get(kpi=kpi)
    assert str(report.value) == "93.50"
    assert "Not met" in page.content.decode()


def test_the_contract_page_shows_the_kpi_performance_and_outcome_cards(client, built):
    add(built.contract, built.officer)
    signed_in(client, built.officer)

    page = client.get(reverse("contracts:detail", args=[built.contract.pk])).content.decode()

    assert "1 KPI, 0 marked most material." in page
    assert "Not assessed yet." in page
    assert "No outcome measure set." in page


def test_the_supplier_contract_page_shows_its_kpi_card(client, built):
    add(built.contract, built.officer)
    signed_in(client, built.supplier_user)

    page = client.get(reverse("contracts:supplier_contract", args=[built.contract.pk]))

    assert "1 KPI to report on." in page.content.decode()


def test_who_may_see_and_change_kpis(client, built):
    kpi = add(built.contract, built.officer)
    other = testing.signed_contract(buyer=testing.buyer_org("Other Council"))
    evaluator = evaluator_of(built.buyer)
    pk = built.contract.pk
    buyer_page = reverse("contracts:kpis", args=[pk])
    add_page = reverse("contracts:kpi_add", args=[pk])
    supplier_page = reverse("contracts:supplier_kpis", args=[pk])
    report_page = reverse("contracts:supplier_kpi_report", args=[pk, kpi.pk, 1])

    # Anonymous: sent to sign in.
    assert client.get(buyer_page).status_code == 302
    assert client.get(supplier_page).status_code == 302
    # Another buyer's people and another supplier's: not found.
    signed_in(client, other.officer)
    assert client.get(buyer_page).status_code == 404
    signed_in(client, other.supplier_user)
    assert client.get(supplier_page).status_code == 404
    assert client.get(report_page).status_code == 404
    # An evaluator sees the KPIs but cannot change them.
    signed_in(client, evaluator)
    assert client.get(buyer_page).status_code == 200
    assert client.get(add_page).status_code == 403
    assert client.post(reverse("contracts:kpi_remove", args=[pk, kpi.pk])).status_code == 403
    # The supplier cannot use the buyer's pages.
    signed_in(client, built.supplier_user)
    assert client.get(buyer_page).status_code == 404


def test_the_buyer_changes_a_kpi_and_removes_one_not_reported_on(client, built):
    kept = add(built.contract, built.officer, "Calls answered")
    gone = add(built.contract, built.officer, "Visits missed")
    signed_in(client, built.officer)

    client.post(
        reverse("contracts:kpi_edit", args=[built.contract.pk, kept.pk]),
        {
            "name": "Calls answered in 20s",
            "target": "97",
            "unit": "%",
            "direction": "higher",
            "frequency": "quarterly",
            "material": "on",
        },
    )
    client.post(reverse("contracts:kpi_remove", args=[built.contract.pk, gone.pk]))

    kept.refresh_from_db()
    assert (kept.name, str(kept.target), kept.material) == ("Calls answered in 20s", "97.00", True)
    assert list(built.contract.kpis.values_list("pk", flat=True)) == [kept.pk]


def test_the_supplier_corrects_a_report_until_it_is_due(client, built):
    kpi = add(built.contract, built.officer, target="95")
    period = kpis_actions.period_of(kpi, 1)
    url = reverse("contracts:supplier_kpi_report", args=[built.contract.pk, kpi.pk, 1])
    signed_in(client, built.supplier_user)
    with on(period.end + timedelta(days=1)):
        client.post(url, {"value": "90", "narrative": ""})
        listing = client.get(reverse("contracts:supplier_kpis", args=[built.contract.pk]))
        assert "Correct<span" in listing.content.decode()
        form = client.get(url).content.decode()
        assert "Correct your report on" in form
        client.post(url, {"value": "96", "narrative": "Recounted"})
    assert str(KpiReport.objects.get(kpi=kpi).value) == "96.00"
    with on(period.due + timedelta(days=1)):
        late = client.post(url, {"value": "99", "narrative": ""})
        listing = client.get(reverse("contracts:supplier_kpis", args=[built.contract.pk]))
    assert "The report can no longer be corrected" in late.content.decode()
    assert "Correct<span" not in listing.content.decode()
    assert str(KpiReport.objects.get(kpi=kpi).value) == "96.00"
