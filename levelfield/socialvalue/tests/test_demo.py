"""The demo's awarded tender carries social value from the tender to delivery: commitments in
the bids, obligations of the signed contract, one accepted and one pending report."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from levelfield.demo.data import HOME_CARE
from levelfield.socialvalue import selectors
from levelfield.socialvalue.models import (
    Commitment,
    DeliveryReport,
    MeasurementFramework,
    Obligation,
    ReportStatus,
)
from levelfield.tenders.lifecycle import Status
from levelfield.tenders.models import Tender

pytestmark = pytest.mark.django_db


def test_the_demo_has_commitments_obligations_and_reports():
    call_command("demo", stdout=StringIO())
    tender = Tender.objects.get(status=Status.CONTRACT_SIGNED, title=HOME_CARE["title"])
    link = selectors.link_of(tender)
    assert link.model.code == "PPN-002" and link.framework is not None
    # The framework's values are invented for the demo, and say so.
    assert "demo values" in MeasurementFramework.objects.get().name
    assert Commitment.objects.filter(bid__lot__tender=tender).count() == 7
    contract = tender.lots.get().contract
    obligations = list(Obligation.objects.filter(contract=contract))
    assert [o.quantity for o in obligations] == [Decimal("12"), Decimal("140"), Decimal("6")]
    statuses = sorted(DeliveryReport.objects.values_list("status", flat=True))
    assert statuses == [ReportStatus.ACCEPTED, ReportStatus.SUBMITTED]
    totals = selectors.buyer_totals(tender.buyer)
    # 12 x £2,800 + 140 x £450 = £33,600 + £63,000; the carers' groups have no proxy value.
    assert totals.committed_value == Decimal("96600.00")
    assert totals.delivered_value == Decimal("8400.00")  # 3 x £2,800 accepted
    assert totals.unvalued == 1
    # The open tender values commitments with the same framework, so a supplier drafting a bid
    # sees pounds as it types.
    library = Tender.objects.get(status=Status.PUBLISHED, title__startswith="Library")
    open_link = selectors.link_of(library)
    assert open_link.framework == link.framework
    assert any(m.proxy_value for m in selectors.measures_for(library))
