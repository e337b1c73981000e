"""Concentration risk on hand-built contracts: each supplier's share of an authority's
contracts in force in one CPV division, the suppliers above the share listed highest first;
the domain selector and the API."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.contracts.actions import records
from levelfield.resilience import concentration
from levelfield.resilience.scenarios import annual_value
from tests.support import testing

pytestmark = pytest.mark.django_db


def entered(*, buyer, admin, supplier, value, start, end, sign=True, reference=""):
    contract = records.enter_contract(
        buyer=buyer,
        by=admin,
        title=f"Services from {supplier.name}",
        supplier_identifier=supplier.supplier_profile.platform_identifier,
        value=Decimal(value),
        start_date=start,
        end_date=end,
        reference=reference,
    )
    return records.sign_let_elsewhere(contract=contract, by=admin) if sign else contract


@pytest.fixture
def market():
    """Avon Council: a CPV 85 contract awarded on the platform (Carer Ltd, £100,000) and three
    contracts let elsewhere with no CPV (Big £600,000, Mid £300,000, Carer £100,000); Bath
    Council: Big and Mid £50,000 each, plus Carer's £1,000,000 starting after the date and a
    £900,000 one of Big's only recorded (not signed); neither counts."""
    avon = testing.buyer_org("Avon Council")
    carer = testing.supplier_with_user("Carer Ltd")
    awarded = testing.signed_contract(value="100000", buyer=avon, supplier=carer).contract
    as_of = awarded.start_date + timedelta(days=1)
    start, end = as_of - timedelta(days=100), as_of + timedelta(days=365)
    avon_admin = testing.member(avon, Role.BUYER_ADMIN)
    big = testing.supplier_org("Big Group plc")
    mid = testing.supplier_org("Mid Services Ltd")
    for supplier, value in ((big, "600000"), (mid, "300000"), (carer[0], "100000")):
        entered(buyer=avon, admin=avon_admin, supplier=supplier, value=value, start=start, end=end)
    bath = testing.buyer_org("Bath Council")
    bath_admin = testing.member(bath, Role.BUYER_ADMIN)
    for supplier in (big, mid):
        entered(
            buyer=bath, admin=bath_admin, supplier=supplier, value="50000", start=start, end=end
        )
    later = as_of + timedelta(days=1)
    entered(buyer=bath, admin=bath_admin, supplier=carer[0], value="1000000", start=later, end=end)
    entered(
        buyer=bath, admin=bath_admin, supplier=big, value="900000", start=start, end=end, sign=False
    )
    # Ended before the date: its term is over.
    entered(
        buyer=bath,
        admin=bath_admin,
        supplier=mid,
        value="700000",
        start=start - timedelta(days=400),
        end=as_of - timedelta(days=1),
    )
    return {"as_of": as_of, "avon": avon, "bath": bath, "big": big, "mid": mid, "carer": carer[0]}


def rows(held):
    return [
        (h.authority, h.division_label, h.supplier, h.share, h.value, h.market_value) for h in held
    ]


def test_each_suppliers_share_of_each_authority_and_division(market):
    held = concentration.concentrated(as_of=market["as_of"], threshold=Decimal("25"))

    # Annual values. The contracts let elsewhere run 466 days (100 before the date, the date,
    # 365 after): x 365 / 466. 600,000 -> 469,957.08; 300,000 -> 234,978.54; 100,000 ->
    # 78,326.18; 50,000 -> 39,163.09. Avon's no-CPV market: 469,957.08 + 234,978.54 +
    # 78,326.18 = 783,261.80; Bath's: 2 x 39,163.09 = 78,326.18. The awarded contract is the
    # only one in its market, whatever its term's annual value.
    awarded = market["carer"].contracts.exclude(lot=None).get()
    carer = annual_value(awarded.value, awarded.start_date, awarded.end_date)
    assert rows(held) == [
        ("Avon Council", "Division 85", "Carer Ltd", Decimal("100.00"), carer, carer),
        (
            "Avon Council",
            "No CPV",
            "Big Group plc",
            Decimal("60.00"),
            Decimal("469957.08"),
            Decimal("783261.80"),
        ),
        (
            "Bath Council",
            "No CPV",
            "Big Group plc",
            Decimal("50.00"),
            Decimal("39163.09"),
            Decimal("78326.18"),
        ),
        (
            "Bath Council",
            "No CPV",
            "Mid Services Ltd",
            Decimal("50.00"),
            Decimal("39163.09"),
            Decimal("78326.18"),
        ),
        (
            "Avon Council",
            "No CPV",
            "Mid Services Ltd",
            Decimal("30.00"),
            Decimal("234978.54"),
            Decimal("783261.80"),
        ),
    ]


def test_shares_are_of_annual_value_not_whole_term_value():
    # Cheddar Council on 1 July 2029: Long Ltd's £300,000 over 1 January 2029 to 31 December
    # 2031 (1,095 days, no 29 February) is £100,000 a year; Short Ltd's £100,000 over 1 June
    # 2029 to 31 May 2030 (365 days) is £100,000 a year. Half each, not 75% and 25%.
    cheddar = testing.buyer_org("Cheddar Council")
    admin = testing.member(cheddar, Role.BUYER_ADMIN)
    long_ = testing.supplier_org("Long Ltd")
    short = testing.supplier_org("Short Ltd")
    entered(
        buyer=cheddar,
        admin=admin,
        supplier=long_,
        value="300000",
        start=date(2029, 1, 1),
        end=date(2031, 12, 31),
    )
    entered(
        buyer=cheddar,
        admin=admin,
        supplier=short,
        value="100000",
        start=date(2029, 6, 1),
        end=date(2030, 5, 31),
    )
    held = concentration.concentrated(as_of=date(2029, 7, 1), threshold=Decimal("0"))
    assert rows(held) == [
        (
            "Cheddar Council",
            "No CPV",
            "Long Ltd",
            Decimal("50.00"),
            Decimal("100000.00"),
            Decimal("200000.00"),
        ),
        (
            "Cheddar Council",
            "No CPV",
            "Short Ltd",
            Decimal("50.00"),
            Decimal("100000.00"),
            Decimal("200000.00"),
        ),
    ]


