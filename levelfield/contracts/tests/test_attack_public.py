"""What the public sees of a contract's KPIs: a reason for having no KPIs is published only when
there are none to publish. A contract with its three material KPIs and a stray exemption reason
(typed on the exemption page of a contract that did not need one) published both agreedMetrics
and noAgreedMetricsRationale, saying the KPIs were agreed and that there were none."""

from datetime import timedelta

import pytest

from levelfield.contracts.actions import kpis, performance
from levelfield.contracts.models import ContractNotice
from tests.support import testing

from .kpis_builders import on, release_errors, three_material

pytestmark = pytest.mark.django_db


def assessed(signed):
    contract = signed.contract
    with on(contract.start_date + timedelta(days=400)):
        performance.record_assessment(
            contract=contract,
            by=signed.officer,
            period_start=contract.start_date,
            period_end=contract.start_date + timedelta(days=364),
            rating="good",
            narrative="Every visit on time",
        )
    notice = ContractNotice.objects.get(contract=contract, notice_type="UK9")
    assert release_errors(notice.data) == []
    [section] = notice.data["contracts"]
    return section


def test_material_kpis_are_published_without_a_reason_for_having_none():
    signed = testing.signed_contract(value="250000")
    three_material(signed.contract, signed.officer)
    kpis.set_kpi_exemption(
        contract=signed.contract, by=signed.officer, reason="Outcomes measured by the CQC"
    )
    section = assessed(signed)
    assert [m["title"] for m in section["agreedMetrics"]] == [
        "Calls answered within 20 seconds",
        "Visits missed",
        "Carers with a care certificate",
    ]
    assert "noAgreedMetricsRationale" not in section


def test_the_reason_is_published_when_no_kpi_is():
    signed = testing.signed_contract(value="250000")
    kpis.set_kpi_exemption(
        contract=signed.contract, by=signed.officer, reason="Outcomes measured by the CQC"
    )
    section = assessed(signed)
    assert section["noAgreedMetricsRationale"] == "Outcomes measured by the CQC"
    assert "agreedMetrics" not in section