def test_the_share_must_be_above_the_threshold_not_at_it(market):
    at_thirty = concentration.concentrated(as_of=market["as_of"], threshold=Decimal("30"))
    at_zero = concentration.concentrated(as_of=market["as_of"], threshold=Decimal("0"))

    assert ("Avon Council", "No CPV", "Mid Services Ltd") not in [r[:3] for r in rows(at_thirty)]
    assert len(at_thirty) == 4
    # At 0 every supplier of every market: Carer's £100,000 of Avon's £1,000,000 no-CPV too.
    assert ("Avon Council", "No CPV", "Carer Ltd", Decimal("10.00")) in [
        r[:4] for r in rows(at_zero)
    ]
    assert len(at_zero) == 6


def test_a_contract_counts_only_on_the_days_it_is_in_force(market):
    before = concentration.concentrated(
        as_of=market["as_of"] - timedelta(days=2), threshold=Decimal("0")
    )
    # Two days earlier Mid's £700,000 at Bath was still in force, and Avon's awarded contract
    # had not started.
    bath_mid = [
        h for h in before if h.authority == "Bath Council" and h.supplier == "Mid Services Ltd"
    ]
    # Its term: 500 days before the date to the day before it, 500 days: 700,000 x 365 / 500
    # = 511,000.00; with its 39,163.09 that is 550,163.09 of Bath's 589,326.18 (with Big's
    # 39,163.09).
    assert [(h.value, h.market_value, h.contracts) for h in bath_mid] == [
        (Decimal("550163.09"), Decimal("589326.18"), 2)
    ]
    assert "Division 85" not in {h.division_label for h in before}


def test_a_tender_naming_two_divisions_counts_the_contract_in_each(market):
    from levelfield.tenders.models import TenderCPV

    awarded = market["carer"].contracts.exclude(lot=None).get()
    TenderCPV.objects.create(tender=awarded.lot.tender, code="79600000")

    held = concentration.concentrated(as_of=market["as_of"], threshold=Decimal("25"))

    carer = [h.division_label for h in held if h.supplier == "Carer Ltd"]
    assert carer == ["Division 79", "Division 85"]


def test_every_market_is_worked_out_in_two_queries(market, django_assert_num_queries):
    with django_assert_num_queries(2):  # the contracts in force, and their tenders' CPV codes
        held = concentration.holdings(as_of=market["as_of"])
    assert len(held) == 6


@pytest.mark.parametrize(
    "value, problem",
    [
        (Decimal("100"), "less than 100"),
        (Decimal("-1"), "0 or more"),
        (Decimal("2.555"), "2 decimal places"),
        (Decimal("NaN"), "as a number"),
        (None, "as a number"),
    ],
)
def test_a_threshold_out_of_range_is_refused_with_the_reason(value, problem):
    assert problem in concentration.threshold_problem(value)


def test_a_threshold_in_range_is_taken():
    for value in ("0", "25", "99.99", "12.5"):
        assert concentration.threshold_problem(Decimal(value)) is None


# --- API ----------------------------------------------------------------------------------------


def bearer(person):
    return {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=person, name='t')[1]}"}


def test_the_api_lists_the_suppliers_above_the_share_for_the_team(client, market):
    team = testing.resilience_team_member()

    response = client.get(
        "/api/resilience/concentration",
        {"threshold": "55", "as_of": market["as_of"].isoformat()},
        **bearer(team),
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["threshold"] == "55.00"
    assert body["as_of"] == market["as_of"].isoformat()
    assert [
        (s["authority_name"], s["cpv_division"], s["supplier_name"], s["share"], s["value"])
        for s in body["suppliers"]
    ] == [
        ("Avon Council", "85", "Carer Ltd", "100.00", body["suppliers"][0]["market_value"]),
        ("Avon Council", None, "Big Group plc", "60.00", "469957.08"),
    ]
    assert body["suppliers"][1]["market_value"] == "783261.80"
    assert body["suppliers"][1]["supplier_id"] == market["big"].pk


def test_the_api_refuses_a_threshold_out_of_range(client):
    team = testing.resilience_team_member()
    for value in ("100", "-5", "abc", "1.234"):
        response = client.get("/api/resilience/concentration", {"threshold": value}, **bearer(team))
        assert response.status_code == 422, value
        assert response.json()["code"] == "validation_error"
        assert "threshold" in response.json()["message"]
    response = client.get("/api/resilience/concentration", {"as_of": "27/3/2026"}, **bearer(team))
    assert response.status_code == 422


def test_the_api_is_for_the_team_only(client, market):
    supplier, supplier_user = testing.supplier_with_user()
    officer = testing.member(market["avon"], Role.BUYER_ADMIN)
    admin = testing.UserFactory(is_superuser=True, is_staff=True)

    assert client.get("/api/resilience/concentration").status_code == 401
    for person in (supplier_user, officer, admin):
        response = client.get("/api/resilience/concentration", **bearer(person))
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
